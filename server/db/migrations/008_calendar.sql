-- Working days that are real (issue 13): statutory holidays and 调休 make-up working days, and
-- the bundle's promised limit (承诺办结时限).
--
-- calendar_days holds one row per day of 2000–2099: whether it is worked and the running count
-- of working days up to it (ord). This migration fills it with the weekend rule; at start-up
-- server/calendar.ts writes the merged calendar (the chinese-days package and the province's
-- scenarios/calendar.yaml) into it, so these functions count the days the workbench counts
-- (shared/calendar.ts). Outside the table's years they fall back to the weekend rule of 004.
CREATE TABLE calendar_days (
  day      date PRIMARY KEY,
  working  boolean NOT NULL,
  ord      integer NOT NULL
);
INSERT INTO calendar_days (day, working, ord)
SELECT day, working, (sum(working::int) OVER (ORDER BY day))::int
  FROM (SELECT d::date AS day, extract(isodow FROM d) < 6 AS working
          FROM generate_series(date '2000-01-01', date '2099-12-31', interval '1 day') AS d) AS g;
-- The n-th working day after a date is the working day whose ord is the date's ord + n.
CREATE INDEX calendar_days_working_ord ON calendar_days (ord) WHERE working;
-- What was last written (a digest of the exceptions to the weekend rule), so start-up rewrites
-- only when the calendar changed.
CREATE TABLE calendar_meta (signature text NOT NULL);

-- The index on the due instant cannot stay: the due instant now depends on the calendar table,
-- which an index expression must not read. Dropped first, before the function changes under it.
DROP INDEX sub_applications_open_due;

-- Working days in (from_day, to_day], as workingDaysBetween counts them.
CREATE OR REPLACE FUNCTION stats_working_days(from_day date, to_day date) RETURNS integer
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT CASE WHEN f.ord IS NULL OR t.ord IS NULL THEN greatest(0,
             (5 * ((to_day - date '1900-01-01') / 7) + least((to_day - date '1900-01-01') % 7 + 1, 5))
           - (5 * ((from_day - date '1900-01-01') / 7) + least((from_day - date '1900-01-01') % 7 + 1, 5)))
           ELSE greatest(0, t.ord - f.ord) END
      FROM (SELECT (SELECT ord FROM calendar_days WHERE day = from_day) AS ord) AS f,
           (SELECT (SELECT ord FROM calendar_days WHERE day = to_day) AS ord) AS t
  $$;

