// Field validation in the browser, with the server's rules and the server's words.
//
// Why not Ajv here: Ajv compiles every schema with `new Function`, and the CSP (server/app.ts,
// script-src 'self', no 'unsafe-eval') refuses that, so @rjsf/validator-ajv8 throws at the first
// validation. Precompiled (standalone) Ajv validators do not fit either: bundles are published at
// run time by designers, so their schemas do not exist when the client is built. The keywords a
// field may use are a closed list (scenarios/schema/field-schema.schema.json), small enough to
// check by hand; the formats come from shared/formats.ts, the same definitions the server's Ajv
// runs, the patterns on shared/pattern.ts, the RE2 engine the server's Ajv is given, and the
// messages are those of server/applications/validation.ts. test/unit/validate-differential.test.ts
// checks that this and Ajv agree on every keyword and format.
import { formatMessage, formatProblem, formatValid } from '../../../../shared/formats.js';
import type { JsonSchema } from '../../../../shared/model.js';
import { patternRefuses } from '../../../../shared/pattern.js';

export interface FieldError {
  readonly message: string;
  readonly messageEn: string;
}

const err = (message: string, messageEn: string): FieldError => ({ message, messageEn });

const FORMAT_NAMES: Readonly<Record<string, [string, string]>> = {
  date: ['日期格式应为 YYYY-MM-DD', 'must be a date (YYYY-MM-DD)'],
  time: ['时间格式不正确', 'must be a time'],
  'date-time': ['日期时间格式不正确', 'must be a date and time'],
  email: ['电子邮箱格式不正确', 'must be an e-mail address'],
  uri: ['网址格式不正确', 'must be a URI'],
};

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

function typeMatches(expected: unknown, v: unknown): boolean {
  const types = Array.isArray(expected) ? (expected as string[]) : [expected as string];
  const actual = typeOf(v);
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

const TYPE_ZH: Readonly<Record<string, string>> = { string: '文本', number: '数字', integer: '整数', boolean: '是/否', array: '列表', object: '对象', null: '空' };

const codePoints = (s: string): number => [...s].length;

/** JSON equality as Ajv decides it (enum, const, uniqueItems): structural, key order ignored. */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => equal(x, b[i]));
  const ka = Object.keys(a);
  const bo = b as Record<string, unknown>;
  return ka.length === Object.keys(bo).length && ka.every((k) => Object.hasOwn(bo, k) && equal((a as Record<string, unknown>)[k], bo[k]));
}

/** Ajv's multipleOf: the quotient must be an integer exactly (0.3 is not a multiple of 0.1 in floating point). */
function multipleOf(value: number, step: number): boolean {
  const q = value / step;
  return q === Number.parseInt(String(q));
}

/**
 * The first problem with `value` under `schema`, outermost keyword first (the server reports one
 * message per value the same way), or null when it is valid. An absent value is valid here:
 * whether it is required is the object's business.
 */
export function validateValue(schema: JsonSchema, value: unknown): FieldError | null {
  if (value === undefined) return null;
  const s = schema as Record<string, unknown>;
  if (s.type !== undefined && !typeMatches(s.type, value)) {
    const t = Array.isArray(s.type) ? (s.type as string[]).join('/') : String(s.type);
    return err(`类型应为${TYPE_ZH[t] ?? t}`, `must be of type ${t}`);
  }
  if (Array.isArray(s.oneOf)) {
    const hits = (s.oneOf as { const?: unknown }[]).filter((o) => equal(o.const, value)).length;
    if (hits !== 1) return err('不在可选范围内', 'is not one of the allowed values');
  }
  if (Array.isArray(s.enum) && !(s.enum as unknown[]).some((e) => equal(e, value))) return err('不在可选范围内', 'is not one of the allowed values');
  if (Object.hasOwn(s, 'const') && !equal(s.const, value)) return err('不在可选范围内', 'is not one of the allowed values');
  if (typeof value === 'string') {
    const n = codePoints(value);
    if (typeof s.minLength === 'number' && n < s.minLength) return err(`至少 ${s.minLength} 个字符`, `must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && n > s.maxLength) return err(`最多 ${s.maxLength} 个字符`, `must have at most ${s.maxLength} characters`);
    // The server's engine (RE2, linear time); a pattern it cannot compile is the lint's business.
    if (typeof s.pattern === 'string' && patternRefuses(s.pattern, value)) {
      return err('格式不正确', `must match ${s.pattern}`);
    }
  }
  if (typeof s.format === 'string' && !formatValid(s.format, value)) {
    const text = String(value);
    if (formatProblem(s.format, text)) return err(formatMessage(s.format, text, 'zh'), formatMessage(s.format, text, 'en'));
    const [zh, en] = FORMAT_NAMES[s.format] ?? ['格式不正确', `must match format "${s.format}"`];
    return err(zh, en);
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return err(`不能小于 ${s.minimum}`, `must be >= ${s.minimum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return err(`应大于 ${s.exclusiveMinimum}`, `must be > ${s.exclusiveMinimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) return err(`不能大于 ${s.maximum}`, `must be <= ${s.maximum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return err(`应小于 ${s.exclusiveMaximum}`, `must be < ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
      if (!multipleOf(value, s.multipleOf)) return err(`应为 ${s.multipleOf} 的倍数`, `must be a multiple of ${s.multipleOf}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) return err(`至少选择 ${s.minItems} 项`, `must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return err(`最多选择 ${s.maxItems} 项`, `must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true && value.some((v, i) => value.slice(0, i).some((w) => equal(v, w)))) return err('不能重复选择', 'must not contain duplicates');
    if (s.items && typeof s.items === 'object') {
      for (const item of value) {
        const e = validateValue(s.items as JsonSchema, item);
        if (e) return e;
      }
    }
  }
  return null;
}

/** A value the applicant has not given: absent, or an empty string or list left by a widget. */
export function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || value === '' || (Array.isArray(value) && value.length === 0);
}

export const REQUIRED: FieldError = err('必填', 'required');
