// Working days that are real: the chinese-days package with the province's calendar.yaml on
// top (server/calendar.ts), counted by the pure functions of shared/calendar.ts.
import { describe, expect, it } from 'vitest';
import { addNaturalDays, addWorkingDays, chinaIso, deadline, dueDateOf, isWorkingDay, mergeCalendars, workingDaysBetween } from '../../shared/calendar.js';
import { buildCalendarFile, calendarData, checkCalendarFile } from '../../shared/calendar-file.js';
import { missingYears, workCalendar } from '../../server/calendar.js';
import { readScenarioFiles } from '../../server/bundles/files.js';
import { SCENARIOS } from '../engine/support.js';

const calendar = workCalendar(readScenarioFiles(SCENARIOS));

describe('the shipped calendar (chinese-days and scenarios/calendar.yaml)', () => {
  it('knows Golden Week 2026: 1–7 October off, Saturday 10 October worked (调休)', () => {
    for (let d = 1; d <= 7; d++) expect(isWorkingDay(`2026-10-0${d}`, calendar), `2026-10-0${d}`).toBe(false);
    expect(isWorkingDay('2026-10-10', calendar)).toBe(true);
    expect(isWorkingDay('2026-09-20', calendar)).toBe(true);
    expect(isWorkingDay('2026-10-11', calendar)).toBe(false);
    // Filed on 30 September, one working day: due on 8 October, not on 1 October.
    expect(addWorkingDays('2026-09-30', 1, calendar)).toBe('2026-10-08');
    expect(addWorkingDays('2026-09-30', 3, calendar)).toBe('2026-10-10');
    expect(workingDaysBetween('2026-09-30', '2026-10-12', calendar)).toBe(4);
    // Without the calendar Golden Week would count five working days.
    expect(workingDaysBetween('2026-09-30', '2026-10-07')).toBe(5);
    expect(workingDaysBetween('2026-09-30', '2026-10-07', calendar)).toBe(0);
  });

  it('takes 2027 from the province file: the statutory days off the package does not know yet', () => {
    expect(isWorkingDay('2027-01-01', calendar)).toBe(false);
    for (const d of ['2027-02-05', '2027-02-08', '2027-04-05', '2027-06-09', '2027-09-15', '2027-10-01']) expect(isWorkingDay(d, calendar), d).toBe(false);
    expect(isWorkingDay('2027-02-09', calendar)).toBe(true);
    expect(calendar.years?.has(2027)).toBe(true);
    expect(missingYears(calendar, new Date('2026-12-03T00:00:00Z'))).toEqual([]);
    expect(missingYears(calendar, new Date('2027-12-03T00:00:00Z'))).toEqual([2028]);
  });
});

describe('merging calendars', () => {
  it('lets a later source turn a holiday into a working day and back', () => {
    const pkg = { holidays: ['2026-10-01', '2026-10-02'], workdays: ['2026-10-10'] };
    const province = { holidays: ['2026-10-10'], workdays: ['2026-10-02'] };
    const merged = mergeCalendars(pkg, province);
    expect(isWorkingDay('2026-10-01', merged)).toBe(false);
    expect(isWorkingDay('2026-10-02', merged)).toBe(true);
    expect(isWorkingDay('2026-10-10', merged)).toBe(false);
    expect([...(merged.years ?? [])]).toEqual([2026]);
  });
});

describe('limits in working or natural days', () => {
  it('counts natural days (自然日) straight through holidays', () => {
    expect(addNaturalDays('2026-09-30', 20)).toBe('2026-10-20');
    expect(addNaturalDays('2026-09-30', 0.5)).toBe('2026-10-01');
    expect(dueDateOf(new Date('2026-09-30T02:00:00Z'), { days: 5, unit: 'natural' }, calendar)).toBe('2026-10-05');
    expect(dueDateOf(new Date('2026-09-30T02:00:00Z'), { days: 5, unit: 'working' }, calendar)).toBe('2026-10-13');
    expect(() => addNaturalDays('2026-09-30', -1)).toThrow(RangeError);
  });

  it('caps an item’s deadline by the bundle’s promise when that comes first', () => {
    const received = new Date('2026-11-27T02:00:00Z');
    const promised = new Date('2026-11-30T16:00:00Z'); // 24:00 China time on Monday 30 November
    const capped = deadline(received, 10, new Date('2026-12-01T02:00:00Z'), calendar, promised);
    expect(capped).toMatchObject({ dueDate: '2026-11-30', overdue: true });
    expect(capped.dueAt.toISOString()).toBe(promised.toISOString());
    // A promise later than the item's own limit changes nothing.
    expect(deadline(received, 1, received, calendar, promised).dueDate).toBe('2026-11-30');
    expect(deadline(received, 1, received, calendar, new Date('2027-01-01T00:00:00Z')).dueDate).toBe('2026-11-30');
  });

  it('writes instants with the China offset', () => {
    expect(chinaIso(new Date('2026-11-30T16:00:00Z'))).toBe('2026-12-01T00:00:00+08:00');
  });
});

describe('calendar.yaml checks', () => {
  const file = (root: Record<string, unknown>) => buildCalendarFile('calendar.yaml', root);

  it('refuses dates that are not dates, ranges backwards, and a day both off and worked', () => {
    const findings = checkCalendarFile(
      file({
        holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-30' }, { name: '国庆', from: '2027-10-03', to: '2027-10-01' }, { name: '元旦', date: '2027-01-01' }],
        workdays: [{ name: '调休', date: '2027-01-01' }, { name: '周一', date: '2027-01-04' }, { name: '周六', date: '2027-01-09' }, { name: '周六', date: '2027-01-09' }],
      }),
    );
    expect(findings.map((f) => `${f.severity}: ${f.message}`)).toEqual([
      'error: holiday "春节": 2027-02-30 is not a calendar date',
      'error: holiday "国庆": ends (2027-10-01) before it starts (2027-10-03)',
      'error: workday "调休": 2027-01-01 is also listed as a day off ("元旦")',
      'warning: workday "周六": 2027-01-09 is listed twice',
    ]);
  });

  it('expands ranges into days and skips invalid entries', () => {
    const data = calendarData(file({ holidays: [{ name: '春节', from: '2027-02-05', to: '2027-02-08' }, { name: '坏', date: '2027-13-01' }], workdays: [{ name: '调休', date: '2027-02-20' }] }));
    expect([...data.holidays]).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect([...data.workdays]).toEqual(['2027-02-20']);
  });
});
