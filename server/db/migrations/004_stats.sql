-- Statistics (issue 7): daily rollups that answer the dashboard at a million applications.
--
-- Every figure is about a cohort: the applications FILED in a period (by their China date), as
-- they stand now. Rollups are kept per filing day and bundle (and department), so a year is a
-- few thousand rows whatever the number of applications.
--
-- How they are kept: statement-level triggers with transition tables append the net change of
-- each statement (new rows minus old rows, grouped by rollup key) to *_changes tables, in the
-- same transaction as the write. Writers only ever INSERT there, so they never wait on a shared
-- rollup row and cannot deadlock on one (two submissions locking department rows in different
-- orders would). A reader folds pending changes into the rollups (server/stats/sql.ts, under an
-- advisory lock) and reads rollups plus whatever is still pending in one snapshot. A bulk INSERT …
-- SELECT of a million rows goes through the same triggers: one aggregate per statement.

-- China Standard Time is UTC+8 all year; fixed arithmetic keeps these functions truly immutable
-- (usable in an index) and independent of the server's time zone setting.
CREATE FUNCTION stats_cst_date(t timestamptz) RETURNS date
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$ SELECT ((t AT TIME ZONE 'UTC') + interval '8 hours')::date $$;

-- Working days are counted as server/workbench/working-days.ts counts them (时限按工作日计算):
-- the day of receipt is not counted, weekends are not working days, and a limit ends at the
-- close (24:00 China time) of its last working day; a fractional limit ends with a whole day.
-- Public holidays and moved working days (调休) are not modelled yet, as in the workbench's
-- default calendar. 1900-01-01 was a Monday: the ordinal counts weekdays in [1900-01-01, d].
CREATE FUNCTION stats_working_days(from_day date, to_day date) RETURNS integer
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT greatest(0,
      (5 * ((to_day - date '1900-01-01') / 7) + least((to_day - date '1900-01-01') % 7 + 1, 5))
    - (5 * ((from_day - date '1900-01-01') / 7) + least((from_day - date '1900-01-01') % 7 + 1, 5)))
  $$;

-- The instant a time limit runs out: 24:00 China time of the ceil(limit)-th working day after the
-- day of receipt (the same day for 0, 即办). Self-contained (no calls to other functions of this
-- schema) because it is indexed, and maintenance runs with a restricted search_path.
CREATE FUNCTION stats_due_at(received timestamptz, limit_days double precision) RETURNS timestamptz
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  AS $$
    SELECT ((due + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
      FROM (SELECT CASE WHEN n <= 0 THEN d
                        ELSE date '1900-01-01'
                             + 7 * ((5 * ((d - date '1900-01-01') / 7) + least((d - date '1900-01-01') % 7 + 1, 5) + n - 1) / 5)
                             + ((5 * ((d - date '1900-01-01') / 7) + least((d - date '1900-01-01') % 7 + 1, 5) + n - 1) % 5)
                   END AS due
              FROM (SELECT ((received AT TIME ZONE 'UTC') + interval '8 hours')::date AS d, ceil(limit_days)::integer AS n) AS x) AS y
  $$;

-- Per filing day and bundle: the applications' status counts, their savings snapshots summed,
-- and their ratings (好差评). In-progress is filed minus the three closed states.
CREATE TABLE stats_app_daily (
  day                         date NOT NULL,
  bundle_id                   text NOT NULL,
  filed                       bigint NOT NULL DEFAULT 0,
  completed                   bigint NOT NULL DEFAULT 0,
  partially_completed         bigint NOT NULL DEFAULT 0,
  rejected                    bigint NOT NULL DEFAULT 0,
  materials_separately        bigint NOT NULL DEFAULT 0,
  materials_handed_in         bigint NOT NULL DEFAULT 0,
  waived_sharing              bigint NOT NULL DEFAULT 0,
  waived_bundle               bigint NOT NULL DEFAULT 0,
  waived_commitment           bigint NOT NULL DEFAULT 0,
  waived_generated            bigint NOT NULL DEFAULT 0,
  handed_in_once_for_several  bigint NOT NULL DEFAULT 0,
  reused_from_archive         bigint NOT NULL DEFAULT 0,
  visits_separately           bigint NOT NULL DEFAULT 0,
  visits_bundled              bigint NOT NULL DEFAULT 0,
  -- Limits are fractional (0.5 day): numeric keeps the sums exact.
  limit_sum                   numeric NOT NULL DEFAULT 0,
  critical_path               numeric NOT NULL DEFAULT 0,
  rating_count                bigint NOT NULL DEFAULT 0,
  rating_sum                  bigint NOT NULL DEFAULT 0,
  rating_1                    bigint NOT NULL DEFAULT 0,
  rating_2                    bigint NOT NULL DEFAULT 0,
  rating_3                    bigint NOT NULL DEFAULT 0,
  rating_4                    bigint NOT NULL DEFAULT 0,
  rating_5                    bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, bundle_id)
);

-- How long completed applications took, in working days from filing to completion: a histogram,
-- because percentiles do not add up but counts per value do (and the values are whole days).
CREATE TABLE stats_app_hist (
  day           date NOT NULL,
  bundle_id     text NOT NULL,
  working_days  integer NOT NULL,
  n             bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, bundle_id, working_days)
);

