import { chinaToday } from './beijing-time.js';
// Time limits of government services (承诺办结时限) are counted in working days in China
// Standard Time: the day something is received is not counted (期间开始之日不计算在内), the
// limit ends at the close of its last working day, and weekends do not count unless the State
// Council moves a working day onto one (调休上班); public holidays do not count.
//
// Pure: dates are ISO strings (YYYY-MM-DD) and instants are Dates; no clock is read here, and
// the holiday data is passed in (the server merges the chinese-days package with the
// province's scenarios/calendar.yaml, see server/calendar.ts), so the browser can count too.

/** Days off and moved working days; both are ISO dates. The default is Monday to Friday. */
export interface WorkCalendar {
  /** Weekdays that are days off (法定节假日). */
  readonly holidays?: ReadonlySet<string>;
  /** Saturdays or Sundays that are working days (调休上班). */
  readonly workdays?: ReadonlySet<string>;
  /** Years the data knows (their holidays were published); other years count weekends only. */
  readonly years?: ReadonlySet<number>;
}

/** One source of holiday data: a data package, or a province's calendar file. */
export interface CalendarData {
  readonly holidays: Iterable<string>;
  readonly workdays: Iterable<string>;
}

/**
 * Merges sources in order: a later source wins for a date it names (a province's file can
 * turn a package's holiday into a working day, or the other way round). A year counts as known
 * when some source names a date in it.
 */
export function mergeCalendars(...sources: readonly CalendarData[]): WorkCalendar {
  const holidays = new Set<string>();
  const workdays = new Set<string>();
  const years = new Set<number>();
  for (const s of sources) {
    for (const d of s.holidays) {
      workdays.delete(d);
      holidays.add(d);
      years.add(Number(d.slice(0, 4)));
    }
    for (const d of s.workdays) {
      holidays.delete(d);
      workdays.add(d);
      years.add(Number(d.slice(0, 4)));
    }
  }
  return { holidays, workdays, years };
}

/** A limit and how it is counted: 工作日 (working days) or 自然日 (natural days). */
export type DayUnit = 'working' | 'natural';
export interface DayLimit {
  readonly days: number;
  readonly unit: DayUnit;
}

const CST_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function toDay(iso: string): number {
  if (!ISO_DATE.test(iso)) throw new RangeError(`not an ISO date: ${iso}`);
  const t = Date.parse(`${iso}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`not an ISO date: ${iso}`);
  return t / DAY_MS;
}

function fromDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The calendar date of an instant in China Standard Time (UTC+8 all year). */
export function chinaDate(at: Date): string {
  return chinaToday(at);
}

export function isWorkingDay(iso: string, calendar: WorkCalendar = {}): boolean {
  if (calendar.workdays?.has(iso)) return true;
  if (calendar.holidays?.has(iso)) return false;
  const weekday = new Date(toDay(iso) * DAY_MS).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/**
 * The n-th working day after `iso` (which itself is not counted). A fractional limit (half a
 * day) still ends with a whole working day; 0 means the same day (即办).
 */
export function addWorkingDays(iso: string, n: number, calendar: WorkCalendar = {}): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`a time limit must be a finite number of days ≥ 0, not ${n}`);
  let day = toDay(iso);
  let left = Math.ceil(n);
  // A year of days off in a row would be a broken calendar, not a long holiday.
  let daysOff = 0;
  while (left > 0) {
    day += 1;
    if (isWorkingDay(fromDay(day), calendar)) {
      left -= 1;
      daysOff = 0;
    } else if (++daysOff > 366) {
      throw new RangeError('the calendar has no working day within a year');
    }
  }
  return fromDay(day);
}

/** The n-th day after `iso` counting every day (自然日); a fraction ends with a whole day. */
export function addNaturalDays(iso: string, n: number): string {
  if (!Number.isFinite(n) || n < 0) throw new RangeError(`a time limit must be a finite number of days ≥ 0, not ${n}`);
  return fromDay(toDay(iso) + Math.ceil(n));
}

/** Working days in (from, to]: 0 when to is not after from. */
export function workingDaysBetween(from: string, to: string, calendar: WorkCalendar = {}): number {
  const a = toDay(from);
  const b = toDay(to);
  let count = 0;
  for (let d = a + 1; d <= b; d++) if (isWorkingDay(fromDay(d), calendar)) count++;
  return count;
}

export interface Deadline {
  /** The China date the clock started from (not itself counted). */
  readonly startDate: string;
  /** The last working day of the limit. */
  readonly dueDate: string;
  /** The close of the due day: midnight at its end, China time. */
  readonly dueAt: Date;
  readonly overdue: boolean;
  /**
   * Working days left after today until the due day (0: due today); when overdue, minus the
   * working days since the due day, at least 1 (overdue on a Saturday after a Friday limit is -1).
   */
  readonly workingDaysLeft: number;
}

/** The close (24:00 China time) of a China date. */
export function closeOf(iso: string): Date {
  return new Date((toDay(iso) + 1) * DAY_MS - CST_OFFSET_MS);
}

/** ISO 8601 with the China offset, as applicants read it: 2026-10-09T24:00 is 2026-10-10T00:00:00+08:00. */
export function chinaIso(at: Date): string {
  return `${new Date(at.getTime() + CST_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** The last day of a limit counted from `startedAt` (not itself counted), in its unit. */
export function dueDateOf(startedAt: Date, limit: DayLimit, calendar: WorkCalendar = {}): string {
  const start = chinaDate(startedAt);
  return limit.unit === 'natural' ? addNaturalDays(start, limit.days) : addWorkingDays(start, limit.days, calendar);
}

/**
 * Where a clock stands: `timeLimitDays` working days from `startedAt`, or, with `cap`, no later
 * than that instant (an item inside a bundle's promise is due by the bundle's promised date).
 */
export function deadline(startedAt: Date, timeLimitDays: number, now: Date, calendar: WorkCalendar = {}, cap?: Date | null): Deadline {
  const startDate = chinaDate(startedAt);
  let dueDate = addWorkingDays(startDate, timeLimitDays, calendar);
  let dueAt = closeOf(dueDate);
  if (cap && cap.getTime() < dueAt.getTime()) {
    dueAt = cap;
    dueDate = chinaDate(new Date(cap.getTime() - 1));
  }
  const today = chinaDate(now);
  const overdue = now.getTime() >= dueAt.getTime();
  const workingDaysLeft = overdue ? -Math.max(1, workingDaysBetween(dueDate, today, calendar)) : workingDaysBetween(today, dueDate, calendar);
  return { startDate, dueDate, dueAt, overdue, workingDaysLeft };
}
