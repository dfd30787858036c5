// react-jsonschema-form's validator interface, implemented on validate.ts instead of Ajv (which
// the CSP forbids: see the header of validate.ts). The portal validates field by field itself
// and shows the results through `extraErrors`; this is what rjsf calls for its own needs
// (choosing between alternatives, or validating on submit if a form asks it to).
import type { ErrorSchema, RJSFSchema, RJSFValidationError, ValidationData, ValidatorType } from '@rjsf/utils';
import type { JsonSchema } from '../../../../shared/model.js';
import { isEmpty, REQUIRED, validateValue, type FieldError } from './validate';

type Lang = 'zh' | 'en';
type Data = Record<string, unknown>;

/** Problems of an object's properties, key by key (a flat object: the forms are kept flat). */
export function validateObject(schema: JsonSchema, data: unknown): Map<string, FieldError> {
  const problems = new Map<string, FieldError>();
  const props = (schema.properties ?? {}) as Record<string, JsonSchema>;
  const values = data !== null && typeof data === 'object' ? (data as Data) : {};
  for (const key of (schema.required ?? []) as string[]) {
    if (isEmpty(values[key])) problems.set(key, REQUIRED);
  }
  for (const [key, s] of Object.entries(props)) {
    if (problems.has(key) || isEmpty(values[key])) continue;
    const e = validateValue(s, values[key]);
    if (e) problems.set(key, e);
  }
  return problems;
}

function isValidAgainst(schema: JsonSchema, data: unknown): boolean {
  if (schema.type === 'object' || schema.properties) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) return data === undefined;
    return validateObject(schema, data).size === 0;
  }
  return validateValue(schema, data) === null;
}

export function createValidator(lang: Lang): ValidatorType<Data, RJSFSchema> {
  const text = (e: FieldError): string => (lang === 'en' ? e.messageEn : e.message);
  return {
    validateFormData(formData, schema): ValidationData<Data> {
      const problems = validateObject(schema as JsonSchema, formData);
      const errors: RJSFValidationError[] = [];
      const errorSchema: Record<string, { __errors: string[] }> = {};
      for (const [key, e] of problems) {
        const message = text(e);
        errors.push({ name: e === REQUIRED ? 'required' : 'invalid', property: `.${key}`, message, stack: `${key}: ${message}`, schemaPath: '' });
        errorSchema[key] = { __errors: [message] };
      }
      return { errors, errorSchema: errorSchema as ErrorSchema<Data> };
    },
    isValid: (schema, formData) => isValidAgainst(schema as JsonSchema, formData),
    rawValidation<Result>(schema: RJSFSchema, formData?: Data) {
      const problems = validateObject(schema as JsonSchema, formData);
      return { errors: [...problems].map(([key, e]) => ({ key, message: text(e) })) as Result[] };
    },
  };
}
