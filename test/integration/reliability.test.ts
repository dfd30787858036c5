/**
 * Reliability of the one-submission fan-out (issue 4, item 10): whatever a department's system or
 * our own processes do, every sub-application reaches its department, is processed there once per
 * idempotency key, and nothing an applicant was told is filed goes missing.
 *
 * The simulator refusing a bad signature or an old timestamp is covered in simulator.test.ts
 * ("refuses a bad signature…", "refuses an old (replayed) or future timestamp…").
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, until, workerTo, type TestServer } from '../helpers/api.js';
import { freePort, spawnTs, type Spawned } from '../helpers/process.js';
import { departmentToken, webhookSecret } from '../../server/auth/secrets.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import {
  allCompleted,
  departmentCodes,
  expectDeliveredOnce,
  healthy,
  killHard,
  listenOn,
  NEWBORN,
  newbornDraft,
  playDepartments,
  scenariosPointingAt,
  simulatorFor,
  simulatorForProcesses,
  stopProcess,
  subApplications,
  whenReady,
  type Detail,
  type RunningSimulator,
} from '../helpers/reliability.js';

const CITIZENS = ['citizen-zhang', 'citizen-li', 'citizen-wang'];

type Attempt = { sub_application_id: string; department: string; ok: boolean; status_code: number | null; error: string | null; duration_ms: number };

async function attempts(db: TestDatabase, applicationIds: readonly string[]): Promise<Attempt[]> {
  const { rows } = await db.query<Attempt>(
    `SELECT a.sub_application_id, s.department, a.ok, a.status_code, a.error, a.duration_ms
       FROM delivery_attempts a JOIN sub_applications s ON s.id = a.sub_application_id
      WHERE s.application_id = ANY($1::uuid[]) ORDER BY a.id`,
    [applicationIds],
  );
  return rows;
}

/**
 * How the webhook channel words an attempt the department did not answer in time: the idle
 * timeout, or the overall deadline when a loaded machine runs the timers late.
 */
const LATE = /\(timeout\)|\(deadline\)/;

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const t of items) out[key(t)] = (out[key(t)] ?? 0) + 1;
  return out;
}

