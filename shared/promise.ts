// When a bundle's promise (承诺办结时限) runs out for an application filed at a given instant,
// and which items it covers. Pure: the calendar is passed in, so the browser can count too.
import type { WorkCalendar } from './calendar.js';
import { closeOf, dueDateOf } from './calendar.js';
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
