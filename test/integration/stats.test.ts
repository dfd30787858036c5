// Every figure of the statistics API equals an independent SQL aggregate over known applications,
// on PGlite and on PostgreSQL. Two data sets:
// - through the API: applications filed by citizens, processed by the simulated departments and
//   by a department acting through its API (refusal with the items after it closed, an item left
//   running), and rated through the rating API: the triggers see the product's own writes;
// - by direct inserts: `seedLoad` (server/stats/seed.ts) writes realistic rows over two years, then
//   rows are changed by hand (items completed and refused, ratings added, changed and removed), and
//   the figures are compared again with pending changes unfolded and then folded.
// The expected figures are plain SQL over applications, sub_applications and ratings, with none of
// the rollups, triggers or SQL functions of 004_stats.sql and 008_calendar.sql: working days are
// counted by walking the calendar (the server's: chinese-days and scenarios/calendar.yaml, given
// here as literal lists), a limit's last day by taking the n-th working day after receipt, capped
// by the bundle's promise.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import type { Queryable } from '../../server/db/types.js';
import { seedLoad, dayPlan } from '../../server/stats/seed.js';
import { StatsService, percentileDisc } from '../../server/stats/service.js';
import { parsePeriod, type Period } from '../../server/stats/period.js';
import { chinaToday } from '../../shared/beijing-time.js';
import type { ApplicationCounts, BundleFigures, DayFigures, DepartmentFigures, PublicSummary, StatsReport } from '../../shared/stats.js';
import { deadline, workingDaysBetween } from '../../server/workbench/working-days.js';
import { signCommitment } from '../helpers/commitment.js';
import { NEWBORN_WITH_CARD } from '../fixtures/newborn.js';
import { workCalendar } from '../../server/calendar.js';
import { readScenarioFiles } from '../../server/bundles/files.js';
import { loadConfig } from '../../server/config.js';

const CALENDAR = workCalendar(readScenarioFiles(loadConfig({}).scenariosDir));
const dates = (set: ReadonlySet<string> | undefined) => `'{${[...(set ?? [])].join(',')}}'::date[]`;
/** Whether the day g is worked, from the calendar's own lists rather than the calendar_days table. */
const WORKED = (g: string) => `(${g}::date = ANY(${dates(CALENDAR.workdays)}) OR (extract(isodow FROM ${g}) < 6 AND NOT ${g}::date = ANY(${dates(CALENDAR.holidays)})))`;

const COHORT = `
  c AS (
    SELECT a.* FROM applications a
     WHERE a.submitted_at >= ($1::date::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND a.submitted_at < (($2::date + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')
       AND ($3::text IS NULL OR a.bundle_id = $3::text))`;

/** Working days in (from, to], by listing them. */
const walkDays = (from: string, to: string) =>
  `(SELECT count(*) FROM generate_series((${from} AT TIME ZONE 'Asia/Shanghai')::date + 1, (${to} AT TIME ZONE 'Asia/Shanghai')::date, interval '1 day') AS g WHERE ${WORKED('g')})::int`;

const APP_FIGURES = `
  count(*)::int AS filed,
  count(*) FILTER (WHERE status = 'completed')::int AS completed,
  count(*) FILTER (WHERE status = 'partially_completed')::int AS partially,
  count(*) FILTER (WHERE status = 'rejected')::int AS rejected,
  coalesce(sum((savings -> 'materials' ->> 'separately')::int), 0)::int AS separately,
  coalesce(sum((savings -> 'materials' ->> 'handedIn')::int), 0)::int AS handed_in,
  coalesce(sum((savings -> 'materials' -> 'waived' ->> 'sharing')::int), 0)::int AS sharing,
  coalesce(sum((savings -> 'materials' -> 'waived' ->> 'bundle')::int), 0)::int AS bundle,
  coalesce(sum((savings -> 'materials' -> 'waived' ->> 'commitment')::int), 0)::int AS commitment,
  coalesce(sum((savings -> 'materials' -> 'waived' ->> 'generated')::int), 0)::int AS generated,
  coalesce(sum((savings -> 'materials' ->> 'handedInOnceForSeveral')::int), 0)::int AS once,
  coalesce(sum((savings -> 'materials' ->> 'reusedFromArchive')::int), 0)::int AS reused,
  coalesce(sum((savings -> 'visits' ->> 'separately')::int), 0)::int AS visits_separately,
  coalesce(sum((savings -> 'visits' ->> 'bundled')::int), 0)::int AS visits_bundled,
  round(avg((savings -> 'days' ->> 'separately')::numeric), 2)::float8 AS limit_avg,
  round(avg((savings -> 'days' ->> 'criticalPath')::numeric), 2)::float8 AS critical_avg`;

