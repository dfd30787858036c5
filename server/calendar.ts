// The working-day calendar the server counts with: the chinese-days package's statutory
// holidays and 调休 make-up days, then the province's scenarios/calendar.yaml on top (years the
// package does not know yet, local corrections). The same merged data goes to the database's
// calendar_days table (server/db/migrations/008_calendar.sql), so the statistics SQL counts the
// days the workbench counts.
import chineseDays from 'chinese-days/dist/chinese-days.json' with { type: 'json' };
import { calendarData } from '../shared/calendar-file.js';
import { chinaToday } from '../shared/beijing-time.js';
import { mergeCalendars, isWorkingDay, type WorkCalendar } from '../shared/calendar.js';
import { load } from '../shared/loader.js';
import type { SourceFile } from '../shared/yaml-source.js';
import type { Database } from './db/types.js';

/** The package's data and the scenario folder's calendar.yaml, merged (the file wins). */
export function workCalendar(files: readonly SourceFile[] = []): WorkCalendar {
  const own = files.filter((f) => f.path === 'calendar.yaml');
  const file = own.length > 0 ? load(own).catalogue.calendar : undefined;
  const pkg = { holidays: Object.keys(chineseDays.holidays), workdays: Object.keys(chineseDays.workdays) };
  return file ? mergeCalendars(pkg, calendarData(file)) : mergeCalendars(pkg);
}

/** Years around `today` the calendar has no holiday data for: limits there count weekends only. */
export function missingYears(calendar: WorkCalendar, today: Date): number[] {
  const year = Number(chinaToday(today).slice(0, 4));
  return [year, year + 1].filter((y) => !calendar.years?.has(y));
}

// The table spans these years; outside them the SQL falls back to weekends (see 008_calendar.sql).
const FIRST = Date.UTC(2000, 0, 1) / 86_400_000;
const LAST = Date.UTC(2099, 11, 31) / 86_400_000;

/**
 * Writes the calendar into calendar_days when it differs from what is there: one row per day
 * with whether it is worked and the running count of working days (ord), so "working days
 * between" is a subtraction and "the n-th working day after" one index lookup.
 */
export async function syncCalendarTable(db: Database, calendar: WorkCalendar): Promise<boolean> {
  const changed = [...(calendar.holidays ?? []), ...(calendar.workdays ?? [])]
    .filter((d) => {
      const t = Date.parse(`${d}T00:00:00Z`) / 86_400_000;
      return t >= FIRST && t <= LAST;
    })
    .sort();
  const signature = JSON.stringify([...changed].map((d) => `${d}:${isWorkingDay(d, calendar) ? 1 : 0}`));
  return db.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('yijianshi.calendar:' || current_schema()))`);
    const current = await tx.query<{ signature: string }>('SELECT signature FROM calendar_meta');
    if (current.rows[0]?.signature === signature) return false;
    const days = changed.filter((d) => isWorkingDay(d, calendar) !== isWeekday(d));
    // The weekend rule is the default; only the exceptions are sent, the database renumbers.
    await tx.query(
      `UPDATE calendar_days SET working = (extract(isodow FROM day) < 6) WHERE working <> (extract(isodow FROM day) < 6)`,
    );
    await tx.query(`UPDATE calendar_days c SET working = NOT c.working FROM unnest($1::date[]) AS x(day) WHERE c.day = x.day`, [days]);
    await tx.query(
      `UPDATE calendar_days c SET ord = n.ord FROM (SELECT day, (sum(working::int) OVER (ORDER BY day))::int AS ord FROM calendar_days) AS n
        WHERE c.day = n.day AND c.ord <> n.ord`,
    );
    await tx.query('DELETE FROM calendar_meta');
    await tx.query('INSERT INTO calendar_meta (signature) VALUES ($1)', [signature]);
    return true;
  });
}

function isWeekday(iso: string): boolean {
  const d = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return d !== 0 && d !== 6;
}
