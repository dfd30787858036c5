import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';

type Department = {
  code: string;
  name: string;
  channel: string | null;
  attempts: number;
  succeeded: number;
  successRate: number | null;
  lastError: { error: string | null; subApplicationId: string } | null;
  queueDepth: number;
  oldestQueued: { id: string; itemId: string; since: string } | null;
  dead: number;
};
type Dead = { id: string; applicationId: string; department: string; attempts: number; lastError: string };

describe.each(databaseTargets())('operator console API on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    admin = await ApiClient.login(ts.url, 'admin');
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('reports per department the success rate, last error, queue depth and oldest queued item', async () => {
    const empty = await admin.get<Department[]>('/api/admin/departments');
    expect(empty.status).toBe(200);
    const police0 = empty.body.find((d) => d.code === 'police')!;
    expect(police0).toMatchObject({ name: '公安局', channel: 'webhook', attempts: 0, successRate: null, lastError: null, queueDepth: 0, oldestQueued: null, dead: 0 });

    // Every department unreachable (nothing listens on port 9): the first items die after two attempts.
    const broken = ts.parts.createWorker({ pollMs: 20, maxAttempts: 2, backoff: { baseMs: 10, maxGapMs: 10, jitter: 0 }, targetFor: () => ({ channel: 'webhook', url: 'http://127.0.0.1:9/x', secret: 's' }) });
    broken.start();
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    let filed: Awaited<ReturnType<typeof fileNewborn>>;
    let dead: Dead[];
    try {
      filed = await fileNewborn(citizen);
      dead = await until(async () => {
        const r = (await admin.get<Dead[]>('/api/admin/deliveries?state=dead')).body.filter((d) => d.applicationId === filed.id);
        return r.length >= 2 ? r : undefined;
      }, 15_000, 'the first items to die');
    } finally {
      await broken.stop();
    }
    const healthDead = dead.find((d) => d.department === 'health')!;
    const failing = (await admin.get<Department[]>('/api/admin/departments')).body.find((d) => d.code === 'health')!;
    expect(failing).toMatchObject({ attempts: 2, succeeded: 0, successRate: 0, dead: 1, queueDepth: 0 });
    expect(failing.lastError?.subApplicationId).toBe(healthDead.id);
    expect(failing.lastError?.error).toBeTruthy();

    // Retried by an operator but not yet sent: it is in the queue, and its wait is visible.
    expect((await admin.post(`/api/admin/deliveries/${healthDead.id}/retry`)).status).toBe(200);
    const queued = (await admin.get<Department[]>('/api/admin/departments')).body.find((d) => d.code === 'health')!;
    expect(queued).toMatchObject({ queueDepth: 1, dead: 0, oldestQueued: { id: healthDead.id, itemId: 'birth-certificate' } });
    expect(Date.now() - new Date(queued.oldestQueued!.since).getTime()).toBeLessThan(60_000);

    // With the department back, the retry goes through and the rate counts it.
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url);
    worker.start();
    try {
      const after = await until(async () => {
        const d = (await admin.get<Department[]>('/api/admin/departments')).body.find((x) => x.code === 'health')!;
        return d.succeeded >= 1 ? d : undefined;
      }, 15_000, 'the retried delivery to succeed');
      expect(after.attempts).toBe(3);
      expect(after.successRate).toBeCloseTo(1 / 3);
      expect(after.queueDepth).toBe(0);
    } finally {
      await worker.stop();
      await sim.close();
    }
  });

  it('answers admins only and checks its parameters', async () => {
    expect((await admin.get('/api/admin/departments?days=0')).status).toBe(400);
    expect((await admin.get('/api/admin/departments?days=30')).status).toBe(200);
    expect((await (await ApiClient.login(ts.url, 'staff-police')).get('/api/admin/departments')).status).toBe(403);
    expect((await new ApiClient(ts.url).get('/api/admin/departments')).status).toBe(401);
  });
});