interface AppFigures {
  filed: number;
  completed: number;
  partially: number;
  rejected: number;
  separately: number;
  handed_in: number;
  sharing: number;
  bundle: number;
  commitment: number;
  generated: number;
  once: number;
  reused: number;
  visits_separately: number;
  visits_bundled: number;
  limit_avg: number | null;
  critical_avg: number | null;
}

function counts(r: AppFigures): ApplicationCounts {
  return { filed: r.filed, completed: r.completed, partiallyCompleted: r.partially, rejected: r.rejected, inProgress: r.filed - r.completed - r.partially - r.rejected };
}
const onceOrWaived = (r: AppFigures) => r.sharing + r.bundle + r.commitment + r.generated + r.reused + r.once;

/** Everything GET /api/stats/overview (bundle null) or /api/stats/bundles/:id answers, but generatedAt. */
async function expectedReport(
  db: Queryable,
  period: Period,
  bundle: { id: string; title: string; titleEn: string } | null,
  names: { departments: Map<string, { name: string; nameEn: string }>; bundles: Map<string, { title: string; titleEn: string; promise: BundleFigures['promise'] }> },
): Promise<Omit<StatsReport, 'generatedAt'>> {
  const params = [period.from, period.to, bundle?.id ?? null];
  const total = (await db.query<AppFigures & { bundles: number }>(`WITH ${COHORT} SELECT ${APP_FIGURES}, count(DISTINCT bundle_id)::int AS bundles FROM c`, params)).rows[0]!;
  const perBundle = (await db.query<AppFigures & { bundle_id: string }>(`WITH ${COHORT} SELECT bundle_id, ${APP_FIGURES} FROM c GROUP BY bundle_id`, params)).rows;
  const days = (
    await db.query<{ day: string } & AppFigures>(`WITH ${COHORT} SELECT (submitted_at AT TIME ZONE 'Asia/Shanghai')::date::text AS day, ${APP_FIGURES} FROM c GROUP BY 1 ORDER BY 1`, params)
  ).rows;
  const actual = (
    await db.query<{ bundle_id: string | null; p50: number | null; p95: number | null; n: number }>(
      `WITH ${COHORT}, d AS (SELECT bundle_id, ${walkDays('submitted_at', 'completed_at')} AS wd FROM c WHERE status = 'completed' AND completed_at IS NOT NULL)
       SELECT NULL AS bundle_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY wd) AS p50, percentile_disc(0.95) WITHIN GROUP (ORDER BY wd) AS p95, count(*)::int AS n FROM d
       UNION ALL
       SELECT bundle_id, percentile_disc(0.5) WITHIN GROUP (ORDER BY wd), percentile_disc(0.95) WITHIN GROUP (ORDER BY wd), count(*)::int FROM d GROUP BY bundle_id`,
      params,
    )
  ).rows;
  const ratings = (
    await db.query<{ bundle_id: string | null; n: number; average: number | null; s1: number; s2: number; s3: number; s4: number; s5: number }>(
      `WITH ${COHORT}, r AS (SELECT c.bundle_id, x.score FROM ratings x JOIN c ON c.id = x.application_id)
       SELECT NULL AS bundle_id, count(*)::int AS n, round(avg(score), 2)::float8 AS average,
              count(*) FILTER (WHERE score = 1)::int AS s1, count(*) FILTER (WHERE score = 2)::int AS s2, count(*) FILTER (WHERE score = 3)::int AS s3,
              count(*) FILTER (WHERE score = 4)::int AS s4, count(*) FILTER (WHERE score = 5)::int AS s5 FROM r
       UNION ALL
       SELECT bundle_id, count(*)::int, round(avg(score), 2)::float8, 0, 0, 0, 0, 0 FROM r GROUP BY bundle_id`,
      params,
    )
  ).rows;
  const departments = (
    await db.query<{
      department: string;
      received: number;
      completed: number;
      on_time: number;
      rejected: number;
      open: number;
      open_overdue: number;
      rate: number | null;
      limit_avg: number | null;
      actual_avg: number | null;
    }>(
      `WITH ${COHORT},
       s AS (
         SELECT s.*, d.due_at, ${walkDays('coalesce(s.delivered_at, s.created_at)', 's.completed_at')} AS wd
           FROM sub_applications s JOIN c ON c.id = s.application_id
           CROSS JOIN LATERAL (
             SELECT ((CASE WHEN ceil(s.time_limit_days) <= 0 THEN r.day
                           ELSE (SELECT max(g)::date FROM (SELECT g FROM generate_series(r.day + 1, r.day + 90, interval '1 day') AS g
                                                            WHERE ${WORKED('g')} ORDER BY g LIMIT ceil(s.time_limit_days)::int) AS w) END) + 1)::timestamp
                    AT TIME ZONE 'Asia/Shanghai' AS own_due_at
               FROM (SELECT (coalesce(s.delivered_at, s.created_at) AT TIME ZONE 'Asia/Shanghai')::date AS day) AS r) AS o
           CROSS JOIN LATERAL (SELECT least(o.own_due_at, s.promised_by) AS due_at) AS d)
       SELECT department,
              count(*) FILTER (WHERE delivered_at IS NOT NULL)::int AS received,
              count(*) FILTER (WHERE status = 'completed')::int AS completed,
              count(*) FILTER (WHERE status = 'completed' AND completed_at < due_at)::int AS on_time,
              count(*) FILTER (WHERE status = 'rejected' AND delivered_at IS NOT NULL)::int AS rejected,
              count(*) FILTER (WHERE delivered_at IS NOT NULL AND status NOT IN ('completed', 'rejected'))::int AS open,
              count(*) FILTER (WHERE status IN ('queued', 'delivered', 'accepted') AND delivered_at IS NOT NULL AND now() >= due_at)::int AS open_overdue,
              round((count(*) FILTER (WHERE status = 'completed' AND completed_at < due_at))::numeric / nullif(count(*) FILTER (WHERE status = 'completed'), 0), 4)::float8 AS rate,
              round(avg(time_limit_days::numeric) FILTER (WHERE status = 'completed'), 2)::float8 AS limit_avg,
              round(avg(wd) FILTER (WHERE status = 'completed'), 2)::float8 AS actual_avg
         FROM s GROUP BY department ORDER BY department`,
      params,
    )
  ).rows;

  const actualOf = (id: string | null): DayFigures & { n: number } => {
    const r = actual.find((a) => a.bundle_id === id);
    return { limitSum: null, criticalPath: null, actualP50: r?.p50 ?? null, actualP95: r?.p95 ?? null, measured: r?.n ?? 0, n: r?.n ?? 0 };
  };
  const dayFigures = (r: AppFigures | undefined, id: string | null): DayFigures => {
    const a = actualOf(id);
    return { limitSum: r?.limit_avg ?? null, criticalPath: r?.critical_avg ?? null, actualP50: a.actualP50, actualP95: a.actualP95, measured: a.measured };
  };
  const allRatings = ratings.find((r) => r.bundle_id === null)!;

  const bundles: BundleFigures[] = bundle
    ? []
    : perBundle
        .map((r) => {
          const rating = ratings.find((x) => x.bundle_id === r.bundle_id);
          const title = names.bundles.get(r.bundle_id);
          return {
            id: r.bundle_id,
            title: title?.title ?? r.bundle_id,
            titleEn: title?.titleEn ?? r.bundle_id,
            applications: counts(r),
            materialsOnceOrWaived: onceOrWaived(r),
            materialsNotHandedIn: r.separately - r.handed_in,
            visitsSaved: r.visits_separately - r.visits_bundled,
            days: dayFigures(r, r.bundle_id),
            promise: title?.promise ?? null,
            rating: { count: rating?.n ?? 0, average: rating?.average ?? null },
          };
        })
        .sort((a, b) => b.applications.filed - a.applications.filed || a.id.localeCompare(b.id));

  return {
    period: { from: period.from, to: period.to },
    bundle,
    applications: counts(total),
    materials: {
      separately: total.separately,
      handedIn: total.handed_in,
      waived: { sharing: total.sharing, bundle: total.bundle, commitment: total.commitment, generated: total.generated },
      handedInOnceForSeveral: total.once,
      reusedFromArchive: total.reused,
    },
    visits: { separately: total.visits_separately, bundled: total.visits_bundled },
    days: dayFigures(total.filed ? total : undefined, null),
    rating: {
      count: allRatings.n,
      average: allRatings.average,
      distribution: { '1': allRatings.s1, '2': allRatings.s2, '3': allRatings.s3, '4': allRatings.s4, '5': allRatings.s5 },
    },
    headline: {
      bundles: total.bundles,
      applications: total.filed,
      materialsOnceOrWaived: onceOrWaived(total),
      materialsNotHandedIn: total.separately - total.handed_in,
      visitsSaved: total.visits_separately - total.visits_bundled,
    },
    departments: departments.map(
      (d): DepartmentFigures => ({
        code: d.department,
        name: names.departments.get(d.department)?.name ?? d.department,
        nameEn: names.departments.get(d.department)?.nameEn ?? d.department,
        received: d.received,
        completed: d.completed,
        completedOnTime: d.on_time,
        completedLate: d.completed - d.on_time,
        rejected: d.rejected,
        open: d.open,
        openOverdue: d.open_overdue,
        overdue: d.completed - d.on_time + d.open_overdue,
        onTimeRate: d.rate,
        limitDaysAvg: d.limit_avg,
        actualDaysAvg: d.actual_avg,
      }),
    ),
    series: days.map((d) => ({ day: d.day, ...counts(d), materialsOnceOrWaived: onceOrWaived(d), visitsSaved: d.visits_separately - d.visits_bundled })),
    bundles,
    // 数据共享调用: the audit rows of the period's China dates (and of the bundle's applications).
    sharingCalls: (
      await db.query<{ calls: number; answered: number; failed: number; licencesFetched: number }>(
        `SELECT count(*)::int AS calls, count(*) FILTER (WHERE outcome IN ('ok', 'not_found'))::int AS answered,
                count(*) FILTER (WHERE outcome NOT IN ('ok', 'not_found'))::int AS failed,
                count(*) FILTER (WHERE operation = 'fetch' AND outcome = 'ok')::int AS "licencesFetched"
           FROM connector_calls c WHERE (c.at AT TIME ZONE 'Asia/Shanghai')::date BETWEEN $1::date AND $2::date
            AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM applications a WHERE a.id = c.application_id AND a.bundle_id = $3))`,
        params,
      )
    ).rows[0]!,
  };
}

