// The whole flow under load (issue 18): the real server (`server/main.ts`, DEMO on: the simulated
// department systems and licence library in its process, its worker running) started as its
// own process, on PostgreSQL and on PGlite, and N concurrent citizens driving it over real HTTP:
// sign in (demo provider), open the form, create the draft, save the answers, see what to hand in,
// upload the materials, authorise sharing, submit (Idempotency-Key), and follow the progress
// until every item is completed. Figures are reported, never asserted.
//
//   flows/s          complete flows (sign-in to 办结) per second over the timed run
//   p50/p99 per step each step's latency as the citizen sees it; "follow" is submit's answer to
//                    the poll that finds the application completed (the departments' time included)
//   CPU per flow     the server process (web, worker, simulator; PGlite too, in-process) and, on
//                    PostgreSQL, the backends serving its database, from /proc, over the timed run
//   CPU per step     one citizen alone doing the flow step by step, the server's CPU around each
//                    step (the worker's and departments' work after submit counts under "follow")
//
// The simulated departments answer at once (processDelayMs 0, set through the simulator's control
// API): what is measured is the product, not a department's working time.
//
// LOAD_BENCH_CITIZENS (default 16) concurrent citizens, LOAD_BENCH_FLOWS (default 4) flows each;
// LOAD_BENCH_DATABASES (default "postgres,pglite"). PostgreSQL from BENCH_DATABASE_URL, else
// TEST_DATABASE_URL (a throwaway database is created on that server and dropped afterwards);
// without either, PGlite only.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import pg from 'pg';
import { ApiClient, pdf } from '../helpers/api.js';
import { freePort, spawnTs, waitFor, type Spawned } from '../helpers/process.js';
import { NEWBORN_WITH_CARD } from '../fixtures/newborn.js';
import type { BenchRow } from './types.js';

const CITIZENS = Math.max(1, Number(process.env.LOAD_BENCH_CITIZENS || '16'));
const FLOWS = Math.max(1, Number(process.env.LOAD_BENCH_FLOWS || '4'));
const DATABASES = (process.env.LOAD_BENCH_DATABASES || 'postgres,pglite').split(',').map((s) => s.trim());
const DATABASE_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL;
const DEMO_CITIZENS = ['citizen-zhang', 'citizen-li', 'citizen-wang'] as const;
const STEPS = ['sign in', 'open the form', 'create', 'save answers', 'evaluation', 'upload', 'authorise', 'submit', 'follow'] as const;
type Step = (typeof STEPS)[number];

