// `DATABASE_URL=postgres://… npx tsx test/scale/explain.ts`: on a database filled by
// `npm run seed:load`, drives the hot paths through the product (test/helpers/hot-paths.ts) and
// prints EXPLAIN (ANALYZE, BUFFERS) of each statement they send that reads a hot table: the
// indexes used, sequential scans of hot tables, planning and execution time. Nothing is kept:
// each statement is explained in a transaction rolled back. The figures go in docs/scale-out.md.
import { PostgresDatabase } from '../../server/db/postgres.js';
import { startServer } from '../helpers/api.js';
import { recordingDatabase } from '../helpers/recording-db.js';
import { explainPath, explainStatements, HOT_PATHS, HOT_TABLES, hotSeqScans, type ExplainedStatement } from '../helpers/hot-paths.js';

const url = process.env.DATABASE_URL;
if (!url) {
  console.error('DATABASE_URL must name the loaded PostgreSQL database');
  process.exit(2);
}
const db = await PostgresDatabase.open({ connectionString: url });
const recorder = recordingDatabase(db);
const ts = await startServer(recorder);
const { rows: counts } = await db.query<{ t: string; n: string }>(
  `SELECT relname AS t, n_live_tup::text AS n FROM pg_stat_user_tables WHERE relname = ANY($1::text[]) AND schemaname = current_schema() ORDER BY relname`,
  [[...HOT_TABLES]],
);
console.log(`rows (estimated): ${counts.map((c) => `${c.t} ${Number(c.n).toLocaleString('en-US')}`).join(', ')}`);
console.log('| path | statement | index scans | hot seq scans | planning ms | execution ms |');
console.log('|---|---|---|---|---|---|');
// The statistics read their rollups too: shown with the hot tables' statements.
const TABLES = new Set([...HOT_TABLES, 'stats_app_daily', 'stats_app_hist', 'stats_dept_daily']);
function row(name: string, e: ExplainedStatement): void {
  const head = e.statement.sql.replace(/\s+/g, ' ').trim().slice(0, 70).replaceAll('|', '\\|');
  const indexes = [...new Set(e.nodes.filter((n) => /Index/.test(n['Node Type'])).map((n) => n['Index Name']))].join(', ') || '—';
  console.log(`| ${name} | \`${head}…\` | ${indexes} | ${hotSeqScans(e).join(', ') || 'none'} | ${e.planningMs?.toFixed(2)} | ${e.executionMs?.toFixed(2)} |`);
}
for (const path of HOT_PATHS) {
  // Once to warm the caches as a running server has them, then measured.
  await explainPath(db, recorder, ts, path, true, TABLES);
  for (const e of await explainPath(db, recorder, ts, path, true, TABLES)) row(path.name, e);
}
// The demo citizen has no loaded applications: the list's own statement again for the loaded
// applicant with the most.
const { rows: busiest } = await db.query<{ applicant_id: string; n: number }>(
  `SELECT applicant_id, count(*)::int AS n FROM applications GROUP BY applicant_id ORDER BY n DESC LIMIT 1`,
);
const citizen = HOT_PATHS.find((p) => p.mustRead === 'applications')!;
recorder.statements.length = 0;
await citizen.run(ts);
const list = recorder.statements.splice(0).filter((s) => /FROM applications a JOIN bundle_versions/.test(s.sql));
const swapped = list.map((s) => ({ ...s, params: [busiest[0]!.applicant_id, ...(s.params ?? []).slice(1)] }));
await explainStatements(db, swapped, true);
for (const e of await explainStatements(db, swapped, true)) row(`citizen's list (loaded applicant with ${busiest[0]!.n} applications)`, e);
await ts.close();
await db.close();
process.exit(0);