/** Due instants are midnights in China: right around one, "overdue now" may differ between two reads. */
async function awayFromChinaMidnight(): Promise<void> {
  const msIntoDay = (Date.now() + 8 * 3600_000) % 86_400_000;
  if (msIntoDay < 10_000) await new Promise((r) => setTimeout(r, 10_000 - msIntoDay));
  if (msIntoDay > 86_400_000 - 10_000) await new Promise((r) => setTimeout(r, 86_400_000 - msIntoDay + 10_000));
}

type Names = Parameters<typeof expectedReport>[3];
type ErrorBody = { error: { code: string; details: { path: string }[] } };

async function namesOf(ts: TestServer): Promise<Names> {
  const versions = await ts.parts.registry.list();
  return {
    // The promise the on-time figures are measured against is the bundle's own (`promise:`), which a
    // bundle declares even where no guide publishes one (个人身后).
    bundles: new Map(
      versions.map((v) => {
        const p = v.bundle.guide?.promise;
        return [v.bundleId, { title: v.bundle.title, titleEn: v.bundle.titleEn, promise: p ? { days: p.days, unit: p.unit } : null }];
      }),
    ),
    departments: new Map(ts.parts.departments.map((d) => [d.code, { name: d.name, nameEn: d.nameEn }])),
  };
}

