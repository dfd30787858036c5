import { describe, it, expect } from 'vitest';
import { Ajv } from 'ajv';
import { customizeValidator } from '@rjsf/validator-ajv8';
import {
  checkCreditCode,
  checkIdNumber,
  checkMobile,
  checkPostcode,
  computeCreditCodeCheck,
  computeIdNumberCheck,
  idNumberBirthDate,
  idNumberGender,
  maskIdNumber,
  maskMobile,
  maskName,
} from '../../shared/identifiers.js';
import {
  CHINESE_FORMATS,
  addChineseFormats,
  chineseFormats,
  formatMessage,
  formatProblem,
} from '../../shared/formats.js';

// Check characters below were computed independently of the code under test (by hand from the
// weights in the standards), so a wrong weight table in the code makes these tests fail.
const STANDARD_ID = '11010519491231002X'; // the example printed in GB 11643-1999
const TODAY = new Date('2024-06-01T12:00:00+08:00');

describe('checkIdNumber', () => {
  it('accepts the example from GB 11643-1999 and other valid numbers', () => {
    expect(checkIdNumber(STANDARD_ID, TODAY)).toBeNull();
    expect(checkIdNumber('440306199001011236', TODAY)).toBeNull();
    expect(checkIdNumber('110105194912310011', TODAY)).toBeNull();
  });

  it('refuses a wrong check digit and names the expected one', () => {
    const p = checkIdNumber('110105194912310020', TODAY);
    expect(p?.code).toBe('check');
    expect(p?.zh).toContain('应为 X');
    expect(p?.en).toContain('should be X, not 0');
    const q = checkIdNumber('440306199001011235', TODAY);
    expect(q?.code).toBe('check');
    expect(q?.en).toContain('should be 6, not 5');
  });

  it('requires an uppercase X and says so', () => {
    const p = checkIdNumber('11010519491231002x', TODAY);
    expect(p?.code).toBe('lowercase');
    expect(p?.zh).toContain('大写 X');
    expect(p?.en).toContain('uppercase X');
  });

  it('reports a lowercase x as a wrong check character when X would not be right either', () => {
    const p = checkIdNumber('44030619900101123x', TODAY);
    expect(p?.code).toBe('check');
    expect(p?.en).toContain('should be 6, not x');
  });

  it('refuses 17 and 19 characters, saying how many there are', () => {
    const short = checkIdNumber(STANDARD_ID.slice(0, 17), TODAY);
    expect(short?.code).toBe('length');
    expect(short?.zh).toBe('公民身份号码应为 18 位，实际为 17 位');
    expect(short?.en).toContain('got 17');
    const long = checkIdNumber(`${STANDARD_ID}1`, TODAY);
    expect(long?.code).toBe('length');
    expect(long?.en).toContain('got 19');
    expect(checkIdNumber('', TODAY)?.code).toBe('length');
  });

  it('refuses letters and other characters in the first 17, naming the position', () => {
    const p = checkIdNumber('1101051949A231002X', TODAY);
    expect(p?.code).toBe('characters');
    expect(p?.en).toContain('character 11, "A"');
    expect(p?.zh).toContain('第 11 位');
    // A full-width digit looks right on screen; it must still be refused at its visible position.
    expect(checkIdNumber('１10105194912310020', TODAY)?.en).toContain('character 1,');
    expect(checkIdNumber('11010519491231002 ', TODAY)?.en).toContain('character 18, U+0020');
    expect(checkIdNumber('11010519491231002Y', TODAY)?.code).toBe('characters');
  });

  it('refuses a region code whose first digit is not 1–8', () => {
    // Both have a correct check digit, so only the region can be at fault.
    expect(checkIdNumber('910105194912310029', TODAY)?.code).toBe('region');
    const p = checkIdNumber('010105194912310026', TODAY);
    expect(p?.code).toBe('region');
    expect(p?.en).toContain('010105');
  });

  it('refuses impossible calendar dates and knows the leap years', () => {
    const feb30 = checkIdNumber('110105194902300012', TODAY);
    expect(feb30?.code).toBe('date-invalid');
    expect(feb30?.zh).toContain('1949 年 2 月只有 28 天');
    expect(checkIdNumber('110105200002290013', TODAY)).toBeNull(); // 2000 is a leap year
    const y1900 = checkIdNumber('110105190002290017', TODAY); // 1900 is not
    expect(y1900?.code).toBe('date-invalid');
    expect(y1900?.en).toContain('month 2 of 1900 has 28 days');
    const month13 = '11010519491331001';
    expect(checkIdNumber(month13 + computeIdNumberCheck(month13), TODAY)?.en).toContain('no month 13');
  });

  it('refuses a birth date before 1900', () => {
    const p = checkIdNumber('110105189912310015', TODAY);
    expect(p?.code).toBe('date-before-1900');
    expect(p?.en).toContain('1899-12-31');
  });

  it('refuses a birth date after today', () => {
    const p = checkIdNumber('11010520300101001X', TODAY);
    expect(p?.code).toBe('date-future');
    expect(p?.en).toContain('2030-01-01');
    expect(p?.en).toContain('2024-06-01');
    // The same number is fine once that day has come.
    expect(checkIdNumber('11010520300101001X', new Date('2030-01-01T12:00:00+08:00'))).toBeNull();
  });

  it('takes "today" in Beijing time, so a child born today is not in the future on a UTC clock', () => {
    // 00:30 on 1 June in Beijing is still 31 May in UTC.
    const justAfterMidnight = new Date('2024-05-31T16:30:00Z');
    expect(checkIdNumber('110105202406010021', justAfterMidnight)).toBeNull();
    expect(checkIdNumber('110105202406020027', justAfterMidnight)?.code).toBe('date-future');
  });
});

