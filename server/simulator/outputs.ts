/**
 * Realistic results for a simulated department to complete a sub-application with: the values an
 * item declares it produces, e.g. a valid 统一社会信用代码 from 企业设立登记 or a 出生医学证明编号,
 * so the next department in the bundle receives something its own validation accepts.
 *
 * Consistent with the case, as the department's own system would make them (it knows its own
 * field names, the national pinyin abbreviations: 出生日期 `csrq`, 性别 `xb`, 身份证号 `…sfzh`):
 * the newborn's 公民身份号码 is coded from the household's region (the first six digits of a
 * parent's number), the birth date and the sex (an odd sequence for a boy, even for a girl), with
 * its GB 11643 check digit; a 社会保障卡's number is its holder's 公民身份号码; one number per
 * certificate within one completion (the 出生医学证明 and its 编号, the 营业执照 and the 统一社会信用代码).
 */
import { checkIdNumber, computeCreditCodeCheck, computeIdNumberCheck } from '../../shared/identifiers.js';
import { compilePattern, type Pattern } from '../../shared/pattern.js';
import { chinaToday } from '../../shared/beijing-time.js';

export type JsonSchema = { readonly [keyword: string]: unknown };

/** One entry of the webhook body's `produces`: an element (or material) the item yields. */
export interface ProducedOutput {
  key: string;
  title?: string;
  schema?: JsonSchema;
}

export interface GenerateContext {
  /** Uniform in [0, 1); injectable for reproducible tests. */
  random?: () => number;
  now?: Date;
  /** The case as the department received it (the webhook body's `fields`, in its own field names). */
  fields?: Record<string, unknown>;
}

/** What the department's system reads off its case to make its results consistent with it. */
export interface CaseFacts {
  /** YYYY-MM-DD, from 出生日期 (`csrq`). */
  birthDate?: string;
  /** 1 male, 2 female, from 性别 (`xb`). */
  gender?: 1 | 2;
  /** The household's 6-digit region code: of the father's number, else the mother's, else any person's on the case. */
  region?: string;
  /** The holder's own 公民身份号码 (`sfzh`), when the case is about one person who has one. */
  holderId?: string;
  /** 残疾类别 (`cjlb`, 1–7) and 残疾等级 (`cjdj`, 1–4), on a 残联 case. */
  disabilityCategory?: string;
  disabilityGrade?: string;
}

/** Reads CaseFacts from a department's own field names (GB/T pinyin abbreviations). */
export function caseFacts(fields: Record<string, unknown> | undefined): CaseFacts {
  const f = fields ?? {};
  const str = (k: string): string | undefined => (typeof f[k] === 'string' ? (f[k] as string) : undefined);
  const validId = (v: string | undefined) => (v !== undefined && checkIdNumber(v) === null ? v : undefined);
  const facts: CaseFacts = {};
  const birth = str('csrq');
  if (birth && /^\d{4}-\d{2}-\d{2}$/.test(birth)) facts.birthDate = birth;
  const xb = str('xb');
  if (xb === '1' || xb === '2') facts.gender = xb === '1' ? 1 : 2;
  const idKeys = ['fqsfzh', 'mqsfzh', ...Object.keys(f).filter((k) => k.endsWith('sfzh') && k !== 'fqsfzh' && k !== 'mqsfzh')];
  const household = idKeys.map((k) => validId(str(k))).find((v) => v !== undefined);
  if (household) facts.region = household.slice(0, 6);
  const own = validId(str('sfzh'));
  if (own) facts.holderId = own;
  const category = str('cjlb');
  if (category && /^[1-7]$/.test(category)) facts.disabilityCategory = category;
  const grade = str('cjdj');
  if (grade && /^[1-4]$/.test(grade)) facts.disabilityGrade = grade;
  return facts;
}

// The city the demo scenarios are set in: 湖南省长沙市.
const REGION_CITY = '430100';
const REGION_DISTRICT = '430102';
const PROVINCE_ABBR = '湘';
const CITY = '长沙市';
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2] as const;

interface Ctx {
  random: () => number;
  now: Date;
  facts: CaseFacts;
  /** One number per certificate within one completion, by kind. */
  memo: Map<string, string>;
}

function once(ctx: Ctx, kind: string, make: () => string): string {
  let v = ctx.memo.get(kind);
  if (v === undefined) {
    v = make();
    ctx.memo.set(kind, v);
  }
  return v;
}

function digits(n: number, random: () => number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += String(Math.floor(random() * 10));
  return out;
}

