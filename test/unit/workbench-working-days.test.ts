import { describe, it, expect } from 'vitest';
import { addWorkingDays, chinaDate, deadline, isWorkingDay, workingDaysBetween, type WorkCalendar } from '../../server/workbench/working-days.js';

// 2026-11-27 is a Friday.
describe('working days (时限按工作日计算)', () => {
  it('skips weekends and does not count the starting day', () => {
    expect(isWorkingDay('2026-11-27')).toBe(true);
    expect(isWorkingDay('2026-11-28')).toBe(false);
    expect(isWorkingDay('2026-11-29')).toBe(false);
    expect(addWorkingDays('2026-11-27', 1)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-26', 1)).toBe('2026-11-27');
    expect(addWorkingDays('2026-11-28', 1)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-27', 5)).toBe('2026-12-04');
    expect(addWorkingDays('2026-11-27', 10)).toBe('2026-12-11');
    expect(addWorkingDays('2026-11-27', 0)).toBe('2026-11-27');
  });

  it('ends a fractional limit with a whole working day', () => {
    expect(addWorkingDays('2026-11-27', 0.5)).toBe('2026-11-30');
    expect(addWorkingDays('2026-11-27', 1.5)).toBe('2026-12-01');
  });

  it('honours public holidays and moved working days (调休)', () => {
    // National Day week 2026 as an example: 1–7 October off, Saturday 10 October worked.
    const calendar: WorkCalendar = {
      holidays: new Set(['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-06', '2026-10-07']),
      workdays: new Set(['2026-10-10']),
    };
    expect(isWorkingDay('2026-10-01', calendar)).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    expect(addWorkingDays('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-30', 3, calendar)).toBe('2026-10-10');
    expect(workingDaysBetween('2026-09-30', '2026-10-12', calendar)).toBe(4);
  });

  it('counts working days in (from, to]', () => {
    expect(workingDaysBetween('2026-11-27', '2026-11-27')).toBe(0);
    expect(workingDaysBetween('2026-11-27', '2026-11-30')).toBe(1);
    expect(workingDaysBetween('2026-11-30', '2026-11-27')).toBe(0);
    expect(workingDaysBetween('2026-11-23', '2026-12-04')).toBe(9);
  });

  it('takes the date in China time, not UTC', () => {
    expect(chinaDate(new Date('2026-11-27T15:59:59Z'))).toBe('2026-11-27');
    expect(chinaDate(new Date('2026-11-27T16:00:00Z'))).toBe('2026-11-28');
  });

  it('flags a sub-application overdue after the close of its last working day', () => {
    // Received Friday 27 November at 10:00 Beijing time with a 1-day limit: due Monday 30th.
    const received = new Date('2026-11-27T02:00:00Z');
    const monday = deadline(received, 1, new Date('2026-11-30T15:59:00Z'));
    expect(monday).toMatchObject({ startDate: '2026-11-27', dueDate: '2026-11-30', overdue: false, workingDaysLeft: 0 });
    expect(monday.dueAt.toISOString()).toBe('2026-11-30T16:00:00.000Z');
    expect(deadline(received, 1, new Date('2026-11-28T02:00:00Z')).workingDaysLeft).toBe(1);
    const tuesday = deadline(received, 1, new Date('2026-11-30T16:00:00Z'));
    expect(tuesday).toMatchObject({ overdue: true, workingDaysLeft: -1 });
    expect(deadline(received, 1, new Date('2026-12-03T02:00:00Z')).workingDaysLeft).toBe(-3);
    // Due Friday, looked at on Saturday: overdue by (at least) one working day.
    expect(deadline(new Date('2026-11-26T02:00:00Z'), 1, new Date('2026-11-28T02:00:00Z'))).toMatchObject({ overdue: true, workingDaysLeft: -1 });
  });

  it('refuses nonsense instead of looping', () => {
    expect(() => addWorkingDays('2026-11-27', -1)).toThrow(RangeError);
    expect(() => addWorkingDays('2026-11-27', Number.NaN)).toThrow(RangeError);
    expect(() => addWorkingDays('27/11/2026', 1)).toThrow(RangeError);
    const never: WorkCalendar = { holidays: new Set(Array.from({ length: 800 }, (_, i) => new Date(Date.UTC(2026, 10, 28 + i)).toISOString().slice(0, 10))) };
    expect(() => addWorkingDays('2026-11-27', 1, never)).toThrow(/no working day/);
    expect(addWorkingDays('2026-11-27', 1000).slice(0, 4)).toBe('2030');
  });
});
