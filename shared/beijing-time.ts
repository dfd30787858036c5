// Every time people see is Beijing time (Asia/Shanghai), in one format, whatever the zone of the
// browser or the server. The API keeps ISO 8601 instants; only the display converts.
//
// China has kept UTC+8 all year since 1991, so Beijing wall time is the instant shifted by eight
// hours: no time-zone database is needed, and server (PDFs, notices) and browser agree exactly.

export const CHINA_OFFSET_MS = 8 * 3_600_000;

const pad = (n: number): string => String(n).padStart(2, '0');

function wall(iso: string | Date): Date | null {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  return Number.isNaN(d.getTime()) ? null : new Date(d.getTime() + CHINA_OFFSET_MS);
}

/** `2026-12-03` in Beijing; an unreadable value is returned as given. */
export function beijingDate(iso: string | Date): string {
  const w = wall(iso);
  if (!w) return String(iso);
  return `${w.getUTCFullYear()}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
}

/** Today's date in Beijing: what "today" means to deadlines, date checks and statistics. */
export function chinaToday(now: Date = new Date()): string {
  return beijingDate(now);
}

/** `2026-12-03 14:41` (or `14:41:07` with seconds) in Beijing; an unreadable value is returned as given. */
export function beijingTime(iso: string | Date, precision: 'minute' | 'second' = 'minute'): string {
  const w = wall(iso);
  if (!w) return String(iso);
  const hm = `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
  return `${beijingDate(iso)} ${precision === 'second' ? `${hm}:${pad(w.getUTCSeconds())}` : hm}`;
}

/** The instant a Beijing calendar day (`YYYY-MM-DD`) starts, as ISO 8601 with its offset. */
export function beijingDayStart(day: string): string {
  return `${day}T00:00:00+08:00`;
}

/** The Beijing calendar day after `day` (`YYYY-MM-DD`), for half-open ranges [from, to). */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
