/**
 * A department system that restarts loses the work it had in hand; it must find its unfinished
 * cases through the department API (its list by status), as the simulator does on start.
 */
import { describe, it, expect } from 'vitest';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo } from '../helpers/api.js';
import { newbornDraft } from '../helpers/reliability.js';

describe.each(databaseTargets())('a restarted department system takes up its unfinished cases, on $kind', ({ open }) => {
  it('finds the cases delivered before the restart through the department API and completes each once', { timeout: 120_000 }, async () => {
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

      second = await startSimulator(ts, { processDelayMs: 20 });
      worker = workerTo(ts, second.url);
      worker.start();
      const codes = ts.parts.departments.map((d) => d.code);
      expect(await second.sim.reconcile(codes)).toBe(delivered.length);
      // Asked again while the cases are in hand, it takes up nothing twice.
      expect(await second.sim.reconcile(codes)).toBe(0);
      await until(async () => (await citizen.get<{ status: string }>(`/api/applications/${id}`)).body.status === 'completed', 60_000, 'every item completed');
      const completions = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sub_application_events e JOIN sub_applications s ON s.id = e.sub_application_id WHERE s.application_id = $1 AND e.status = 'completed' GROUP BY s.id`,
        [id],
      );
      expect(completions.rows.every((r) => r.n === 1)).toBe(true);
    } finally {
      await worker.stop();
      await second?.close();
      await ts.close();
      await db.close();
    }
  });
});