describe.each(databaseTargets())('a department that fails for a while still gets everything once, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let run: RunningSimulator;
  let worker: DispatchWorker;
  const clients = new Map<string, ApiClient>();

  /** The product with its worker delivering to the simulator; env as for startServer. */
  async function setUp(env: Record<string, string> = {}): Promise<void> {
    db = await open();
    ts = await startServer(db, env);
    run = await simulatorFor(ts);
    worker = workerTo(ts, run.listener.url);
    worker.start();
    for (const c of CITIZENS) clients.set(c, await ApiClient.login(ts.url, c));
  }
  afterEach(async () => {
    await worker?.stop();
    await run?.close();
    await ts?.close();
    await db?.close();
  });

  /** One filled-in newborn draft per citizen, made before any fault is switched on. */
  async function drafts(): Promise<Map<string, ApiClient>> {
    const owners = new Map<string, ApiClient>();
    for (const c of clients.values()) owners.set(await newbornDraft(c), c);
    return owners;
  }

  async function submit(owners: Map<string, ApiClient>): Promise<Set<string>> {
    const filed = await Promise.all([...owners].map(([id, c]) => c.post<Detail>(`/api/applications/${id}/submit`)));
    for (const r of filed) expect(r.status, JSON.stringify(r.body)).toBe(201);
    // The sub-applications due at once (those with no predecessor), the ones the fault hits first.
    const subs = await subApplications(db, [...owners.keys()]);
    return new Set(subs.filter((s) => s.status === 'queued').map((s) => s.id));
  }

  /** Waits until each of the given rows has at least n failed attempts on record. */
  async function failedAtLeast(rows: Set<string>, n: number, ids: readonly string[]): Promise<void> {
    await until(
      async () => {
        const failed = countBy((await attempts(db, ids)).filter((a) => !a.ok), (a) => a.sub_application_id);
        return [...rows].every((id) => (failed[id] ?? 0) >= n);
      },
      20_000,
      `${n} failed attempts of each first sub-application`,
    );
  }

  it('answers 500 for its first requests: retried until accepted, each failure on record', { timeout: 60_000 }, async () => {
    await setUp();
    const owners = await drafts();
    const failures = { health: 3, cdc: 2, police: 3, medicalInsurance: 1, hrss: 2 };
    run.sim.control({ failures });
    await submit(owners);
    await allCompleted(owners, 40_000);

    const ids = [...owners.keys()];
    const subs = await subApplications(db, ids);
    expect(subs.map((s) => s.status)).toEqual(subs.map(() => 'completed'));
    await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
    const failed = (await attempts(db, ids)).filter((a) => !a.ok);
    expect(failed.filter((a) => a.status_code !== 500 || !/simulated failure/.test(a.error ?? ''))).toEqual([]);
    expect(countBy(failed, (a) => a.department)).toEqual(failures);
    expect({ ...run.sim.stats.failed }).toEqual(failures);
  });

  it('hangs: each attempt times out, is recorded, and is retried until the department answers again', { timeout: 60_000 }, async () => {
    // A short webhook timeout keeps the attempts quick to fail.
    await setUp({ WEBHOOK_TIMEOUT_MS: '300' });
    const owners = await drafts();
    run.sim.control({ hang: true });
    const first = await submit(owners);
    const ids = [...owners.keys()];
    await failedAtLeast(first, 2, ids);
    const whileHanging = (await attempts(db, ids)).filter((a) => !a.ok);
    const held = run.sim.stats.dropped;
    run.sim.control({ hang: false });
    await allCompleted(owners, 40_000);

    expect(whileHanging.filter((a) => a.status_code !== null || !LATE.test(a.error ?? '') || a.duration_ms < 250)).toEqual([]);
    // Each of them reached the department and was held there, none failed on the way.
    expect(held).toBeGreaterThanOrEqual(whileHanging.length);
    const subs = await subApplications(db, ids);
    await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
    // Attempts still held when the hang ends are cut off by the department instead.
    const failed = (await attempts(db, ids)).filter((a) => !a.ok);
    expect(failed.filter((a) => a.status_code !== null || !(LATE.test(a.error ?? '') || /connection reset/.test(a.error ?? '')))).toEqual([]);
  });

  it('answers only after the webhook timeout: processes once, and its callback confirms the delivery', { timeout: 60_000 }, async () => {
    await setUp({ WEBHOOK_TIMEOUT_MS: '300' });
    const owners = await drafts();
    // The department processes each request 700 ms after it arrives, long after the worker stopped
    // waiting at 300 ms, so every answer is lost and the worker keeps sending the same key.
    run.sim.control({ latencyMs: 700 });
    await submit(owners);
    await allCompleted(owners, 40_000);

    const ids = [...owners.keys()];
    const subs = await subApplications(db, ids);
    await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
    expect(run.sim.stats.duplicates).toBeGreaterThan(0);
    const failed = (await attempts(db, ids)).filter((a) => !a.ok);
    expect(failed.length).toBeGreaterThanOrEqual(subs.length);
    expect(failed.filter((a) => !LATE.test(a.error ?? ''))).toEqual([]);
  });

  it('refuses connections: retried until it listens again on its address', { timeout: 60_000 }, async () => {
    await setUp();
    const owners = await drafts();
    await run.listener.stop();
    const first = await submit(owners);
    const ids = [...owners.keys()];
    await failedAtLeast(first, 2, ids);
    await run.listener.start();
    await allCompleted(owners, 40_000);

    const subs = await subApplications(db, ids);
    await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
    const failed = (await attempts(db, ids)).filter((a) => !a.ok);
    expect(failed.length).toBeGreaterThanOrEqual(2 * first.size);
    expect(failed.filter((a) => a.status_code !== null || !/ECONNREFUSED|connection reset/.test(a.error ?? ''))).toEqual([]);
    // Nothing reached the department while it was down.
    expect(Object.values(run.sim.stats.received).reduce((a, b) => a + b, 0)).toBe(subs.length);
  });
});

const postgres = databaseTargets().find((t) => t.kind === 'postgres');

/**
 * Every process the tests below start, until it exits. A test that times out is abandoned, not
 * stopped, and its `finally` may never run: whatever it left running is killed after it.
 */
const running = new Set<Spawned>();

function spawn(entry: string, env: Record<string, string>): Spawned {
  const p = spawnTs(entry, env);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}

afterEach(async () => {
  await Promise.all([...running].map((p) => killHard(p)));
});

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

const workerRunning = (p: Spawned) => () => Promise.resolve(p.output().includes('dispatch worker running'));

/** Processes making up one deployment: started (and restarted) together, killed together. */
interface Deployment {
  base: string;
  start(): Promise<void>;
  kill(): Promise<void>;
  stop(): Promise<void>;
  /** What its processes logged at warn level and above, across restarts, for a failure's message. */
  problems(): string;
}

function problems(processes: readonly Spawned[]): string {
  const lines = processes.flatMap((p) => p.output().split('\n')).filter((l) => l && (!l.startsWith('{') || /"level":(40|50|60)/.test(l)));
  return lines.join('\n').slice(-6000);
}

