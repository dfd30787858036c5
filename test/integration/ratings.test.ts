import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type ErrorBody = { error: { code: string; message: string; details: { path: string; message: string }[] } };
type Rating = { score: number; comment: string | null; createdAt: string };
type Detail = { id: string; status: string; rating: Rating | null };

describe.each(databaseTargets())('好差评 (ratings) on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let citizen: ApiClient;

  async function draft(): Promise<string> {
    const v = await ts.parts.registry.current('newborn');
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: v.bundle.examples.default!.answers })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(m.code), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    return id;
  }

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url);
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-li');
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('takes one 1–5 rating per finished application, refuses bad ones, and shows it in the detail', async () => {
    const unfinished = await draft();
    const early = await citizen.post<ErrorBody>(`/api/applications/${unfinished}/rating`, { score: 5 });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toMatch(/办结后/);

    const id = await draft();
    expect((await citizen.post(`/api/applications/${id}/submit`)).status).toBe(201);
    expect((await citizen.post(`/api/applications/${id}/rating`, { score: 4 })).status).toBe(409);
    await until(async () => (await citizen.get<Detail>(`/api/applications/${id}`)).body.status === 'completed', 20_000, 'completion');
    expect((await citizen.get<Detail>(`/api/applications/${id}`)).body.rating).toBeNull();

    for (const bad of [{ score: 0 }, { score: 6 }, { score: 3.5 }, { score: '5' }, {}, { score: 5, comment: 'x'.repeat(501) }, { score: 5, comment: 3 }, { score: 5, stars: 5 }]) {
      const res = await citizen.post<ErrorBody>(`/api/applications/${id}/rating`, bad);
      expect(res.status, JSON.stringify(bad)).toBe(422);
      expect(res.body.error.details.length).toBeGreaterThan(0);
    }

    const other = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await other.post(`/api/applications/${id}/rating`, { score: 1 })).status).toBe(404);
    expect((await new ApiClient(ts.url).post(`/api/applications/${id}/rating`, { score: 1 })).status).toBe(401);
    const staff = await ApiClient.login(ts.url, 'staff-health');
    expect((await staff.post(`/api/applications/${id}/rating`, { score: 1 })).status).toBe(403);
    expect((await citizen.post(`/api/applications/not-a-uuid/rating`, { score: 1 })).status).toBe(404);

    const first = await citizen.post<Rating>(`/api/applications/${id}/rating`, { score: 5, comment: '  一次都没跑，很方便  ' });
    expect(first.status).toBe(201);
    expect(first.body).toMatchObject({ score: 5, comment: '一次都没跑，很方便' });
    const second = await citizen.post<ErrorBody>(`/api/applications/${id}/rating`, { score: 1 });
    expect(second.status).toBe(409);
    expect(second.body.error.message).toMatch(/只能评价一次/);

    const detail = await citizen.get<Detail>(`/api/applications/${id}`);
    expect(detail.body.rating).toMatchObject({ score: 5, comment: '一次都没跑，很方便' });
    const rows = await db.query<{ n: number; bundle_id: string }>('SELECT count(*)::int AS n, min(bundle_id) AS bundle_id FROM ratings WHERE application_id = $1', [id]);
    expect(rows.rows[0]).toEqual({ n: 1, bundle_id: 'newborn' });
  });

  it('files one rating when the same rating is posted twice at once', async () => {
    const id = await draft();
    await citizen.post(`/api/applications/${id}/submit`);
    await until(async () => (await citizen.get<Detail>(`/api/applications/${id}`)).body.status === 'completed', 20_000, 'completion');
    const answers = await Promise.all([1, 2, 3].map(() => citizen.post(`/api/applications/${id}/rating`, { score: 3 })));
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409, 409]);
  });

  it('rates each department\'s item once it has answered (一事一评), once, by its applicant only', async () => {
    const id = await draft();
    expect((await citizen.post(`/api/applications/${id}/submit`)).status).toBe(201);
    type Items = { items: { id: string; itemId: string; department: string; status: string; rating: Rating | null }[] };
    const first = (await citizen.get<Items>(`/api/applications/${id}`)).body.items[0]!;
    // Before its department answers: refused, naming why.
    const early = await citizen.post<ErrorBody>(`/api/applications/${id}/items/${first.id}/rating`, { score: 5 });
    if (first.status !== 'completed' && first.status !== 'rejected') {
      expect(early.status).toBe(409);
      expect(early.body.error.details[0]!.path).toBe('status');
    }
    await until(async () => (await citizen.get<Detail>(`/api/applications/${id}`)).body.status === 'completed', 20_000, 'completion');
    const items = (await citizen.get<Items>(`/api/applications/${id}`)).body.items;
    expect(items.every((i) => i.rating === null)).toBe(true);
    const [a, b] = items;

    expect((await citizen.post<ErrorBody>(`/api/applications/${id}/items/${a!.id}/rating`, { score: 9 })).status).toBe(422);
    const other = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await other.post(`/api/applications/${id}/items/${a!.id}/rating`, { score: 1 })).status).toBe(404);
    // Another application's item under this application's id is not found either.
    const elsewhere = await draft();
    expect((await citizen.post(`/api/applications/${elsewhere}/items/${a!.id}/rating`, { score: 1 })).status).toBe(404);
    expect((await citizen.post(`/api/applications/${id}/items/not-a-uuid/rating`, { score: 1 })).status).toBe(404);

    const given = await citizen.post<Rating>(`/api/applications/${id}/items/${a!.id}/rating`, { score: 4, comment: '窗口答复及时' });
    expect(given.status).toBe(201);
    expect(given.body).toMatchObject({ score: 4, comment: '窗口答复及时' });
    expect((await citizen.post<ErrorBody>(`/api/applications/${id}/items/${a!.id}/rating`, { score: 1 })).status).toBe(409);
    expect((await citizen.post(`/api/applications/${id}/items/${b!.id}/rating`, { score: 2 })).status).toBe(201);

    // Each item carries its own rating; the application's own 好差评 is still to be given.
    const after = (await citizen.get<Items & Detail>(`/api/applications/${id}`)).body;
    expect(after.items.find((i) => i.id === a!.id)!.rating).toMatchObject({ score: 4, comment: '窗口答复及时' });
    expect(after.items.find((i) => i.id === b!.id)!.rating).toMatchObject({ score: 2 });
    expect(after.rating).toBeNull();
    const rows = await db.query<{ department: string; score: number }>('SELECT department, score FROM item_ratings WHERE application_id = $1 ORDER BY score DESC', [id]);
    expect(rows.rows).toEqual([{ department: a!.department, score: 4 }, { department: b!.department, score: 2 }]);
  });
});
