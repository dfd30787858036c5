// scenarios/calendar.yaml: a province's own holiday data on top of the maintained package
// (chinese-days): years the package does not know yet (the State Council publishes next year's
// 放假调休 arrangement each November), and local corrections. Built by the loader, checked
// here, merged by server/calendar.ts with mergeCalendars (shared/calendar.ts).
import type { CalendarData } from './calendar.js';
import type { SourceRef } from './model.js';

export interface CalendarHoliday {
  readonly name: string;
  readonly from: string;
  readonly to: string;
  readonly at: SourceRef;
}

export interface CalendarWorkday {
  readonly name: string;
  readonly date: string;
  readonly at: SourceRef;
}

export interface CalendarFile {
  readonly holidays: readonly CalendarHoliday[];
  readonly workdays: readonly CalendarWorkday[];
  readonly sources: readonly { readonly url: string; readonly title?: string }[];
  readonly at: SourceRef;
}

type Raw = Record<string, unknown>;
const asRaw = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string => (typeof v === 'string' ? v : v instanceof Date ? v.toISOString().slice(0, 10) : '');

export function buildCalendarFile(file: string, root: Raw): CalendarFile {
  const list = (key: string): unknown[] => (Array.isArray(root[key]) ? (root[key] as unknown[]) : []);
  return {
    holidays: list('holidays').map((raw, i) => {
      const e = asRaw(raw);
      const from = str(e.date ?? e.from);
      return { name: str(e.name), from, to: str(e.to) || from, at: { file, path: ['holidays', i] } };
    }),
    workdays: list('workdays').map((raw, i) => {
      const e = asRaw(raw);
      return { name: str(e.name), date: str(e.date), at: { file, path: ['workdays', i] } };
    }),
    sources: list('sources').map((raw) => {
      const e = asRaw(raw);
      return { url: str(e.url), ...(typeof e.title === 'string' ? { title: e.title } : {}) };
    }),
    at: { file, path: [] },
  };
}

const DAY_MS = 86_400_000;
/** The day number of a real calendar date, or null (2027-02-30 is not one). */
function dayOf(iso: string): number | null {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(iso)) return null;
  const t = Date.parse(`${iso}T00:00:00Z`);
  return Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== iso ? null : t / DAY_MS;
}
const isoOf = (day: number): string => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Every date of the file's holidays and workdays, for mergeCalendars. Invalid entries are skipped. */
export function calendarData(file: CalendarFile): CalendarData {
  const holidays: string[] = [];
  for (const h of file.holidays) {
    const a = dayOf(h.from);
    const b = dayOf(h.to);
    if (a === null || b === null || b < a || b - a > 31) continue;
    for (let d = a; d <= b; d++) holidays.push(isoOf(d));
  }
  return { holidays, workdays: file.workdays.filter((w) => dayOf(w.date) !== null).map((w) => w.date) };
}

export interface CalendarFinding {
  readonly at: SourceRef;
  readonly severity: 'error' | 'warning';
  readonly message: string;
}

/**
 * Checks what the JSON Schema cannot: real dates, ranges, a day both off and worked, repeats.
 * A weekday listed as worked is not flagged: it may undo a holiday of the package.
 */
export function checkCalendarFile(file: CalendarFile): CalendarFinding[] {
  const out: CalendarFinding[] = [];
  const off = new Map<string, string>();
  for (const h of file.holidays) {
    const a = dayOf(h.from);
    const b = dayOf(h.to);
    if (a === null || b === null) {
      out.push({ at: h.at, severity: 'error', message: `holiday "${h.name}": ${a === null ? h.from : h.to} is not a calendar date` });
      continue;
    }
    if (b < a) {
      out.push({ at: h.at, severity: 'error', message: `holiday "${h.name}": ends (${h.to}) before it starts (${h.from})` });
      continue;
    }
    // The longest arrangement ever published is 9 days (Spring Festival 2026); a month is a typo.
    if (b - a > 31) {
      out.push({ at: h.at, severity: 'error', message: `holiday "${h.name}": ${b - a + 1} days is not a holiday; check the dates` });
      continue;
    }
    for (let d = a; d <= b; d++) {
      const iso = isoOf(d);
      const before = off.get(iso);
      if (before !== undefined) out.push({ at: h.at, severity: 'warning', message: `holiday "${h.name}": ${iso} is already a day off ("${before}")` });
      off.set(iso, h.name);
    }
  }
  const worked = new Set<string>();
  for (const w of file.workdays) {
    const d = dayOf(w.date);
    if (d === null) {
      out.push({ at: w.at, severity: 'error', message: `workday "${w.name}": ${w.date} is not a calendar date` });
      continue;
    }
    if (off.has(w.date)) out.push({ at: w.at, severity: 'error', message: `workday "${w.name}": ${w.date} is also listed as a day off ("${off.get(w.date) ?? ''}")` });
    if (worked.has(w.date)) out.push({ at: w.at, severity: 'warning', message: `workday "${w.name}": ${w.date} is listed twice` });
    worked.add(w.date);
  }
  return out;
}
