// 退休一件事 (retirement) and 个人身后一件事 (after-death) filed through the API with their default
// examples (answers as the scenario files give them, uploads for what the evaluation says must be
// uploaded): every item is split to its department and reaches 办结 with the simulated systems.
// The engine-level checks of these bundles are in test/engine/catalogue-peopleb.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { bundle } from '../engine/support.js';

// The items the default examples include (as test/engine/catalogue-peopleb.test.ts works out).
const EXPECTED: Record<string, string[]> = {
  retirement: ['pension-claim', 'pension-entitlement', 'retiree-medical-insurance', 'retirement-eligibility', 'retirement-housing-fund-withdrawal'],
  'after-death': [
    'cremation',
    'death-household-cancellation',
    'death-medical-certificate',
    'driver-licence-cancellation',
    'heir-housing-fund-withdrawal',
    'medical-insurance-death-settlement',
    'social-security-card-cancellation',
    'survivor-benefits',
  ],
};

describe.each(databaseTargets())('filed end to end through the API with the default example, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url);
    worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it.each(Object.keys(EXPECTED))('%s: every item reaches 办结', async (id) => {
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: id });
    expect(created.status).toBe(201);
    const appId = created.body.id;
    const saved = await citizen.put(`/api/applications/${appId}/answers`, { answers: bundle(id).examples.default?.answers });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const ev = await citizen.get<{ items: { id: string; included: boolean }[]; materials: { code: string; disposition: string }[] }>(`/api/applications/${appId}/evaluation`);
    const included = ev.body.items.filter((i) => i.included).map((i) => i.id).sort();
    expect(included).toEqual(EXPECTED[id]);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${appId}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} ${appId}`), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${appId}/authorisation`)).status).toBe(200);
    const filed = await citizen.post<{ items: { itemId: string; department: string }[] }>(`/api/applications/${appId}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.items.map((i) => i.itemId).sort()).toEqual(included);
    const rows = await until(
      async () => {
        const r = await db.query<{ item_id: string; status: string }>('SELECT item_id, status FROM sub_applications WHERE application_id = $1', [appId]);
        return r.rows.length > 0 && r.rows.every((x) => x.status === 'completed') ? r.rows : undefined;
      },
      60_000,
      `every item of ${id} to be completed`,
    );
    expect(rows.map((r) => r.item_id).sort()).toEqual(included);
  }, 90_000);
});
