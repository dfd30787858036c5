// `DATABASE_URL=postgres://… npx tsx test/scale/explain.ts`: on a database filled by
// `npm run seed:load`, drives the hot paths through the product (test/helpers/hot-paths.ts) and
// prints EXPLAIN (ANALYZE, BUFFERS) of each statement they send that reads a hot table: the
// indexes used, sequential scans of hot tables, planning and execution time. Nothing is kept:
// each statement is explained in a transaction rolled back. The figures go in docs/scale-out.md.
import { PostgresDatabase } from '../../server/db/postgres.js';
import { startServer } from '../helpers/api.js';
import { recordingDatabase } from '../helpers/recording-db.js';
import { explainPath, HOT_PATHS, HOT_TABLES, hotSeqScans } from '../helpers/hot-paths.js';

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
for (const path of HOT_PATHS) {
  // Once to warm the caches as a running server has them, then measured.
  await explainPath(db, recorder, ts, path, true);
  for (const e of await explainPath(db, recorder, ts, path, true)) {
    const head = e.statement.sql.replace(/\s+/g, ' ').trim().slice(0, 70).replaceAll('|', '\\|');
    const indexes = [...new Set(e.nodes.filter((n) => /Index/.test(n['Node Type'])).map((n) => n['Index Name']))].join(', ') || '—';
    console.log(`| ${path.name} | \`${head}…\` | ${indexes} | ${hotSeqScans(e).join(', ') || 'none'} | ${e.planningMs?.toFixed(2)} | ${e.executionMs?.toFixed(2)} |`);
  }
}
await ts.close();
await db.close();
process.exit(0);
