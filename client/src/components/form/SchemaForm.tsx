// One flat section of a composed form, rendered by @rjsf/core with light widgets.
//
// Measured in headless Chromium on a 300-field form (see test/bench/portal.ts and the portal
// report): @rjsf/antd spends 70–190 ms per keystroke, @rjsf/core ~6 ms, a hand-written renderer
// ~2 ms. @rjsf/core keeps the engine's contract (compose() emits rjsf schema + uiSchema) and is
// well inside the budget, so the widgets and templates here are plain HTML elements styled like
// antd (form.css) rather than antd components. Validation runs per field on blur (validate.ts),
// never per keystroke, and is shown through `extraErrors`.
import { memo, useCallback, useMemo, useState, type ChangeEvent, type FocusEvent } from 'react';
import Form from '@rjsf/core';
import type { IChangeEvent } from '@rjsf/core';
import {
  ariaDescribedByIds,
  descriptionId,
  enumOptionsIsSelected,
  errorId,
  getInputProps,
  helpId,
  optionId,
  TranslatableString,
  type BaseInputTemplateProps,
  type ErrorSchema,
  type FieldErrorProps,
  type FieldHelpProps,
  type FieldTemplateProps,
  type ObjectFieldTemplateProps,
  type RegistryWidgetsType,
  type RJSFSchema,
  type TemplatesType,
  type UiSchema,
  type WidgetProps,
} from '@rjsf/utils';
import type { JsonSchema } from '../../../../shared/model.js';
import { useI18n } from '../../i18n';
import { formatHint } from '../../../../shared/formats.js';
import { createValidator } from './rjsf-validator';
import './form.css';

type Data = Record<string, unknown>;

export interface SchemaFormContext {
  /** Field key → a short note beside the label, e.g. 来自实名认证 for a prefilled value. */
  badges?: Readonly<Record<string, string>>;
  /** Field key → an extra line under the field (e.g. which rule made it appear). */
  notes?: Readonly<Record<string, string>>;
}

export interface SchemaFormProps {
  /** Prefix of every element id: unique on the page. */
  idPrefix: string;
  /** A flat object schema: one section of the composed form. */
  schema: JsonSchema;
  uiSchema?: Readonly<Record<string, unknown>>;
  /**
   * The values. The form keeps what is typed itself: rjsf only hears of `formData` again when it
   * differs from what the form last reported (new answers loaded from elsewhere) or the schema
   * changes (a rule brought a field in or took one out). Handing every keystroke back would make
   * rjsf deep-compare and re-derive the whole form each time.
   */
  formData: Data;
  /** Field key → the message to show at that field (already in the page's language). */
  errors?: Readonly<Record<string, string>>;
  context?: SchemaFormContext;
  onChange(data: Data): void;
  /** A field was left, with the value it holds. */
  onBlur?(key: string, value: unknown): void;
}

const SEPARATOR = '_';

/** Radio buttons for yes/no and short choice lists (one click, all options visible); a list otherwise. */
const MAX_RADIOS = 4;

function withWidgets(schema: JsonSchema, uiSchema: Readonly<Record<string, unknown>> = {}): UiSchema {
  const out: Record<string, unknown> = { ...uiSchema };
  for (const [key, s] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
    const ui = { ...((uiSchema[key] as Record<string, unknown> | undefined) ?? {}) };
    if (ui['ui:widget'] === undefined) {
      const choices = Array.isArray(s.oneOf) ? s.oneOf.length : Array.isArray(s.enum) ? s.enum.length : 0;
      if (s.type === 'boolean') ui['ui:widget'] = 'radio';
      else if (s.type === 'array') ui['ui:widget'] = 'checkboxes';
      else if (choices > 0 && choices <= MAX_RADIOS) ui['ui:widget'] = 'radio';
    }
    out[key] = ui;
  }
  return out as UiSchema;
}

const keyOf = (props: { fieldPathId: { path: readonly (string | number)[] } }): string => String(props.fieldPathId.path[props.fieldPathId.path.length - 1] ?? '');
const isGroup = (uiSchema: UiSchema | undefined): boolean => uiSchema?.['ui:widget'] === 'radio' || uiSchema?.['ui:widget'] === 'checkboxes';