-- Per filing day, bundle and department: what each department received and how it did against
-- its items' limits. The limit runs from receipt (delivered_at; a supplement re-delivers the
-- item and the count starts again), as in the workbench.
CREATE TABLE stats_dept_daily (
  day          date NOT NULL,
  bundle_id    text NOT NULL,
  department   text NOT NULL,
  items        bigint NOT NULL DEFAULT 0,
  received     bigint NOT NULL DEFAULT 0,
  completed    bigint NOT NULL DEFAULT 0,
  on_time      bigint NOT NULL DEFAULT 0,
  rejected     bigint NOT NULL DEFAULT 0,
  open         bigint NOT NULL DEFAULT 0,
  limit_sum    numeric NOT NULL DEFAULT 0,
  actual_sum   bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (day, bundle_id, department)
);

CREATE TABLE stats_app_changes (id bigserial PRIMARY KEY, LIKE stats_app_daily INCLUDING DEFAULTS);
CREATE TABLE stats_app_hist_changes (id bigserial PRIMARY KEY, LIKE stats_app_hist INCLUDING DEFAULTS);
CREATE TABLE stats_dept_changes (id bigserial PRIMARY KEY, LIKE stats_dept_daily INCLUDING DEFAULTS);

-- Items still running whose limit has run out (督办), found without scanning the running ones:
-- the dashboard asks for due <= now(). Matches the workbench's running states.
CREATE INDEX sub_applications_open_due ON sub_applications (stats_due_at(delivered_at, time_limit_days))
  WHERE status IN ('queued', 'delivered', 'accepted') AND delivered_at IS NOT NULL;

