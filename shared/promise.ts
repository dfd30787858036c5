// When a bundle's promise (承诺办结时限) runs out for an application filed at a given instant,
// and which items it covers. Pure: the calendar is passed in, so the browser can count too.
import type { DayUnit, WorkCalendar } from './calendar.js';
import { addNaturalDays, addWorkingDays, chinaDate, closeOf, dueDateOf, workingDaysBetween } from './calendar.js';
import type { Bundle } from './model.js';

/** 24:00 China time of the promise's last day, counted from the day of filing; null without a promise. */
export function promisedBy(bundle: Bundle, filedAt: Date, calendar: WorkCalendar = {}): Date | null {
  const p = bundle.guide?.promise;
  return p ? closeOf(dueDateOf(filedAt, p, calendar)) : null;
}

/** Whether an item of the bundle is due by the promise (false for items it runs outside the promise). */
export function withinPromise(bundle: Bundle, itemId: string): boolean {
  const p = bundle.guide?.promise;
  return p !== undefined && !p.excludes.some((e) => e.ref === itemId);
}

/**
 * The promise after a supplement (补正): the time the application waited for the applicant does
 * not count (补正时间不计入承诺时限), so the promised date moves on by the days, in the promise's
 * unit, from the day the department asked to the day the applicant answered.
 */
export function afterSupplement(promised: Date, unit: DayUnit, requestedAt: Date, answeredAt: Date, calendar: WorkCalendar = {}): Date {
  const from = chinaDate(requestedAt);
  const to = chinaDate(answeredAt);
  const last = chinaDate(new Date(promised.getTime() - 1));
  if (unit === 'natural') {
    const waited = Math.max(0, Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000));
    return closeOf(addNaturalDays(last, waited));
  }
  return closeOf(addWorkingDays(last, workingDaysBetween(from, to, calendar), calendar));
}