function progress(message: string): void {
  process.stderr.write(`[load] ${message}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** CPU seconds used so far by a process and all its descendants (tsx runs the server as its child). */
function treeCpu(pid: number): number {
  let total = 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    total += (Number(f[11]) + Number(f[12])) / 100;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
      for (const child of children ? children.split(' ') : []) total += treeCpu(Number(child));
    }
  } catch {
    // Gone, or not Linux: counted as nothing.
  }
  return total;
}

/** CPU seconds used so far by the PostgreSQL backends connected to `database` (same machine only). */
async function backendsCpu(admin: pg.Client | undefined, database: string | undefined): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (!admin || !database) return out;
  const { rows } = await admin.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  for (const { pid } of rows) out.set(pid, treeCpu(pid));
  return out;
}

interface Meter {
  /** CPU seconds since the meter started: the server process, and its database's backends. */
  read(): Promise<{ server: number; postgres: number }>;
}

async function meter(server: Spawned, admin: pg.Client | undefined, database: string | undefined): Promise<Meter> {
  const pid = server.child.pid!;
  const server0 = treeCpu(pid);
  const pg0 = await backendsCpu(admin, database);
  return {
    async read() {
      let postgres = 0;
      for (const [p, cpu] of await backendsCpu(admin, database)) postgres += cpu - (pg0.get(p) ?? 0);
      return { server: treeCpu(pid) - server0, postgres };
    },
  };
}

type Detail = { id: string; status: string; items: { status: string }[] };
type Evaluation = { materials: { code: string; disposition: string }[] };

/** One citizen's whole flow; `timed` is called around each step. */
async function flow(base: string, citizen: string, n: number, timed: <T>(step: Step, fn: () => Promise<T>) => Promise<T>): Promise<void> {
  const check = (what: string, res: { status: number; body: unknown }, expected: number): void => {
    if (res.status !== expected) throw new Error(`load bench: ${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
  };
  const client = await timed('sign in', () => ApiClient.login(base, citizen));
  check('form', await timed('open the form', () => client.get('/api/bundles/newborn/form')), 200);
  const created = await timed('create', () => client.post<{ id: string }>('/api/applications', { bundleId: 'newborn' }));
  check('create', created, 201);
  const id = created.body.id;
  check('answers', await timed('save answers', () => client.put(`/api/applications/${id}/answers`, { answers: NEWBORN_WITH_CARD })), 200);
  const evaluation = await timed('evaluation', () => client.get<Evaluation>(`/api/applications/${id}/evaluation`));
  check('evaluation', evaluation, 200);
  await timed('upload', async () => {
    // A fresh file per flow, as a family hands in its own scans.
    for (const m of evaluation.body.materials.filter((x) => x.disposition === 'upload')) {
      check(`upload ${m.code}`, await client.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} of ${citizen}, flow ${n}`), `${m.code}.pdf`), 201);
    }
  });
  check('authorise', await timed('authorise', () => client.post(`/api/applications/${id}/authorisation`)), 200);
  check('submit', await timed('submit', () => client.post(`/api/applications/${id}/submit`, undefined, { 'Idempotency-Key': `load-${id}` })), 201);
  await timed('follow', async () => {
    const deadline = Date.now() + 300_000;
    for (;;) {
      const d = await client.get<Detail>(`/api/applications/${id}`);
      check('follow', d, 200);
      if (d.body.status === 'completed') return;
      if (['rejected', 'partially_completed'].includes(d.body.status)) throw new Error(`load bench: application ended ${d.body.status}`);
      if (Date.now() > deadline) throw new Error(`load bench: not completed after 300 s (${JSON.stringify(d.body.items.map((i) => i.status))})`);
      await new Promise((r) => setTimeout(r, 200));
    }
  });
}

interface Started {
  base: string;
  server: Spawned;
  database?: string;
  close(): Promise<void>;
}

async function start(kind: 'postgres' | 'pglite', admin: pg.Client | undefined): Promise<Started> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yjs-load-'));
  const port = await freePort();
  const env: Record<string, string> = {
    PORT: String(port),
    DATA_DIR: dataDir,
    DEMO: 'on',
    DEMO_HUMAN_DEPARTMENTS: '',
    // Logs at info, as in production: producing them is part of the cost.
    LOG_LEVEL: 'info',
    SESSION_SECRET: randomBytes(32).toString('hex'),
    // Three demo citizens sign in many times and hold many drafts: setup, not what is measured.
    LOGIN_RATE_LIMIT: '1000000',
    MAX_DRAFTS_PER_CITIZEN: '10000',
  };
  let database: string | undefined;
  if (kind === 'postgres') {
    database = `yjs_load_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
    await admin!.query(`CREATE DATABASE "${database}"`);
    const url = new URL(DATABASE_URL!);
    url.pathname = `/${database}`;
    env.DATABASE_URL = url.toString();
  } else {
    env.DATABASE_URL = '';
  }
  const server = spawnTs('server/main.ts', env);
  const base = `http://127.0.0.1:${port}`;
  const close = async (): Promise<void> => {
    server.child.kill('SIGTERM');
    const timer = setTimeout(() => server.child.kill('SIGKILL'), 20_000);
    await server.exited;
    clearTimeout(timer);
    if (database) await admin!.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(dataDir, { recursive: true, force: true });
  };
  try {
    await waitFor(async () => ((await fetch(`${base}/api/health`)).ok ? true : undefined), 300_000, `the server on ${kind} to answer`);
    // The simulator's address is in the start-up log (DEMO); its departments answer at once here.
    const sim = await waitFor(async () => /"simulator":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1], 30_000, 'the simulator address in the log');
    const control = await fetch(`${sim}/control`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ processDelayMs: 0 }) });
    if (!control.ok) throw new Error(`load bench: simulator control: ${control.status}`);
  } catch (err) {
    progress(`server output:\n${server.output().slice(-3000)}`);
    await close();
    throw err;
  }
  return { base, server, ...(database ? { database } : {}), close };
}

