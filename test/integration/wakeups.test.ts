/**
 * Wake-ups across processes: a commit that queues a delivery NOTIFYs, and workers anywhere LISTEN
 * (server/dispatch/signal.ts). A second connection pool is, to PostgreSQL, another process.
 */
import { describe, it, expect } from 'vitest';
import { PostgresDatabase } from '../../server/db/postgres.js';
import { notifyRelease, RELEASE_CHANNEL } from '../../server/dispatch/signal.js';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo } from '../helpers/api.js';
import { newbornDraft } from '../helpers/reliability.js';

const postgres = databaseTargets().find((t) => t.kind === 'postgres');

describe.runIf(!!postgres)('wake-ups across processes on PostgreSQL (LISTEN/NOTIFY)', () => {
  it('hears a release only when its transaction commits', async () => {
    const db = await postgres!.open();
    const other = await PostgresDatabase.open({ connectionString: db.url! });
    try {
      let heard = 0;
      const stop = await other.listen(RELEASE_CHANNEL, () => heard++);
      await db
        .transaction(async (tx) => {
          await notifyRelease(tx);
          throw new Error('rolled back');
        })
        .catch(() => undefined);
      // The same database, another schema (another deployment, another test run): not heard.
      const elsewhere = await PostgresDatabase.open({ connectionString: process.env.TEST_DATABASE_URL! });
      try {
        await elsewhere.transaction(async (tx) => notifyRelease(tx));
      } finally {
        await elsewhere.close();
      }
      // A committed one after those: hearing it means they would have arrived by now.
      await db.transaction(async (tx) => notifyRelease(tx));
      await until(async () => heard > 0, 10_000, 'the committed notification');
      // The first one heard may be one of those, arriving first: a moment more lets a second show.
      await new Promise((r) => setTimeout(r, 500));
      expect(heard).toBe(1);
      await stop();
      await db.transaction(async (tx) => notifyRelease(tx));
      await db.transaction(async (tx) => notifyRelease(tx));
      // Stopped listening: a later marker on a fresh listener arrives, the two before it did not reach the old one.
      const marker = await other.listen(RELEASE_CHANNEL, () => heard++);
      await db.transaction(async (tx) => notifyRelease(tx));
      await until(async () => heard > 1, 10_000, 'the marker');
      expect(heard).toBe(2);
      await marker();
    } finally {
      await other.close();
      await db.close();
    }
  });

  it('wakes a worker in another process at once: filed through one pool, delivered by a worker that would otherwise poll only every ten minutes', { timeout: 120_000 }, async () => {
    const db = await postgres!.open();
    const workerDb = await PostgresDatabase.open({ connectionString: db.url! });
    const ts = await startServer(db);
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url, { db: workerDb, pollMs: 600_000 });
    try {
      const citizen = await ApiClient.login(ts.url, 'citizen-li');
      const id = await newbornDraft(citizen);
      worker.start();
      expect((await citizen.post(`/api/applications/${id}/submit`)).status).toBe(201);
      // Completion needs every later item released by a department's answer: each release is a
      // NOTIFY from the server's pool that the worker's own connection hears.
      await until(async () => (await citizen.get<{ status: string }>(`/api/applications/${id}`)).body.status === 'completed', 60_000, 'every item delivered and completed');
      const subs = await db.query<{ status: string; attempts: number }>('SELECT status, attempts FROM sub_applications WHERE application_id = $1', [id]);
      expect(subs.rows.every((r) => r.status === 'completed' && r.attempts === 1)).toBe(true);
    } finally {
      await worker.stop();
      await sim.close();
      await ts.close();
      await workerDb.close();
      await db.close();
    }
  });
});