describe('computeIdNumberCheck', () => {
  it('computes the check character of the standard example', () => {
    expect(computeIdNumberCheck('11010519491231002')).toBe('X');
    expect(computeIdNumberCheck('44030619900101123')).toBe('6');
  });

  it('throws on input that is not 17 digits', () => {
    expect(() => computeIdNumberCheck('1101051949123100')).toThrow(RangeError);
    expect(() => computeIdNumberCheck('1101051949123100A')).toThrow(RangeError);
  });
});

describe('idNumberBirthDate and idNumberGender', () => {
  it('extract the birth date and GB/T 2261.1 sex code from a valid number', () => {
    expect(idNumberBirthDate(STANDARD_ID)).toBe('1949-12-31');
    expect(idNumberGender(STANDARD_ID)).toBe(2); // sequence 002: even, 女
    expect(idNumberBirthDate('440306199001011236')).toBe('1990-01-01');
    expect(idNumberGender('440306199001011236')).toBe(1); // sequence 123: odd, 男
    expect(idNumberGender('110105194912310011')).toBe(1);
  });

  it('return null for an invalid number rather than guess', () => {
    expect(idNumberBirthDate('110105194912310020')).toBeNull();
    expect(idNumberGender('110105194912310020')).toBeNull();
    expect(idNumberBirthDate('110105194902300012')).toBeNull();
    expect(idNumberGender('abc')).toBeNull();
  });
});

