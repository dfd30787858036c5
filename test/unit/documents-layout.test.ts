import { describe, it, expect } from 'vitest';
import { wrapText } from '../../shared/text-wrap.js';
import { QUERY_CODE_ALPHABET, QUERY_CODE_LENGTH, formatQueryCode, newQueryCode, normaliseQueryCode } from '../../shared/query-code.js';
import { chineseDate, printedValue } from '../../shared/printed-value.js';
import { maskedApplicantRows, numberText } from '../../server/documents/applicant.js';
import { earliestDue, numbered, type SupplementAsked } from '../../server/documents/notice.js';
import { promiseText } from '../../server/documents/receipt.js';
import { outcomeText, type CompletedItem } from '../../server/documents/completion.js';
import { qrMatrix } from '../../server/documents/qr.js';

/** Every character one unit wide: widths are character counts. */
const width = (s: string) => Array.from(s).length;

describe('wrapText (Chinese lines)', () => {
  it('breaks between any two Chinese characters, to the width', () => {
    expect(wrapText('一件事一次办新生儿出生', width, 4)).toEqual(['一件事一', '次办新生', '儿出生']);
    expect(wrapText('短', width, 4)).toEqual(['短']);
    expect(wrapText('', width, 4)).toEqual(['']);
  });

  it('keeps a new line where the text has one', () => {
    expect(wrapText('1. 材料\n2. 信息', width, 20)).toEqual(['1. 材料', '2. 信息']);
  });

  it('never starts a line with closing punctuation: the character before goes down with it', () => {
    expect(wrapText('请补正材料，谢谢', width, 5)).toEqual(['请补正材', '料，谢谢']);
    expect(wrapText('办结。', width, 2)).toEqual(['办', '结。']);
  });

  it('never ends a line with an opening bracket', () => {
    expect(wrapText('户口登记（出生）', width, 5)).toEqual(['户口登记', '（出生）']);
  });

  it('keeps a number whole when it fits on a line, and breaks one longer than a line', () => {
    expect(wrapText('编号43000020261203000123', width, 21)).toEqual(['编号', '43000020261203000123']);
    expect(wrapText('43000020261203000123', width, 8)).toEqual(['43000020', '26120300', '0123']);
  });

  it('measures with the given font widths (a wide glyph fills the line sooner)', () => {
    const wide = (s: string) => Array.from(s).reduce((w, c) => w + (/[A-Za-z0-9]/.test(c) ? 0.5 : 1), 0);
    expect(wrapText('材料AB12资料', wide, 4)).toEqual(['材料AB12', '资料']);
  });
});

describe('查询码', () => {
  it('draws 8 characters from an alphabet without look-alikes (0/O, 1/I/L)', () => {
    const code = newQueryCode((n) => n - 1);
    expect(code).toHaveLength(QUERY_CODE_LENGTH);
    expect(code).toBe('Z'.repeat(8));
    expect(QUERY_CODE_ALPHABET).toHaveLength(31);
    expect(QUERY_CODE_ALPHABET).not.toMatch(/[01OIL]/);
  });

  it('prints as ABCD-2345 and reads back what a person types', () => {
    expect(formatQueryCode('ABCD2345')).toBe('ABCD-2345');
    expect(normaliseQueryCode(' abcd-2345 ')).toBe('ABCD2345');
    expect(normaliseQueryCode('ABCD 2345')).toBe('ABCD2345');
    expect(normaliseQueryCode('ABCD234')).toBeNull();
    expect(normaliseQueryCode('ABCD234O')).toBeNull();
  });
});

describe('printedValue', () => {
  const gender = { type: 'string', oneOf: [{ const: '1', title: '男' }, { const: '2', title: '女' }] };
  it('prints a choice by its label, yes/no in words, a date in Chinese, lists joined', () => {
    expect(printedValue(gender, '2')).toBe('女');
    expect(printedValue({ type: 'boolean' }, true)).toBe('是');
    expect(printedValue({ type: 'boolean' }, false)).toBe('否');
    expect(printedValue({ type: 'string', format: 'date' }, '2026-11-21')).toBe('2026年11月21日');
    expect(printedValue({ type: 'array', items: gender }, ['1', '2'])).toBe('男、女');
    expect(printedValue({ type: 'string' }, '湖南省长沙市')).toBe('湖南省长沙市');
  });

  it('prints nothing for an empty value, so the row is left out', () => {
    for (const empty of [undefined, null, '', []]) expect(printedValue(gender, empty)).toBe('');
  });

  it('chineseDate leaves anything but a day as it is', () => {
    expect(chineseDate('2026-01-05')).toBe('2026年1月5日');
    expect(chineseDate('明天')).toBe('明天');
  });
});

describe('document parts', () => {
  it('masks the applicant on receipts and notices', () => {
    expect(maskedApplicantRows({ name: '王芳', idNumber: '430105198811206525' })).toEqual([
      ['申请人', '王*'],
      ['公民身份号码', '4301**********6525'],
    ]);
    expect(maskedApplicantRows({ name: '欧阳明月', idNumber: null })).toEqual([['申请人', '欧***']]);
    expect(numberText(null)).toBe('（提交后生成）');
  });

  it('says the promised date with its limit', () => {
    expect(promiseText('2026-12-17', { days: 10, unit: 'working' })).toBe('2026年12月17日前（承诺 10 个工作日内办结，补正期间不计入）');
    expect(promiseText(null, null)).toContain('未设承诺办结时限');
  });

  it('lists a 补正 one per line, and finds the first last day', () => {
    expect(numbered(['住院分娩记录', '结婚证'])).toBe('1. 住院分娩记录\n2. 结婚证');
    const asked = (dueDate: string | null): SupplementAsked => ({ itemTitle: '', departmentName: '', reason: null, materials: [], fields: [], dueDate, requestedAt: '' });
    expect(earliestDue([asked('2026-12-11'), asked(null), asked('2026-12-10')])).toBe('2026-12-10');
    expect(earliestDue([asked(null)])).toBeNull();
  });

  it('names the outcome of the whole application', () => {
    const item = (status: CompletedItem['status']): CompletedItem => ({ title: '', departmentName: '', status, reason: null, outputs: [], completedAt: null });
    expect(outcomeText([item('completed'), item('completed')])).toBe('全部办结（2 项）');
    expect(outcomeText([item('completed'), item('rejected')])).toBe('部分办结（办结 1 项，不予办理 1 项）');
    expect(outcomeText([item('rejected')])).toBe('不予办理（1 项）');
  });

  it('draws a QR code as a square of modules with its three finder patterns', () => {
    const m = qrMatrix('http://127.0.0.1:3000/progress?number=43000020261203000123&code=ABCD2345');
    const size = m.length;
    expect((size - 17) % 4).toBe(0);
    expect(m.every((row) => row.length === size)).toBe(true);
    // A finder: a dark 7×7 ring around a light ring around a dark 3×3 core.
    const finder = (r0: number, c0: number) => [0, 6].every((i) => m[r0 + i]![c0 + 3] && m[r0 + 3]![c0 + i]) && !m[r0 + 1]![c0 + 3] && m[r0 + 3]![c0 + 3];
    expect(finder(0, 0) && finder(0, size - 7) && finder(size - 7, 0)).toBe(true);
  });
});
