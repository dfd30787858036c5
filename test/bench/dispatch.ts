// Submission and dispatch figures against a PostgreSQL server (issue 4, item 11). This process
// runs, over real HTTP on ephemeral loopback ports: the product (buildServer), a bare Express
// endpoint doing only the submit transaction's writes (the ceiling) and the outbox workers. The
// clients of the timed submit and ceiling phases (./load-generator.ts) and the simulated
// department systems (./departments.ts; autoProcess off: they never call back) run in processes
// of their own, as they would behind a real network, so that the server's and the workers' event
// loop and CPU figures are their own. A fresh schema is created and dropped afterwards. Figures
// are reported, never asserted.
//
//   1. POST /api/applications/:id/submit (with an Idempotency-Key), newborn bundle, 1/16/64
//      concurrent clients, each a signed-in demo citizen; drafts (answers + uploaded materials)
//      are prepared over the API before the clock starts; only submit is timed; no worker runs.
//   2. The ceiling, same concurrency: a bare endpoint that only writes what a submit writes, in
//      one transaction: the N sub_applications rows with their N first events, then the UPDATE
//      of applications, with the payloads a real submission wrote. Twice: with the statements the
//      server uses (one multi-row INSERT), and as the issue first described it (one INSERT per row).
//      (1) and (2) take turns, three slices of each at each level, so that a passing slowdown of a
//      shared machine weighs on both; each figure is over all its slices.
//   2b. Submissions arriving at a fixed rate, half the 16-client ceiling, over 16 connections, each
//      sent at its time whether or not the earlier ones were answered; latency counted from that
//      time. The ceiling at the same rate beside it.
//   3. Deliveries/s: the rows (1) queued, drained by one worker, then again (as a new delivery
//      round) by two workers in this process.
//   4. Commit-to-delivery: one worker running and idle, one submission at a time; from submit's
//      2xx reaching the client (and from its COMMIT in the server) to the simulator receiving each
//      of its queued sub-applications.
//
// Progress, and where the CPU went in each phase (this process; the PostgreSQL backends serving
// it, found by application_name; everything else on the machine) go to stderr. On a shared
// machine other people's work competes for the same cores: see "everything else".
//
// BENCH_DATABASE_URL, else TEST_DATABASE_URL, else postgres://root@127.0.0.1:5432/test.
// BENCH_DISPATCH_SCALE (default 1) multiplies the number of submissions, for quick trial runs.
// BENCH_PROFILE_DIR=dir writes a V8 CPU profile of each timed phase there, and one of each child
// process's whole life (load generator, department systems) in dir/<its file name>/.
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Writable } from 'node:stream';
import express from 'express';
import pg from 'pg';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/log.js';
import { migrate } from '../../server/db/migrate.js';
import { PostgresDatabase } from '../../server/db/postgres.js';
import { buildServer } from '../../server/server.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { file } from '../../server/subapps/transition.js';
import { FILING_NOTICE_COLUMNS, filingNoticeOf, type FilingNotice } from '../../server/notices/events.js';
import { DEFAULT_REGION_CODE } from '../../server/applications/number.js';
import type { SubStatus } from '../../shared/lifecycle.js';
import type { Database, Queryable } from '../../server/db/types.js';
import { ApiClient, pdf } from '../helpers/api.js';
import { listen } from '../helpers/server.js';
import type { BenchRow } from './types.js';
import type { LoadPlan, LoadResult } from './load-generator.js';
import type { Arrival, DepartmentsPlan } from './departments.js';
import { NEWBORN_WITH_CARD } from '../fixtures/newborn.js';

const DATABASE_URL = process.env.BENCH_DATABASE_URL || process.env.TEST_DATABASE_URL || 'postgres://root@127.0.0.1:5432/test';
const SCALE = Number(process.env.BENCH_DISPATCH_SCALE || '1');

/** Concurrency level → submissions per client (the same counts for the ceiling). */
const LEVELS: readonly { clients: number; perClient: number }[] = [
  { clients: 1, perClient: Math.max(10, Math.round(120 * SCALE)) },
  { clients: 16, perClient: Math.max(2, Math.round(30 * SCALE)) },
  { clients: 64, perClient: Math.max(2, Math.round(12 * SCALE)) },
];
const WARM_UP = 30;
/** Each level's submit and ceilings run in this many alternating turns. */
const SLICES = 3;
const LATENCY_SAMPLES = Math.max(20, Math.round(100 * SCALE));
/** Submissions per connection at a fixed arrival rate (16 connections), in two turns. */
const FIXED_RATE_PER_CLIENT = Math.max(4, Math.round(20 * SCALE));
const CITIZENS = ['citizen-zhang', 'citizen-li', 'citizen-wang'] as const;