/** Today's date in China (YYYY-MM-DD): certificates are dated where they are issued. */
export function chinaDate(now: Date = new Date()): string {
  return chinaToday(now);
}

/**
 * A valid 统一社会信用代码 (GB 32100-2015): 9 (registered by market regulation) 1 (enterprise),
 * the registering authority's region, a 组织机构代码 with its own GB 11714 check character, and
 * the overall check character.
 */
export function randomCreditCode(random: () => number = Math.random, region = REGION_CITY): string {
  let org = '';
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    // Mostly digits, as issued codes are; the alphabet excludes I, O, S, V, Z like the code's.
    const ch = random() < 0.8 ? String(Math.floor(random() * 10)) : (CREDIT_ALPHABET[10 + Math.floor(random() * 21)] ?? 'A');
    org += ch;
    sum += parseInt(ch, 36) * (ORG_WEIGHTS[i] ?? 0);
  }
  const c9 = 11 - (sum % 11);
  org += c9 === 10 ? 'X' : c9 === 11 ? '0' : String(c9);
  const first17 = `91${region}${org}`;
  return first17 + computeCreditCodeCheck(first17);
}

/**
 * A valid 公民身份号码 for someone born on `birth` (YYYY-MM-DD) in `region`; with `gender`, the
 * sequence's last digit is odd for a man (1) and even for a woman (2), as GB 11643 codes it.
 */
export function randomIdNumber(birth: string, random: () => number = Math.random, region = REGION_DISTRICT, gender?: 1 | 2): string {
  let seq = digits(3, random);
  if (gender !== undefined) {
    const last = Number(seq[2]);
    const parity = gender === 1 ? 1 : 0;
    if (last % 2 !== parity) seq = seq.slice(0, 2) + String((last + 1) % 10);
  }
  const first17 = `${region}${birth.replaceAll('-', '')}${seq}`;
  return first17 + computeIdNumberCheck(first17);
}

/**
 * A 出生医学证明编号 as printed: the edition's letter and nine digits, the first two the province
 * of issue (e.g. `Q430012345`).
 */
export function randomBirthCertificateNumber(random: () => number = Math.random, region = REGION_CITY): string {
  return `Q${region.slice(0, 2)}${digits(7, random)}`;
}

