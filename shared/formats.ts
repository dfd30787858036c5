// JSON Schema formats for Chinese identifiers, shared by the server's Ajv and the browser's
// @rjsf/validator-ajv8. Ajv is imported as a type only: the caller owns the instance (rjsf
// builds its own), and shared/ must not pull a second Ajv into the client bundle.
import type { Ajv } from 'ajv';
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
