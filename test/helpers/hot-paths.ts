import type { Database } from '../../server/db/types.js';
import { ApiClient, type TestServer } from './api.js';
import type { RecordedStatement, recordingDatabase } from './recording-db.js';

/** The tables the load (`npm run seed:load`) fills, that grow with every application. */
export const HOT_TABLES: ReadonlySet<string> = new Set(['applications', 'sub_applications', 'users', 'ratings']);

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Actual Total Time'?: number;
  Plans?: PlanNode[];
}

export interface ExplainedStatement {
  statement: RecordedStatement;
  nodes: PlanNode[];
  planningMs?: number;
  executionMs?: number;
}

/**
 * The hot paths of issue 18, driven through the product as a user would (HTTP, or the worker's
 * own claim), so that the SQL looked at is the product's own. `mustRead`: the hot table the path
 * is about.
 */
export const HOT_PATHS: readonly { name: string; mustRead: string; run(ts: TestServer): Promise<void> }[] = [
  {
    name: 'workbench inbox (staff-police, open items)',
    mustRead: 'sub_applications',
    async run(ts) {
      const r = await (await ApiClient.login(ts.url, 'staff-police')).get('/api/workbench/inbox');
      if (r.status !== 200) throw new Error(`inbox answered ${r.status}`);
    },
  },
  {
    name: "citizen's list of applications",
    mustRead: 'applications',
    async run(ts) {
      const r = await (await ApiClient.login(ts.url, 'citizen-wang')).get('/api/applications');
      if (r.status !== 200) throw new Error(`list answered ${r.status}`);
    },
  },
  {
    name: 'outbox claim (dispatch worker)',
    mustRead: 'sub_applications',
    async run(ts) {
      await ts.parts.createWorker().runOnce();
    },
  },
  {
    name: 'statistics (overview, one bundle, public summary)',
    mustRead: 'sub_applications',
    async run(ts) {
      const admin = await ApiClient.login(ts.url, 'admin');
      for (const p of ['/api/stats/overview', '/api/stats/bundles/newborn', '/api/public/summary']) {
        const r = await admin.get(p);
        if (r.status !== 200) throw new Error(`${p} answered ${r.status}`);
      }
    },
  },
];

function flatten(n: PlanNode): PlanNode[] {
  return [n, ...(n.Plans ?? []).flatMap(flatten)];
}

const DML = /^\s*(SELECT|WITH|INSERT|UPDATE|DELETE)\b/i;

/**
 * Runs one path on a server built on `recorder`, then explains every statement it sent that names
 * a hot table. `analyze`: EXPLAIN ANALYZE, each in a transaction rolled back (the claim updates).
 */
export async function explainPath(
  db: Database,
  recorder: ReturnType<typeof recordingDatabase>,
  ts: TestServer,
  path: (typeof HOT_PATHS)[number],
  analyze = false,
  tables: ReadonlySet<string> = HOT_TABLES,
): Promise<ExplainedStatement[]> {
  recorder.statements.length = 0;
  await path.run(ts);
  return explainStatements(db, recorder.statements.splice(0), analyze, tables);
}

/** Explains the statements among `sent` that name one of `tables`. */
export async function explainStatements(db: Database, sent: readonly RecordedStatement[], analyze: boolean, tables: ReadonlySet<string> = HOT_TABLES): Promise<ExplainedStatement[]> {
  const out: ExplainedStatement[] = [];
  for (const s of sent) {
    if (!DML.test(s.sql) || ![...tables].some((t) => new RegExp(`\\b${t}\\b`).test(s.sql))) continue;
    const explain = `EXPLAIN (${analyze ? 'ANALYZE, BUFFERS, ' : ''}FORMAT JSON) ${s.sql}`;
    type Plan = { Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number };
    const plan = analyze
      ? await db
          .transaction(async (tx) => {
            const { rows } = await tx.query<{ 'QUERY PLAN': Plan[] }>(explain, s.params);
            throw new RolledBack(rows[0]!['QUERY PLAN'][0]!);
          })
          .catch((e: unknown) => {
            if (e instanceof RolledBack) return e.plan;
            throw e;
          })
      : (await db.query<{ 'QUERY PLAN': Plan[] }>(explain, s.params)).rows[0]!['QUERY PLAN'][0]!;
    out.push({ statement: s, nodes: flatten(plan.Plan), planningMs: plan['Planning Time'], executionMs: plan['Execution Time'] });
  }
  return out;
}

/** Carries a plan out of a transaction that must not commit. */
class RolledBack extends Error {
  constructor(readonly plan: { Plan: PlanNode; 'Planning Time'?: number; 'Execution Time'?: number }) {
    super('rolled back on purpose');
  }
}

/** Sequential scans of hot tables in a plan. */
export function hotSeqScans(e: ExplainedStatement): string[] {
  return e.nodes.filter((n) => n['Node Type'] === 'Seq Scan' && HOT_TABLES.has(n['Relation Name'] ?? '')).map((n) => n['Relation Name']!);
}

/** Whether the plan reads `table` (by the table, or one of its indexes, named after it). */
export function reads(e: ExplainedStatement, table: string): boolean {
  return e.nodes.some((n) => n['Relation Name'] === table || n['Index Name']?.startsWith(`${table}_`));
}

/** The index scans of `table` in a plan, by index name. */
export function indexScans(e: ExplainedStatement, table: string): string[] {
  return e.nodes.filter((n) => /Index/.test(n['Node Type']) && (n['Relation Name'] === table || n['Index Name']?.startsWith(`${table}_`))).map((n) => n['Index Name'] ?? n['Node Type']);
}