type Detail = { id: string; items: { id: string; status: string }[] };
type Evaluation = { materials: { code: string; disposition: string }[] };

/** The bench's own connections are named, to tell their CPU from other users of the same server. */
const APPLICATION_NAME = 'yjs-bench-dispatch';

/** CPU seconds a process has used so far (Linux /proc; undefined when gone or not Linux). */
function processCpu(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime, fields 14 and 15 of the line, in clock ticks (USER_HZ, 100 on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}

/** CPU seconds used so far by each PostgreSQL backend serving this bench (same machine only). */
async function backendCpu(db: Database): Promise<Map<number, number>> {
  const { rows } = await db.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE application_name = $1', [APPLICATION_NAME]);
  const out = new Map<number, number>();
  for (const { pid } of rows) {
    const cpu = processCpu(pid);
    if (cpu !== undefined) out.set(pid, cpu);
  }
  return out;
}

const machineCpu = (): number => os.cpus().reduce((sum, c) => sum + c.times.user + c.times.nice + c.times.sys + c.times.irq, 0) / 1000;
const nodeCpu = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

interface CpuUse {
  /** Seconds of wall time, and CPU seconds in this process, its PostgreSQL backends and everything else. */
  wall: number;
  node: number;
  postgres: number;
  other: number;
}
const NO_CPU: CpuUse = { wall: 0, node: 0, postgres: 0, other: 0 };
const addCpu = (a: CpuUse, b: CpuUse): CpuUse => ({ wall: a.wall + b.wall, node: a.node + b.node, postgres: a.postgres + b.postgres, other: a.other + b.other });

/**
 * Where the CPU went during a phase: cores busy on average in this process (server, workers), in
 * the PostgreSQL backends serving it, and in everything else on the machine (the load
 * generator's clients, the department systems, PostgreSQL's own background work, and on a shared machine other
 * people's work and their PostgreSQL sessions); and CPU milliseconds per operation here and in
 * those backends.
 */
async function cpuMeter(db: Database): Promise<() => Promise<CpuUse>> {
  const backends0 = await backendCpu(db);
  const machine0 = machineCpu();
  const node0 = nodeCpu();
  const t0 = performance.now();
  return async () => {
    const wall = (performance.now() - t0) / 1000;
    const node = nodeCpu() - node0;
    const machine = machineCpu() - machine0;
    let postgres = 0;
    for (const [pid, cpu] of await backendCpu(db)) postgres += cpu - (backends0.get(pid) ?? 0);
    return { wall, node, postgres, other: Math.max(0, machine - node - postgres) };
  };
}

function describeCpu({ wall, node, postgres, other }: CpuUse, operations: number): string {
  const cores = (s: number): string => (s / wall).toFixed(2);
  const perOp = (s: number): string => ((1000 * s) / operations).toFixed(2);
  return `cores busy: node ${cores(node)}, its postgres backends ${cores(postgres)}, everything else ${cores(other)} of ${os.cpus().length}; CPU ms/op: node ${perOp(node)}, postgres ${perOp(postgres)}`;
}

/** With BENCH_PROFILE_DIR, a V8 CPU profile of the phase (open it in Chrome DevTools). */
async function profiled<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const dir = process.env.BENCH_PROFILE_DIR;
  if (!dir) return fn();
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await fn();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, `dispatch-${name}.cpuprofile`), JSON.stringify(profile));
    session.disconnect();
  }
}

function progress(message: string): void {
  process.stderr.write(`[dispatch] ${message}\n`);
}

function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

interface Timing {
  perSecond: number;
  p50: number;
  p99: number;
  count: number;
}

/** Runs of one kind taken together: every request's latency, over the sum of their wall times. */
function timing(runs: readonly LoadResult[]): Timing {
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const seconds = runs.reduce((sum, r) => sum + r.seconds, 0);
  return { perSecond: latencies.length / seconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99), count: latencies.length };
}

/**
 * Runs the plan's clients at once, each doing its requests in turn, in a process of their own
 * (./load-generator.ts), and times each request.
 */
async function fromLoadGenerator(plan: LoadPlan): Promise<LoadResult> {
  const { child, exited, stderr } = benchProcess('load-generator.ts');
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stdin.end(JSON.stringify(plan));
  const code = await exited;
  if (code !== 0) throw new Error(`dispatch bench: the load generator failed (${code}): ${stderr().slice(-2000)}`);
  return JSON.parse(out) as LoadResult;
}