function FieldTemplate(props: FieldTemplateProps<Data, RJSFSchema, SchemaFormContext>) {
  const { id, label, children, errors, help, required, displayLabel, hidden, schema, uiSchema, registry, rawErrors } = props;
  const { lang } = useI18n();
  if (hidden) return <div hidden>{children}</div>;
  if (schema.type === 'object') return children;
  const key = keyOf(props);
  const context = registry.formContext;
  const badge = context?.badges?.[key];
  const note = context?.notes?.[key];
  // What a valid value looks like, before anyone types it wrong (18 位，末位可为 X).
  const hint = formatHint(typeof schema.format === 'string' ? schema.format : undefined, lang);
  const labelContent = (
    <>
      {required && (
        <span className="sf-required" aria-hidden="true">
          *
        </span>
      )}
      {label}
      {badge && <span className="sf-badge">{badge}</span>}
    </>
  );
  const invalid = !!rawErrors?.length;
  if (isGroup(uiSchema)) {
    return (
      <fieldset className={`sf-field${invalid ? ' sf-invalid' : ''}`} data-field={key}>
        {displayLabel && <legend className="sf-label">{labelContent}</legend>}
        {children}
        {hint && <div className="sf-note sf-format">{hint}</div>}
        {errors}
        {help}
        {note && <div className="sf-note">{note}</div>}
      </fieldset>
    );
  }
  return (
    <div className={`sf-field${invalid ? ' sf-invalid' : ''}`} data-field={key}>
      {displayLabel && (
        <label className="sf-label" htmlFor={id}>
          {labelContent}
        </label>
      )}
      {children}
      {hint && <div className="sf-note sf-format">{hint}</div>}
      {errors}
      {help}
      {note && <div className="sf-note">{note}</div>}
    </div>
  );
}

function ObjectFieldTemplate({ properties }: ObjectFieldTemplateProps<Data, RJSFSchema, SchemaFormContext>) {
  return <div className="sf-section">{properties.map((p) => p.content)}</div>;
}

function FieldErrorTemplate({ errors = [], fieldPathId }: FieldErrorProps<Data, RJSFSchema, SchemaFormContext>) {
  const shown = errors.filter((e) => !!e);
  if (shown.length === 0) return null;
  return (
    <div id={errorId(fieldPathId)} className="sf-error">
      {shown.map((e, i) => (
        <div key={i}>{e}</div>
      ))}
    </div>
  );
}

function FieldHelpTemplate({ fieldPathId, help }: FieldHelpProps<Data, RJSFSchema, SchemaFormContext>) {
  if (!help) return null;
  return (
    <div id={helpId(fieldPathId)} className="sf-help">
      {help}
    </div>
  );
}

function DescriptionFieldTemplate({ id, description }: { id: string; description?: React.ReactNode }) {
  if (!description) return null;
  return (
    <div id={id} className="sf-help">
      {description}
    </div>
  );
}

function describedBy(id: string, invalid: boolean): string {
  // Only point at elements that exist: the error line is rendered only while there is an error.
  const ids = ariaDescribedByIds(id).split(' ').filter((x) => x !== errorId(id) && x !== descriptionId(id));
  return [invalid ? errorId(id) : null, ...ids].filter(Boolean).join(' ');
}

function BaseInputTemplate(props: BaseInputTemplateProps<Data, RJSFSchema, SchemaFormContext>) {
  const { id, htmlName, value, readonly, disabled, autofocus, onBlur, onFocus, onChange, options, schema, type, rawErrors, required, placeholder } = props;
  const inputProps = getInputProps<Data, RJSFSchema, SchemaFormContext>(schema, type, options);
  const numeric = inputProps.type === 'number' || inputProps.type === 'integer';
  const shown = numeric ? (value || value === 0 ? value : '') : (value ?? '');
  const emptyValue = options.emptyValue as unknown;
  const convert = useCallback((v: string): unknown => (v === '' ? emptyValue : numeric && !Number.isNaN(Number(v)) ? Number(v) : v), [emptyValue, numeric]);
  const handleChange = useCallback((e: ChangeEvent<HTMLInputElement>) => onChange(convert(e.target.value)), [onChange, convert]);
  const handleBlur = useCallback((e: FocusEvent<HTMLInputElement>) => onBlur(id, convert(e.target.value)), [onBlur, id, convert]);
  const handleFocus = useCallback((e: FocusEvent<HTMLInputElement>) => onFocus(id, e.target.value), [onFocus, id]);
  const invalid = !!rawErrors?.length;
  return (
    <input
      id={id}
      name={htmlName || id}
      className="sf-input"
      {...inputProps}
      type={inputProps.type === 'integer' ? 'number' : inputProps.type}
      inputMode={numeric ? (inputProps.type === 'integer' ? 'numeric' : 'decimal') : undefined}
      placeholder={placeholder}
      readOnly={readonly}
      disabled={disabled}
      autoFocus={autofocus}
      required={required}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy(id, invalid) || undefined}
      autoComplete="off"
      value={shown as string | number}
      onChange={handleChange}
      onBlur={handleBlur}
      onFocus={handleFocus}
    />
  );
}

