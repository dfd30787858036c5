// A draft keeps the wizard step it was left at, on the server: resuming it from 我的办件 on any
// device opens that step. A step the bundle's wizard does not have is refused with 422.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string; messageEn?: string }[] } };
type Detail = { status: string; step: string | null; answers: Record<string, unknown> };

describe.each(databaseTargets())('the step a draft was left at, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('keeps the step with the answers, unchanged by a save that does not name one', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.get<Detail>(`/api/applications/${id}`)).body.step).toBeNull();

    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '张小明' }, step: 'parents' })).status).toBe(200);
    // Another device (a new session of the same person) sees the step.
    const phone = await ApiClient.login(ts.url, 'citizen-li');
    expect((await phone.get<Detail>(`/api/applications/${id}`)).body).toMatchObject({ step: 'parents', answers: { 'child.name': '张小明' } });

    expect((await phone.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '张小明', 'child.gender': '1' } })).status).toBe(200);
    expect((await citizen.get<Detail>(`/api/applications/${id}`)).body.step).toBe('parents');
    expect((await phone.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '张小明' }, step: 'review' })).status).toBe(200);
    expect((await citizen.get<Detail>(`/api/applications/${id}`)).body.step).toBe('review');
  });

  it('refuses a step the form does not have, naming it in both languages, and keeps the draft', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '张小明' }, step: 'household' })).status).toBe(200);
    // A body of the wrong shape is a 400, a step this bundle has not a 422, as for the answers.
    for (const [step, status] of [['payment', 422], ['x'.repeat(65), 400], [3, 400]] as const) {
      const bad = await citizen.put<ErrorBody>(`/api/applications/${id}/answers`, { answers: { 'child.name': '李四' }, step });
      expect(bad.status).toBe(status);
      expect(bad.body.error.details.map((d) => d.path)).toEqual(['step']);
      expect(bad.body.error.details[0]?.message).toMatch(/步骤/);
      expect(bad.body.error.details[0]?.messageEn).toMatch(/step/);
    }
    expect((await citizen.get<Detail>(`/api/applications/${id}`)).body).toMatchObject({ step: 'household', answers: { 'child.name': '张小明' } });
  });

  it('shows no step once the application is filed', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const { fileNewborn } = await import('../helpers/newborn.js');
    const filed = await fileNewborn(citizen, NEWBORN_ANSWERS);
    const detail = await citizen.get<Detail>(`/api/applications/${filed.id}`);
    expect(detail.body.status).not.toBe('draft');
    expect(detail.body.step).toBeNull();
  });
});
