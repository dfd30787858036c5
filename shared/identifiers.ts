import { chinaToday } from './beijing-time.js';
// Validators for Chinese identifiers asked in 一件事 forms.
//
// Each check returns null when the value is valid, or ONE problem: the first thing wrong in
// the order length → characters → region/prefix → date → check character, so the applicant
// fixes the coarse mistake before being told about the fine one. Values are never trimmed or
// case-folded here: what is stored must be exactly what was validated, so normalising is the
// input widget's job, and a lowercase x is reported instead of silently accepted.
//
// Lengths and positions count Unicode code points, not UTF-16 units, so that a pasted
// full-width digit or a rare CJK character is reported at the position the applicant sees.

export type IdentifierProblemCode =
  | 'length'
  | 'characters'
  | 'lowercase'
  | 'region'
  | 'prefix'
  | 'date-invalid'
  | 'date-before-1900'
  | 'date-future'
  | 'check';

export interface IdentifierProblem {
  readonly code: IdentifierProblemCode;
  readonly zh: string;
  readonly en: string;
}

function problem(code: IdentifierProblemCode, zh: string, en: string): IdentifierProblem {
  return { code, zh, en };
}

// Spaces and control characters are invisible when quoted, so name them by code point.
function show(ch: string): string {
  return /^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch)
    ? `"${ch}"`
    : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
}

function lengthProblem(label: { zh: string; en: string }, expected: number, actual: number): IdentifierProblem {
  return problem(
    'length',
    `${label.zh}应为 ${expected} 位，实际为 ${actual} 位`,
    `${label.en} must be ${expected} characters long, got ${actual}`,
  );
}

// ---------------------------------------------------------------------------------------------
// 公民身份号码 GB 11643-1999

const ID_LABEL = { zh: '公民身份号码', en: 'The citizen ID number' };
const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK_CHARS = '10X98765432';
// China has kept one offset without daylight saving since 1991; the birth date on an ID is a
// date in China, so "today" is today in Beijing, whatever zone the server or browser is in.
// Otherwise a UTC server would refuse a baby born after midnight Beijing time as "future".

/**
 * The GB 11643-1999 check character for 17 digits.
 * @throws RangeError when `first17` is not exactly 17 ASCII digits (a caller bug, not input).
 */