const BURST = 30;
/** Submissions in flight at once: the kill finds some in flight and the rest not yet sent. */
const CONCURRENCY = 10;
const KILL_AFTER = 5;

type Outcome = { id: string; status?: number; body?: Detail };

/**
 * Files every draft, CONCURRENCY at a time, each with its own Idempotency-Key, and kills the
 * deployment as the KILL_AFTER-th 2xx answer arrives: some submissions are answered, some are cut
 * off in flight, the rest find nobody listening. Then restarts it on the same database and checks
 * what each applicant was told against what is stored; every one not answered is filed again with
 * the same key, as a browser retrying would.
 */
async function killDuringBurst(d: Deployment): Promise<Map<string, ApiClient>> {
  try {
    return await burstKillRestart(d);
  } catch (err) {
    if (err instanceof Error) err.message += `\n--- logged by the processes (warn and above) ---\n${d.problems()}`;
    throw err;
  }
}

async function burstKillRestart(d: Deployment): Promise<Map<string, ApiClient>> {
  await d.start();
  const citizens = await Promise.all(['citizen-zhang', 'citizen-li', 'citizen-wang'].map((u) => ApiClient.login(d.base, u)));
  const owners = new Map<string, ApiClient>();
  for (let i = 0; i < BURST; i += citizens.length) {
    const made = await Promise.all(citizens.slice(0, BURST - i).map(async (c) => [await newbornDraft(c), c] as const));
    for (const [id, c] of made) owners.set(id, c);
  }

  // A fixed number of lanes rather than one volley: however late this process gets round to
  // reading the answers, the kill lands before the last submissions are even sent.
  const queue = [...owners];
  const outcomes: Outcome[] = [];
  let answered = 0;
  let killed: Promise<void> | undefined;
  const lane = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [id, c] = next;
      try {
        const r = await c.post<Detail>(`/api/applications/${id}/submit`, undefined, { 'Idempotency-Key': `burst-${id}` });
        if (r.status < 300 && ++answered === KILL_AFTER) killed = d.kill();
        outcomes.push({ id, status: r.status, body: r.body });
      } catch {
        outcomes.push({ id });
      }
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  await killed;
  expect(outcomes.filter((o) => o.status !== undefined && o.status >= 300), 'answers other than 2xx').toEqual([]);
  const ok = outcomes.filter((o) => o.status !== undefined);
  expect(ok.length).toBeGreaterThanOrEqual(KILL_AFTER);
  expect(ok.length, 'the kill landed before every submission was answered').toBeLessThan(BURST);

  await d.start();
  // Answered means filed, whole: the very sub-applications the answer listed.
  await Promise.all(
    ok.map(async (o) => {
      const after = await owners.get(o.id)!.get<Detail>(`/api/applications/${o.id}`);
      expect(after.body.status).not.toBe('draft');
      expect(after.body.items).toHaveLength(5);
      expect(after.body.items.map((i) => i.id).sort()).toEqual(o.body!.items.map((i) => i.id).sort());
    }),
  );
  // Cut off means filed whole or not at all; filing again with the same key never files twice.
  await Promise.all(
    outcomes
      .filter((x) => x.status === undefined)
      .map(async (o) => {
        const c = owners.get(o.id)!;
        const before = await c.get<Detail>(`/api/applications/${o.id}`);
        expect([0, 5]).toContain(before.body.items.length);
        expect(before.body.status === 'draft').toBe(before.body.items.length === 0);
        const again = await c.post<Detail>(`/api/applications/${o.id}/submit`, undefined, { 'Idempotency-Key': `burst-${o.id}` });
        expect(again.status, JSON.stringify(again.body)).toBe(before.body.items.length ? 200 : 201);
        expect(again.body.items).toHaveLength(5);
        if (before.body.items.length) expect(again.body.items.map((i) => i.id).sort()).toEqual(before.body.items.map((i) => i.id).sort());
      }),
  );
  await allCompleted(owners, 60_000);
  for (const [id, c] of owners) {
    const done = await c.get<Detail & { items: { history: { status: string }[] }[] }>(`/api/applications/${id}`);
    for (const item of done.body.items) expect(item.history.filter((h) => h.status === 'delivered'), `${id}/${item.id}`).toHaveLength(1);
  }
  const admin = await ApiClient.login(d.base, 'admin');
  expect((await admin.get<unknown[]>('/api/admin/deliveries?state=dead')).body).toEqual([]);
  return owners;
}

