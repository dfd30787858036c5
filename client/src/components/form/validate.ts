// Field validation in the browser, with the server's rules and the server's words.
//
// Why not Ajv here: Ajv compiles every schema with `new Function`, and the CSP (server/app.ts,
// script-src 'self', no 'unsafe-eval') refuses that, so @rjsf/validator-ajv8 throws at the first
// validation. Precompiled (standalone) Ajv validators do not fit either: bundles are published at
// run time by designers, so their schemas do not exist when the client is built. The keywords a
// field may use are a closed list (scenarios/schema/field-schema.schema.json), small enough to
// check by hand; the Chinese formats come from shared/formats.ts, the same code the server's Ajv
// runs, and the messages are those of server/applications/validation.ts.
import { formatMessage, formatProblem } from '../../../../shared/formats.js';
import type { JsonSchema } from '../../../../shared/model.js';

export interface FieldError {
  readonly message: string;
  readonly messageEn: string;
}

const err = (message: string, messageEn: string): FieldError => ({ message, messageEn });

const DATE = /^(\d\d\d\d)-(\d\d)-(\d\d)$/;
const DAYS = [0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
function isDate(s: string): boolean {
  const m = DATE.exec(s);
  if (!m) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  return mo >= 1 && mo <= 12 && d >= 1 && d <= (mo === 2 && isLeap(y) ? 29 : (DAYS[mo] ?? 0));
}
const TIME = /^(\d\d):(\d\d):(\d\d(?:\.\d+)?)(z|[+-]\d\d(?::?\d\d)?)$/i;
function isTime(s: string): boolean {
  const m = TIME.exec(s);
  return !!m && Number(m[1]) <= 23 && Number(m[2]) <= 59 && Number(m[3]) < 60;
}

// The standard formats the scenarios may use (ajv-formats' "full" definitions, abridged to those).
const STANDARD: Readonly<Record<string, (s: string) => boolean>> = {
  date: isDate,
  time: isTime,
  'date-time': (s) => {
    const parts = s.split(/t|\s/i);
    return parts.length === 2 && isDate(parts[0] ?? '') && isTime(parts[1] ?? '');
  },
  email: (s) => /^[a-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[a-z0-9!#$%&'*+/=?^_`{|}~-]+)*@(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/i.test(s),
  uri: (s) => /^(?:[a-z][a-z0-9+\-.]*:)(?:\/?\/)?[^\s]*$/i.test(s),
};

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

const regexCache = new Map<string, RegExp | null>();
function regex(pattern: string): RegExp | null {
  let r = regexCache.get(pattern);
  if (r === undefined) {
    try {
      r = new RegExp(pattern, 'u');
    } catch {
      r = null;
    }
    regexCache.set(pattern, r);
  }
  return r;
}

const codePoints = (s: string): number => [...s].length;

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
    const hits = (s.oneOf as { const?: unknown }[]).filter((o) => o.const === value).length;
    if (hits !== 1) return err('不在可选范围内', 'is not one of the allowed values');
  }
  if (Array.isArray(s.enum) && !(s.enum as unknown[]).includes(value)) return err('不在可选范围内', 'is not one of the allowed values');
  if (Object.hasOwn(s, 'const') && s.const !== value) return err('不在可选范围内', 'is not one of the allowed values');
  if (typeof value === 'string') {
    const n = codePoints(value);
    if (typeof s.minLength === 'number' && n < s.minLength) return err(`至少 ${s.minLength} 个字符`, `must have at least ${s.minLength} characters`);
    if (typeof s.maxLength === 'number' && n > s.maxLength) return err(`最多 ${s.maxLength} 个字符`, `must have at most ${s.maxLength} characters`);
    if (typeof s.pattern === 'string') {
      const r = regex(s.pattern);
      if (r && !r.test(value)) return err('格式不正确', `must match ${s.pattern}`);
    }
    if (typeof s.format === 'string') {
      if (formatProblem(s.format, value)) return err(formatMessage(s.format, value, 'zh'), formatMessage(s.format, value, 'en'));
      const check = STANDARD[s.format];
      if (check && !check(value)) {
        const [zh, en] = FORMAT_NAMES[s.format] ?? ['格式不正确', `must match format "${s.format}"`];
        return err(zh, en);
      }
    }
  }
  if (typeof value === 'number') {
    if (typeof s.minimum === 'number' && value < s.minimum) return err(`不能小于 ${s.minimum}`, `must be >= ${s.minimum}`);
    if (typeof s.exclusiveMinimum === 'number' && value <= s.exclusiveMinimum) return err(`应大于 ${s.exclusiveMinimum}`, `must be > ${s.exclusiveMinimum}`);
    if (typeof s.maximum === 'number' && value > s.maximum) return err(`不能大于 ${s.maximum}`, `must be <= ${s.maximum}`);
    if (typeof s.exclusiveMaximum === 'number' && value >= s.exclusiveMaximum) return err(`应小于 ${s.exclusiveMaximum}`, `must be < ${s.exclusiveMaximum}`);
    if (typeof s.multipleOf === 'number' && s.multipleOf > 0) {
      const q = value / s.multipleOf;
      if (Math.abs(q - Math.round(q)) > 1e-9) return err(`应为 ${s.multipleOf} 的倍数`, `must be a multiple of ${s.multipleOf}`);
    }
  }
  if (Array.isArray(value)) {
    if (typeof s.minItems === 'number' && value.length < s.minItems) return err(`至少选择 ${s.minItems} 项`, `must have at least ${s.minItems} items`);
    if (typeof s.maxItems === 'number' && value.length > s.maxItems) return err(`最多选择 ${s.maxItems} 项`, `must have at most ${s.maxItems} items`);
    if (s.uniqueItems === true && new Set(value.map((v) => JSON.stringify(v))).size !== value.length) return err('不能重复选择', 'must not contain duplicates');
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
