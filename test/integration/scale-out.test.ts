/**
 * Many machines: two web processes (WORKER=off) and two worker processes on one PostgreSQL, with
 * materials in an S3-compatible store. Applications filed through both web processes at once are
 * each delivered once and completed.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient } from '../helpers/api.js';
import { freePort, spawnTs, type Spawned } from '../helpers/process.js';
import { expectDeliveredOnce, healthy, killHard, listenOn, newbornDraft, scenariosPointingAt, simulatorForProcesses, stopProcess, subApplications, whenReady } from '../helpers/reliability.js';
import { S3Process } from '../helpers/s3.js';

const postgres = databaseTargets().find((t) => t.kind === 'postgres');
const APPLICATIONS = 200;
/** Submissions in flight at once, spread over both web processes. */
const CONCURRENCY = 12;

const running = new Set<Spawned>();
function spawn(entry: string, env: Record<string, string>): Spawned {
  const p = spawnTs(entry, env);
  running.add(p);
  void p.exited.then(() => running.delete(p));
  return p;
}
afterEach(async () => {
  await Promise.all([...running].map((p) => killHard(p)));
}, 120_000);

function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

describe.runIf(!!postgres)('two web processes and two workers on one PostgreSQL with the S3 store', () => {
  it(`files ${APPLICATIONS} applications through both web processes at once: each delivered once, every item completed, every material in the bucket`, { timeout: 900_000 }, async () => {
    const db = await postgres!.open();
    const s3 = new S3Process(tempDir('yjs-s3-scale-'));
    await s3.start();
    const secret = randomBytes(32).toString('hex');
    const ports = [await freePort(), await freePort()];
    const bases = ports.map((p) => `http://127.0.0.1:${p}`);
    // The department systems call back through the first web process; either would do.
    const run = await simulatorForProcesses(secret, bases[0]!, { processDelayMs: 20, callbackAttempts: 10, callbackBackoffMs: 200 });
    // The same department systems at a second address, one per worker: each address's request
    // count says how much that worker delivered.
    const second = await listenOn(run.sim.app);
    const common = { DATABASE_URL: db.url!, SESSION_SECRET: secret, ...s3.env(), MAX_DRAFTS_PER_CITIZEN: '1000', LOG_LEVEL: 'warn' };
    const dataDirs = [tempDir('yjs-web1-'), tempDir('yjs-web2-')];
    const spawned: Spawned[] = [];
    try {
      const webs = ports.map((port, i) => spawn('server/main.ts', { ...common, SCENARIOS_DIR: run.scenariosDir, PORT: String(port), DATA_DIR: dataDirs[i]!, DEMO: 'on', WORKER: 'off' }));
      const workers = [run.listener.url, second.url].map((url) =>
        spawn('server/worker-main.ts', { ...common, SCENARIOS_DIR: scenariosPointingAt(url), DATA_DIR: tempDir('yjs-worker-'), PUBLIC_URL: bases[0]!, LOG_LEVEL: 'info' }),
      );
      spawned.push(...webs, ...workers);
      await Promise.all([
        // Four processes migrating and publishing at once take a while on a busy two-core machine.
        ...webs.map((w, i) => whenReady(w, () => healthy(bases[i]!), `web ${i + 1}`, 300_000)),
        ...workers.map((w, i) => whenReady(w, () => Promise.resolve(w.output().includes('dispatch worker running')), `worker ${i + 1}`, 300_000)),
      ]);

      // A session is the database's: signed in once, a citizen is known to both web processes.
      const citizens = await Promise.all(['citizen-zhang', 'citizen-li', 'citizen-wang'].map((u) => ApiClient.login(bases[0]!, u)));
      const ids: string[] = [];
      let next = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, lane) => {
          for (let n = next++; n < APPLICATIONS; n = next++) {
            const client = citizens[n % citizens.length]!.at(bases[lane % 2]!);
            const id = await newbornDraft(client);
            const r = await client.post(`/api/applications/${id}/submit`, undefined, { 'Idempotency-Key': `scale-${id}` });
            expect(r.status, JSON.stringify(r.body)).toBe(201);
            ids.push(id);
          }
        }),
      );
      expect(ids).toHaveLength(APPLICATIONS);

      const waitUntil = Date.now() + 300_000;
      for (;;) {
        const { rows } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE id = ANY($1::uuid[]) AND status <> 'completed'`, [ids]);
        if (rows[0]!.n === 0) break;
        if (Date.now() > waitUntil) throw new Error(`${rows[0]!.n} applications not completed after 5 minutes`);
        await new Promise((r) => setTimeout(r, 500));
      }
      const subs = await subApplications(db, ids);
      expect(subs.every((s) => s.status === 'completed')).toBe(true);
      await expectDeliveredOnce(db, run.sim.stats.byKey, subs);
      expect(run.sim.stats.duplicates).toBe(0);
      expect(run.listener.requests, 'deliveries by worker 1').toBeGreaterThan(0);
      expect(second.requests, 'deliveries by worker 2').toBeGreaterThan(0);
      expect(run.listener.requests + second.requests).toBe(subs.length);

      // Every uploaded material is in the bucket, none on a web process's disk.
      const stored = new Set(await s3.keys());
      const { rows: materials } = await db.query<{ sha256: string }>('SELECT DISTINCT sha256 FROM application_materials WHERE application_id = ANY($1::uuid[])', [ids]);
      expect(materials.length).toBeGreaterThanOrEqual(APPLICATIONS);
      for (const m of materials) expect(stored.has(`materials/${m.sha256.slice(0, 2)}/${m.sha256.slice(2, 4)}/${m.sha256}`)).toBe(true);
      for (const dir of dataDirs) expect(existsSync(path.join(dir, 'materials'))).toBe(false);
    } finally {
      await Promise.all(spawned.map((p) => stopProcess(p)));
      await second.stop();
      await run.close();
      await s3.stop();
      rmSync(s3.directory, { recursive: true, force: true });
      await db.close();
    }
  });
});