async function runOn(kind: 'postgres' | 'pglite', admin: pg.Client | undefined): Promise<BenchRow[]> {
  const label = kind === 'postgres' ? 'PostgreSQL' : 'PGlite';
  progress(`${label}: starting the server…`);
  const s = await start(kind, admin);
  try {
    // Warm-up: every route once per demo citizen, so the timed run pays no first-use costs.
    for (const [i, citizen] of DEMO_CITIZENS.entries()) await flow(s.base, citizen, -1 - i, (_step, fn) => fn());

    // Where one flow's CPU goes, step by step: one citizen alone, nothing else running.
    const stepCpu = new Map<Step, number[]>();
    for (let k = 0; k < 3; k++) {
      await flow(s.base, DEMO_CITIZENS[k % DEMO_CITIZENS.length]!, 1000 + k, async (step, fn) => {
        const m = await meter(s.server, admin, s.database);
        const out = await fn();
        // What the step set going (the worker's deliveries, a department's callbacks) is counted
        // where it happened: by the next step's start, or here for "follow".
        const { server, postgres } = await m.read();
        stepCpu.set(step, [...(stepCpu.get(step) ?? []), 1000 * (server + postgres)]);
        return out;
      });
    }

    progress(`${label}: ${CITIZENS} citizens × ${FLOWS} flows…`);
    const latencies = new Map<Step, number[]>(STEPS.map((st) => [st, []]));
    const flowTimes: number[] = [];
    const m = await meter(s.server, admin, s.database);
    const machine0 = os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CITIZENS }, async (_, c) => {
        for (let k = 0; k < FLOWS; k++) {
          const f0 = performance.now();
          await flow(s.base, DEMO_CITIZENS[c % DEMO_CITIZENS.length]!, c * FLOWS + k, async (step, fn) => {
            const a = performance.now();
            const out = await fn();
            latencies.get(step)!.push(performance.now() - a);
            return out;
          });
          flowTimes.push(performance.now() - f0);
        }
      }),
    );
    const seconds = (performance.now() - t0) / 1000;
    const cpu = await m.read();
    const machine = os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000 - machine0;
    const flows = CITIZENS * FLOWS;
    const perFlowMs = (1000 * (cpu.server + cpu.postgres)) / flows;
    progress(
      `${label}: ${flows} flows in ${seconds.toFixed(1)} s = ${(flows / seconds).toFixed(2)}/s; cores busy: server ${(cpu.server / seconds).toFixed(2)}, ` +
        `its postgres backends ${(cpu.postgres / seconds).toFixed(2)}, everything else ${(Math.max(0, machine - cpu.server - cpu.postgres) / seconds).toFixed(2)} (this bench's clients included) of ${os.cpus().length}; ` +
        `CPU ms per flow: server ${((1000 * cpu.server) / flows).toFixed(0)}, postgres ${((1000 * cpu.postgres) / flows).toFixed(0)}`,
    );
    const rows: BenchRow[] = [
      { name: `${label}, ${CITIZENS} citizens: flows/s`, value: flows / seconds, unit: 'flows/s' },
      { name: `${label}, ${CITIZENS} citizens: whole flow p50`, value: percentile(flowTimes.sort((a, b) => a - b), 50), unit: 'ms' },
      { name: `${label}, ${CITIZENS} citizens: whole flow p99`, value: percentile(flowTimes, 99), unit: 'ms' },
    ];
    for (const step of STEPS) {
      const sorted = latencies.get(step)!.sort((a, b) => a - b);
      rows.push({ name: `${label}, ${CITIZENS} citizens: ${step} p50`, value: percentile(sorted, 50), unit: 'ms' });
      rows.push({ name: `${label}, ${CITIZENS} citizens: ${step} p99`, value: percentile(sorted, 99), unit: 'ms' });
    }
    rows.push(
      { name: `${label}: CPU per flow, server process`, value: (1000 * cpu.server) / flows, unit: 'ms' },
      { name: `${label}: CPU per flow, PostgreSQL backends`, value: (1000 * cpu.postgres) / flows, unit: 'ms' },
    );
    const alone = STEPS.map((step) => ({ step, ms: (stepCpu.get(step) ?? []).reduce((a, b) => a + b, 0) / Math.max(1, stepCpu.get(step)?.length ?? 0) }));
    const aloneTotal = alone.reduce((a, b) => a + b.ms, 0);
    progress(`${label}: CPU per step, one citizen alone (server${kind === 'postgres' ? ' + postgres' : ''}): ${alone.map((a) => `${a.step} ${a.ms.toFixed(0)} ms (${((100 * a.ms) / aloneTotal).toFixed(0)} %)`).join(', ')}`);
    for (const a of alone) rows.push({ name: `${label}: CPU per step alone, ${a.step}`, value: a.ms, unit: 'ms' });
    // One 2-core machine, all of it for this product, at the CPU one flow costs here.
    rows.push({ name: `${label}: flows a day one 2-core machine takes (2 × 86,400 CPU-s ÷ CPU per flow)`, value: (2 * 86_400 * 1000) / perFlowMs, unit: 'flows/d' });
    return rows;
  } catch (err) {
    // What the server said last (and whether it is still running) says why a flow failed.
    progress(`${label}: server ${s.server.child.exitCode === null && s.server.child.signalCode === null ? 'running' : `exited (${s.server.child.exitCode ?? s.server.child.signalCode})`}; its output ends:\n${s.server.output().slice(-3000)}`);
    throw err;
  } finally {
    await s.close();
  }
}

export async function bench(): Promise<BenchRow[]> {
  let admin: pg.Client | undefined;
  if (DATABASE_URL && DATABASES.includes('postgres')) {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
  }
  const rows: BenchRow[] = [];
  try {
    if (admin) rows.push(...(await runOn('postgres', admin)));
    else if (DATABASES.includes('postgres')) progress('no BENCH_DATABASE_URL or TEST_DATABASE_URL: PostgreSQL skipped');
    if (DATABASES.includes('pglite')) rows.push(...(await runOn('pglite', undefined)));
  } finally {
    await admin?.end();
  }
  return rows;
}
