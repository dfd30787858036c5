import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { startServer, type TestServer } from '../helpers/api.js';
import { recordingDatabase } from '../helpers/recording-db.js';
import { explainPath, HOT_PATHS, hotSeqScans, indexScans, reads } from '../helpers/hot-paths.js';
import { seedLoad } from '../../server/stats/seed.js';
import { StatsService } from '../../server/stats/service.js';
import { chinaToday } from '../../shared/beijing-time.js';

const postgres = databaseTargets().find((t) => t.kind === 'postgres');
/** Enough rows that a sequential scan of the hot tables costs the planner far more than an index. */
const APPLICATIONS = 20_000;

/**
 * The query plans of the hot paths on a loaded database (`npm run seed:load`'s own generator):
 * every statement the workbench inbox, the citizen's list, the outbox claim and the statistics
 * send, exactly as the product builds them (recorded while the product runs), is explained; none
 * may read a hot table by a sequential scan, and the table each path is about is read through an
 * index. docs/scale-out.md has the figures at 1 M applications (test/scale/explain.ts).
 */
describe.runIf(!!postgres)('query plans on a loaded PostgreSQL', () => {
  let db: TestDatabase;
  let recorder: ReturnType<typeof recordingDatabase>;
  let ts: TestServer;

  beforeAll(async () => {
    db = await postgres!.open();
    recorder = recordingDatabase(db);
    ts = await startServer(recorder);
    const yearAgo = new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 10);
    await seedLoad(db, ts.parts.registry, { applications: APPLICATIONS, from: yearAgo, to: chinaToday(), chunk: APPLICATIONS });
    const stats = new StatsService(db, ts.parts.registry);
    while ((await stats.fold(Number.MAX_SAFE_INTEGER)) > 0);
    await db.exec('VACUUM (ANALYZE) users, applications, sub_applications, ratings, stats_app_daily, stats_app_hist, stats_dept_daily');
  }, 600_000);
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it.each(HOT_PATHS.map((p) => [p.name, p] as const))('%s: no sequential scan of a hot table, its table read by index', async (_name, path) => {
    const explained = await explainPath(db, recorder, ts, path);
    for (const e of explained) expect(hotSeqScans(e), `sequential scan in\n${e.statement.sql}`).toEqual([]);
    const about = explained.filter((e) => reads(e, path.mustRead));
    expect(about.length, `a statement reading ${path.mustRead}`).toBeGreaterThan(0);
    for (const e of about) expect(indexScans(e, path.mustRead).length, `${path.mustRead} through an index in\n${e.statement.sql}`).toBeGreaterThan(0);
  });
});
