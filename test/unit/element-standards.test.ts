import { describe, expect, it } from 'vitest';
import { standardNumber, standardProblems } from '../../shared/element-standards.js';

const el = (schema: Record<string, unknown>, ref?: string) => ({ id: 'x.y', title: '测试', schema, ...(ref ? { standard: { ref } } : {}) });

describe('checking a data element against the standard it cites', () => {
  it('reads the standard without its year, GB and GB/T alike', () => {
    expect(standardNumber('GB/T 2261.1-2003')).toBe('GB/T 2261.1');
    expect(standardNumber('GB 3304-1991')).toBe('GB/T 3304');
    expect(standardNumber('GB 11643-1999')).toBe('GB 11643');
    expect(standardNumber('GA/T 2000.1-2012')).toBe('GA/T 2000.1');
  });

  it('accepts codes of the cited table and names the ones that are not', () => {
    expect(standardProblems(el({ type: 'string', oneOf: [{ const: '1' }, { const: '2' }] }, 'GB/T 2261.1-2003'))).toEqual([]);
    expect(standardProblems(el({ type: 'string', oneOf: [{ const: 'male' }, { const: '2' }] }, 'GB/T 2261.1-2003'))[0]?.en).toContain('"male" is not a code of GB/T 2261.1-2003');
    expect(standardProblems(el({ type: 'string', enum: ['01', '56', '57'] }, 'GB/T 3304-1991'))[0]?.en).toContain('"57"');
    expect(standardProblems(el({ type: 'string' }, 'GB/T 4658-2006'))[0]?.en).toContain('lists no codes');
  });

  it('wants a 公民身份号码 or 统一社会信用代码 checked with its format; says nothing of a standard it does not know or of no citation', () => {
    expect(standardProblems(el({ type: 'string', format: 'cn-id-number' }, 'GB 11643-1999'))).toEqual([]);
    expect(standardProblems(el({ type: 'string' }, 'GB 32100-2015'))[0]?.en).toContain('format cn-credit-code');
    expect(standardProblems(el({ type: 'string' }, 'GB/T 7408-2005'))).toEqual([]);
    expect(standardProblems(el({ type: 'string' }))).toEqual([]);
  });
});