function randomAdultBirth(ctx: Ctx): string {
  const year = 1970 + Math.floor(ctx.random() * 30);
  const month = 1 + Math.floor(ctx.random() * 12);
  const day = 1 + Math.floor(ctx.random() * 28);
  return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** Initials of the key's first segment: `medicalInsurance.cardNumber` → `MI`. */
function initials(key: string): string {
  const head = key.split(/[.:/]/).find((part) => /[a-zA-Z]/.test(part)) ?? 'yjs';
  const letters = (head.match(/^[a-zA-Z]|[A-Z]/g) ?? []).join('').toUpperCase();
  return letters.length >= 2 ? letters : head.slice(0, 3).toUpperCase().padEnd(2, 'X');
}

/** A string value chosen by format first, then by what the key or title says it is. */
function stringFor(key: string, title: string, format: string | undefined, ctx: Ctx): string {
  const k = key.toLowerCase();
  const year = chinaDate(ctx.now).slice(0, 4);
  const region = ctx.facts.region;
  if (format === 'cn-credit-code' || /creditcode|信用代码/.test(k + title)) return once(ctx, 'credit-code', () => randomCreditCode(ctx.random, region ? `${region.slice(0, 4)}00` : REGION_CITY));
  if (format === 'cn-id-number' || /idnumber|身份号码|身份证/.test(k + title)) {
    // A child's ID number is issued at birth registration: coded from the birth date and sex on
    // the case and the household's region (about now when the case does not say).
    if (/^(child|newborn|baby)\b/.test(k) || /新生儿|婴儿/.test(title)) {
      return once(ctx, `id:${k}`, () => randomIdNumber(ctx.facts.birthDate ?? chinaDate(ctx.now), ctx.random, region ?? REGION_DISTRICT, ctx.facts.gender));
    }
    return randomIdNumber(randomAdultBirth(ctx), ctx.random);
  }
  if (format === 'cn-mobile' || /mobile|手机/.test(k + title)) return `138${digits(8, ctx.random)}`;
  if (format === 'cn-postcode' || /postcode|邮编|邮政编码/.test(k + title)) return '410000';
  if (format === 'date') return chinaDate(ctx.now);
  if (format === 'date-time') return ctx.now.toISOString();
  if (format === 'email') return `notice-${digits(6, ctx.random)}@example.gov.cn`;
  if (format === 'uri' || format === 'url') return `https://zwfw.example.gov.cn/licences/${initials(key)}${year}${digits(8, ctx.random)}`;
  if (/birthcertificate|birthmedicalcertificate|出生医学证明/.test(k + title)) return once(ctx, 'birth-certificate', () => randomBirthCertificateNumber(ctx.random, region ?? REGION_CITY));
  if (/realestate|property|不动产/.test(k + title)) return `${PROVINCE_ABBR}(${year})${CITY}不动产权第${digits(7, ctx.random)}号`;
  // The business licence's number has been the credit code since the 2015 reform.
  if (/businesslicen[cs]e|营业执照/.test(k + title)) return once(ctx, 'credit-code', () => randomCreditCode(ctx.random, region ? `${region.slice(0, 4)}00` : REGION_CITY));
  // 社会保障号码 is the holder's 公民身份号码.
  if (/socialsecurity|社会保障|社保/.test(k + title)) return ctx.facts.holderId ?? randomIdNumber(ctx.facts.birthDate ?? randomAdultBirth(ctx), ctx.random, region ?? REGION_DISTRICT, ctx.facts.gender);
  const personal = personCertificateNumber(k, title, ctx);
  if (personal !== undefined) return personal;
  if (/date|日期/.test(k + title)) return chinaDate(ctx.now);
  return `${initials(key)}${year}${digits(8, ctx.random)}`;
}

// --- Numbers of the person bundles of the 2024 first batch (教育入学, 残疾人服务) ---------------

/**
 * Numbers coded from their holder's 公民身份号码, as the issuing systems make them: the 残疾人证号
 * (second generation on, also the certificate's own number) is the number followed by the 残疾类别
 * (1–7) and 残疾等级 (1–4) digits on the case; the 全国中小学生学籍号 is `G` and the pupil's
 * number. Undefined for other keys.
 */
function personCertificateNumber(k: string, title: string, ctx: Ctx): string | undefined {
  const holder = (): string => ctx.facts.holderId ?? randomIdNumber(randomAdultBirth(ctx), ctx.random);
  if (/disabilitycertificate|disability\.certificatenumber|残疾人证/.test(k + title)) {
    return once(ctx, 'disability-certificate', () => `${holder()}${ctx.facts.disabilityCategory ?? '4'}${ctx.facts.disabilityGrade ?? '4'}`);
  }
  if (/studentnumber|学籍号/.test(k + title)) return once(ctx, 'student-number', () => `G${holder()}`);
  return undefined;
}

function firstType(schema: JsonSchema): string | undefined {
  const t = schema.type;
  if (typeof t === 'string') return t;
  if (Array.isArray(t)) return t.find((x): x is string => typeof x === 'string' && x !== 'null');
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function numberFor(schema: JsonSchema, integer: boolean, ctx: Ctx): number {
  const step = integer ? 1 : 0.01;
  const exMin = num(schema.exclusiveMinimum);
  const exMax = num(schema.exclusiveMaximum);
  let lo = num(schema.minimum) ?? (exMin !== undefined ? exMin + step : undefined);
  let hi = num(schema.maximum) ?? (exMax !== undefined ? exMax - step : undefined);
  lo ??= hi !== undefined ? Math.min(1, hi) : 1;
  hi ??= lo + 100;
  if (integer) {
    lo = Math.ceil(lo);
    hi = Math.max(lo, Math.floor(hi));
  }
  let value = lo + ctx.random() * (hi - lo);
  const multipleOf = num(schema.multipleOf);
  if (multipleOf && multipleOf > 0) {
    value = Math.ceil(value / multipleOf) * multipleOf;
    if (value > hi) value = Math.floor(hi / multipleOf) * multipleOf;
  }
  return integer ? Math.round(value) : Math.round(value * 100) / 100;
}

/**
 * A value for an anchored pattern made only of character classes (`[A-Z]`, `[0-9]`, `\\d`),
 * literal characters and `{n}` / `{n,m}` / `?` quantifiers, e.g. `^[A-Z][0-9]{9}$`;
 * undefined for anything richer.
 */
export function fromSimplePattern(pattern: string): string | undefined {
  const m = /^\^(.*)\$$/.exec(pattern);
  if (!m) return undefined;
  const body = m[1]!;
  let out = '';
  let i = 0;
  while (i < body.length) {
    let unit: string;
    if (body[i] === '[') {
      const end = body.indexOf(']', i);
      if (end < 0) return undefined;
      const cls = body.slice(i + 1, end);
      const range = /^(.)-(.)/.exec(cls);
      unit = range ? range[1]! : cls[0] ?? '';
      if (!unit || cls.startsWith('^')) return undefined;
      i = end + 1;
    } else if (body[i] === '\\') {
      const c = body[i + 1];
      if (c === 'd') unit = '1';
      else if (c && !/[A-Za-z]/.test(c)) unit = c;
      else return undefined;
      i += 2;
    } else if (/[.()|*+]/.test(body[i]!)) {
      return undefined;
    } else {
      unit = body[i]!;
      i += 1;
    }
    let count = 1;
    const q = /^\{(\d+)(?:,(\d*))?\}/.exec(body.slice(i));
    if (q) {
      count = Number(q[1]);
      i += q[0].length;
    } else if (body[i] === '?') {
      count = 0;
      i += 1;
    }
    out += unit.repeat(count);
  }
  return out;
}

function fitString(value: string, schema: JsonSchema): string {
  const chars = Array.from(value);
  const min = num(schema.minLength);
  const max = num(schema.maxLength);
  let out = chars;
  if (max !== undefined && out.length > max) out = out.slice(0, max);
  while (min !== undefined && out.length < min) out.push('0');
  let fitted = out.join('');
  if (typeof schema.pattern === 'string') {
    let re: Pattern | undefined;
    try {
      re = compilePattern(schema.pattern);
    } catch {
      re = undefined;
    }
    // A pattern cannot be generated from in general: try the simple shapes certificate numbers
    // take (classes, literals, fixed counts), then fall back to a value the designer wrote.
    if (re && !re.test(fitted)) {
      const example = [...(Array.isArray(schema.examples) ? schema.examples : []), schema.default, fromSimplePattern(schema.pattern)].find(
        (e): e is string => typeof e === 'string' && re.test(e),
      );
      if (example !== undefined) fitted = example;
    }
  }
  return fitted;
}

/** A value for one produced key that its schema accepts. */
export function generateValue(key: string, title: string, schema: JsonSchema | undefined, ctx: Ctx, depth = 0): unknown {
  const s = schema ?? {};
  if ('const' in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length) return s.enum[0];
  if (Array.isArray(s.oneOf)) {
    const first = s.oneOf.find((o): o is { const: unknown } => !!o && typeof o === 'object' && 'const' in o);
    if (first) return first.const;
  }
  const format = typeof s.format === 'string' ? s.format : undefined;
  const type = firstType(s) ?? 'string';
  switch (type) {
    case 'boolean':
      return true;
    case 'integer':
      return numberFor(s, true, ctx);
    case 'number':
      return numberFor(s, false, ctx);
    case 'null':
      return null;
    case 'array': {
      const items = s.items && typeof s.items === 'object' && !Array.isArray(s.items) ? (s.items as JsonSchema) : undefined;
      const min = num(s.minItems) ?? 1;
      const max = num(s.maxItems) ?? Math.max(min, 1);
      const count = depth > 3 ? 0 : Math.min(Math.max(min, 1), max);
      return Array.from({ length: count }, () => generateValue(key, title, items, ctx, depth + 1));
    }
    case 'object': {
      const out: Record<string, unknown> = {};
      const props = s.properties && typeof s.properties === 'object' ? (s.properties as Record<string, JsonSchema>) : {};
      if (depth <= 3) for (const [name, sub] of Object.entries(props)) out[name] = generateValue(`${key}.${name}`, '', sub, ctx, depth + 1);
      return out;
    }
    default:
      return fitString(stringFor(key, title, format, ctx), s);
  }
}

function isProduced(p: unknown): p is ProducedOutput {
  return !!p && typeof p === 'object' && typeof (p as { key?: unknown }).key === 'string';
}

/** `{ key: value }` for every well-formed entry of a webhook body's `produces`. */
export function generateOutputs(produces: unknown, context: GenerateContext = {}): Record<string, unknown> {
  const ctx: Ctx = { random: context.random ?? Math.random, now: context.now ?? new Date(), facts: caseFacts(context.fields), memo: new Map() };
  const outputs: Record<string, unknown> = {};
  if (!Array.isArray(produces)) return outputs;
  for (const p of produces) {
    if (!isProduced(p)) continue;
    const schema = p.schema && typeof p.schema === 'object' ? p.schema : undefined;
    outputs[p.key] = generateValue(p.key, typeof p.title === 'string' ? p.title : '', schema, ctx);
  }
  return outputs;
}