function withoutTime(r: StatsReport): Omit<StatsReport, 'generatedAt'> {
  const { generatedAt, ...rest } = r;
  expect(Number.isNaN(Date.parse(generatedAt))).toBe(false);
  return rest;
}

async function bundleRef(ts: TestServer, id: string) {
  const v = await ts.parts.registry.current(id);
  return { id, title: v.bundle.title, titleEn: v.bundle.titleEn };
}

/**
 * A GET, tried again once when the kept-alive connection was reset: PGlite runs in this thread,
 * so a long statement (the seed load) can hold the event loop past the server's keep-alive
 * timeout, and the client then reuses a socket the server has just closed.
 */
async function getOnce(client: ApiClient, url: string) {
  try {
    return await client.get<StatsReport>(url);
  } catch (err) {
    const code = (err as { cause?: { code?: string } }).cause?.code;
    if (code !== 'ECONNRESET' && code !== 'UND_ERR_SOCKET') throw err;
    return client.get<StatsReport>(url);
  }
}

/** The API's answer for a period (and bundle) equals the independent aggregates, figure for figure. */
async function expectApiMatches(ts: TestServer, db: Queryable, analyst: ApiClient, period: Period, bundleId: string | null): Promise<StatsReport> {
  await awayFromChinaMidnight();
  const url = bundleId ? `/api/stats/bundles/${bundleId}` : '/api/stats/overview';
  const res = await getOnce(analyst, `${url}?from=${period.from}&to=${period.to}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  const expected = await expectedReport(db, period, bundleId ? await bundleRef(ts, bundleId) : null, await namesOf(ts));
  expect(withoutTime(res.body)).toEqual(expected);
  return res.body;
}

const NEWBORN = NEWBORN_WITH_CARD;

/** Fills in, uploads and submits one application; returns its id. */
async function file(citizen: ApiClient, bundleId: string, answers: Record<string, unknown>): Promise<string> {
  const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId })).body.id;
  const saved = await citizen.put(`/api/applications/${id}/answers`, { answers });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
  for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
    expect((await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} of ${id}`), `${m.code}.pdf`)).status).toBe(201);
  }
  await signCommitment(citizen, id);
  expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
  const submitted = await citizen.post(`/api/applications/${id}/submit`);
  expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
  return id;
}