-- 24:00 China time of the ceil(limit)-th working day after the day of receipt (that day for 0).
CREATE OR REPLACE FUNCTION stats_due_at(received timestamptz, limit_days double precision) RETURNS timestamptz
  LANGUAGE sql STABLE PARALLEL SAFE
  AS $$
    SELECT ((due + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
      FROM (SELECT CASE WHEN n <= 0 THEN d
                        ELSE coalesce(
                          (SELECT c.day FROM calendar_days c
                            WHERE c.working AND c.ord = (SELECT o.ord FROM calendar_days o WHERE o.day = d) + n),
                          date '1900-01-01'
                             + 7 * ((5 * ((d - date '1900-01-01') / 7) + least((d - date '1900-01-01') % 7 + 1, 5) + n - 1) / 5)
                             + ((5 * ((d - date '1900-01-01') / 7) + least((d - date '1900-01-01') % 7 + 1, 5) + n - 1) % 5))
                   END AS due
              FROM (SELECT ((received AT TIME ZONE 'UTC') + interval '8 hours')::date AS d, ceil(limit_days)::integer AS n) AS x) AS y
  $$;

-- The earliest a limit can run out whatever the calendar: n working days take at least n days.
-- Immutable, so it can be indexed; the overdue query narrows with it, then checks stats_due_at.
CREATE FUNCTION stats_due_floor(received timestamptz, limit_days double precision) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT ((((received AT TIME ZONE 'UTC') + interval '8 hours')::date + greatest(0, ceil(limit_days)::integer) + 1)::timestamp
            - interval '8 hours') AT TIME ZONE 'UTC'
  $$;

-- The bundle's promise: when the application was filed, the instant its promised limit runs out
-- (24:00 China time of the last day). An item inside the promise is due by it, or by its own
-- limit if that comes first; an item the bundle runs outside the promise has none.
ALTER TABLE applications ADD COLUMN promised_by timestamptz;
ALTER TABLE sub_applications ADD COLUMN promised_by timestamptz;

CREATE INDEX sub_applications_open_due ON sub_applications (least(stats_due_floor(delivered_at, time_limit_days), promised_by))
  WHERE status IN ('queued', 'delivered', 'accepted') AND delivered_at IS NOT NULL;

-- The department figures' on-time test now honours the promise: the trigger functions of
-- sub_applications are regenerated from 004's template with that one expression changed.
DO $do$
DECLARE
  op text;
  src text;
  early text;
  template text := $t$
      INSERT INTO stats_dept_changes (day, bundle_id, department, items, received, completed, on_time, rejected, open, limit_sum, actual_sum)
      SELECT g.* FROM (
        SELECT day, bundle_id, department, sum(sign) AS items, sum(sign * received::int) AS received,
               sum(sign * completed::int) AS completed, sum(sign * on_time::int) AS on_time,
               sum(sign * rejected::int) AS rejected, sum(sign * open::int) AS open,
               sum(sign * limit_days) AS limit_sum, sum(sign * actual_days) AS actual_sum
          FROM (SELECT r.sign, stats_cst_date(r.created_at) AS day,
                       coalesce(r.payload #>> '{bundle,id}', (SELECT a.bundle_id FROM applications AS a WHERE a.id = r.application_id)) AS bundle_id,
                       r.department,
                       r.delivered_at IS NOT NULL AS received,
                       r.status = 'completed' AS completed,
                       r.status = 'completed' AND r.completed_at IS NOT NULL
                         AND r.completed_at < least(stats_due_at(coalesce(r.delivered_at, r.created_at), r.time_limit_days), r.promised_by) AS on_time,
                       r.status = 'rejected' AND r.delivered_at IS NOT NULL AS rejected,
                       r.delivered_at IS NOT NULL AND r.status NOT IN ('completed', 'rejected') AS open,
                       CASE WHEN r.status = 'completed' THEN r.time_limit_days::numeric ELSE 0 END AS limit_days,
                       CASE WHEN r.status = 'completed' AND r.completed_at IS NOT NULL
                            THEN stats_working_days(stats_cst_date(coalesce(r.delivered_at, r.created_at)), stats_cst_date(r.completed_at))
                            ELSE 0 END AS actual_days
                  FROM ({src}) AS r) AS c
         GROUP BY day, bundle_id, department) AS g
      WHERE jsonb_path_exists(to_jsonb(g) - 'day' - 'bundle_id' - 'department', '$.* ? (@ != 0)');
      $t$;
BEGIN
  FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
    src := CASE op
      WHEN 'insert' THEN 'SELECT 1 AS sign, * FROM stats_new'
      WHEN 'delete' THEN 'SELECT -1 AS sign, * FROM stats_old'
      ELSE 'SELECT 1 AS sign, * FROM stats_new UNION ALL SELECT -1 AS sign, * FROM stats_old'
    END;
    early := CASE WHEN op = 'update' THEN
      'IF (SELECT count(*) FROM stats_new) = (SELECT count(*) FROM stats_new n JOIN stats_old o ON o.id = n.id AND '
      || '(n.status, n.delivered_at, n.completed_at, n.created_at, n.time_limit_days, n.department, n.application_id, n.promised_by) IS NOT DISTINCT FROM '
      || '(o.status, o.delivered_at, o.completed_at, o.created_at, o.time_limit_days, o.department, o.application_id, o.promised_by)) THEN RETURN NULL; END IF;'
      ELSE '' END;
    EXECUTE format('CREATE OR REPLACE FUNCTION stats_sub_applications_%1$s() RETURNS trigger LANGUAGE plpgsql AS %2$L',
      op, 'BEGIN ' || early || replace(template, '{src}', src) || ' RETURN NULL; END');
  END LOOP;
END
$do$;
