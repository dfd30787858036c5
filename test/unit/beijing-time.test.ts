import { describe, expect, it } from 'vitest';
import { beijingDate, beijingDayStart, beijingTime, chinaToday, nextDay } from '../../shared/beijing-time.js';

describe('Beijing time: what people see, whatever the zone of the machine', () => {
  it('shifts an instant to UTC+8 in one format', () => {
    expect(beijingTime('2026-12-03T06:42:09Z')).toBe('2026-12-03 14:42');
    expect(beijingTime('2026-12-03T06:42:09Z', 'second')).toBe('2026-12-03 14:42:09');
    // Late evening in UTC is already tomorrow in Beijing.
    expect(beijingTime('2026-12-31T16:30:00Z')).toBe('2027-01-01 00:30');
    expect(beijingDate('2026-12-31T15:59:59.999Z')).toBe('2026-12-31');
    expect(beijingDate('2026-12-31T16:00:00Z')).toBe('2027-01-01');
  });

  it('reads instants written with any offset as the same moment', () => {
    expect(beijingTime('2026-12-03T14:42:00+08:00')).toBe('2026-12-03 14:42');
    expect(beijingTime('2026-12-03T01:42:00-05:00')).toBe('2026-12-03 14:42');
  });

  it('gives back what it cannot read instead of "Invalid Date"', () => {
    expect(beijingTime('not a time')).toBe('not a time');
    expect(beijingDate('')).toBe('');
  });

  it('counts today and day ranges as Beijing days', () => {
    expect(chinaToday(new Date('2026-04-01T15:59:59Z'))).toBe('2026-04-01');
    expect(chinaToday(new Date('2026-04-01T16:00:00Z'))).toBe('2026-04-02');
    expect(new Date(beijingDayStart('2026-12-03')).toISOString()).toBe('2026-12-02T16:00:00.000Z');
    expect(nextDay('2026-12-31')).toBe('2027-01-01');
    expect(nextDay('2028-02-28')).toBe('2028-02-29');
  });
});
