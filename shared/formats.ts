// The JSON Schema formats a field may use, ONE list with one definition each, for the server's
// Ajv, the scenario lint and the browser's validator (client/src/components/form/validate.ts):
// the Chinese identifiers (ours), the standard ones as ajv-formats defines them (its "full"
// definitions: plain regular expressions and functions, no code generation, so the browser runs
// them under the CSP), and the two rjsf adds. Ajv is imported as a type only: the caller owns
// the instance, and shared/ must not pull a second Ajv into the client bundle.
import type { Ajv, Format } from 'ajv';
import { fullFormats } from 'ajv-formats/dist/formats.js';
import {
  checkCreditCode,
  checkIdNumber,
  checkMobile,
  checkPostcode,
  type IdentifierProblem,
} from './identifiers.js';

export const CHINESE_FORMATS = ['cn-id-number', 'cn-credit-code', 'cn-mobile', 'cn-postcode'] as const;
export type ChineseFormat = (typeof CHINESE_FORMATS)[number];

// Schema validation reads the clock at call time, so an ID is refused as "future" against the
// real today; tests that need a fixed day call checkIdNumber directly.
const CHECKS: Readonly<Record<ChineseFormat, (value: string) => IdentifierProblem | null>> = {
  'cn-id-number': (value) => checkIdNumber(value),
  'cn-credit-code': checkCreditCode,
  'cn-mobile': checkMobile,
  'cn-postcode': checkPostcode,
};

function isChineseFormat(format: string): format is ChineseFormat {
  return (CHINESE_FORMATS as readonly string[]).includes(format);
}

/** Validators keyed by format name, in the shape rjsf's `customFormats` option takes. */
export const chineseFormats: Readonly<Record<ChineseFormat, (value: string) => boolean>> = {
  'cn-id-number': (value) => CHECKS['cn-id-number'](value) === null,
  'cn-credit-code': (value) => CHECKS['cn-credit-code'](value) === null,
  'cn-mobile': (value) => CHECKS['cn-mobile'](value) === null,
  'cn-postcode': (value) => CHECKS['cn-postcode'](value) === null,
};

/** The standard formats a field may use, as ajv-formats defines them. */
const STANDARD_FORMATS = [
  'date', 'time', 'date-time', 'duration', 'uri', 'uri-reference', 'uri-template', 'url', 'email', 'hostname', 'ipv4', 'ipv6', 'regex', 'uuid',
  'json-pointer', 'relative-json-pointer', 'byte', 'int32', 'int64', 'float', 'double', 'password', 'binary',
] as const satisfies readonly (keyof typeof fullFormats)[];

// The formats @rjsf/validator-ajv8 adds (its createAjvInstance.ts), with its definitions.
const RJSF_FORMATS: Readonly<Record<'data-url' | 'color', RegExp>> = {
  'data-url': /^data:([a-z]+\/[a-z0-9-+.]+)?;(?:name=(.*);)?base64,(.*)$/,
  color:
    /^(#?([0-9A-Fa-f]{3}){1,2}\b|aqua|black|blue|fuchsia|gray|green|lime|maroon|navy|olive|orange|purple|red|silver|teal|white|yellow|(rgb\(\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*,\s*\b([0-9]|[1-9][0-9]|1[0-9][0-9]|2[0-4][0-9]|25[0-5])\b\s*\))|(rgb\(\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*,\s*(\d?\d%|100%)+\s*\)))$/,
};

/** Every format a field schema may name; the lint refuses any other. */
export const FIELD_FORMATS: readonly string[] = [...CHINESE_FORMATS, ...STANDARD_FORMATS, ...(Object.keys(RJSF_FORMATS) as (keyof typeof RJSF_FORMATS)[])];

/** One definition per field format, in the form Ajv's `addFormat` takes. */
const DEFINITIONS: ReadonlyMap<string, Format> = new Map<string, Format>([
  ...CHINESE_FORMATS.map((name) => [name, { type: 'string', validate: chineseFormats[name] }] as const),
  ...STANDARD_FORMATS.map((name) => [name, fullFormats[name]] as const),
  ...Object.entries(RJSF_FORMATS),
]);

/**
 * Whether `value` passes `format`, with Ajv's rules: a format applies to strings (numbers for
 * int32, int64, float, double) and lets any other value through to `type`; a format that is not
 * a field format is not checked (the lint refuses it in scenarios).
 */
export function formatValid(format: string, value: unknown): boolean {
  const def = DEFINITIONS.get(format);
  if (def === undefined || def === true) return true;
  if (def instanceof RegExp || typeof def === 'function' || typeof def === 'string') {
    if (typeof value !== 'string') return true;
    if (typeof def === 'string') return new RegExp(def, 'u').test(value);
    return def instanceof RegExp ? def.test(value) : (def as (s: string) => boolean)(value);
  }
  const type = def.type ?? 'string';
  if (typeof value !== type) return true;
  const check = def.validate;
  if (check instanceof RegExp) return check.test(value as string);
  if (typeof check === 'string') return new RegExp(check, 'u').test(value as string);
  return (check as (v: unknown) => boolean)(value);
}

/** Registers every field format on `ajv`, with the definitions the browser checks. */
export function addFieldFormats(ajv: Ajv): Ajv {
  for (const [name, def] of DEFINITIONS) ajv.addFormat(name, def);
  return ajv;
}

/** Registers the four formats on `ajv` (string-typed, so non-strings are left to `type`). */
export function addChineseFormats(ajv: Ajv): Ajv {
  for (const name of CHINESE_FORMATS) {
    ajv.addFormat(name, { type: 'string', validate: chineseFormats[name] });
  }
  return ajv;
}

/** Why `value` fails `format`; null when it passes or the format is not one of ours. */
export function formatProblem(format: string, value: string): IdentifierProblem | null {
  return isChineseFormat(format) ? CHECKS[format](value) : null;
}

/**
 * The message to show for a failed `format` keyword. Falls back to a generic sentence for a
 * format that is not ours, or a value that actually passes (e.g. a stale error), so a caller
 * can always display the result.
 */
export function formatMessage(format: string, value: string, lang: 'zh' | 'en'): string {
  const found = formatProblem(format, value);
  if (found) return found[lang];
  return lang === 'zh' ? `格式不正确（应符合 ${format}）` : `must match format "${format}"`;
}

/** What a value of a format looks like, said beside the field before anyone types (格式说明). */
const HINTS: Readonly<Record<string, readonly [string, string]>> = {
  'cn-id-number': ['18 位，末位可为 X', '18 characters; the last may be X'],
  'cn-credit-code': ['18 位统一社会信用代码，数字和大写字母', '18-character unified social credit code: digits and capital letters'],
  'cn-mobile': ['11 位手机号码，以 1 开头', '11-digit mobile number starting with 1'],
  'cn-postcode': ['6 位数字', '6 digits'],
  date: ['年-月-日，如 2026-12-03', 'year-month-day, e.g. 2026-12-03'],
  email: ['电子邮箱，如 name@example.cn', 'an email address, e.g. name@example.cn'],
};

/** The format help for a field, or null when the format needs none. */
export function formatHint(format: string | undefined, lang: 'zh' | 'en'): string | null {
  const h = format ? HINTS[format] : undefined;
  return h ? h[lang === 'en' ? 1 : 0] : null;
}