describe('checkCreditCode', () => {
  const VALID = ['91350200776049653A', '91440101MA5CJQ4N59'];

  it('accepts the examples', () => {
    for (const code of VALID) expect(checkCreditCode(code)).toBeNull();
  });

  it('refuses every single-character change of a valid code', () => {
    // Replacing any one character by another of the alphabet must break the checksum
    // (weights are all coprime with 31), so this exercises every weight.
    const alphabet = '0123456789ABCDEFGHJKLMNPQRTUWXY';
    for (const code of VALID) {
      for (let i = 0; i < 18; i++) {
        for (const ch of alphabet) {
          if (ch === code[i]) continue;
          const changed = code.slice(0, i) + ch + code.slice(i + 1);
          // A letter in the region code (3–8) is refused for its shape before the checksum.
          expect(checkCreditCode(changed), changed).not.toBeNull();
        }
      }
    }
  });

  it('names the expected check character', () => {
    const p = checkCreditCode('91350200776049653B');
    expect(p?.code).toBe('check');
    expect(p?.zh).toContain('应为 A，实际为 B');
    expect(p?.en).toContain('should be A, not B');
    expect(checkCreditCode('91440101MA5CJQ4N58')?.en).toContain('should be 9, not 8');
  });

  it('refuses the letters I, O, S, V and Z, naming the position', () => {
    for (const letter of ['I', 'O', 'S', 'V', 'Z']) {
      const p = checkCreditCode(`91440101MA5CJQ4${letter}59`);
      expect(p?.code).toBe('characters');
      expect(p?.en).toContain(`character 16, "${letter}"`);
      expect(p?.en).toContain('I, O, S, V or Z');
    }
    expect(checkCreditCode('91440101MA5CJQ4N5-')?.code).toBe('characters');
  });

  it('refuses lowercase letters and says they must be uppercase', () => {
    const p = checkCreditCode('91440101ma5cjq4n59');
    expect(p?.code).toBe('lowercase');
    expect(p?.en).toContain('character 9, "m"');
  });

  it('refuses a wrong length', () => {
    expect(checkCreditCode('91440101MA5CJQ4N5')?.en).toContain('got 17');
    expect(checkCreditCode('91440101MA5CJQ4N590')?.en).toContain('got 19');
  });

  it('refuses a non-numeric region code even when the checksum is right', () => {
    expect(computeCreditCodeCheck('9144A101MA5CJQ4N5')).toBe('5');
    const p = checkCreditCode('9144A101MA5CJQ4N55');
    expect(p?.code).toBe('prefix');
    expect(p?.en).toContain('44A101');
  });

  it('computes check characters and throws on bad input', () => {
    expect(computeCreditCodeCheck('91350200776049653')).toBe('A');
    expect(computeCreditCodeCheck('91440101MA5CJQ4N5')).toBe('9');
    expect(() => computeCreditCodeCheck('91440101MA5CJQ4N')).toThrow(RangeError);
    expect(() => computeCreditCodeCheck('91440101MA5CJQ4O5')).toThrow(RangeError);
  });
});

describe('checkMobile', () => {
  it('accepts 11 digits starting 13–19', () => {
    for (const m of ['13812341234', '15000000000', '19912345678']) expect(checkMobile(m)).toBeNull();
  });

  it('refuses other prefixes, lengths and characters', () => {
    expect(checkMobile('12812341234')?.code).toBe('prefix');
    expect(checkMobile('23812341234')?.code).toBe('prefix');
    expect(checkMobile('1381234123')?.en).toContain('got 10');
    expect(checkMobile('+8613812341')?.code).toBe('characters');
    expect(checkMobile('138 1234 12')?.en).toContain('character 4, U+0020');
  });
});

describe('checkPostcode', () => {
  it('accepts 6 digits starting 0–8', () => {
    for (const p of ['100000', '010010', '850000']) expect(checkPostcode(p)).toBeNull();
  });

  it('refuses a leading 9, wrong length and letters', () => {
    expect(checkPostcode('900000')?.code).toBe('prefix');
    expect(checkPostcode('10000')?.code).toBe('length');
    expect(checkPostcode('1000000')?.code).toBe('length');
    expect(checkPostcode('10A000')?.en).toContain('character 3, "A"');
  });
});

describe('masks', () => {
  it('mask an ID number to its first and last four', () => {
    expect(maskIdNumber('210102199001011237')).toBe('2101**********1237');
    expect(maskIdNumber(STANDARD_ID)).toBe('1101**********002X');
  });

  it('mask a mobile number to 3 + 4', () => {
    expect(maskMobile('13812341234')).toBe('138****1234');
  });

  it('mask short or malformed values entirely', () => {
    expect(maskIdNumber('12345678')).toBe('********');
    expect(maskMobile('1381234')).toBe('*******');
  });

  it('mask names after the first character, counting characters not UTF-16 units', () => {
    expect(maskName('张小明')).toBe('张**');
    expect(maskName('李四')).toBe('李*');
    expect(maskName('王')).toBe('*');
    expect(maskName('')).toBe('');
    // 𠮷 is outside the BMP (two UTF-16 units), as some characters in real names are.
    expect(maskName('𠮷小明')).toBe('𠮷**');
    expect(maskName('张𠮷')).toBe('张*');
  });
});