describe('SQL working days agree with the workbench’s clock (shared/calendar.ts)', () => {
  it('gives the same due instant and the same count of working days, Golden Week and 调休 included', async () => {
    const db = await databaseTargets()[0]!.open();
    try {
      const { migrate } = await import('../../server/db/migrate.js');
      const { syncCalendarTable } = await import('../../server/calendar.js');
      await migrate(db);
      expect(await syncCalendarTable(db, CALENDAR)).toBe(true);
      // Written once: the same calendar again changes nothing.
      expect(await syncCalendarTable(db, CALENDAR)).toBe(false);
      // 1–7 October 2026 are days off, Saturday 10 October is worked: 30 September + 1 is 8 October.
      const golden = await db.query<{ n: number; due: Date }>(`SELECT stats_working_days('2026-09-30', '2026-10-10') AS n, stats_due_at('2026-09-30T02:00:00Z', 1) AS due`);
      expect(golden.rows[0]).toEqual({ n: 3, due: new Date('2026-10-08T16:00:00Z') });
      const starts: Date[] = [];
      // Every 5 h 17 min over five weeks: all weekdays, weekends, and both sides of China midnight.
      for (let t = Date.parse('2026-09-25T00:00:00Z'); t < Date.parse('2026-10-30T00:00:00Z'); t += (5 * 60 + 17) * 60_000) starts.push(new Date(t));
      const limits = [0, 0.5, 1, 2, 5, 10, 11, 30];
      const cases = starts.flatMap((s) => limits.map((l) => ({ s, l })));
      const { rows } = await db.query<{ due: Date }>(
        `SELECT stats_due_at(s, l) AS due FROM unnest($1::timestamptz[], $2::float8[]) WITH ORDINALITY AS x(s, l, i) ORDER BY i`,
        [cases.map((c) => c.s.toISOString()), cases.map((c) => c.l)],
      );
      cases.forEach((c, i) => expect(rows[i]!.due.toISOString(), `${c.s.toISOString()} + ${c.l}`).toBe(deadline(c.s, c.l, c.s, CALENDAR).dueAt.toISOString()));
      const days = starts.map((s) => s.toISOString().slice(0, 10));
      const pairs = days.flatMap((a) => days.filter((_, j) => j % 7 === 0).map((b) => [a, b] as const));
      const counted = await db.query<{ n: number }>(
        `SELECT stats_working_days(a, b) AS n FROM unnest($1::date[], $2::date[]) WITH ORDINALITY AS x(a, b, i) ORDER BY i`,
        [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
      );
      pairs.forEach(([a, b], i) => expect(counted.rows[i]!.n, `${a} → ${b}`).toBe(workingDaysBetween(a, b, CALENDAR)));
    } finally {
      await db.close();
    }
    // It opens and migrates a database of its own, which a busy shared machine makes slow.
  }, 120_000);

  it('takes percentiles the way percentile_disc does', () => {
    const hist: [number, number][] = [[0, 3], [1, 5], [2, 1], [7, 1]];
    expect(percentileDisc(hist, 0.5)).toBe(1);
    expect(percentileDisc(hist, 0.95)).toBe(7);
    expect(percentileDisc(hist, 0.3)).toBe(0);
    expect(percentileDisc([], 0.5)).toBeNull();
  });

  it('spreads filings over the days, weekdays more than weekends, exactly n in all', () => {
    const plan = dayPlan('2026-11-01', '2026-11-30', 1000);
    expect(plan.reduce((s, d) => s + d.k, 0)).toBe(1000);
    const sat = plan.find((d) => d.day === '2026-11-28')!.k;
    const fri = plan.find((d) => d.day === '2026-11-27')!.k;
    expect(fri).toBeGreaterThan(3 * sat);
  });

  it('reads a period from the query string, China dates, this year by default', () => {
    const now = new Date('2026-03-31T20:00:00Z');
    expect(chinaToday(now)).toBe('2026-04-01');
    expect(parsePeriod({}, now)).toEqual({ from: '2026-01-01', to: '2026-04-01' });
    expect(parsePeriod({ from: '2025-02-01', to: '2025-02-28' }, now)).toEqual({ from: '2025-02-01', to: '2025-02-28' });
  });
});

describe.each(databaseTargets())('statistics of applications filed through the API, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let admin: ApiClient;
  const filed: Record<string, string> = {};

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    // The police act by hand through the department API; every other department is simulated.
    worker = workerTo(ts, sim.url, {}, ['police']);
    worker.start();
    admin = await ApiClient.login(ts.url, 'admin');
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('counts what the citizens filed, what each department did with it, and the ratings', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    for (const name of ['done', 'refused', 'running', 'supplement']) filed[name] = await file(li, 'newborn', NEWBORN);
    filed.company = await file(wang, 'business-startup', (await ts.parts.registry.current('business-startup')).bundle.examples.default!.answers);

    const police = ApiClient.department(ts, 'police');
    type Listed = { id: string; applicationId: string; itemId: string; status: string };
    const inbox = await until(
      async () => {
        const list = await police.get<Listed[]>('/api/departments/police/sub-applications');
        return Object.values(filed).every((a) => list.body.some((s) => s.applicationId === a)) ? list.body : undefined;
      },
      30_000,
      'the police to receive every application',
    );
    const sub = (app: string) => inbox.find((s) => s.applicationId === filed[app])!.id;
    const act = async (id: string, body: Record<string, unknown>) => {
      const r = await police.post(`/api/sub-applications/${id}/actions`, body);
      expect(r.status, JSON.stringify(r.body)).toBe(200);
    };
    const complete = async (id: string) => {
      const { generateOutputs } = await import('../../server/simulator/outputs.js');
      await act(id, { action: 'accept' });
      const detail = await police.get<{ produces: unknown }>(`/api/sub-applications/${id}`);
      await act(id, { action: 'complete', outputs: generateOutputs(detail.body.produces) });
    };
    await complete(sub('done'));
    await complete(sub('company'));
    await act(sub('refused'), { action: 'reject', reason: '户籍地址与登记信息不一致' });
    await act(sub('running'), { action: 'accept' });
    const fields = (await police.get<{ fields: Record<string, unknown> }>(`/api/sub-applications/${sub('supplement')}`)).body.fields;
    await act(sub('supplement'), { action: 'request-supplement', reason: '请核对落户地址', missing: { fields: [Object.keys(fields)[0]] } });

    const status = async (id: string, citizen: ApiClient) => (await citizen.get<{ status: string }>(`/api/applications/${id}`)).body.status;
    await until(async () => (await status(filed.done!, li)) === 'completed', 30_000, 'the first newborn to complete');
    await until(async () => (await status(filed.company!, wang)) === 'completed', 30_000, 'the company to complete');
    await until(async () => (await status(filed.refused!, li)) === 'partially_completed', 30_000, 'the refused newborn to close');
    expect(await status(filed.supplement!, li)).toBe('supplement');
    expect(await status(filed.running!, li)).toBe('in_progress');

    expect((await li.post(`/api/applications/${filed.done}/rating`, { score: 5, comment: '一次都没跑' })).status).toBe(201);
    expect((await li.post(`/api/applications/${filed.refused}/rating`, { score: 2 })).status).toBe(201);
    expect((await wang.post(`/api/applications/${filed.company}/rating`, { score: 4 })).status).toBe(201);

    const today = chinaToday();
    const overview = await expectApiMatches(ts, db, admin, parsePeriod({}), null);
    expect(overview.applications).toEqual({ filed: 5, completed: 2, partiallyCompleted: 1, rejected: 0, inProgress: 2 });
    expect(overview.rating).toMatchObject({ count: 3, average: 3.67, distribution: { '2': 1, '4': 1, '5': 1 } });
    const policeRow = overview.departments.find((d) => d.code === 'police')!;
    expect(policeRow).toMatchObject({ received: 5, completed: 2, rejected: 1, open: 2 });
    expect(overview.headline.bundles).toBe(2);
    await expectApiMatches(ts, db, admin, { from: today, to: today }, null);
    await expectApiMatches(ts, db, admin, { from: today, to: today }, 'newborn');
    await expectApiMatches(ts, db, admin, { from: today, to: today }, 'business-startup');
    // A designer may read them too.
    const designer = await ApiClient.login(ts.url, 'designer');
    expect((await designer.get('/api/stats/overview')).status).toBe(200);
  });

  it('refuses the statistics to citizens, staff and nobody; refuses bad dates and unknown bundles', async () => {
    expect((await new ApiClient(ts.url).get('/api/stats/overview')).status).toBe(401);
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    expect((await citizen.get('/api/stats/overview')).status).toBe(403);
    expect((await citizen.get('/api/stats/bundles/newborn')).status).toBe(403);
    const users = await new ApiClient(ts.url).get<{ id: string; role: string }[]>('/api/auth/demo-users');
    const staff = await ApiClient.login(ts.url, users.body.find((u) => u.role === 'staff')!.id);
    expect((await staff.get('/api/stats/overview')).status).toBe(403);
    const police = ApiClient.department(ts, 'police');
    expect((await police.get('/api/stats/overview')).status).toBe(401);

    for (const q of ['from=2026-13-01', 'to=2026-02-30', 'from=yesterday', 'from=2026-05-02&to=2026-05-01', 'from=2010-01-01&to=2026-01-01', 'from=2026-01-01&from=2026-02-01']) {
      const r = await admin.get<ErrorBody>(`/api/stats/overview?${q}`);
      expect(r.status, q).toBe(400);
      expect(r.body.error.code).toBe('bad_request');
      expect(['from', 'to']).toContain(r.body.error.details[0]!.path);
    }
    expect((await admin.get('/api/stats/bundles/newborn?to=2026-02-30')).status).toBe(400);
    expect((await admin.get('/api/stats/bundles/no-such-bundle')).status).toBe(404);
  });

  it('publishes the headline numbers to anyone, and nothing about a person', async () => {
    const anon = new ApiClient(ts.url);
    const year = Number(chinaToday().slice(0, 4));
    const res = await anon.get<PublicSummary>('/api/public/summary');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/public/);
    const report = await admin.get<StatsReport>(`/api/stats/overview?from=${year}-01-01&to=${year}-12-31`);
    expect(res.body).toMatchObject({ year, period: { from: `${year}-01-01`, to: `${year}-12-31` }, headline: report.body.headline, completed: report.body.applications.completed });
    expect(res.body.bundlesLive).toBe((await ts.parts.registry.list()).length);
    expect(res.body.rating).toEqual({ count: 3, average: 3.67, satisfied: 0.6667 });
    expect(Object.keys(res.body).sort()).toEqual(['bundles', 'bundlesLive', 'completed', 'generatedAt', 'headline', 'period', 'rating', 'year']);
    const text = JSON.stringify(res.body);
    for (const personal of ['citizen-li', 'citizen-wang', '李芳', '张伟', '430102199207080028', '一次都没跑', ...Object.values(filed)]) expect(text).not.toContain(personal);
    expect(text).not.toMatch(/\d{17}[\dX]/);
    expect((await anon.get('/api/public/summary?year=1999')).status).toBe(400);
    expect((await anon.get(`/api/public/summary?year=${year - 1}`)).body).toMatchObject({ year: year - 1, headline: { applications: 0, bundles: 0 } });
  });
});

