import type { Database, Queryable } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import { requireRegion } from '../bundles/regional.js';
import { regionsOf } from '../../shared/regions.js';
import { regionFigures } from './regions.js';
import type { Period } from './period.js';
import { parseYear } from './period.js';
import { APP_COLUMNS, FOLD, FOLD_LOCK, READ_APPS, READ_DEPARTMENTS, READ_HIST, READ_OPEN_OVERDUE, type AppColumn, type DeptColumn } from './sql.js';
import type { ApplicationCounts, BundleFigures, DayFigures, DepartmentFigures, Headline, PublicSummary, RatingFigures, RegionFigures, StatsReport } from '../../shared/stats.js';

type AppRow = Record<AppColumn, number> & { g: number; day: string | null; bundle_id: string | null; limit_avg: number | null; critical_avg: number | null; rating_avg: number | null };
type HistRow = { g: number; bundle_id: string | null; working_days: number; n: number };
type DeptRow = Record<DeptColumn, number> & { department: string; on_time_rate: number | null; limit_avg: number | null; actual_avg: number | null };

export interface StatsOptions {
  /** Change rows folded per statement, and at most per request (the rest is read as pending). */
  foldBatch?: number;
  foldPerRequest?: number;
  /** How long the public summary is served from memory: it needs no login, so it is cheap to ask for. */
  publicTtlMs?: number;
  now?: () => Date;
}

const EMPTY_APP = Object.fromEntries(APP_COLUMNS.map((c) => [c, 0])) as Record<AppColumn, number>;

/**
 * percentile_disc as PostgreSQL computes it (the row at ceil(p·n), 1-based), over a histogram of
 * whole working days sorted by value, so the tests can compare it with percentile_disc exactly.
 */
export function percentileDisc(hist: readonly (readonly [number, number])[], p: number): number | null {
  const n = hist.reduce((s, [, c]) => s + c, 0);
  if (n <= 0) return null;
  const rank = Math.max(1, Math.ceil(p * n));
  let seen = 0;
  for (const [value, count] of hist) {
    seen += count;
    if (seen >= rank) return value;
  }
  return hist.at(-1)?.[0] ?? null;
}

function counts(r: Record<AppColumn, number>): ApplicationCounts {
  return {
    filed: r.filed,
    completed: r.completed,
    partiallyCompleted: r.partially_completed,
    rejected: r.rejected,
    inProgress: r.filed - r.completed - r.partially_completed - r.rejected,
  };
}

function onceOrWaived(r: Record<AppColumn, number>): number {
  return r.waived_sharing + r.waived_bundle + r.waived_commitment + r.waived_generated + r.reused_from_archive + r.handed_in_once_for_several;
}

function days(r: AppRow | undefined, hist: readonly (readonly [number, number])[]): DayFigures {
  return {
    limitSum: r?.limit_avg ?? null,
    criticalPath: r?.critical_avg ?? null,
    actualP50: percentileDisc(hist, 0.5),
    actualP95: percentileDisc(hist, 0.95),
    measured: hist.reduce((s, [, c]) => s + c, 0),
  };
}

function rating(r: Record<AppColumn, number>, average: number | null): RatingFigures {
  return {
    count: r.rating_count,
    average,
    distribution: { '1': r.rating_1, '2': r.rating_2, '3': r.rating_3, '4': r.rating_4, '5': r.rating_5 },
  };
}

