// Regional versions and the newborn's conditional fields over HTTP: the bundle API lists the
// regions and serves each one's form, an application records its region and is judged by that
// implementation, statistics are cut by region, and the field rules and cross-field checks run on
// save and submit (422 naming the field, in both languages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string; messageEn?: string }[] } };
type Filed = { id: string; region: string | null; items: { itemId: string; department: string }[] };

describe.each(databaseTargets())('regions and field rules, on $kind', ({ open }) => {
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

  it('lists the regions of a bundle and serves each implementation’s form', async () => {
    const anon = new ApiClient(ts.url);
    const newborn = await anon.get<{ regions: { code: string; name: string; standard: boolean }[] }>('/api/bundles/newborn');
    expect(newborn.body.regions.map((r) => [r.code, r.name, r.standard])).toEqual([
      ['430000', '湖南省', true],
      ['430100', '长沙市', false],
      ['430200', '株洲市', false],
    ]);
    expect((await anon.get<{ regions: unknown[] }>('/api/bundles/unemployment')).body.regions).toEqual([]);

    type Form = { region: { code: string } | null; elements: { element: string }[]; model: { items: { id: string; timeLimitDays: number }[] } };
    const standard = await anon.get<Form>('/api/bundles/newborn/form');
    const changsha = await anon.get<Form>('/api/bundles/newborn/form?region=430100');
    expect(changsha.status).toBe(200);
    expect(changsha.body.region?.code).toBe('430100');
    expect(standard.body.region?.code).toBe('430000');
    expect(changsha.body.elements.map((e) => e.element)).toContain('choice.childcareSubsidy');
    expect(standard.body.elements.map((e) => e.element)).not.toContain('choice.childcareSubsidy');
    expect(changsha.body.model.items.find((i) => i.id === 'birth-registration')?.timeLimitDays).toBe(5);
    const unknown = await anon.get<ErrorBody>('/api/bundles/newborn/form?region=110000');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.details[0]?.path).toBe('region');
  });

  it('records the region of an application and files it under that implementation', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const wrong = await citizen.post<ErrorBody>('/api/applications', { bundleId: 'newborn', region: '110000' });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.map((d) => d.path)).toEqual(['region']);
    const standard = await citizen.post<{ region: string | null }>('/api/applications', { bundleId: 'newborn', region: '430000' });
    expect(standard.body.region).toBeNull();

    const created = await citizen.post<{ id: string; region: string }>('/api/applications', { bundleId: 'newborn', region: '430100' });
    expect(created.status).toBe(201);
    expect(created.body.region).toBe('430100');
    const id = created.body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: { ...NEWBORN_ANSWERS, 'choice.childcareSubsidy': true, 'bank.name': '长沙银行', 'bank.accountNumber': '6214830100012345' } })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    // Changsha's "A或B" row: the household register is fetched, so nothing is handed in for it.
    expect(ev.body.materials.find((m) => m.code === 'householdRegister|residencePermit')?.disposition).toBe('sharing');
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    const filed = await citizen.post<Filed>(`/api/applications/${id}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.region).toBe('430100');
    expect(filed.body.items.map((i) => i.itemId)).toContain('childcare-subsidy');
    const limits = await db.query<{ item_id: string; time_limit_days: number }>('SELECT item_id, time_limit_days FROM sub_applications WHERE application_id = $1', [id]);
    expect(limits.rows.find((r) => r.item_id === 'birth-registration')?.time_limit_days).toBe(5);

    const admin = await ApiClient.login(ts.url, 'admin');
    type Regions = { code: string; filed: number; standard: boolean }[];
    const cut = await admin.get<Regions>('/api/stats/bundles/newborn/regions');
    expect(cut.body.map((r) => [r.code, r.standard, r.filed])).toEqual([
      ['430000', true, 0],
      ['430100', false, 1],
      ['430200', false, 0],
    ]);
    const one = await admin.get<Regions>('/api/stats/bundles/newborn/regions?region=430100');
    expect(one.body.map((r) => [r.code, r.filed])).toEqual([['430100', 1]]);
    expect((await admin.get('/api/stats/bundles/newborn/regions?region=999999')).status).toBe(422);
    expect((await admin.get<Regions>('/api/stats/bundles/unemployment/regions')).body).toEqual([]);
  });

  it('refuses a birth date in the future on save, and a missing postal address for mail on submit', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
    const id = created.body.id;
    const future = await citizen.put<ErrorBody>(`/api/applications/${id}/answers`, { answers: { ...NEWBORN_ANSWERS, 'child.birthDate': '2099-01-01' } });
    expect(future.status).toBe(422);
    expect(future.body.error.details).toEqual([{ path: 'child.birthDate', message: '出生日期不能晚于今天', messageEn: 'The date of birth cannot be in the future' }]);

    const mail = { ...NEWBORN_ANSWERS, 'choice.socialSecurityCard': true, 'card.bank': 'ICBC', 'card.withPhoto': false, 'delivery.method': 'mail' };
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: mail })).status).toBe(200);
    const missing = await citizen.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d) => d.path)).toContain('delivery.address');

    // Collected at the counter, the address is not asked, so it is not missing.
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: { ...mail, 'delivery.method': 'pickup' } })).status).toBe(200);
    const pickup = await citizen.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(pickup.body.error.details.map((d) => d.path)).not.toContain('delivery.address');
  });
});
