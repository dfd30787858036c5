/**
 * The outbox worker keeps a window of deliveries in flight (server/dispatch/worker.ts): a
 * department that takes long to answer holds one place in it, not the whole batch; the rest go
 * on being claimed, sent and recorded while it waits.
 */
import http from 'node:http';
import { describe, it, expect } from 'vitest';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient, startServer, until } from '../helpers/api.js';
import { newbornDraft } from '../helpers/reliability.js';

type Detail = { id: string; items: { id: string; status: string }[] };

/** A department system that answers at once, except for one idempotency key, held until released. */
async function departments(slowKey: () => string | undefined) {
  const held: http.ServerResponse[] = [];
  const answered: string[] = [];
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      const key = String(req.headers['idempotency-key']);
      if (key === slowKey()) return void held.push(res);
      answered.push(key);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    held,
    answered,
    release: () => held.splice(0).forEach((res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}')),
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

describe.each(databaseTargets())('the worker\'s window of deliveries on $kind', ({ open }) => {
  it('goes on delivering the rest while one department has not answered yet', { timeout: 60_000 }, async () => {
    const db = await open();
    const ts = await startServer(db);
    let slow: string | undefined;
    const dept = await departments(() => slow);
    try {
      const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
      const queued: string[] = [];
      for (let i = 0; i < 6; i++) {
        const id = await newbornDraft(citizen);
        const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
        expect(res.status).toBe(201);
        queued.push(...res.body.items.filter((item) => item.status === 'queued').map((item) => `${item.id}:1`));
      }
      // The first filed, so claimed in the first batch.
      slow = queued[0];
      expect(queued.length).toBeGreaterThan(8);
      const worker = ts.parts.createWorker({
        targetFor: (code) => (ts.parts.targetFor(code) ? { channel: 'webhook', url: `${dept.url}/departments/${code}`, secret: ts.parts.webhookSecretFor(code) } : undefined),
        batchSize: 4,
        pollMs: 50,
      });
      worker.start();
      const delivered = async () =>
        (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE status = 'delivered' AND id::text || ':1' = ANY($1::text[])`, [queued])).rows[0]!.n;
      // Far sooner than the delivery timeout (10 s), which is when a whole batch waiting on it would move on.
      await until(async () => (await delivered()) === queued.length - 1, 8_000, 'every other delivery while one is held');
      expect(dept.held).toHaveLength(1);
      expect(new Set(dept.answered)).toEqual(new Set(queued.slice(1)));
      dept.release();
      await until(async () => (await delivered()) === queued.length, 8_000, 'the held delivery once answered');
      await worker.stop();
      // Each went out once: one attempt per row.
      const attempts = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM delivery_attempts WHERE idempotency_key = ANY($1::text[])`, [queued]);
      expect(attempts.rows[0]!.n).toBe(queued.length);
    } finally {
      await dept.close();
      await ts.close();
      await db.close();
    }
  });
  it('looks again a second after a failed claim, not at its next poll', { timeout: 60_000 }, async () => {
    const db = await open();
    const ts = await startServer(db);
    const dept = await departments(() => undefined);
    try {
      const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
      const id = await newbornDraft(citizen);
      const res = await citizen.post<Detail>(`/api/applications/${id}/submit`);
      expect(res.status).toBe(201);
      const queued = res.body.items.filter((item) => item.status === 'queued').length;
      expect(queued).toBeGreaterThan(0);
      // Its first two claims fail (a database blip): one may be followed by the wake-up of its own start, not both.
      let failures = 2;
      const flaky = new Proxy(db, {
        get(target, key) {
          if (key === 'query') {
            return (sql: string, params?: readonly unknown[]) => {
              if (sql.includes('WITH due AS') && failures > 0) {
                failures--;
                return Promise.reject(new Error('connection lost (test)'));
              }
              return target.query(sql, params);
            };
          }
          const value: unknown = Reflect.get(target, key);
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        },
      });
      const worker = ts.parts.createWorker({
        db: flaky,
        targetFor: (code) => (ts.parts.targetFor(code) ? { channel: 'webhook', url: `${dept.url}/departments/${code}`, secret: ts.parts.webhookSecretFor(code) } : undefined),
        // Ten minutes: only the retry after the failed claim can deliver within the test.
        pollMs: 600_000,
      });
      worker.start();
      try {
        await until(async () => dept.answered.length === queued, 15_000, 'the queued items delivered after two failed claims');
        expect(failures).toBe(0);
      } finally {
        await worker.stop();
      }
    } finally {
      await dept.close();
      await ts.close();
      await db.close();
    }
  });
});
