/**
 * A department system that restarts loses the work it had in hand; it must find its unfinished
 * cases through the department API (its list by status), as the simulator does on start.
 */
import { describe, it, expect } from 'vitest';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo } from '../helpers/api.js';
import { newbornDraft } from '../helpers/reliability.js';

describe.each(databaseTargets())('a restarted department system takes up its unfinished cases, on $kind', ({ open }) => {
  it('finds the cases delivered before the restart through the department API and completes each once; operators saw them flagged meanwhile', { timeout: 240_000 }, async () => {
    const db = await open();
    const ts = await startServer(db);
    // The first system acknowledges every delivery and would act only after ten minutes: then it "crashes".
    const first = await startSimulator(ts, { processDelayMs: 600_000 });
    let worker = workerTo(ts, first.url);
    let second: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      worker.start();
      const citizen = await ApiClient.login(ts.url, 'citizen-li');
      const id = await newbornDraft(citizen);
      expect((await citizen.post(`/api/applications/${id}/submit`)).status).toBe(201);
      const delivered = await until(
        async () => {
          const r = await db.query<{ id: string; status: string }>("SELECT id, status FROM sub_applications WHERE application_id = $1 AND status NOT IN ('waiting')", [id]);
          return r.rows.length > 0 && r.rows.every((x) => x.status === 'delivered') ? r.rows : undefined;
        },
        30_000,
        'the first items delivered and acknowledged',
      );
      await worker.stop();
      await first.close();

      // Operators see the cases acknowledged and left (ACK_STALE_MINUTES, 60 by default): made an hour old here.
      await db.query(`UPDATE sub_applications SET delivered_at = delivered_at - interval '61 minutes' WHERE application_id = $1 AND status = 'delivered'`, [id]);
      const admin = await ApiClient.login(ts.url, 'admin');
      type Health = { code: string; stale: { minutes: number; count: number; oldest: { id: string } | null } };
      const flagged = (await admin.get<Health[]>('/api/admin/departments')).body.filter((d) => d.stale.count > 0);
      expect(flagged.reduce((n, d) => n + d.stale.count, 0)).toBe(delivered.length);
      for (const d of flagged) {
        expect(d.stale.minutes).toBe(60);
        expect(delivered.map((x) => x.id)).toContain(d.stale.oldest?.id);
      }

      second = await startSimulator(ts, { processDelayMs: 20 });
      worker = workerTo(ts, second.url);
      worker.start();
      const codes = ts.parts.departments.map((d) => d.code);
      expect(await second.sim.reconcile(codes)).toBe(delivered.length);
      // Asked again while the cases are in hand, it takes up nothing twice.
      expect(await second.sim.reconcile(codes)).toBe(0);
      await until(async () => (await citizen.get<{ status: string }>(`/api/applications/${id}`)).body.status === 'completed', 120_000, 'every item completed');
      const completions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sub_application_events e JOIN sub_applications s ON s.id = e.sub_application_id WHERE s.application_id = $1 AND e.status = 'completed' GROUP BY s.id`,
        [id],
      );
      expect(completions.rows.every((r) => r.n === 1)).toBe(true);
      expect((await admin.get<Health[]>('/api/admin/departments')).body.every((d) => d.stale.count === 0)).toBe(true);
    } finally {
      await worker.stop();
      await second?.close();
      await ts.close();
      await db.close();
    }
  });

  it('takes up at its next sweep a case whose callbacks gave up, and completes it once', { timeout: 240_000 }, async () => {
    const db = await open();
    const ts = await startServer(db);
    // Its credentials are refused at first (401, not worth retrying): every callback gives up.
    let refused = true;
    const sim = await startSimulator(ts, {
      reconcileEveryMs: 300,
      tokenFor: (code) => (refused ? 'not-a-token' : ts.parts.departmentTokens.get(code)),
    });
    const worker = workerTo(ts, sim.url);
    try {
      worker.start();
      sim.sim.keepReconciling(ts.parts.departments.map((d) => d.code));
      const citizen = await ApiClient.login(ts.url, 'citizen-li');
      const id = await newbornDraft(citizen);
      expect((await citizen.post(`/api/applications/${id}/submit`)).status).toBe(201);
      await until(
        async () => {
          const r = await db.query<{ status: string }>("SELECT status FROM sub_applications WHERE application_id = $1 AND status <> 'waiting'", [id]);
          return r.rows.length > 0 && r.rows.every((x) => x.status === 'delivered');
        },
        30_000,
        'the first items delivered',
      );
      await sim.sim.settled();
      expect(sim.sim.stats.callbacks.accept).toBe(0);
      expect(sim.sim.stats.callbacks.errors).toBeGreaterThan(0);

      refused = false;
      await until(async () => (await citizen.get<{ status: string }>(`/api/applications/${id}`)).body.status === 'completed', 120_000, 'every item completed');
      const completions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sub_application_events e JOIN sub_applications s ON s.id = e.sub_application_id WHERE s.application_id = $1 AND e.status = 'completed' GROUP BY s.id`,
        [id],
      );
      expect(completions.rows.length).toBe(5);
      expect(completions.rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await worker.stop();
      await sim.close();
      await ts.close();
      await db.close();
    }
  });
});
