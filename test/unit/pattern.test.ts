// Field patterns run on ONE engine, RE2 (shared/pattern.ts), in the server's Ajv and in the
// browser's validator: linear time whatever the pattern, and the same answer on both sides.
import { describe, expect, it } from 'vitest';
import { validateValue } from '../../client/src/components/form/validate.js';
import { createAjv } from '../../server/ajv.js';
import { compilePattern, patternProblem, patternRefuses, toRe2Syntax } from '../../shared/pattern.js';

const EVIL = String.raw`^([\u4e00-\u9fa5]+·?)+$`;

describe('shared/pattern.ts', () => {
  it("translates JavaScript's spellings to RE2's", () => {
    expect(toRe2Syntax(EVIL)).toBe(String.raw`^([\x{4e00}-\x{9fa5}]+·?)+$`);
    expect(toRe2Syntax(String.raw`^\p{Script=Han}+\P{sc=Han}$`)).toBe(String.raw`^\p{Han}+\P{Han}$`);
    expect(toRe2Syntax('(?<code>[A-Z]{2})')).toBe('(?P<code>[A-Z]{2})');
  });

  it('refuses what RE2 cannot run: lookaround and backreferences', () => {
    expect(patternProblem('^(?=.*[0-9])')).toContain('(?=');
    expect(patternProblem('^(?!a)')).toContain('(?!');
    expect(patternProblem(String.raw`(a)\1`)).toContain(String.raw`\1`);
    expect(() => compilePattern('(?<=a)b')).toThrow(/named capture|lookbehind/);
    expect(patternProblem(EVIL)).toBeNull();
  });

  it('searches as JSON Schema does: a match anywhere passes', () => {
    expect(patternRefuses('[0-9]', 'ab1')).toBe(false);
    expect(patternRefuses('^[0-9]+$', 'ab1')).toBe(true);
    expect(patternRefuses(EVIL, '阿依·古丽')).toBe(false);
  });
});

describe('the catastrophic pattern of issue #15', () => {
  const attack = '中'.repeat(5000) + '!';

  it('the browser validator refuses 5,000 characters and "!" on RE2 (a RegExp would never return)', () => {
    expect(validateValue({ type: 'string', pattern: EVIL }, attack)).toEqual({ message: '格式不正确', messageEn: `must match ${EVIL}` });
    expect(validateValue({ type: 'string', pattern: EVIL }, '张小明')).toBeNull();
  });

  it("the server's Ajv refuses it too, with every error collected", () => {
    const check = createAjv().compile({ type: 'string', maxLength: 50, pattern: EVIL });
    expect(check(attack)).toBe(false);
    expect(check.errors?.map((e) => e.keyword)).toEqual(['maxLength', 'pattern']);
  });

  it('both use RE2 syntax: \\p{Han} (a RegExp throws on it) is applied by both', () => {
    expect(() => new RegExp(String.raw`^\p{Han}+$`, 'u')).toThrow();
    const schema = { type: 'string', pattern: String.raw`^\p{Han}+$` };
    expect(validateValue(schema, 'abc')).not.toBeNull();
    expect(createAjv().compile(schema)('abc')).toBe(false);
    expect(validateValue(schema, '中文')).toBeNull();
    expect(createAjv().compile(schema)('中文')).toBe(true);
  });
});