/** Reads the dashboard figures from the rollups; see server/db/migrations/004_stats.sql. */
export class StatsService {
  private readonly publicCache = new Map<number, { until: number; value: Promise<PublicSummary> }>();
  private readonly foldBatch: number;
  private readonly foldPerRequest: number;
  private readonly publicTtlMs: number;
  private readonly now: () => Date;

  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
    options: StatsOptions = {},
  ) {
    this.foldBatch = options.foldBatch ?? 20_000;
    this.foldPerRequest = options.foldPerRequest ?? 100_000;
    this.publicTtlMs = options.publicTtlMs ?? 30_000;
    this.now = options.now ?? (() => new Date());
  }

  /**
   * Folds pending change rows into the rollups, a batch per transaction, up to `max` rows.
   * Returns how many it folded; -1 when another process is folding (its readers read pending
   * rows meanwhile, so nobody waits).
   */
  async fold(max = this.foldPerRequest): Promise<number> {
    if (max <= 0) return 0;
    let total = 0;
    for (;;) {
      const folded = await this.db.transaction(async (tx) => {
        const lock = await tx.query<{ locked: boolean }>(FOLD_LOCK);
        if (!lock.rows[0]?.locked) return -1;
        let n = 0;
        for (const sql of FOLD) n = Math.max(n, (await tx.query<{ n: number }>(sql, [this.foldBatch])).rows[0]?.n ?? 0);
        return n;
      });
      if (folded < 0) return total === 0 ? -1 : total;
      total += folded;
      if (folded < this.foldBatch || total >= max) return total;
    }
  }

  async overview(period: Period): Promise<StatsReport> {
    return this.report(period, null);
  }

  async bundle(id: string, period: Period): Promise<StatsReport> {
    const v = await this.registry.current(id);
    return this.report(period, { id: v.bundleId, title: v.bundle.title, titleEn: v.bundle.titleEn });
  }

  /** One bundle cut by region: the standard and each implementation (`region`: only that one). */
  async regions(id: string, period: Period, region: string | null = null): Promise<RegionFigures[]> {
    const v = await this.registry.current(id);
    if (region !== null) requireRegion(v, region);
    return regionFigures(this.db, v.bundleId, period, regionsOf(v.bundle), region);
  }

  private async names() {
    const versions = await this.registry.list();
    const bundles = new Map(
      versions.map((v) => {
        const p = v.bundle.guide?.promise;
        return [v.bundleId, { title: v.bundle.title, titleEn: v.bundle.titleEn, promise: p ? { days: p.days, unit: p.unit } : null }];
      }),
    );
    const departments = new Map<string, { name: string; nameEn: string }>();
    for (const v of versions) for (const d of v.catalogue.departments.values()) departments.set(d.code, { name: d.name, nameEn: d.nameEn ?? d.name });
    return { bundles, departments, live: versions.length };
  }

  private async read(period: Period, bundleId: string | null) {
    await this.fold();
    const params = [period.from, period.to, bundleId];
    // One snapshot for every query, so the sections of one answer agree with each other.
    return this.db.transaction(async (tx: Queryable) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY');
      // These read hundreds to thousands of rollup rows: starting parallel workers costs more than it saves.
      await tx.query('SET LOCAL max_parallel_workers_per_gather = 0');
      const apps = await tx.query<AppRow>(READ_APPS, params);
      const hist = await tx.query<HistRow>(READ_HIST, params);
      const depts = await tx.query<DeptRow>(READ_DEPARTMENTS, params);
      const overdue = await tx.query<{ department: string; n: number }>(READ_OPEN_OVERDUE, params);
      return { apps: apps.rows, hist: hist.rows, depts: depts.rows, overdue: new Map(overdue.rows.map((r) => [r.department, r.n])) };
    });
  }

  private async report(period: Period, bundle: StatsReport['bundle']): Promise<StatsReport> {
    // In turn, not together: PGlite is one connection, and the read holds it for its snapshot.
    const names = await this.names();
    const { apps, hist, depts, overdue } = await this.read(period, bundle?.id ?? null);
    const total = apps.find((r) => r.g === 3) ?? ({ ...EMPTY_APP, g: 3, day: null, bundle_id: null, limit_avg: null, critical_avg: null, rating_avg: null } as AppRow);
    const histOf = (bundleId: string | null): [number, number][] =>
      hist.filter((h) => (bundleId === null ? h.g === 1 : h.g === 0 && h.bundle_id === bundleId)).map((h) => [h.working_days, h.n]);
    const perBundle = apps.filter((r) => r.g === 2 && r.bundle_id !== null);

    const departments: DepartmentFigures[] = depts.map((d) => {
      const openOverdue = overdue.get(d.department) ?? 0;
      const name = names.departments.get(d.department);
      return {
        code: d.department,
        name: name?.name ?? d.department,
        nameEn: name?.nameEn ?? d.department,
        received: d.received,
        completed: d.completed,
        completedOnTime: d.on_time,
        completedLate: d.completed - d.on_time,
        rejected: d.rejected,
        open: d.open,
        openOverdue,
        overdue: d.completed - d.on_time + openOverdue,
        onTimeRate: d.on_time_rate,
        limitDaysAvg: d.limit_avg,
        actualDaysAvg: d.actual_avg,
      };
    });

    const bundles: BundleFigures[] = bundle
      ? []
      : perBundle
          .map((r) => {
            const id = r.bundle_id as string;
            const title = names.bundles.get(id);
            return {
              id,
              title: title?.title ?? id,
              titleEn: title?.titleEn ?? id,
              applications: counts(r),
              materialsOnceOrWaived: onceOrWaived(r),
              materialsNotHandedIn: r.materials_separately - r.materials_handed_in,
              visitsSaved: r.visits_separately - r.visits_bundled,
              days: days(r, histOf(id)),
              promise: title?.promise ?? null,
              rating: { count: r.rating_count, average: r.rating_avg },
            };
          })
          .sort((a, b) => b.applications.filed - a.applications.filed || a.id.localeCompare(b.id));

    return {
      period: { from: period.from, to: period.to },
      bundle,
      applications: counts(total),
      materials: {
        separately: total.materials_separately,
        handedIn: total.materials_handed_in,
        waived: { sharing: total.waived_sharing, bundle: total.waived_bundle, commitment: total.waived_commitment, generated: total.waived_generated },
        handedInOnceForSeveral: total.handed_in_once_for_several,
        reusedFromArchive: total.reused_from_archive,
      },
      visits: { separately: total.visits_separately, bundled: total.visits_bundled },
      days: days(total, histOf(null)),
      rating: rating(total, total.rating_avg),
      headline: headline(total, perBundle.filter((r) => r.filed > 0).length),
      departments,
      series: apps
        .filter((r) => r.g === 1 && r.day !== null && r.filed !== 0)
        .map((r) => ({ day: r.day as string, ...counts(r), materialsOnceOrWaived: onceOrWaived(r), visitsSaved: r.visits_separately - r.visits_bundled }))
        .sort((a, b) => a.day.localeCompare(b.day)),
      bundles,
      sharingCalls: await this.sharingCalls(period, bundle?.id ?? null),
      generatedAt: this.now().toISOString(),
    };
  }

  /** 数据共享调用 in the period (China dates), for one bundle's applications or all. */
  private async sharingCalls(period: Period, bundleId: string | null): Promise<StatsReport['sharingCalls']> {
    const { rows } = await this.db.query<{ calls: number; answered: number; failed: number; fetched: number }>(
      `SELECT count(*)::int AS calls,
              count(*) FILTER (WHERE c.outcome IN ('ok', 'not_found'))::int AS answered,
              count(*) FILTER (WHERE c.outcome NOT IN ('ok', 'not_found'))::int AS failed,
              count(*) FILTER (WHERE c.operation = 'fetch' AND c.outcome = 'ok')::int AS fetched
         FROM connector_calls c LEFT JOIN applications a ON a.id = c.application_id
        WHERE c.at >= (($1::date)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
          AND c.at < (($2::date + 1)::timestamp - interval '8 hours') AT TIME ZONE 'UTC'
          AND ($3::text IS NULL OR a.bundle_id = $3)`,
      [period.from, period.to, bundleId],
    );
    const r = rows[0]!;
    return { calls: r.calls, answered: r.answered, failed: r.failed, licencesFetched: r.fetched };
  }

  /** The headline numbers for anyone: counts only, no person, no department's workload. */
  async publicSummary(year: string | undefined): Promise<PublicSummary> {
    const period = parseYear(year, this.now());
    const cached = this.publicCache.get(period.year);
    if (cached && cached.until > Date.now()) return cached.value;
    const value = this.buildPublicSummary(period);
    this.publicCache.set(period.year, { until: Date.now() + this.publicTtlMs, value });
    value.catch(() => this.publicCache.delete(period.year));
    return value;
  }

  private async buildPublicSummary(period: Period & { year: number }): Promise<PublicSummary> {
    const report = await this.overview(period);
    const names = await this.names();
    const r = report.rating;
    const satisfied = r.count ? Math.round(((r.distribution['4'] + r.distribution['5']) / r.count) * 10_000) / 10_000 : null;
    return {
      year: period.year,
      period: report.period,
      bundlesLive: names.live,
      headline: report.headline,
      completed: report.applications.completed,
      rating: { count: r.count, average: r.average, satisfied },
      bundles: report.bundles.map((b) => ({ id: b.id, title: b.title, titleEn: b.titleEn, applications: b.applications.filed })),
      generatedAt: report.generatedAt,
    };
  }
}

function headline(total: Record<AppColumn, number>, bundles: number): Headline {
  return {
    bundles,
    applications: total.filed,
    materialsOnceOrWaived: onceOrWaived(total),
    materialsNotHandedIn: total.materials_separately - total.materials_handed_in,
    visitsSaved: total.visits_separately - total.visits_bundled,
  };
}