export function computeIdNumberCheck(first17: string): string {
  if (!/^\d{17}$/.test(first17)) {
    throw new RangeError(`computeIdNumberCheck needs 17 digits, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * (ID_WEIGHTS[i] ?? 0);
  return ID_CHECK_CHARS[sum % 11] ?? '';
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

function birthDateProblem(yyyymmdd: string, today: Date): IdentifierProblem | null {
  const year = Number(yyyymmdd.slice(0, 4));
  const month = Number(yyyymmdd.slice(4, 6));
  const day = Number(yyyymmdd.slice(6, 8));
  if (month < 1 || month > 12) {
    return problem(
      'date-invalid',
      `第 7–14 位出生日期 ${yyyymmdd} 不是有效日期：没有 ${month} 月`,
      `the birth date in characters 7–14, ${yyyymmdd}, is not a real date: there is no month ${month}`,
    );
  }
  const maxDay = daysInMonth(year, month);
  if (day < 1 || day > maxDay) {
    return problem(
      'date-invalid',
      `第 7–14 位出生日期 ${yyyymmdd} 不是有效日期：${year} 年 ${month} 月只有 ${maxDay} 天`,
      `the birth date in characters 7–14, ${yyyymmdd}, is not a real date: month ${month} of ${year} has ${maxDay} days`,
    );
  }
  const iso = `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
  if (year < 1900) {
    return problem(
      'date-before-1900',
      `第 7–14 位出生日期 ${iso} 早于 1900 年`,
      `the birth date in characters 7–14, ${iso}, is before 1900`,
    );
  }
  const todayIso = chinaToday(today);
  // ISO dates of equal length compare correctly as strings.
  if (iso > todayIso) {
    return problem(
      'date-future',
      `第 7–14 位出生日期 ${iso} 晚于今天（${todayIso}）`,
      `the birth date in characters 7–14, ${iso}, is after today (${todayIso})`,
    );
  }
  return null;
}

/** null when `value` is a valid 18-character 公民身份号码, else the first thing wrong with it. */
export function checkIdNumber(value: string, today: Date = new Date()): IdentifierProblem | null {
  const chars = Array.from(value);
  if (chars.length !== 18) return lengthProblem(ID_LABEL, 18, chars.length);

  for (let i = 0; i < 17; i++) {
    const ch = chars[i] ?? '';
    if (!/^[0-9]$/.test(ch)) {
      return problem(
        'characters',
        `第 ${i + 1} 位 ${show(ch)} 不是数字：前 17 位只能是数字 0–9`,
        `character ${i + 1}, ${show(ch)}, is not a digit: the first 17 characters must be digits 0–9`,
      );
    }
  }
  const last = chars[17] ?? '';
  if (!/^[0-9Xx]$/.test(last)) {
    return problem(
      'characters',
      `第 18 位 ${show(last)} 无效：校验码只能是数字 0–9 或大写 X`,
      `character 18, ${show(last)}, is invalid: the check character must be a digit 0–9 or an uppercase X`,
    );
  }

  const first = value[0] ?? '';
  if (first < '1' || first > '8') {
    return problem(
      'region',
      `前 6 位地址码 ${value.slice(0, 6)} 无效：首位应为 1–8`,
      `the region code in characters 1–6, ${value.slice(0, 6)}, is invalid: its first digit must be 1–8`,
    );
  }

  const dateProblem = birthDateProblem(value.slice(6, 14), today);
  if (dateProblem) return dateProblem;

  const expected = computeIdNumberCheck(value.slice(0, 17));
  if (last === expected) return null;
  if (last === 'x' && expected === 'X') {
    return problem(
      'lowercase',
      '第 18 位校验码须为大写 X，不能是小写 x',
      'the check character (character 18) must be an uppercase X, not a lowercase x',
    );
  }
  return problem(
    'check',
    `第 18 位校验码应为 ${expected}，实际为 ${last}：请核对号码是否输错`,
    `the check character (character 18) should be ${expected}, not ${last}: the number has probably been mistyped`,
  );
}

/** Birth date as YYYY-MM-DD, only for a valid number (a mistyped one must not prefill a form). */
export function idNumberBirthDate(value: string): string | null {
  if (checkIdNumber(value) !== null) return null;
  return `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`;
}

/** GB/T 2261.1 sex code from the sequence digit (odd 1 男, even 2 女), only for a valid number. */
export function idNumberGender(value: string): 1 | 2 | null {
  if (checkIdNumber(value) !== null) return null;
  return Number(value[16]) % 2 === 1 ? 1 : 2;
}

// ---------------------------------------------------------------------------------------------
// 统一社会信用代码 GB 32100-2015

const CREDIT_LABEL = { zh: '统一社会信用代码', en: 'The unified social credit code' };
const CREDIT_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const CREDIT_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;

/**
 * The GB 32100-2015 check character for the first 17 characters.
 * @throws RangeError when `first17` is not 17 characters of the code's alphabet.
 */
export function computeCreditCodeCheck(first17: string): string {
  if (first17.length !== 17) {
    throw new RangeError(`computeCreditCodeCheck needs 17 characters, got ${JSON.stringify(first17)}`);
  }
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = CREDIT_ALPHABET.indexOf(first17[i] ?? '');
    if (v < 0) {
      throw new RangeError(`computeCreditCodeCheck: ${JSON.stringify(first17[i])} is not in the code alphabet`);
    }
    sum += v * (CREDIT_WEIGHTS[i] ?? 0);
  }
  return CREDIT_ALPHABET[(31 - (sum % 31)) % 31] ?? '';
}

/** null when `value` is a valid 统一社会信用代码, else the first thing wrong with it. */
export function checkCreditCode(value: string): IdentifierProblem | null {
  const chars = Array.from(value);
  if (chars.length !== 18) return lengthProblem(CREDIT_LABEL, 18, chars.length);

  for (let i = 0; i < 18; i++) {
    const ch = chars[i] ?? '';
    if (CREDIT_ALPHABET.includes(ch)) continue;
    const upper = ch.toUpperCase();
    if (upper !== ch && /^[A-Z]$/.test(upper)) {
      return problem(
        'lowercase',
        `第 ${i + 1} 位 ${show(ch)} 是小写字母：字母须为大写`,
        `character ${i + 1}, ${show(ch)}, is lowercase: letters must be uppercase`,
      );
    }
    if ('IOSVZ'.includes(ch)) {
      return problem(
        'characters',
        `第 ${i + 1} 位 ${show(ch)} 不允许：代码中不使用字母 I、O、S、V、Z`,
        `character ${i + 1}, ${show(ch)}, is not allowed: the code never uses the letters I, O, S, V or Z`,
      );
    }
    return problem(
      'characters',
      `第 ${i + 1} 位 ${show(ch)} 不允许：只能是数字 0–9 和除 I、O、S、V、Z 外的大写字母`,
      `character ${i + 1}, ${show(ch)}, is not allowed: only digits 0–9 and uppercase letters except I, O, S, V, Z`,
    );
  }

  // Characters 3–8 are the registering authority's GB/T 2260 division code, always numeric;
  // the authority and category codes (1–2) are not checked because new ones keep being added.
  const region = value.slice(2, 8);
  if (!/^\d{6}$/.test(region)) {
    return problem(
      'prefix',
      `第 3–8 位登记管理机关行政区划码 ${region} 应为 6 位数字`,
      `characters 3–8, ${region}, are the registering authority's region code and must be 6 digits`,
    );
  }

  const expected = computeCreditCodeCheck(value.slice(0, 17));
  const last = value[17] ?? '';
  if (last === expected) return null;
  return problem(
    'check',
    `第 18 位校验码应为 ${expected}，实际为 ${last}：请核对代码是否输错`,
    `the check character (character 18) should be ${expected}, not ${last}: the code has probably been mistyped`,
  );
}

// ---------------------------------------------------------------------------------------------
// Mobile numbers and postcodes

function digitsProblem(chars: readonly string[]): IdentifierProblem | null {
  const i = chars.findIndex((ch) => !/^[0-9]$/.test(ch));
  if (i < 0) return null;
  const ch = chars[i] ?? '';
  return problem(
    'characters',
    `第 ${i + 1} 位 ${show(ch)} 不是数字：只能填写数字 0–9`,
    `character ${i + 1}, ${show(ch)}, is not a digit: only digits 0–9 are allowed`,
  );
}

/** null when `value` is an 11-digit mainland mobile number starting 13–19. */
export function checkMobile(value: string): IdentifierProblem | null {
  const chars = Array.from(value);
  if (chars.length !== 11) {
    return lengthProblem({ zh: '手机号码', en: 'The mobile number' }, 11, chars.length);
  }
  const bad = digitsProblem(chars);
  if (bad) return bad;
  if (!/^1[3-9]/.test(value)) {
    return problem(
      'prefix',
      `手机号码须以 13–19 开头，实际为 ${value.slice(0, 2)}`,
      `a mobile number must start with 13–19, not ${value.slice(0, 2)}`,
    );
  }
  return null;
}

/** null when `value` is a 6-digit postcode whose first digit is 0–8 (real ones run 01–85). */
export function checkPostcode(value: string): IdentifierProblem | null {
  const chars = Array.from(value);
  if (chars.length !== 6) {
    return lengthProblem({ zh: '邮政编码', en: 'The postcode' }, 6, chars.length);
  }
  const bad = digitsProblem(chars);
  if (bad) return bad;
  if (value[0] === '9') {
    return problem(
      'prefix',
      '邮政编码不能以 9 开头',
      'a postcode cannot start with 9',
    );
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Masks for lists and logs. A value of unexpected length is masked entirely: showing the ends
// of a short or malformed value could reveal most of it.

function keepEnds(value: string, head: number, tail: number, fullLength: number): string {
  const chars = Array.from(value);
  if (chars.length < fullLength) return '*'.repeat(chars.length);
  return chars.slice(0, head).join('') + '*'.repeat(chars.length - head - tail) + chars.slice(-tail).join('');
}

/** `210102199001011234` → `2101**********1234`. */
export function maskIdNumber(value: string): string {
  return keepEnds(value, 4, 4, 18);
}

/** `13812341234` → `138****1234`. */
export function maskMobile(value: string): string {
  return keepEnds(value, 3, 4, 11);
}

/** `张小明` → `张**`; a one-character value is masked entirely since it would otherwise show whole. */
export function maskName(value: string): string {
  const chars = Array.from(value);
  if (chars.length <= 1) return '*'.repeat(chars.length);
  return (chars[0] ?? '') + '*'.repeat(chars.length - 1);
}

export interface MaskedPerson {
  name: string;
  idNumber: string | null;
  mobile: string | null;
}

/** A person as a list may show them; the full identity is only in a case opened on purpose. */
export function maskPerson(p: { name: string; idNumber?: string | null; mobile?: string | null }): MaskedPerson {
  return { name: maskName(p.name), idNumber: p.idNumber ? maskIdNumber(p.idNumber) : null, mobile: p.mobile ? maskMobile(p.mobile) : null };
}