function labelOf(options: WidgetProps['options'], value: unknown): string {
  return options.enumOptions?.find((o) => enumOptionsIsSelected(o.value, value))?.label ?? (value === undefined || value === null ? '' : String(value));
}

/** A read-only choice reads as text: a disabled control would be skipped by the keyboard and hard to read. */
function ReadonlyChoice({ id, value, options, rawErrors }: WidgetProps<Data, RJSFSchema, SchemaFormContext>) {
  const { t } = useI18n();
  const text = Array.isArray(value) ? value.map((v) => labelOf(options, v)).join(t('、', ', ')) : labelOf(options, value);
  return <input id={id} className="sf-input" readOnly value={text} aria-describedby={describedBy(id, !!rawErrors?.length) || undefined} />;
}

function SelectWidget(props: WidgetProps<Data, RJSFSchema, SchemaFormContext>) {
  const { id, options, value, required, disabled, readonly, autofocus, onChange, onBlur, onFocus, rawErrors, htmlName } = props;
  const { t } = useI18n();
  const enumOptions = options.enumOptions ?? [];
  const index = enumOptions.findIndex((o) => enumOptionsIsSelected(o.value, value));
  const pick = (i: string) => (i === '' ? options.emptyValue : enumOptions[Number(i)]?.value) as unknown;
  if (readonly) return <ReadonlyChoice {...props} />;
  const invalid = !!rawErrors?.length;
  return (
    <select
      id={id}
      name={htmlName || id}
      className="sf-input sf-select"
      value={index >= 0 ? String(index) : ''}
      required={required}
      disabled={disabled}
      autoFocus={autofocus}
      aria-invalid={invalid || undefined}
      aria-describedby={describedBy(id, invalid) || undefined}
      onChange={(e) => onChange(pick(e.target.value))}
      onBlur={(e) => onBlur(id, pick(e.target.value))}
      onFocus={(e) => onFocus(id, pick(e.target.value))}
    >
      <option value="">{t('请选择', 'Please choose')}</option>
      {enumOptions.map((o, i) => (
        <option key={i} value={String(i)}>
          {o.label}
        </option>
      ))}
    </select>
  );
}