describe('kill -9 of the server during a burst of submissions, then a restart', () => {
  /*
   * Two processes, killed together like a machine going down: the web server (DEMO on, for the
   * demo citizens' sign-in, WORKER off) and a dispatch worker (`npm run worker`). DEMO's own
   * worker would deliver to DEMO's in-process simulator, whose counts die with the process; the
   * worker process delivers (per a scenarios/ copy) to the simulator here, which outlives the kill
   * and counts what each idempotency key made the department do.
   */
  it.runIf(!!postgres)('on PostgreSQL: every answered submission is filed whole and delivered, none processed twice', { timeout: 240_000 }, async () => {
    const db = await postgres!.open();
    const secret = randomBytes(32).toString('hex');
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    // Callbacks retried for longer than a restart takes, as a department's system would.
    const run = await simulatorForProcesses(secret, base, { processDelayMs: 100, callbackAttempts: 10, callbackBackoffMs: 200 });
    // A short webhook timeout shortens the claim lease (twice the deadline, at least 5 s), so rows
    // the killed worker had claimed are due again soon after the restart.
    const common = { DATABASE_URL: db.url!, SCENARIOS_DIR: run.scenariosDir, SESSION_SECRET: secret, WEBHOOK_TIMEOUT_MS: '500', DELIVERY_BACKOFF_MS: '100' };
    const webData = tempDir('yjs-kill-web-');
    const workerData = tempDir('yjs-kill-worker-');
    const spawned: Spawned[] = [];
    let web: Spawned | undefined;
    let worker: Spawned | undefined;
    const deployment: Deployment = {
      base,
      async start() {
        web = spawn('server/main.ts', { ...common, PORT: String(port), DATA_DIR: webData, DEMO: 'on', WORKER: 'off', LOG_LEVEL: 'warn' });
        worker = spawn('server/worker-main.ts', { ...common, DATA_DIR: workerData, PUBLIC_URL: base, LOG_LEVEL: 'info' });
        spawned.push(web, worker);
        await Promise.all([whenReady(web, () => healthy(base), 'the web server'), whenReady(worker, workerRunning(worker), 'the worker')]);
      },
      async kill() {
        await Promise.all([killHard(web!), killHard(worker!)]);
      },
      async stop() {
        await Promise.all([web && stopProcess(web), worker && stopProcess(worker)]);
      },
      problems: () => problems(spawned),
    };
    try {
      const owners = await killDuringBurst(deployment);
      const subs = await subApplications(db, [...owners.keys()]);
      expect(subs).toHaveLength(5 * BURST);
      await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
    } finally {
      await deployment.stop();
      await run.close();
      await db.close();
    }
  });

  /*
   * PGlite is one process's database, so the web server runs its own worker. Its departments are
   * all left to staff (DEMO_HUMAN_DEPARTMENTS): delivery is to the web inbox, and this test plays
   * each department's system through the department API, which (unlike DEMO's in-process
   * simulator) carries on across the kill.
   */
  it('on PGlite: the data directory survives, every answered submission is filed whole and delivered once', { timeout: 240_000 }, async () => {
    const codes = departmentCodes();
    const d = await pgliteDeployment({ DEMO_HUMAN_DEPARTMENTS: codes.join(',') });
    const stopPlaying = playDepartments(d.base, new Map(codes.map((c) => [c, { token: departmentToken(d.secret, c), secret: webhookSecret(d.secret, c, undefined) }])));
    try {
      await killDuringBurst(d);
    } finally {
      await stopPlaying();
      await d.stop();
    }
  });

  /*
   * The operator's crash, as it was reported: `npm start` as it ships (PGlite, DEMO, every
   * department played by the simulator inside the same process). The kill takes the simulated
   * departments' work in hand with it: sub-applications they had acknowledged (delivered) or
   * accepted and not yet finished. After the restart they must find those cases again through the
   * department API, as a real department system does, or the applications stay open for good.
   */
  it("on PGlite with DEMO's in-process departments: cases they had in hand at the kill are taken up after the restart", { timeout: 240_000 }, async () => {
    const d = await pgliteDeployment({});
    try {
      await killDuringBurst(d);
    } finally {
      await d.stop();
    }
  });
});

