// `npm run seed:load -- --applications 1000000 [--database-url postgres://…] [--from YYYY-MM-DD]
// [--to YYYY-MM-DD] [--chunk N]`: fills the database with realistic generated applications for
// the statistics (see server/stats/seed.ts for what is generated). Without --database-url it uses
// DATABASE_URL, and without that the embedded PGlite in DATA_DIR, as `npm start` does.
// Refuses to load twice into one database.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { openDatabase } from '../db/open.js';
import { migrate } from '../db/migrate.js';
import { syncCalendarTable, workCalendar } from '../calendar.js';
import { BundleRegistry } from '../bundles/registry.js';
import { readScenarioFiles } from '../bundles/files.js';
import { createLogger } from '../log.js';
import { SeedRefusedError, seedLoad } from '../stats/seed.js';
import { StatsService } from '../stats/service.js';

const USAGE = `usage: npm run seed:load -- --applications N [--database-url URL] [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--chunk N]
  --applications N    how many applications to generate (about 5 sub-applications each)
  --database-url URL  PostgreSQL to fill (default: DATABASE_URL; without either, the embedded PGlite in DATA_DIR)
  --from, --to        filing dates, China time, inclusive (default: the 365 days up to today)
  --chunk N           applications per INSERT statement (default 100000)`;

interface Args {
  applications: number;
  databaseUrl: string | undefined;
  from: string | undefined;
  to: string | undefined;
  chunk: number | undefined;
}

export function parseArgs(argv: readonly string[], env: Record<string, string | undefined>): Args | string {
  const values = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(a);
    if (!m) return `unexpected argument: ${a}`;
    const value = m[2] ?? argv[++i];
    if (value === undefined) return `--${m[1]} needs a value`;
    values.set(m[1]!, value);
  }
  for (const k of values.keys()) if (!['applications', 'database-url', 'from', 'to', 'chunk'].includes(k)) return `unknown option --${k}`;
  const applications = Number(values.get('applications'));
  if (!Number.isInteger(applications) || applications < 1) return '--applications must be a whole number ≥ 1';
  const chunk = values.has('chunk') ? Number(values.get('chunk')) : undefined;
  if (chunk !== undefined && !(Number.isInteger(chunk) && chunk >= 1)) return '--chunk must be a whole number ≥ 1';
  for (const k of ['from', 'to']) {
    const v = values.get(k);
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v)) return `--${k} must be YYYY-MM-DD`;
  }
  return { applications, databaseUrl: values.get('database-url') ?? (env.DATABASE_URL || undefined), from: values.get('from'), to: values.get('to'), chunk };
}

export async function main(argv: readonly string[], env: Record<string, string | undefined> = process.env): Promise<number> {
  const args = parseArgs(argv, env);
  if (typeof args === 'string') {
    console.error(`${args}\n${USAGE}`);
    return 2;
  }
  const logger = createLogger('warn');
  const db = await openDatabase({ databaseUrl: args.databaseUrl, dataDir: path.resolve(env.DATA_DIR || 'data') });
  const say = (line: string) => console.log(`[seed:load] ${line}`);
  try {
    say(`database: ${db.kind === 'postgres' ? 'PostgreSQL' : `embedded PGlite in ${path.resolve(env.DATA_DIR || 'data')}`}`);
    await migrate(db);
    const registry = new BundleRegistry(db, logger);
    const files = readScenarioFiles(path.resolve(env.SCENARIOS_DIR || path.join(import.meta.dirname, '..', '..', 'scenarios')));
    await registry.publishFolder(files);
    // The triggers count working days from the calendar table: write the real calendar first.
    await syncCalendarTable(db, workCalendar(files));
    const result = await seedLoad(db, registry, {
      applications: args.applications,
      ...(args.from ? { from: args.from } : {}),
      ...(args.to ? { to: args.to } : {}),
      ...(args.chunk ? { chunk: args.chunk } : {}),
      log: say,
      verbose: env.SEED_VERBOSE === '1',
    });
    say(`loaded ${result.applications.toLocaleString('en-US')} applications, ${result.subApplications.toLocaleString('en-US')} sub-applications, ${result.ratings.toLocaleString('en-US')} ratings in ${(result.ms / 1000).toFixed(1)} s`);
    let t = Date.now();
    const stats = new StatsService(db, registry);
    let folded = 0;
    for (;;) {
      const n = await stats.fold(Number.MAX_SAFE_INTEGER);
      if (n <= 0) break;
      folded += n;
    }
    say(`folded ${folded.toLocaleString('en-US')} statistics change rows into the rollups in ${Date.now() - t} ms`);
    t = Date.now();
    // Fresh statistics for the planner, and visibility maps for index-only scans.
    await db.exec(db.kind === 'postgres' ? 'VACUUM (ANALYZE) users, applications, sub_applications, ratings, stats_app_daily, stats_app_hist, stats_dept_daily' : 'ANALYZE');
    say(`vacuum and analyze: ${Date.now() - t} ms`);
    return 0;
  } catch (err) {
    if (err instanceof SeedRefusedError) {
      console.error(`[seed:load] refused: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await db.close();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