function RadioWidget(props: WidgetProps<Data, RJSFSchema, SchemaFormContext>) {
  const { id, options, value, required, disabled, readonly, onChange, onBlur, onFocus, rawErrors, htmlName } = props;
  if (readonly) return <ReadonlyChoice {...props} />;
  const invalid = !!rawErrors?.length;
  return (
    <div className="sf-choices" id={id}>
      {(options.enumOptions ?? []).map((o, i) => (
        <label key={i} className="sf-choice">
          <input
            type="radio"
            id={optionId(id, i)}
            name={htmlName || id}
            checked={enumOptionsIsSelected(o.value, value)}
            required={required}
            disabled={disabled}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy(id, invalid) || undefined}
            onChange={() => onChange(o.value)}
            onBlur={() => onBlur(id, value)}
            onFocus={() => onFocus(id, value)}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

function CheckboxesWidget(props: WidgetProps<Data, RJSFSchema, SchemaFormContext>) {
  const { id, options, value, disabled, readonly, onChange, onBlur, onFocus, rawErrors, htmlName } = props;
  if (readonly) return <ReadonlyChoice {...props} />;
  const selected = Array.isArray(value) ? (value as unknown[]) : [];
  const invalid = !!rawErrors?.length;
  const all = options.enumOptions ?? [];
  const toggle = (v: unknown, on: boolean) => {
    const next = on ? [...selected, v] : selected.filter((x) => x !== v);
    // Keep the catalogue's order, whatever order they were ticked in.
    onChange(all.map((o) => o.value).filter((x) => next.includes(x)));
  };
  return (
    <div className="sf-choices" id={id}>
      {all.map((o, i) => (
        <label key={i} className="sf-choice">
          <input
            type="checkbox"
            id={optionId(id, i)}
            name={htmlName || id}
            checked={selected.includes(o.value)}
            disabled={disabled}
            aria-invalid={invalid || undefined}
            aria-describedby={describedBy(id, invalid) || undefined}
            onChange={(e) => toggle(o.value, e.target.checked)}
            onBlur={() => onBlur(id, value)}
            onFocus={() => onFocus(id, value)}
          />
          <span>{o.label}</span>
        </label>
      ))}
    </div>
  );
}

const templates: Partial<TemplatesType<Data, RJSFSchema, SchemaFormContext>> = {
  FieldTemplate,
  ObjectFieldTemplate,
  FieldErrorTemplate,
  FieldHelpTemplate,
  BaseInputTemplate,
  DescriptionFieldTemplate,
};

const widgets: RegistryWidgetsType<Data, RJSFSchema, SchemaFormContext> = { SelectWidget, RadioWidget, CheckboxesWidget };

/** Same values, an absent key and an undefined one alike. */
function sameData(a: Data, b: Data): boolean {
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (a[k] === b[k]) continue;
    if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) return false;
  }
  return true;
}

const validators = { zh: createValidator('zh'), en: createValidator('en') };
const DEFAULTS = { constAsDefaults: 'never', emptyObjectFields: 'skipDefaults' } as const;

function errorSchemaOf(errors: Readonly<Record<string, string>> | undefined): ErrorSchema<Data> | undefined {
  if (!errors) return undefined;
  const out: Record<string, { __errors: string[] }> = {};
  for (const [key, message] of Object.entries(errors)) out[key] = { __errors: [message] };
  return out as ErrorSchema<Data>;
}

/**
 * A section of a composed form. Memoised: the wizard re-renders on every answer, and a section
 * whose props did not change must cost nothing.
 */
export const SchemaForm = memo(function SchemaForm({ idPrefix, schema, uiSchema, formData, errors, context, onChange, onBlur }: SchemaFormProps) {
  const { lang } = useI18n();
  // rjsf re-derives its whole state whenever any prop changes, from the `formData` prop. So it is
  // handed the same props while the applicant types (it keeps the values itself), and the latest
  // values together with anything else that changes (errors, schema), or when the parent brings
  // values of its own (not an echo of what the form reported).
  const [reported, setReported] = useState<Data | null>(null);
  const [seed, setSeed] = useState({ schema, uiSchema, errors, context, formData });
  const latest = reported ?? seed.formData;
  const external = formData !== seed.formData && !sameData(formData, latest);
  if (external || seed.schema !== schema || seed.uiSchema !== uiSchema || seed.errors !== errors || seed.context !== context) {
    setSeed({ schema, uiSchema, errors, context, formData: external ? formData : latest });
    if (external) setReported(null);
  }
  const ui = useMemo(() => withWidgets(schema, uiSchema), [schema, uiSchema]);
  const extraErrors = useMemo(() => errorSchemaOf(errors), [errors]);
  const translate = useCallback(
    (s: TranslatableString, params?: string[]): string => {
      if (s === TranslatableString.YesLabel) return lang === 'en' ? 'Yes' : '是';
      if (s === TranslatableString.NoLabel) return lang === 'en' ? 'No' : '否';
      return params ? params.reduce((text, p, i) => text.replace(`%${i + 1}`, p), s as string) : s;
    },
    [lang],
  );
  const prefix = `${idPrefix}${SEPARATOR}`;
  const handleBlur = useCallback(
    (id: string, value: unknown) => {
      if (!onBlur || !id.startsWith(prefix)) return;
      onBlur(id.slice(prefix.length), value);
    },
    [onBlur, prefix],
  );
  const handleChange = useCallback(
    (e: IChangeEvent<Data, RJSFSchema, SchemaFormContext>) => {
      setReported(e.formData ?? {});
      onChange(e.formData ?? {});
    },
    [onChange],
  );
  return (
    <Form<Data, RJSFSchema, SchemaFormContext>
      tagName="div"
      className="sf-form"
      schema={schema as RJSFSchema}
      uiSchema={ui}
      formData={seed.formData}
      formContext={context}
      validator={validators[lang]}
      templates={templates}
      widgets={widgets}
      translateString={translate}
      idPrefix={idPrefix}
      idSeparator={SEPARATOR}
      extraErrors={extraErrors}
      showErrorList={false}
      noHtml5Validate
      // Never answer for the applicant: rjsf would otherwise preselect the first choice of a oneOf.
      experimental_defaultFormStateBehavior={DEFAULTS}
      onChange={handleChange}
      onBlur={handleBlur}
    >
      {/* The wizard has its own buttons: no submit button inside a section. */}
      <></>
    </Form>
  );
});