-- The statistics triggers. Writers pay for them, so each trigger function is static SQL that
-- PL/pgSQL plans once per session, one function per table and operation, generated below from
-- one template per table: `{src}` stands for the statement's rows with a sign, +1 for new rows and
-- -1 for old ones, and each template appends one row per rollup key whose net change is not zero
-- (an aggregate wrapped in `g`, kept when some figure moved). An UPDATE that changes none of the
-- columns the figures read (the dispatcher's attempts and leases, a payload released with its
-- inputs, a draft's answers) returns before any of that.
DO $do$
DECLARE
  t record;
  op text;
  src text;
  early text;
BEGIN
  FOR t IN
    SELECT * FROM (VALUES
      ('applications', 'id', 'status, submitted_at, completed_at, savings, bundle_id', $t$

      INSERT INTO stats_app_changes (day, bundle_id, filed, completed, partially_completed, rejected,
        materials_separately, materials_handed_in, waived_sharing, waived_bundle, waived_commitment, waived_generated,
        handed_in_once_for_several, reused_from_archive, visits_separately, visits_bundled, limit_sum, critical_path)
      SELECT g.* FROM (
        SELECT day, bundle_id, sum(sign) AS filed, sum(sign * (status = 'completed')::int) AS completed,
               sum(sign * (status = 'partially_completed')::int) AS partially_completed,
               sum(sign * (status = 'rejected')::int) AS rejected,
               sum(sign * coalesce((savings #>> '{materials,separately}')::bigint, 0)) AS materials_separately,
               sum(sign * coalesce((savings #>> '{materials,handedIn}')::bigint, 0)) AS materials_handed_in,
               sum(sign * coalesce((savings #>> '{materials,waived,sharing}')::bigint, 0)) AS waived_sharing,
               sum(sign * coalesce((savings #>> '{materials,waived,bundle}')::bigint, 0)) AS waived_bundle,
               sum(sign * coalesce((savings #>> '{materials,waived,commitment}')::bigint, 0)) AS waived_commitment,
               sum(sign * coalesce((savings #>> '{materials,waived,generated}')::bigint, 0)) AS waived_generated,
               sum(sign * coalesce((savings #>> '{materials,handedInOnceForSeveral}')::bigint, 0)) AS handed_in_once_for_several,
               sum(sign * coalesce((savings #>> '{materials,reusedFromArchive}')::bigint, 0)) AS reused_from_archive,
               sum(sign * coalesce((savings #>> '{visits,separately}')::bigint, 0)) AS visits_separately,
               sum(sign * coalesce((savings #>> '{visits,bundled}')::bigint, 0)) AS visits_bundled,
               sum(sign * coalesce((savings #>> '{days,separately}')::numeric, 0)) AS limit_sum,
               sum(sign * coalesce((savings #>> '{days,criticalPath}')::numeric, 0)) AS critical_path
          FROM (SELECT r.sign, stats_cst_date(r.submitted_at) AS day, r.bundle_id, r.status, r.savings
                  FROM ({src}) AS r WHERE r.submitted_at IS NOT NULL) AS c
         GROUP BY day, bundle_id) AS g
      WHERE jsonb_path_exists(to_jsonb(g) - 'day' - 'bundle_id', '$.* ? (@ != 0)');

      INSERT INTO stats_app_hist_changes (day, bundle_id, working_days, n)
      SELECT stats_cst_date(r.submitted_at), r.bundle_id,
             stats_working_days(stats_cst_date(r.submitted_at), stats_cst_date(r.completed_at)), sum(r.sign)
        FROM ({src}) AS r
       WHERE r.submitted_at IS NOT NULL AND r.status = 'completed' AND r.completed_at IS NOT NULL
       GROUP BY 1, 2, 3
      HAVING sum(r.sign) <> 0;
      $t$),
      ('sub_applications', 'id', 'status, delivered_at, completed_at, created_at, time_limit_days, department, application_id', $t$

      INSERT INTO stats_dept_changes (day, bundle_id, department, items, received, completed, on_time, rejected, open, limit_sum, actual_sum)
      SELECT g.* FROM (
        SELECT day, bundle_id, department, sum(sign) AS items, sum(sign * received::int) AS received,
               sum(sign * completed::int) AS completed, sum(sign * on_time::int) AS on_time,
               sum(sign * rejected::int) AS rejected, sum(sign * open::int) AS open,
               sum(sign * limit_days) AS limit_sum, sum(sign * actual_days) AS actual_sum
          -- The payload names its bundle (SubPayload.bundle.id), which spares a join per row on bulk loads.
          FROM (SELECT r.sign, stats_cst_date(r.created_at) AS day,
                       coalesce(r.payload #>> '{bundle,id}', (SELECT a.bundle_id FROM applications AS a WHERE a.id = r.application_id)) AS bundle_id,
                       r.department,
                       r.delivered_at IS NOT NULL AS received,
                       r.status = 'completed' AS completed,
                       r.status = 'completed' AND r.completed_at IS NOT NULL
                         AND r.completed_at < stats_due_at(coalesce(r.delivered_at, r.created_at), r.time_limit_days) AS on_time,
                       -- A department's own refusal: items closed because an earlier one was refused never reached it.
                       r.status = 'rejected' AND r.delivered_at IS NOT NULL AS rejected,
                       r.delivered_at IS NOT NULL AND r.status NOT IN ('completed', 'rejected') AS open,
                       CASE WHEN r.status = 'completed' THEN r.time_limit_days::numeric ELSE 0 END AS limit_days,
                       CASE WHEN r.status = 'completed' AND r.completed_at IS NOT NULL
                            THEN stats_working_days(stats_cst_date(coalesce(r.delivered_at, r.created_at)), stats_cst_date(r.completed_at))
                            ELSE 0 END AS actual_days
                  FROM ({src}) AS r) AS c
         GROUP BY day, bundle_id, department) AS g
      WHERE jsonb_path_exists(to_jsonb(g) - 'day' - 'bundle_id' - 'department', '$.* ? (@ != 0)');
      $t$),
      -- A rating counts on its application's filing day, like everything else.
      ('ratings', 'application_id', 'score', $t$

      INSERT INTO stats_app_changes (day, bundle_id, rating_count, rating_sum, rating_1, rating_2, rating_3, rating_4, rating_5)
      SELECT g.* FROM (
        SELECT stats_cst_date(a.submitted_at) AS day, a.bundle_id, sum(r.sign) AS rating_count, sum(r.sign * r.score) AS rating_sum,
               sum(r.sign * (r.score = 1)::int) AS rating_1, sum(r.sign * (r.score = 2)::int) AS rating_2,
               sum(r.sign * (r.score = 3)::int) AS rating_3, sum(r.sign * (r.score = 4)::int) AS rating_4,
               sum(r.sign * (r.score = 5)::int) AS rating_5
          FROM ({src}) AS r JOIN applications AS a ON a.id = r.application_id
         WHERE a.submitted_at IS NOT NULL
         GROUP BY 1, 2) AS g
      WHERE jsonb_path_exists(to_jsonb(g) - 'day' - 'bundle_id', '$.* ? (@ != 0)');
      $t$)
    ) AS x(tbl, pk, watched, template)
  LOOP
    FOREACH op IN ARRAY ARRAY['insert', 'update', 'delete'] LOOP
      src := CASE op
        WHEN 'insert' THEN 'SELECT 1 AS sign, * FROM stats_new'
        WHEN 'delete' THEN 'SELECT -1 AS sign, * FROM stats_old'
        ELSE 'SELECT 1 AS sign, * FROM stats_new UNION ALL SELECT -1 AS sign, * FROM stats_old'
      END;
      -- Every new row has an old row with the same key and the same watched values: nothing moved.
      early := CASE WHEN op = 'update' THEN format(
        'IF (SELECT count(*) FROM stats_new) = (SELECT count(*) FROM stats_new n JOIN stats_old o ON o.%1$s = n.%1$s AND (%2$s) IS NOT DISTINCT FROM (%3$s)) THEN RETURN NULL; END IF;',
        t.pk,
        (SELECT string_agg('n.' || trim(c), ', ') FROM unnest(string_to_array(t.watched, ',')) AS c),
        (SELECT string_agg('o.' || trim(c), ', ') FROM unnest(string_to_array(t.watched, ',')) AS c)) ELSE '' END;
      EXECUTE format('CREATE FUNCTION stats_%1$s_%2$s() RETURNS trigger LANGUAGE plpgsql AS %3$L',
        t.tbl, op, 'BEGIN ' || early || replace(t.template, '{src}', src) || ' RETURN NULL; END');
      EXECUTE format('CREATE TRIGGER stats_%1$s_%2$s AFTER %3$s ON %1$I REFERENCING %4$s FOR EACH STATEMENT EXECUTE FUNCTION stats_%1$s_%2$s()',
        t.tbl, op, upper(op),
        CASE op WHEN 'insert' THEN 'NEW TABLE AS stats_new' WHEN 'delete' THEN 'OLD TABLE AS stats_old' ELSE 'OLD TABLE AS stats_old NEW TABLE AS stats_new' END);
    END LOOP;
  END LOOP;
END
$do$;