/** One of the bench's own processes (a file beside this one), its stderr kept for a failure's message. */
function benchProcess(file: string) {
  const dir = process.env.BENCH_PROFILE_DIR;
  const profile = dir ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(dir, path.basename(file, '.ts'))}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(import.meta.dirname, file)], { stdio: ['pipe', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  return { child, exited: new Promise<number | null>((resolve) => child.on('exit', resolve)), stderr: () => err };
}

/**
 * The department systems (./departments.ts) in a process of their own, started and listening;
 * `arrived` hears of each delivery as it reaches them.
 */
async function departmentSystems(plan: DepartmentsPlan, arrived: (a: Arrival) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const { child, exited, stderr } = benchProcess('departments.ts');
  child.stdin.write(`${JSON.stringify(plan)}\n`);
  const listening = new Promise<string>((resolve, reject) => {
    void exited.then((code) => reject(new Error(`dispatch bench: the department systems exited (${code}): ${stderr().slice(-2000)}`)));
    let buffered = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      buffered += d;
      let end: number;
      while ((end = buffered.indexOf('\n')) >= 0) {
        const message = JSON.parse(buffered.slice(0, end)) as { url: string } | Arrival;
        buffered = buffered.slice(end + 1);
        if ('url' in message) resolve(message.url);
        else arrived(message);
      }
    });
  });
  const url = await listening;
  return {
    url,
    close: async () => {
      child.stdin.end();
      await exited;
    },
  };
}