/** `npm start` on its own data directory (PGlite), restartable on the same directory. */
async function pgliteDeployment(env: Record<string, string>): Promise<Deployment & { secret: string }> {
  const secret = randomBytes(32).toString('hex');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const dataDir = tempDir('yjs-kill-pglite-');
  // The data directory starts from the template the global setup prepared: a first start would
  // otherwise spend seconds creating a database cluster.
  const seed = await PgliteDatabase.open({ dataDir: path.join(dataDir, 'pglite'), loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
  await seed.close();
  const spawned: Spawned[] = [];
  let web: Spawned | undefined;
  return {
    base,
    secret,
    async start() {
      web = spawn('server/main.ts', {
        PORT: String(port),
        DATA_DIR: dataDir,
        DATABASE_URL: '',
        SESSION_SECRET: secret,
        DEMO: 'on',
        // Only to shorten the worker's claim lease, as on PostgreSQL.
        WEBHOOK_TIMEOUT_MS: '500',
        LOG_LEVEL: 'warn',
        ...env,
      });
      spawned.push(web);
      await whenReady(web, () => healthy(base), 'the server');
    },
    kill: () => killHard(web!),
    async stop() {
      if (web) await stopProcess(web);
    },
    problems: () => problems(spawned),
  };
}

describe.runIf(!!postgres)('two dispatch worker processes against one PostgreSQL', () => {
  it('deliver several hundred queued sub-applications exactly once between them, both doing part of it', { timeout: 120_000 }, async () => {
    const db = await postgres!.open();
    const ts = await startServer(db);
    // Delivery only: nothing is accepted, so nothing is released and the row count stays fixed.
    const run = await simulatorFor(ts, { autoProcess: false, latencyMs: [20, 60] });
    // The same department systems at a second address, one per worker: the request count at each
    // says how much each process delivered, without the product having to report it.
    const second = await listenOn(run.sim.app);
    const workers: Spawned[] = [];
    try {
      const answers = { ...NEWBORN, 'choice.parentingGuidance': true };
      const citizens = await Promise.all(['citizen-zhang', 'citizen-li', 'citizen-wang'].map((u) => ApiClient.login(ts.url, u)));
      const ids: string[] = [];
      for (let round = 0; round < 34; round++) {
        const filed = await Promise.all(
          citizens.map(async (c) => {
            const id = await newbornDraft(c, answers);
            const r = await c.post(`/api/applications/${id}/submit`);
            expect(r.status, JSON.stringify(r.body)).toBe(201);
            return id;
          }),
        );
        ids.push(...filed);
      }
      const queued = (await subApplications(db, ids)).filter((s) => s.status === 'queued');
      expect(queued.length).toBeGreaterThanOrEqual(300);

      // A worker process takes seconds to start and drains this backlog in well under one, so the
      // backlog is held back until both are up; otherwise the first one up would do it all.
      await db.query(`UPDATE sub_applications SET next_attempt_at = now() + interval '1 hour' WHERE status = 'queued'`);
      for (const listener of [run.listener, second]) {
        workers.push(
          spawn('server/worker-main.ts', {
            DATABASE_URL: db.url!,
            SCENARIOS_DIR: scenariosPointingAt(listener.url),
            SESSION_SECRET: ts.config.sessionSecret,
            DATA_DIR: tempDir('yjs-worker-'),
            PUBLIC_URL: ts.url,
            LOG_LEVEL: 'info',
          }),
        );
      }
      await Promise.all(workers.map((w, i) => whenReady(w, workerRunning(w), `worker ${i + 1}`)));
      await db.query(`UPDATE sub_applications SET next_attempt_at = now() WHERE status = 'queued'`);

      await until(
        async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE status = 'queued'`)).rows[0]!.n === 0,
        30_000,
        'the backlog to be delivered',
      );
      const subs = queued.map((s) => ({ ...s, status: 'delivered' }));
      expect((await subApplications(db, ids)).filter((s) => s.status === 'delivered').map((s) => s.id).sort()).toEqual(subs.map((s) => s.id).sort());
      await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
      // Not even a repeat the department had to recognise: no row was ever sent twice.
      expect(run.sim.stats.duplicates).toBe(0);
      const { rows } = await db.query<{ n: number; ok: number }>(`SELECT count(*)::int AS n, count(*) FILTER (WHERE ok)::int AS ok FROM delivery_attempts`);
      expect(rows[0]).toEqual({ n: subs.length, ok: subs.length });
      expect(run.listener.requests + second.requests).toBe(subs.length);
      expect(run.listener.requests, 'deliveries by worker 1').toBeGreaterThan(0);
      expect(second.requests, 'deliveries by worker 2').toBeGreaterThan(0);

      for (const w of workers) {
        w.child.kill('SIGTERM');
        expect(await w.exited).toBe(0);
      }
    } finally {
      for (const w of workers) await stopProcess(w);
      await second.stop();
      await run.close();
      await ts.close();
      await db.close();
    }
  });
});
