// Statistics figures (issue 7): how fast seed:load fills a database, and how long each dashboard
// query takes over it. Target: every query under 1 s at 1,000,000 applications (measured with
// the real 1 M load; see the issue). Here a smaller load keeps `npm run bench` short:
// STATS_BENCH_APPLICATIONS (default 50,000 on PostgreSQL, 5,000 on PGlite). PostgreSQL is used
// when STATS_BENCH_DATABASE_URL or TEST_DATABASE_URL is set, in a throwaway schema.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { PgliteDatabase } from '../../server/db/pglite.js';
import { PostgresDatabase } from '../../server/db/postgres.js';
import type { Database } from '../../server/db/types.js';
import { migrate } from '../../server/db/migrate.js';
import { BundleRegistry } from '../../server/bundles/registry.js';
import { readScenarioFiles } from '../../server/bundles/files.js';
import { createLogger } from '../../server/log.js';
import { seedLoad } from '../../server/stats/seed.js';
import { StatsService } from '../../server/stats/service.js';
import { chinaToday } from '../../shared/beijing-time.js';
import type { BenchRow } from './types.js';

const SCENARIOS = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'scenarios');

async function open(): Promise<{ db: Database; n: number; label: string; drop: () => Promise<void> }> {
  const url = process.env.STATS_BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
  const asked = Number(process.env.STATS_BENCH_APPLICATIONS);
  if (!url) {
    const db = await PgliteDatabase.open();
    return { db, n: asked > 0 ? asked : 5_000, label: 'PGlite', drop: () => db.close() };
  }
  const schema = `stats_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const db = await PostgresDatabase.open({ connectionString: url, searchPath: schema });
  return {
    db,
    n: asked > 0 ? asked : 50_000,
    label: 'PostgreSQL',
    drop: async () => {
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** The slowest of `runs` calls, in ms: the figure to hold against the target. */
async function slowest(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let worst = 0;
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    worst = Math.max(worst, performance.now() - t);
  }
  return worst;
}

export async function bench(): Promise<BenchRow[]> {
  const { db, n, label, drop } = await open();
  try {
    await migrate(db);
    const registry = new BundleRegistry(db, createLogger('silent'));
    await registry.publishFolder(readScenarioFiles(SCENARIOS));
    const today = chinaToday();
    const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`) - 364 * 86_400_000).toISOString().slice(0, 10);
    const loaded = await seedLoad(db, registry, { applications: n, from: yearAgo, to: today });
    const service = new StatsService(db, registry, { publicTtlMs: 0 });
    const foldStart = performance.now();
    while ((await service.fold(Number.MAX_SAFE_INTEGER)) > 0);
    const foldMs = performance.now() - foldStart;
    if (db.kind === 'postgres') await db.exec('VACUUM (ANALYZE) applications, sub_applications, ratings, stats_app_daily, stats_app_hist, stats_dept_daily');
    await service.overview({ from: yearAgo, to: today });

    const year = { from: yearAgo, to: today };
    const month = { from: new Date(Date.parse(`${today}T00:00:00Z`) - 29 * 86_400_000).toISOString().slice(0, 10), to: today };
    const size = `${label}, ${n.toLocaleString('en-US')} applications`;
    const rows: BenchRow[] = [
      { name: `seed:load (${size})`, value: loaded.ms / 1000, unit: 's' },
      { name: 'seed:load rate', value: n / (loaded.ms / 1000), unit: 'apps/s' },
      { name: 'fold after the load', value: foldMs, unit: 'ms' },
      { name: 'overview, one year', value: await slowest(5, () => service.overview(year)), unit: 'ms', target: { max: 1000 } },
      { name: 'overview, 30 days', value: await slowest(5, () => service.overview(month)), unit: 'ms', target: { max: 1000 } },
      { name: 'one bundle, one year', value: await slowest(5, () => service.bundle('newborn', year)), unit: 'ms', target: { max: 1000 } },
      { name: 'public summary (no cache)', value: await slowest(5, () => service.publicSummary(undefined)), unit: 'ms', target: { max: 1000 } },
    ];

    // What the triggers cost a writer: one status change of one item, as a department's action makes it.
    const { rows: ids } = await db.query<{ id: string }>(`SELECT id FROM sub_applications WHERE status = 'completed' LIMIT 200`);
    const updateAll = () =>
      slowest(1, async () => {
        for (const { id } of ids) await db.query(`UPDATE sub_applications SET completed_at = completed_at + interval '1 second', updated_at = now() WHERE id = $1`, [id]);
      });
    await db.exec('ALTER TABLE sub_applications DISABLE TRIGGER stats_sub_applications_update');
    const without = await updateAll();
    await db.exec('ALTER TABLE sub_applications ENABLE TRIGGER stats_sub_applications_update');
    const withTriggers = await updateAll();
    rows.push({ name: 'one-item update, statistics trigger off', value: without / Math.max(1, ids.length), unit: 'ms' });
    rows.push({ name: 'one-item update, statistics trigger on', value: withTriggers / Math.max(1, ids.length), unit: 'ms' });
    rows.push({ name: 'overview after 200 pending changes', value: await slowest(1, () => service.overview(year)), unit: 'ms', target: { max: 1000 } });
    return rows;
  } finally {
    await drop();
  }
}