describe.each(databaseTargets())('statistics of seeded applications (direct inserts), on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let admin: ApiClient;
  const today = chinaToday();
  const twoYears = { from: `${Number(today.slice(0, 4)) - 2}${today.slice(4)}`, to: today };

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    admin = await ApiClient.login(ts.url, 'admin');
    const result = await seedLoad(db, ts.parts.registry, { applications: 1200, from: twoYears.from, to: twoYears.to });
    expect(result.applications).toBe(1200);
    expect(result.subApplications).toBeGreaterThan(4000);
  }, 180_000);
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('loads realistic applications in every state, and refuses to load twice', async () => {
    const { rows } = await db.query<{ status: string; n: number }>('SELECT status, count(*)::int AS n FROM applications GROUP BY status');
    const by = Object.fromEntries(rows.map((r) => [r.status, r.n]));
    expect(by.completed).toBeGreaterThan(900);
    expect((by.in_progress ?? 0) + (by.supplement ?? 0) + (by.submitted ?? 0)).toBeGreaterThan(0);
    const subs = await db.query<{ status: string }>('SELECT DISTINCT status FROM sub_applications');
    expect(subs.rows.map((r) => r.status)).toEqual(expect.arrayContaining(['completed', 'accepted']));
    const ratings = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM ratings');
    expect(ratings.rows[0]!.n).toBeGreaterThan(200);
    await expect(seedLoad(db, ts.parts.registry, { applications: 10 })).rejects.toThrow(/already holds a seed load/);
    expect((await db.query<{ n: number }>('SELECT count(*)::int AS n FROM applications')).rows[0]!.n).toBe(1200);
  });

  it('answers every figure exactly, over any period and for each bundle', { timeout: 90_000 }, async () => {
    await expectApiMatches(ts, db, admin, parsePeriod({}), null);
    const all = await expectApiMatches(ts, db, admin, twoYears, null);
    expect(all.applications.filed).toBe(1200);
    expect(all.days.actualP50).not.toBeNull();
    expect(all.departments.some((d) => d.completedLate > 0)).toBe(true);
    expect(all.series.length).toBeGreaterThan(300);
    await expectApiMatches(ts, db, admin, { from: all.series[100]!.day, to: all.series[108]!.day }, null);
    for (const b of all.bundles) await expectApiMatches(ts, db, admin, twoYears, b.id);
    const empty = await expectApiMatches(ts, db, admin, { from: '2001-01-01', to: '2001-12-31' }, null);
    expect(empty.applications.filed).toBe(0);
    expect(empty.days).toEqual({ limitSum: null, criticalPath: null, actualP50: null, actualP95: null, measured: 0 });
  });

  it('follows changes made after the load, read pending and folded alike', async () => {
    // Items finish or are refused, applications close, ratings come, change and go.
    await db.query(`UPDATE sub_applications SET status = 'completed', completed_at = now(), updated_at = now()
                     WHERE id IN (SELECT id FROM sub_applications WHERE status IN ('accepted', 'delivered') ORDER BY id LIMIT 15)`);
    await db.query(`UPDATE sub_applications SET status = 'rejected', reason = '不符合条件', updated_at = now()
                     WHERE id IN (SELECT id FROM sub_applications WHERE status IN ('accepted', 'delivered') ORDER BY id LIMIT 3)`);
    await db.query(`UPDATE applications SET status = 'completed', completed_at = now() WHERE id IN (SELECT id FROM applications WHERE status = 'in_progress' ORDER BY id LIMIT 4)`);
    await db.query(`DELETE FROM ratings WHERE application_id IN (SELECT application_id FROM ratings ORDER BY application_id LIMIT 5)`);
    await db.query(`UPDATE ratings SET score = 1 WHERE application_id IN (SELECT application_id FROM ratings WHERE score = 5 ORDER BY application_id LIMIT 7)`);
    await db.query(`INSERT INTO ratings (application_id, applicant_id, bundle_id, score, created_at)
                    SELECT id, applicant_id, bundle_id, 3, now() FROM applications a
                     WHERE status = 'completed' AND NOT EXISTS (SELECT 1 FROM ratings r WHERE r.application_id = a.id) ORDER BY id LIMIT 6`);
    const pending = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM stats_app_changes) + (SELECT count(*) FROM stats_dept_changes) AS n');
    expect(Number(pending.rows[0]!.n)).toBeGreaterThan(0);
    // What the dispatcher and a draft's autosave write moves no figure, and leaves no change row.
    await db.query(`UPDATE sub_applications SET attempts = attempts + 1, last_error = 'timeout', updated_at = now() WHERE status = 'accepted'`);
    await db.query(`UPDATE applications SET answers = answers, updated_at = now() WHERE status = 'completed'`);
    const still = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM stats_app_changes) + (SELECT count(*) FROM stats_dept_changes) AS n');
    expect(Number(still.rows[0]!.n)).toBe(Number(pending.rows[0]!.n));

    // Pending changes read without folding, as a reader does while another process folds.
    const names = await namesOf(ts);
    const unfolded = new StatsService(db, ts.parts.registry, { foldPerRequest: 0 });
    await awayFromChinaMidnight();
    expect(withoutTime(await unfolded.overview(twoYears))).toEqual(await expectedReport(db, twoYears, null, names));
    expect(withoutTime(await unfolded.bundle('newborn', twoYears))).toEqual(await expectedReport(db, twoYears, await bundleRef(ts, 'newborn'), names));

    // The API folds first; then nothing is pending and the figures are the same.
    await expectApiMatches(ts, db, admin, twoYears, null);
    const after = await db.query<{ n: number }>('SELECT (SELECT count(*) FROM stats_app_changes) + (SELECT count(*) FROM stats_dept_changes) + (SELECT count(*) FROM stats_app_hist_changes) AS n');
    expect(Number(after.rows[0]!.n)).toBe(0);
    await expectApiMatches(ts, db, admin, twoYears, 'unemployment');
  });
});
