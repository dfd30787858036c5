import { describe, it, expect } from 'vitest';
import { redactText, redactUrl } from '../../server/redact.js';

describe('redactText', () => {
  it('masks 公民身份号码 keeping the first and last four characters', () => {
    expect(redactText('id 21010219900101123X here')).toBe('id 2101**********123X here');
    expect(redactText('"idNumber":"11010519491231002X"')).toBe('"idNumber":"1101**********002X"');
  });

  it('masks mobile numbers', () => {
    expect(redactText('call 13812345678.')).toBe('call 138****5678.');
  });

  it('masks the values of name members, however they are spelled', () => {
    const line = JSON.stringify({ name: '张三', 'child.name': '李小明', fatherName: '王大力', hostname: 'srv1' });
    const out = redactText(line);
    expect(out).not.toContain('张三');
    expect(out).not.toContain('李小明');
    expect(out).not.toContain('王大力');
    expect(out).toContain('"name":"张*"');
    expect(out).toContain('"child.name":"李**"');
    expect(out).toContain('"hostname":"srv1"');
  });

  it('leaves other long numbers alone', () => {
    expect(redactText('"time":1764270000123,"n":123456789012345678901')).toBe('"time":1764270000123,"n":123456789012345678901');
  });
});

describe('redactUrl', () => {
  it('keeps parameter names and drops their values', () => {
    expect(redactUrl('/api/x?idNumber=11010519491231002X&q=%E5%BC%A0&flag')).toBe('/api/x?idNumber=***&q=***&flag');
    expect(redactUrl('/api/x')).toBe('/api/x');
  });
});