async function pollUntil(probe: () => Promise<boolean>, timeoutMs: number, what: string, everyMs = 10): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`dispatch bench: timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** The sub-application rows one newborn submission writes, copied as the ceiling's template. */
interface Template {
  evaluation: unknown;
  savings: unknown;
  notice: FilingNotice;
  subs: { item_id: string; department: string; position: number; status: SubStatus; channel: string; after_items: string[]; payload: unknown; time_limit_days: number }[];
}

export async function bench(): Promise<BenchRow[]> {
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yjs-bench-'));
  // No pool size given, as openDatabase gives none: the server's default (10 connections).
  const url = new URL(DATABASE_URL);
  url.searchParams.set('application_name', APPLICATION_NAME);
  const db = await PostgresDatabase.open({ connectionString: url.toString(), searchPath: schema });
  const closers: (() => Promise<void>)[] = [];
  try {
    return await run(db, dataDir, closers);
  } finally {
    for (const close of closers.reverse()) await close().catch((err: unknown) => progress(`closing: ${String(err)}`));
    await db.close();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Statements and transactions the server sent, to count round trips per submission. */
interface Traffic {
  statements: number;
  transactions: number;
}

/**
 * The database as the server sees it, counting what it sends and noting when what filed
 * sub-applications has committed (the filing statement or the COMMIT answered): where
 * commit-to-delivery starts.
 */
function observed(db: Database, traffic: Traffic, onFiled: (at: number) => void): Database {
  return {
    kind: db.kind,
    async query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]) {
      traffic.statements++;
      const result = await db.query<Row>(sql, params);
      // Submit files in one statement of its own when nothing changed under it: its answer is the commit.
      if (sql.includes('INSERT INTO sub_applications')) onFiled(performance.now());
      return result;
    },
    exec: (sql) => db.exec(sql),
    close: () => db.close(),
    async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
      let files = false;
      traffic.transactions++;
      const result = await db.transaction((tx) =>
        fn({
          query: (sql, params) => {
            traffic.statements++;
            if (sql.includes('INSERT INTO sub_applications')) files = true;
            return tx.query(sql, params);
          },
          exec: (sql) => tx.exec(sql),
        }),
      );
      if (files) onFiled(performance.now());
      return result;
    },
  };
}

async function run(db: PostgresDatabase, dataDir: string, closers: (() => Promise<void>)[]): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const started = performance.now();
  // Logs at info, as in production, written nowhere: producing them is part of the cost.
  const logger = createLogger('info', new Writable({ write: (_chunk, _enc, done) => done() }));
  // Many sign-ins of three demo citizens (one per client) are setup, not what is measured.
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', DEMO: 'on', LOGIN_RATE_LIMIT: '1000000', MAX_DRAFTS_PER_CITIZEN: '10000' });
  await migrate(db);
  // What one round trip to PostgreSQL costs on this machine, for reading the figures below.
  const rtCpu = await cpuMeter(db);
  const rt0 = performance.now();
  for (let i = 0; i < 2000; i++) await db.query('SELECT $1::int AS n', [i]);
  progress(`one round trip (SELECT $1, serial): ${((1000 * (performance.now() - rt0)) / 2000).toFixed(0)} µs (${describeCpu(await rtCpu(), 2000)})`);
  const filed = { at: Number.NaN };
  const traffic: Traffic = { statements: 0, transactions: 0 };
  const parts = await buildServer(config, observed(db, traffic, (at) => (filed.at = at)), logger);
  const server = await listen(parts.app);
  config.publicUrl = server.url;
  closers.push(server.close);

  // The simulated departments, in a process of their own, report when each delivery arrives, by
  // its idempotency key (`<sub-application id>:<round>`).
  const arrivals = new Map<string, number>();
  let onArrival: (() => void) | undefined;
  const codes = [...parts.departmentTokens.keys()].filter((code) => parts.targetFor(code));
  const departments = await departmentSystems(
    {
      apiBase: server.url,
      secrets: Object.fromEntries(codes.map((code) => [code, parts.webhookSecretFor(code)])),
      tokens: Object.fromEntries(codes.map((code) => [code, parts.departmentTokens.get(code)!])),
    },
    ({ key, at }) => {
      arrivals.set(key, at - performance.timeOrigin);
      onArrival?.();
    },
  );
  closers.push(departments.close);
  const workers: DispatchWorker[] = [];
  closers.push(async () => {
    await Promise.all(workers.map((w) => w.stop()));
  });
  /** A worker with the server's settings (batch, lease, poll), every department played by the simulator. */
  const newWorker = (): DispatchWorker => {
    const w = parts.createWorker({
      targetFor: (code) => (parts.targetFor(code) ? { channel: 'webhook', url: `${departments.url}/departments/${code}`, secret: parts.webhookSecretFor(code) } : undefined),
    });
    workers.push(w);
    return w;
  };

  // ---- drafts, prepared before any clock starts ---------------------------------------------
  const login = async (i: number): Promise<{ client: ApiClient; citizen: string }> => {
    const citizen = CITIZENS[i % CITIZENS.length]!;
    return { client: await ApiClient.login(server.url, citizen), citizen };
  };
  // What each citizen hands in depends on the licences the library holds for them (an expired ID
  // card is uploaded): probed once per citizen.
  const uploadsOf = new Map<string, Promise<string[]>>();
  const toUploadFor = (client: ApiClient, citizen: string): Promise<string[]> => {
    let p = uploadsOf.get(citizen);
    if (!p) {
      p = (async () => {
        const probe = (await client.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
        await client.put(`/api/applications/${probe}/answers`, { answers: NEWBORN_WITH_CARD });
        const evaluation = await client.get<Evaluation>(`/api/applications/${probe}/evaluation`);
        return evaluation.body.materials.filter((m) => m.disposition === 'upload').map((m) => m.code);
      })();
      uploadsOf.set(citizen, p);
    }
    return p;
  };

  /**
   * A complete draft, as the citizen's browser leaves it: created, answered, every material to
   * hand in uploaded. The same file per citizen and material, as one family would hand in (a
   * fresh file each time would grow three demo citizens' archives to thousands of entries).
   */
  async function draft(client: ApiClient, citizen: string): Promise<string> {
    const created = await client.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
    if (created.status !== 201) throw new Error(`draft: ${created.status} ${JSON.stringify(created.body)}`);
    const id = created.body.id;
    const saved = await client.put(`/api/applications/${id}/answers`, { answers: NEWBORN_WITH_CARD });
    if (saved.status !== 200) throw new Error(`answers: ${saved.status} ${JSON.stringify(saved.body)}`);
    for (const code of await toUploadFor(client, citizen)) {
      const up = await client.upload(`/api/applications/${id}/materials/${encodeURIComponent(code)}`, pdf(`${code} of ${citizen}`), `${code}.pdf`);
      if (up.status !== 201) throw new Error(`upload ${code}: ${up.status} ${JSON.stringify(up.body)}`);
    }
    // 授权 is part of preparing, as the review step gives it before the citizen submits.
    const authorised = await client.post(`/api/applications/${id}/authorisation`);
    if (authorised.status !== 200) throw new Error(`authorisation: ${authorised.status} ${JSON.stringify(authorised.body)}`);
    return id;
  }

  /** What the timed operation is: the citizen's submit, with an Idempotency-Key as a client sends it. */
  async function submit(client: ApiClient, id: string): Promise<Detail> {
    const res = await client.post<Detail>(`/api/applications/${id}/submit`, undefined, { 'Idempotency-Key': `bench-${id}` });
    if (res.status !== 201) throw new Error(`submit: ${res.status} ${JSON.stringify(res.body)}`);
    return res.body;
  }

  /**
   * `clients` signed-in citizens (cycling through the demo ones), each with `perClient` drafts.
   * Only the drafts are made here (sign-ins first); `fill` makes them all, 32 at a time.
   */
  type ClientSet = { client: ApiClient; citizen: string; drafts: string[] }[];
  const toFill: { set: ClientSet; perClient: number }[] = [];
  async function prepare(clients: number, perClient: number): Promise<ClientSet> {
    const set: ClientSet = [];
    for (let i = 0; i < clients; i++) set.push({ ...(await login(i)), drafts: [] });
    toFill.push({ set, perClient });
    return set;
  }
  async function fill(): Promise<void> {
    const jobs = toFill.flatMap(({ set, perClient }) => set.flatMap((c) => Array.from({ length: perClient }, () => c)));
    let next = 0;
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < jobs.length) {
          const c = jobs[next++]!;
          c.drafts.push(await draft(c.client, c.citizen));
        }
      }),
    );
  }

  // Each level's first draft per client is its untimed warm-up round.
  const totalDrafts = WARM_UP + LEVELS.reduce((n, l) => n + l.clients * (l.perClient + 1), 0) + 16 * FIXED_RATE_PER_CLIENT + LATENCY_SAMPLES;
  progress(`preparing ${totalDrafts} newborn drafts over HTTP…`);
  const [warm] = await prepare(1, WARM_UP);
  const prepared = [];
  for (const level of LEVELS) prepared.push(await prepare(level.clients, level.perClient + 1));
  const fixedRateSet = await prepare(16, FIXED_RATE_PER_CLIENT);
  const [latencyDrafts] = await prepare(1, LATENCY_SAMPLES);
  await fill();
  progress(`drafts ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);

  // ---- the ceiling: the same writes, nothing else ---------------------------------------------
  const sample = await submit(warm!.client, warm!.drafts[0]!);
  const template = await templateOf(db, sample.id);
  const bare = express();
  bare.post('/ceiling/:kind/:id', async (req, res) => {
    const id = req.params.id;
    const perRow = req.params.kind === 'per-row';
    await db.transaction(async (tx) => {
      if (perRow) {
        for (const s of template.subs) {
          const subId = randomUUID();
          await tx.query(
            `INSERT INTO sub_applications (id, application_id, item_id, department, position, status, channel, after_items, payload, time_limit_days, next_attempt_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, CASE WHEN $6 = 'queued' THEN now() END)`,
            [subId, id, s.item_id, s.department, s.position, s.status, s.channel, s.after_items, JSON.stringify(s.payload), s.time_limit_days],
          );
          await tx.query('INSERT INTO sub_application_events (sub_application_id, status, actor, note) VALUES ($1, $2, $3, $4)', [subId, s.status, 'citizen:bench', null]);
        }
        await tx.query(
          `UPDATE applications SET status = 'submitted', evaluation = $2, savings = $3, submit_key = $4, submitted_at = now(), updated_at = now() WHERE id = $1`,
          [id, JSON.stringify(template.evaluation), JSON.stringify(template.savings), `bench-${id}`],
        );
      } else {
        // What ApplicationService.submit sends.
        await file(
          tx,
          { id, actor: 'citizen:bench', set: { evaluation: template.evaluation, savings: template.savings, submitKey: `bench-${id}`, promisedBy: null, regionCode: DEFAULT_REGION_CODE }, notice: template.notice },
          template.subs.map((s) => ({
            id: randomUUID(),
            itemId: s.item_id,
            department: s.department,
            position: s.position,
            status: s.status,
            channel: s.channel,
            after: s.after_items,
            payload: s.payload,
            timeLimitDays: s.time_limit_days,
            promisedBy: null,
          })),
        );
      }
    });
    res.status(201).json({ id });
  });
  const bareServer = await listen(bare);
  closers.push(bareServer.close);
  const ceilingIds: string[] = [];
  /** Draft rows for the ceiling to file (copies of a real draft, made in SQL: not timed). */
  async function ceilingDrafts(n: number): Promise<string[]> {
    const { rows } = await db.query<{ id: string }>(
      `INSERT INTO applications (id, applicant_id, bundle_id, version, answers)
       SELECT gen_random_uuid(), applicant_id, bundle_id, version, answers FROM applications CROSS JOIN generate_series(1, $2) WHERE id = $1
       RETURNING id`,
      [sample.id, n],
    );
    const ids = rows.map((r) => r.id);
    ceilingIds.push(...ids);
    return ids;
  }
  const ceiling = async (kind: 'batched' | 'per-row', id: string): Promise<void> => {
    const res = await fetch(`${bareServer.url}/ceiling/${kind}/${id}`, { method: 'POST' });
    if (res.status !== 201) throw new Error(`ceiling: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  };

  // ---- warm-up: every timed path once, so no phase pays for JIT compilation -------------------
  progress('warming up…');
  for (const id of warm!.drafts.slice(1)) await submit(warm!.client, id);
  for (const id of await ceilingDrafts(WARM_UP)) await ceiling('batched', id);
  for (const id of await ceilingDrafts(WARM_UP)) await ceiling('per-row', id);
  const queued = async (): Promise<number> =>
    (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE status = 'queued'`)).rows[0]!.n;
  // Cheap enough to poll every 25 ms while workers drain the queue without competing much.
  const anyQueued = async (): Promise<boolean> =>
    (await db.query<{ any: boolean }>(`SELECT EXISTS (SELECT 1 FROM sub_applications WHERE status = 'queued') AS any`)).rows[0]!.any;
  async function deleteCeilingRows(): Promise<void> {
    await db.transaction(async (tx) => {
      // The notices the filings wrote in the same transaction go with them.
      await tx.query('DELETE FROM notices WHERE application_id = ANY($1::uuid[])', [ceilingIds]);
      await tx.query('DELETE FROM sub_application_events WHERE sub_application_id IN (SELECT id FROM sub_applications WHERE application_id = ANY($1::uuid[]))', [ceilingIds]);
      await tx.query('DELETE FROM sub_applications WHERE application_id = ANY($1::uuid[])', [ceilingIds]);
      await tx.query('DELETE FROM applications WHERE id = ANY($1::uuid[])', [ceilingIds]);
    });
    ceilingIds.length = 0;
  }
  await deleteCeilingRows();
  const warmWorker = newWorker();
  warmWorker.start();
  await pollUntil(async () => !(await anyQueued()), 60_000, 'the warm-up deliveries', 25);
  await warmWorker.stop();

  // ---- 1 and 2: submit beside the ceiling -----------------------------------------------------
  // In turns (a slice of submit, then of each ceiling, again and again) rather than one after the
  // other: whatever else slows a shared machine for a few seconds weighs on both alike.
  type Kind = 'submit' | 'batched' | 'per-row';
  // What the citizen's browser sends: the session's cookie and CSRF token, an Idempotency-Key.
  const submits = (set: ClientSet, from: number, to: number): LoadPlan => ({
    status: 201,
    clients: set.map(({ client, drafts }) =>
      drafts.slice(from, to).map((id) => ({ url: `${server.url}/api/applications/${id}/submit`, headers: { ...client.sessionHeaders, 'Idempotency-Key': `bench-${id}` } })),
    ),
  });
  const ceilingPlan = async (kind: 'batched' | 'per-row', clients: number, each: number): Promise<LoadPlan> => {
    const ids = await ceilingDrafts(clients * each);
    return {
      status: 201,
      clients: Array.from({ length: clients }, (_, c) => ids.slice(c * each, (c + 1) * each).map((id) => ({ url: `${bareServer.url}/ceiling/${kind}/${id}`, headers: {} }))),
    };
  };
  let ceilingAt16 = 0;
  for (const [i, level] of LEVELS.entries()) {
    const set = prepared[i]!;
    const n = `${level.clients} client${level.clients > 1 ? 's' : ''}`;
    const runs: Record<Kind, LoadResult[]> = { submit: [], batched: [], 'per-row': [] };
    const used: Record<Kind, CpuUse> = { submit: NO_CPU, batched: NO_CPU, 'per-row': NO_CPU };
    let statements = 0;
    const measure = async (kind: Kind, slice: number, plan: LoadPlan): Promise<void> => {
      const cpu = await cpuMeter(db);
      const before = { ...traffic };
      runs[kind].push(await profiled(`${kind === 'submit' ? 'submit' : `ceiling-${kind}`}-${level.clients}-${slice + 1}`, () => fromLoadGenerator(plan)));
      used[kind] = addCpu(used[kind], await cpu());
      // BEGIN and COMMIT are a round trip each.
      if (kind === 'submit') statements += traffic.statements - before.statements + 2 * (traffic.transactions - before.transactions);
    };
    // One untimed round of each at this concurrency first: the first turn at a new level was the
    // slowest of the three in every run (34–44 % at 16 clients against 51–58 % for the others),
    // and it fell on submit, which goes first.
    await fromLoadGenerator(submits(set, 0, 1));
    for (const kind of ['batched', 'per-row'] as const) await fromLoadGenerator(await ceilingPlan(kind, level.clients, 1));
    for (let slice = 0; slice < SLICES; slice++) {
      const [from, to] = [1 + Math.floor((level.perClient * slice) / SLICES), 1 + Math.floor((level.perClient * (slice + 1)) / SLICES)];
      await measure('submit', slice, submits(set, from, to));
      for (const kind of ['batched', 'per-row'] as const) await measure(kind, slice, await ceilingPlan(kind, level.clients, to - from));
    }
    const s = timing(runs.submit);
    const ceilings = { batched: timing(runs.batched), 'per-row': timing(runs['per-row']) };
    progress(`${n}: submit ${s.perSecond.toFixed(0)}/s, p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (${describeCpu(used.submit, s.count)})`);
    const roundTrips = statements / s.count;
    if (level.clients === 1) progress(`${roundTrips.toFixed(1)} database round trips per submit`);
    for (const kind of ['batched', 'per-row'] as const) {
      const b = ceilings[kind];
      progress(`${n}: ceiling (${kind}) ${b.perSecond.toFixed(0)}/s, p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms (${describeCpu(used[kind], b.count)})`);
    }
    progress(`${n}: each in ${SLICES} turns, submit ÷ ceiling per turn: ${runs.submit.map((r, t) => `${((100 * r.latencies.length * runs.batched[t]!.seconds) / (r.seconds * runs.batched[t]!.latencies.length)).toFixed(0)} %`).join(', ')}`);
    const b = ceilings.batched;
    if (level.clients === 16) ceilingAt16 = b.perSecond;
    rows.push(
      { name: `submit, ${n}`, value: s.perSecond, unit: 'subm/s' },
      { name: `submit, ${n}, p50`, value: s.p50, unit: 'ms' },
      { name: `submit, ${n}, p99`, value: s.p99, unit: 'ms', ...(level.clients === 16 ? { target: { max: 100 } } : {}) },
      { name: `ceiling, ${n}`, value: b.perSecond, unit: 'tx/s' },
      { name: `ceiling, ${n}, p50`, value: b.p50, unit: 'ms' },
      { name: `ceiling, ${n}, p99`, value: b.p99, unit: 'ms' },
      // The issue's targets are at 16 and 64 clients; one client waits on every round trip alone.
      { name: `submit ÷ ceiling, ${n}`, value: (100 * s.perSecond) / b.perSecond, unit: '%', ...(level.clients > 1 ? { target: { min: 50 } } : {}) },
      { name: `ceiling one INSERT per row, ${n}`, value: ceilings['per-row'].perSecond, unit: 'tx/s' },
      { name: `submit ÷ ceiling one INSERT per row, ${n}`, value: (100 * s.perSecond) / ceilings['per-row'].perSecond, unit: '%' },
    );
    if (level.clients === 1) {
      rows.push({
        // The ceiling: BEGIN, the filing statement, COMMIT; one INSERT per row: BEGIN, 2N, UPDATE, COMMIT.
        name: `database round trips per submit (ceiling 3, one INSERT per row ${2 * template.subs.length + 3})`,
        value: roundTrips,
        unit: 'trips',
      });
    }
  }
  // ---- 2b: arrivals at a fixed rate --------------------------------------------------------------
  // Submissions sent at half the 16-client ceiling whether or not earlier ones were answered, as
  // citizens send them, over 16 connections; the ceiling at the same rate beside them, in two turns
  // each. Clients that wait on their answers bind latency to throughput (16 ÷ rate); this does not.
  if (ceilingAt16) {
    const rate = Math.round(ceilingAt16 / 2);
    const fixed: Record<'submit' | 'batched', LoadResult[]> = { submit: [], batched: [] };
    const half = Math.floor(FIXED_RATE_PER_CLIENT / 2);
    for (const [from, to] of [[0, half], [half, FIXED_RATE_PER_CLIENT]] as const) {
      fixed.submit.push(await fromLoadGenerator({ ...submits(fixedRateSet, from, to), perSecond: rate }));
      fixed.batched.push(await fromLoadGenerator({ ...(await ceilingPlan('batched', 16, to - from)), perSecond: rate }));
    }
    const s = timing(fixed.submit);
    const b = timing(fixed.batched);
    progress(`arrivals at ${rate}/s on 16 connections: submit p50 ${s.p50.toFixed(1)} ms, p99 ${s.p99.toFixed(1)} ms (answered ${s.perSecond.toFixed(0)}/s); ceiling p50 ${b.p50.toFixed(1)} ms, p99 ${b.p99.toFixed(1)} ms`);
    rows.push(
      { name: `submit arriving at ${rate}/s (half the 16-client ceiling), p50`, value: s.p50, unit: 'ms' },
      { name: `submit arriving at ${rate}/s (half the 16-client ceiling), p99`, value: s.p99, unit: 'ms' },
      { name: `ceiling arriving at ${rate}/s, p99`, value: b.p99, unit: 'ms' },
    );
  }
  // The ceiling's rows are not part of the product's queue.
  await deleteCeilingRows();

  // ---- 3: deliveries/s ------------------------------------------------------------------------
  async function drain(workerCount: number): Promise<number> {
    await db.exec('VACUUM ANALYZE sub_applications');
    const total = await queued();
    const cpu = await cpuMeter(db);
    const t0 = performance.now();
    const seconds = await profiled(`deliveries-${workerCount}`, async () => {
      const ws = Array.from({ length: workerCount }, () => newWorker());
      for (const w of ws) w.start();
      await pollUntil(async () => !(await anyQueued()), 120_000, 'the queue to drain', 25);
      const elapsed = (performance.now() - t0) / 1000;
      await Promise.all(ws.map((w) => w.stop()));
      return elapsed;
    });
    const usage = describeCpu(await cpu(), total);
    const left = await db.query<{ status: string; n: number }>(`SELECT status, count(*)::int AS n FROM sub_applications WHERE status NOT IN ('waiting', 'delivered') GROUP BY status`);
    if (left.rows.length) progress(`not delivered: ${JSON.stringify(left.rows)}`);
    progress(`${workerCount} worker${workerCount > 1 ? 's' : ''}: ${total} deliveries in ${seconds.toFixed(2)} s = ${(total / seconds).toFixed(0)}/s (${usage})`);
    return total / seconds;
  }
  const drained = (await db.query<{ id: string }>(`SELECT id FROM sub_applications WHERE status = 'queued'`)).rows.map((r) => r.id);
  rows.push({ name: 'deliveries, 1 worker', value: await drain(1), unit: 'deliv/s', target: { min: 1000 } });
  // The same rows again, as a new delivery round (new idempotency keys, as after a supplement).
  await db.query(
    `UPDATE sub_applications SET status = 'queued', round = round + 1, attempts = 0, first_attempt_at = NULL,
            next_attempt_at = now(), delivered_at = NULL, updated_at = now() WHERE id = ANY($1::uuid[])`,
    [drained],
  );
  rows.push({ name: 'deliveries, 2 workers in one process', value: await drain(2), unit: 'deliv/s', target: { min: 1000 } });

  // ---- 4: commit-to-delivery ------------------------------------------------------------------
  const worker = newWorker();
  worker.start();
  await new Promise((r) => setTimeout(r, 100));
  const fromAnswer: number[] = [];
  const fromCommit: number[] = [];
  for (const id of latencyDrafts!.drafts) {
    filed.at = Number.NaN;
    const detail = await submit(latencyDrafts!.client, id);
    const answered = performance.now();
    const committed = filed.at;
    const keys = detail.items.filter((i) => i.status === 'queued').map((i) => `${i.id}:1`);
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('dispatch bench: a queued sub-application never reached the simulator')), 10_000);
      const check = (): void => {
        if (keys.every((k) => arrivals.has(k))) {
          clearTimeout(timer);
          onArrival = undefined;
          resolve();
        }
      };
      onArrival = check;
      check();
    });
    for (const k of keys) {
      fromAnswer.push(arrivals.get(k)! - answered);
      fromCommit.push(arrivals.get(k)! - committed);
    }
    // Idle again before the next one: its deliveries are recorded.
    await pollUntil(
      async () => (await db.query(`SELECT 1 FROM sub_applications WHERE application_id = $1 AND status = 'queued'`, [id])).rowCount === 0,
      10_000,
      'the deliveries to be recorded',
      2,
    );
  }
  await worker.stop();
  fromAnswer.sort((a, b) => a - b);
  fromCommit.sort((a, b) => a - b);
  progress(
    `commit→delivery over ${fromCommit.length} deliveries: from COMMIT p50 ${percentile(fromCommit, 50).toFixed(1)} ms, p99 ${percentile(fromCommit, 99).toFixed(1)} ms; ` +
      `from the 2xx p50 ${percentile(fromAnswer, 50).toFixed(1)} ms, p99 ${percentile(fromAnswer, 99).toFixed(1)} ms (negative: delivered before the response reached the client)`,
  );
  rows.push(
    { name: 'commit→delivery from the 2xx, p50', value: percentile(fromAnswer, 50), unit: 'ms' },
    { name: 'commit→delivery from the 2xx, p99', value: percentile(fromAnswer, 99), unit: 'ms' },
    { name: 'commit→delivery from COMMIT, p50', value: percentile(fromCommit, 50), unit: 'ms' },
    { name: 'commit→delivery from COMMIT, p99', value: percentile(fromCommit, 99), unit: 'ms' },
  );
  progress(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return rows;
}

/** What one real newborn submission wrote, as the ceiling's payload. */
async function templateOf(db: PostgresDatabase, applicationId: string): Promise<Template> {
  const app = await db.query<{ evaluation: unknown; savings: unknown } & Parameters<typeof filingNoticeOf>[0]>(
    `SELECT a.evaluation, a.savings, ${FILING_NOTICE_COLUMNS} FROM applications a WHERE a.id = $1`,
    [applicationId],
  );
  const subs = await db.query<Template['subs'][number]>(
    'SELECT item_id, department, position, status, channel, after_items, payload, time_limit_days FROM sub_applications WHERE application_id = $1 ORDER BY position',
    [applicationId],
  );
  return { evaluation: app.rows[0]!.evaluation, savings: app.rows[0]!.savings, notice: filingNoticeOf(app.rows[0]!), subs: subs.rows };
}
