// The statistics SQL. Rollup tables and the triggers that feed them are in
// server/db/migrations/004_stats.sql; this file folds pending changes into the rollups and reads
// rollups plus whatever is still pending, so every answer is exact as of one snapshot.

/** Additive figures per filing day and bundle (stats_app_daily). */
export const APP_COLUMNS = [
  'filed',
  'completed',
  'partially_completed',
  'rejected',
  'materials_separately',
  'materials_handed_in',
  'waived_sharing',
  'waived_bundle',
  'waived_commitment',
  'waived_generated',
  'handed_in_once_for_several',
  'reused_from_archive',
  'visits_separately',
  'visits_bundled',
  'limit_sum',
  'critical_path',
  'rating_count',
  'rating_sum',
  'rating_1',
  'rating_2',
  'rating_3',
  'rating_4',
  'rating_5',
] as const;
export type AppColumn = (typeof APP_COLUMNS)[number];

/** Additive figures per filing day, bundle and department (stats_dept_daily). */
export const DEPT_COLUMNS = ['items', 'received', 'completed', 'on_time', 'rejected', 'open', 'limit_sum', 'actual_sum'] as const;
export type DeptColumn = (typeof DEPT_COLUMNS)[number];

const list = (cols: readonly string[], f: (c: string) => string): string => cols.map(f).join(', ');

function foldSql(changes: string, rollup: string, keys: readonly string[], cols: readonly string[]): string {
  return `
    WITH batch AS (
      DELETE FROM ${changes} WHERE id IN (SELECT id FROM ${changes} ORDER BY id LIMIT $1) RETURNING *
    ), merged AS (
      INSERT INTO ${rollup} AS r (${keys.join(', ')}, ${cols.join(', ')})
      SELECT ${keys.join(', ')}, ${list(cols, (c) => `sum(${c})`)} FROM batch GROUP BY ${keys.join(', ')}
      ON CONFLICT (${keys.join(', ')}) DO UPDATE SET ${list(cols, (c) => `${c} = r.${c} + EXCLUDED.${c}`)}
    )
    SELECT count(*)::int AS n FROM batch`;
}

/** Each returns how many change rows it folded (at most $1). */
export const FOLD = [
  foldSql('stats_app_changes', 'stats_app_daily', ['day', 'bundle_id'], APP_COLUMNS),
  foldSql('stats_app_hist_changes', 'stats_app_hist', ['day', 'bundle_id', 'working_days'], ['n']),
  foldSql('stats_dept_changes', 'stats_dept_daily', ['day', 'bundle_id', 'department'], DEPT_COLUMNS),
];

/** One folder at a time: concurrent readers skip folding and read the pending rows instead. */
export const FOLD_LOCK = `SELECT pg_try_advisory_xact_lock(hashtext('yijianshi.stats.fold:' || current_schema())) AS locked`;

/** $1 from, $2 to (China dates, inclusive), $3 bundle id or null. */
const inPeriod = `day BETWEEN $1::date AND $2::date AND ($3::text IS NULL OR bundle_id = $3::text)`;

/**
 * Application figures with GROUPING SETS: the total (g = 3), per bundle (g = 2) and per day
 * (g = 1) in one pass. Means are computed here in numeric so they round exactly.
 */
export const READ_APPS = `
  WITH r AS (
    SELECT day, bundle_id, ${APP_COLUMNS.join(', ')} FROM stats_app_daily WHERE ${inPeriod}
    UNION ALL
    SELECT day, bundle_id, ${APP_COLUMNS.join(', ')} FROM stats_app_changes WHERE ${inPeriod}
  )
  SELECT GROUPING(day, bundle_id) AS g, day::text AS day, bundle_id,
         ${list(APP_COLUMNS, (c) => `coalesce(sum(${c}), 0)::float8 AS ${c}`)},
         round(sum(limit_sum) / nullif(sum(filed), 0), 2)::float8 AS limit_avg,
         round(sum(critical_path) / nullif(sum(filed), 0), 2)::float8 AS critical_avg,
         round(sum(rating_sum)::numeric / nullif(sum(rating_count), 0), 2)::float8 AS rating_avg
    FROM r
   GROUP BY GROUPING SETS ((), (bundle_id), (day))
  HAVING sum(filed) <> 0 OR sum(rating_count) <> 0 OR GROUPING(day, bundle_id) = 3`;

/** Working days from filing to completion: counts per value, per bundle (g = 0) and overall (g = 1). */
export const READ_HIST = `
  WITH r AS (
    SELECT bundle_id, working_days, n FROM stats_app_hist WHERE ${inPeriod}
    UNION ALL
    SELECT bundle_id, working_days, n FROM stats_app_hist_changes WHERE ${inPeriod}
  )
  SELECT GROUPING(bundle_id) AS g, bundle_id, working_days, sum(n)::float8 AS n
    FROM r
   GROUP BY GROUPING SETS ((bundle_id, working_days), (working_days))
  HAVING sum(n) <> 0
   ORDER BY g, bundle_id, working_days`;

export const READ_DEPARTMENTS = `
  WITH r AS (
    SELECT department, ${DEPT_COLUMNS.join(', ')} FROM stats_dept_daily WHERE ${inPeriod}
    UNION ALL
    SELECT department, ${DEPT_COLUMNS.join(', ')} FROM stats_dept_changes WHERE ${inPeriod}
  )
  SELECT department, ${list(DEPT_COLUMNS, (c) => `sum(${c})::float8 AS ${c}`)},
         round(sum(on_time)::numeric / nullif(sum(completed), 0), 4)::float8 AS on_time_rate,
         round(sum(limit_sum) / nullif(sum(completed), 0), 2)::float8 AS limit_avg,
         round(sum(actual_sum)::numeric / nullif(sum(completed), 0), 2)::float8 AS actual_avg
    FROM r
   GROUP BY department
  HAVING sum(items) <> 0
   ORDER BY department`;

/**
 * Running items past their limit (or past the bundle's promise, whichever comes first), now: the
 * only figure that moves with the clock, so it is read live. The partial index on the earliest
 * possible due instant (008_calendar.sql) narrows to rows that can be overdue; the calendar then decides.
 */
export const READ_OPEN_OVERDUE = `
  SELECT s.department, count(*)::float8 AS n
    FROM sub_applications s
   WHERE s.status IN ('queued', 'delivered', 'accepted') AND s.delivered_at IS NOT NULL
     AND least(stats_due_floor(s.delivered_at, s.time_limit_days), s.promised_by) <= now()
     AND least(stats_due_at(s.delivered_at, s.time_limit_days), s.promised_by) <= now()
     AND stats_cst_date(s.created_at) BETWEEN $1::date AND $2::date
     AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.id = s.application_id AND a.bundle_id = $3::text))
   GROUP BY s.department`;