describe('ajv formats', () => {
  const schema = {
    type: 'object',
    properties: { id: { type: 'string', format: 'cn-id-number' } },
  } as const;

  it('are unknown to a plain Ajv, so registering them is what makes them work', () => {
    expect(() => new Ajv({ allErrors: true }).compile(schema)).toThrow(/unknown format/);
  });

  it('validate an ID number inside a schema', () => {
    const ajv = addChineseFormats(new Ajv({ allErrors: true }));
    const validate = ajv.compile(schema);
    expect(validate({ id: STANDARD_ID })).toBe(true);
    expect(validate({ id: '110105194912310020' })).toBe(false);
    expect(validate.errors?.[0]?.keyword).toBe('format');
    expect(validate.errors?.[0]?.params).toEqual({ format: 'cn-id-number' });
    expect(validate({ id: '11010519491231002x' })).toBe(false);
  });

  it('register all four formats', () => {
    const ajv = addChineseFormats(new Ajv({ allErrors: true }));
    const validate = ajv.compile({
      type: 'object',
      properties: {
        id: { type: 'string', format: 'cn-id-number' },
        credit: { type: 'string', format: 'cn-credit-code' },
        mobile: { type: 'string', format: 'cn-mobile' },
        post: { type: 'string', format: 'cn-postcode' },
      },
    });
    const good = { id: STANDARD_ID, credit: '91440101MA5CJQ4N59', mobile: '13812341234', post: '100000' };
    expect(validate(good)).toBe(true);
    const bad = { id: 'x', credit: '91440101MA5CJQ4N58', mobile: '12812341234', post: '900000' };
    expect(validate(bad)).toBe(false);
    expect(validate.errors?.map((e) => e.instancePath).sort()).toEqual(['/credit', '/id', '/mobile', '/post']);
    expect(CHINESE_FORMATS).toEqual(['cn-id-number', 'cn-credit-code', 'cn-mobile', 'cn-postcode']);
  });

  it('work as rjsf customFormats', () => {
    const validator = customizeValidator({ customFormats: chineseFormats });
    const rjsfSchema = { type: 'object' as const, properties: { credit: { type: 'string' as const, format: 'cn-credit-code' } } };
    expect(validator.isValid(rjsfSchema, { credit: '91350200776049653A' }, rjsfSchema)).toBe(true);
    expect(validator.isValid(rjsfSchema, { credit: '91350200776049653B' }, rjsfSchema)).toBe(false);
  });

  it('chineseFormats agree with the check functions', () => {
    expect(chineseFormats['cn-mobile']('13812341234')).toBe(true);
    expect(chineseFormats['cn-mobile']('1381234123')).toBe(false);
    expect(chineseFormats['cn-postcode']('900000')).toBe(false);
  });
});

describe('formatMessage', () => {
  it('gives the precise reason in Chinese and English', () => {
    expect(formatMessage('cn-id-number', '110105194912310020', 'zh')).toContain('校验码应为 X');
    expect(formatMessage('cn-id-number', '110105194912310020', 'en')).toContain('should be X');
    expect(formatMessage('cn-credit-code', '91350200776049653B', 'en')).toContain('should be A');
    expect(formatMessage('cn-mobile', '1381234123', 'zh')).toBe('手机号码应为 11 位，实际为 10 位');
    expect(formatMessage('cn-postcode', '900000', 'en')).toBe('a postcode cannot start with 9');
  });

  it('falls back to a generic message for other formats and passing values', () => {
    expect(formatMessage('email', 'nope', 'en')).toBe('must match format "email"');
    expect(formatMessage('email', 'nope', 'zh')).toBe('格式不正确（应符合 email）');
    expect(formatMessage('cn-mobile', '13812341234', 'en')).toBe('must match format "cn-mobile"');
    expect(formatProblem('cn-mobile', '13812341234')).toBeNull();
    expect(formatProblem('email', 'nope')).toBeNull();
  });
});
