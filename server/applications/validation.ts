import type { ValidateFunction } from 'ajv';
import { createAjv } from '../ajv.js';
import { compose, formDataFromAnswers, type ComposedElement, type ComposedForm } from '../../shared/compose.js';
import { evaluate, type Evaluation } from '../../shared/evaluate.js';
import type { FieldProblem } from '../../shared/field-rules.js';
import type { JsonSchema, Profile } from '../../shared/model.js';
import type { ErrorDetail } from '../errors.js';
import { describe, outermost } from '../http/schema-errors.js';
import type { BundleVersion } from '../bundles/registry.js';

const ajv = createAjv();

/** Compiled per element schema; schemas are shared by every version published from one file set. */
const compiled = new Map<string, ValidateFunction>();
/** The same, by the schema object: compose hands out one object per form shape. */
const byObject = new WeakMap<JsonSchema, ValidateFunction>();
function validatorFor(schema: JsonSchema): ValidateFunction {
  let v = byObject.get(schema);
  if (v) return v;
  const key = JSON.stringify(schema);
  v = compiled.get(key);
  if (!v) {
    v = ajv.compile(schema as object);
    compiled.set(key, v);
  }
  byObject.set(schema, v);
  return v;
}

/** The full form of a version (every item, optional ones too): what a draft may contain. */
const fullForms = new WeakMap<BundleVersion['bundle'], ComposedForm>();
export function fullForm(v: BundleVersion): ComposedForm {
  let form = fullForms.get(v.bundle);
  if (!form) {
    form = compose(v.bundle, v.catalogue);
    fullForms.set(v.bundle, form);
  }
  return form;
}

/**
 * A draft: every value present must be valid for its element, and every key must be an element
 * of this bundle; nothing is required yet. All failures are reported at once.
 */
export function validateDraft(v: BundleVersion, answers: Record<string, unknown>, prefilled: Readonly<Record<string, unknown>>): ErrorDetail[] {
  const byElement = new Map(fullForm(v).elements.map((e) => [e.element, e]));
  const details: ErrorDetail[] = [];
  for (const [key, value] of Object.entries(answers)) {
    const el = byElement.get(key);
    if (!el || !el.inForm) {
      details.push({ path: key, message: '不是本事项表单中的字段', messageEn: 'is not a field of this form' });
      continue;
    }
    if (value === null) continue;
    if (Object.hasOwn(prefilled, key) && prefilled[key] !== value) {
      details.push({ path: key, message: '此项由实名信息或数据共享自动填写，不能修改', messageEn: 'is prefilled from identity or data sharing and cannot be changed' });
      continue;
    }
    const validate = validatorFor(el.schema);
    if (!validate(value)) {
      for (const err of outermost(validate.errors ?? [])) {
        const sub = err.instancePath ? `${key}${err.instancePath.replace(/\//g, '.')}` : key;
        details.push({ path: sub, ...describe(err, value) });
      }
    }
  }
  return details;
}

/**
 * The values the platform fills for this applicant with these answers (identity, data sharing,
 * and prefills that hold only in a situation, like the father applying): a draft may not change them.
 */
export function prefilledValues(v: BundleVersion, answers: Record<string, unknown>, profile: Profile): Record<string, unknown> {
  const e = evaluate(v.bundle, v.catalogue, answers, profile);
  return Object.fromEntries(Object.keys(e.prefilled).filter((k) => Object.hasOwn(e.values, k)).map((k) => [k, e.values[k]]));
}

/** The bundle's cross-field checks that fail (shared/field-rules.ts), in the error body's shape. */
export function checkDetails(problems: readonly FieldProblem[]): ErrorDetail[] {
  return problems.map((p) => ({ path: p.element, message: p.message, messageEn: p.messageEn }));
}

/**
 * At submission: the composed form of the included items, required fields and all (field rules
 * applied: a hidden field is not asked, a field a rule requires is), and the cross-field checks.
 */
export function validateComplete(v: BundleVersion, evaluation: Evaluation, form: ComposedForm = compose(v.bundle, v.catalogue, { evaluation })): ErrorDetail[] {
  const data = formDataFromAnswers(form, evaluation.values);
  // An untouched section must still be there for its required fields to be reported one by one.
  for (const section of form.sections) data[section.id] ??= {};
  const validate = validatorFor(form.schema);
  const checks = checkDetails(evaluation.problems ?? []);
  if (validate(data)) return checks;
  const bySlot = new Map<string, ComposedElement>(form.elements.map((e) => [`${e.section}/${e.key}`, e]));
  const details: ErrorDetail[] = [];
  for (const err of outermost(validate.errors ?? [])) {
    const segments = err.instancePath.split('/').filter(Boolean);
    if (err.keyword === 'required') segments.push(String((err.params as { missingProperty: string }).missingProperty));
    const el = bySlot.get(`${segments[0]}/${segments[1]}`);
    const value = el ? evaluation.values[el.element] : undefined;
    details.push({ path: el ? el.element : segments.join('.'), ...describe(err, value) });
  }
  // A value failing its own schema is told that first; a check on it would only repeat it.
  return [...details, ...checks.filter((c) => !details.some((d) => d.path === c.path))];
}
