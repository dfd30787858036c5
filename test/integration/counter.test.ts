import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { PDFDocument } from 'pdf-lib';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS, fileNewborn } from '../helpers/newborn.js';
import { pagePng } from '../helpers/scan.js';
import { Browser, CLIENT_ID, CLIENT_SECRET, startTestProvider, type TestAccount } from '../helpers/oidc.js';
import { createMaterialStore } from '../../server/materials/store.js';
import { LI, WANG, ZHANG, COMPANY } from '../../server/simulator/exchange-records.js';
import { computeIdNumberCheck } from '../../shared/identifiers.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string; messageEn?: string }[] } };
type Detail = { id: string; status: string; number?: string; answers: Record<string, unknown>; counter?: { clerk: string; window: string; company: { creditCode: string; name: string; powerOfAttorney: string | null } | null } };
type Summary = { id: string; status: string };
type Scan = { code: string; sha256: string; mime: string; pages: number; fileName: string };

/** A valid number nobody holds in the identity library. */
const UNKNOWN_ID = `43010219950101123${computeIdNumberCheck('43010219950101123')}`;

async function scanForm(pages: { data: Buffer; name: string; type: string }[]): Promise<FormData> {
  const form = new FormData();
  for (const p of pages) form.append('pages', new Blob([p.data], { type: p.type }), p.name);
  return form;
}

/** A newborn draft the clerk files for 王芳 and completes: scanned materials, authorisation. */
async function counterNewborn(clerk: ApiClient, ts: TestServer): Promise<{ id: string; scans: Scan[] }> {
  // The mobile number given at the counter is the applicant's for notices (and the form's contact).
  const created = await clerk.post<{ id: string }>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: WANG.idNumber, name: WANG.name, mobile: '13700731003' } });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  // The clerk's form is prefilled for the applicant, as hers would be online.
  const form = await clerk.get<{ profile: { person: Record<string, unknown> } | null }>(`/api/counter/applications/${id}/form`);
  expect(form.status).toBe(200);
  expect(JSON.stringify(form.body.profile)).toContain(WANG.idNumber);
  expect((await clerk.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS })).status).toBe(200);
  const ev = await clerk.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
  expect(ev.status).toBe(200);
  const scans: Scan[] = [];
  for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
    const form = await scanForm([1, 2, 3].map((n) => ({ data: pagePng(120, 170, 200 + n * 10), name: `${m.code}-${n}.png`, type: 'image/png' })));
    const scanned = await clerk.post<Scan>(`/api/counter/applications/${id}/scans/${encodeURIComponent(m.code)}`, form);
    expect(scanned.status, JSON.stringify(scanned.body)).toBe(201);
    scans.push(scanned.body);
  }
  expect(scans.length).toBeGreaterThan(0);
  expect((await clerk.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
  void ts;
  return { id, scans };
}

describe.each(databaseTargets())('the counter (综合窗口) on $kind', ({ open }) => {
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

  it('files a newborn for a citizen who has never signed in, who then sees it as theirs at once', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const { id, scans } = await counterNewborn(clerk, ts);

    // Several page images became one PDF, stored as the material.
    const store = createMaterialStore(ts.config);
    for (const s of scans) {
      expect(s).toMatchObject({ mime: 'application/pdf', pages: 3 });
      const bytes = await store.get(s.sha256);
      expect(bytes?.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      expect((await PDFDocument.load(bytes!)).getPageCount()).toBe(3);
    }

    const submitted = await clerk.post<Detail>(`/api/applications/${id}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    expect(submitted.body.counter).toEqual({ clerk: '综合窗口受理员', window: '政务服务中心综合窗口', company: null });

    // 王芳 signs in for the first time: the application is hers, in her list and in detail.
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const mine = await wang.get<Summary[]>('/api/applications');
    expect(mine.body.map((a) => a.id)).toContain(id);
    const detail = await wang.get<Detail>(`/api/applications/${id}`);
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id, status: 'submitted', counter: { clerk: '综合窗口受理员', window: '政务服务中心综合窗口' } });
    // Signing in again is the same account.
    const again = await ApiClient.login(ts.url, 'citizen-wang');
    expect((await again.get<Summary[]>('/api/applications')).body.map((a) => a.id)).toContain(id);

    // The filing on her behalf is audit-logged under the clerk, and the history names the clerk.
    const logged = await db.query<{ actor_id: string; actor_role: string; details: { applicant: string; window: string } }>(`SELECT actor_id, actor_role, details FROM audit_log WHERE action = 'counter.file' AND subject = $1`, [id]);
    expect(logged.rows).toEqual([{ actor_id: 'clerk', actor_role: 'clerk', details: expect.objectContaining({ applicant: '4301**********6525', window: '政务服务中心综合窗口' }) }]);
    const filedBy = await db.query<{ actor: string }>(`SELECT DISTINCT h.actor FROM sub_application_events h JOIN sub_applications s ON s.id = h.sub_application_id WHERE s.application_id = $1`, [id]);
    expect(filedBy.rows.map((r) => r.actor)).toContain('clerk:clerk');
  });

  it('files for a person the platform has never seen; their first sign-in resolves to the account recorded for their number', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const created = await clerk.post<{ id: string }>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: LI.idNumber, name: LI.name } });
    expect(created.status).toBe(201);
    const people = await db.query<{ user_id: string; claimed_at: Date | null }>('SELECT user_id, claimed_at FROM counter_people WHERE id_number = $1', [LI.idNumber]);
    expect(people.rows[0]?.user_id).toMatch(/^person-/);
    expect(people.rows[0]?.claimed_at).toBeNull();
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const me = await li.get<{ user: { id: string; name: string } }>('/api/auth/me');
    expect(me.body.user).toMatchObject({ id: people.rows[0]!.user_id, name: '李娜' });
    expect((await li.get<Detail>(`/api/applications/${created.body.id}`)).status).toBe(200);
    // The clerk goes on with it: it is in their list.
    expect((await clerk.get<Summary[]>('/api/applications')).body.map((a) => a.id)).toContain(created.body.id);
  });

  it('keeps each clerk to what they filed, and away from citizens\u2019 own applications', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const { id } = await counterNewborn(clerk, ts);
    // Another clerk (an account an administrator made a clerk).
    await db.query(`INSERT INTO users (id, name, role) VALUES ('clerk-2', '第二受理员', 'clerk')`);
    await db.query(`INSERT INTO role_grants (user_id, role, granted_by) VALUES ('clerk-2', 'clerk', 'admin')`);
    const other = await loginAs(ts, 'clerk-2');
    for (const [method, url, body] of [
      ['GET', `/api/applications/${id}`, undefined],
      ['GET', `/api/applications/${id}/evaluation`, undefined],
      ['PUT', `/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS }],
      ['POST', `/api/applications/${id}/submit`, undefined],
    ] as const) {
      expect((await other.request(method, url, body)).status, `${method} ${url}`).toBe(404);
    }
    expect((await other.upload(`/api/applications/${id}/materials/idCard`, pdf('x'), 'x.pdf')).status).toBe(404);
    expect((await other.post(`/api/counter/applications/${id}/scans/idCard`, await scanForm([{ data: pagePng(10, 10, 200), name: 'p.png', type: 'image/png' }]))).status).toBe(404);
    expect((await other.get<Summary[]>('/api/applications')).body.map((a) => a.id)).not.toContain(id);

    // A citizen's own online application: not the clerk's...
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const own = await fileNewborn(wang);
    const ownId = own.id;
    expect((await clerk.get(`/api/applications/${ownId}`)).status).toBe(404);
    expect((await clerk.put(`/api/applications/${ownId}/answers`, { answers: {} })).status).toBe(404);
    expect((await clerk.get<Summary[]>('/api/applications')).body.map((a) => a.id)).not.toContain(ownId);

    // ...unless the applicant presents it at the counter: its 办件编号 with their ID number, both.
    const number = (await wang.get<Detail>(`/api/applications/${ownId}`)).body.number!;
    expect(number).toMatch(/^\d{20}$/);
    const presented = await other.get<Detail>(`/api/counter/applications?number=${number}&idNumber=${WANG.idNumber}`);
    expect(presented.status).toBe(200);
    expect(presented.body).toMatchObject({ id: ownId, number });
    expect((await other.get(`/api/counter/applications?number=${number}&idNumber=${LI.idNumber}`)).status).toBe(404);
    expect((await other.get(`/api/counter/applications?number=430000202601010000001&idNumber=${WANG.idNumber}`)).status).toBe(404);
    expect((await other.get(`/api/counter/applications?number=${number}`)).status).toBe(400);
    // Presenting lets the clerk read it, not act on it.
    expect((await other.get(`/api/applications/${ownId}`)).status).toBe(404);
    expect((await wang.get(`/api/counter/applications?number=${number}&idNumber=${WANG.idNumber}`)).status).toBe(403);
    const read = await db.query<{ actor_id: string }>(`SELECT actor_id FROM audit_log WHERE action = 'counter.presented' AND subject = $1`, [ownId]);
    expect(read.rows).toEqual([{ actor_id: 'clerk-2' }]);
  });

  it('refuses the applicant field from a citizen, and bad applicant input naming the field', async () => {
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const citizenTry = await zhang.post<ErrorBody>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: WANG.idNumber, name: WANG.name } });
    expect(citizenTry.status).toBe(403);
    expect(citizenTry.body.error.details.map((d) => d.path)).toEqual(['applicant']);

    const clerk = await ApiClient.login(ts.url, 'clerk');
    const cases: [unknown, string][] = [
      [undefined, 'applicant'],
      [{ idNumber: '43010519881120652X', name: WANG.name }, 'applicant.idNumber'],
      [{ idNumber: '4301', name: WANG.name }, 'applicant.idNumber'],
      [{ idNumber: UNKNOWN_ID, name: '赵六' }, 'applicant.idNumber'],
      [{ idNumber: WANG.idNumber, name: '王芬' }, 'applicant.name'],
      [{ idNumber: WANG.idNumber, name: '  ' }, 'applicant.name'],
      [{ idNumber: ZHANG.idNumber, name: ZHANG.name, company: { creditCode: '91430102MA4T8XQ21X' } }, 'applicant.company.creditCode'],
      [{ idNumber: WANG.idNumber, name: WANG.name, mobile: '1370073100' }, 'applicant.mobile'],
    ];
    for (const [applicant, path] of cases) {
      const res = await clerk.post<ErrorBody>('/api/applications', { bundleId: 'newborn', ...(applicant === undefined ? {} : { applicant }) });
      expect(res.status, JSON.stringify(applicant)).toBe(422);
      expect(res.body.error.details.map((d) => d.path), JSON.stringify(applicant)).toContain(path);
    }
    // Not even a string: refused by the body's shape (400), naming the field all the same.
    const typed = await clerk.post<ErrorBody>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: 7, name: WANG.name } });
    expect(typed.status).toBe(400);
    expect(typed.body.error.details.map((d) => d.path)).toContain('applicant.idNumber');
    // Nothing was recorded for the refused people.
    expect((await db.query('SELECT 1 FROM counter_people WHERE id_number = $1', [UNKNOWN_ID])).rowCount).toBe(0);
  });

  it('files for a company through its agent: the registrar names it, the 委托书 is required to submit', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const created = await clerk.post<{ id: string }>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: ZHANG.idNumber, name: ZHANG.name, company: { creditCode: COMPANY.creditCode } } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const id = created.body.id;
    expect((await clerk.get<Detail>(`/api/applications/${id}`)).body.counter).toEqual({ clerk: '综合窗口受理员', window: '政务服务中心综合窗口', company: { creditCode: COMPANY.creditCode, name: COMPANY.name, powerOfAttorney: null } });
    const early = await clerk.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(early.status).toBe(422);
    expect(early.body.error.details.map((d) => d.path)).toContain('counter.authorisation');
    const poa = await clerk.upload<{ fileName: string }>(`/api/counter/applications/${id}/power-of-attorney`, pdf('委托书'), '委托书.pdf');
    expect(poa.status).toBe(201);
    expect((await clerk.get<Detail>(`/api/applications/${id}`)).body.counter?.company).toMatchObject({ powerOfAttorney: '委托书.pdf' });
    const later = await clerk.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(later.body.error?.details.map((d) => d.path) ?? []).not.toContain('counter.authorisation');

    // Filed: every department receives the 委托书 the agent acts under, and can download it.
    // The mobile the counter took down is asked when no earlier filing recorded one for this person.
    const withMobile = { ...NEWBORN_ANSWERS, 'applicant.mobile': '13700731000' };
    const saved = await clerk.put(`/api/applications/${id}/answers`, { answers: withMobile });
    if (saved.status !== 200) expect((await clerk.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS })).status).toBe(200);
    const ev = await clerk.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await clerk.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await clerk.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    const filed = await clerk.post<{ items: { id: string; department: string; status: string }[] }>(`/api/applications/${id}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const { rows } = await db.query<{ department: string; poa: { title: string; fileName: string; reason: string } | null }>(
      `SELECT department, (SELECT m FROM jsonb_array_elements(payload->'materials') m WHERE m->>'code' = 'counterAgentAuthorisation') AS poa
         FROM sub_applications WHERE application_id = $1`,
      [id],
    );
    expect(rows.length).toBe(filed.body.items.length);
    for (const row of rows) {
      expect(row.poa, row.department).toMatchObject({ title: '企业经办人授权委托书', fileName: '委托书.pdf' });
      expect(row.poa!.reason).toContain(COMPANY.name);
    }
    // Sent (to the department's inbox), so the department may read it.
    await ts.parts.createWorker({ targetFor: () => ({ channel: 'inbox' }) }).runOnce();
    const item = filed.body.items.find((i) => i.status === 'queued')!;
    const token = ts.parts.departmentTokens.get(item.department)!;
    const sub = await new ApiClient(ts.url, token).get<{ materials: { code: string; url?: string }[] }>(`/api/sub-applications/${item.id}`);
    expect(sub.status).toBe(200);
    const link = sub.body.materials.find((m) => m.code === 'counterAgentAuthorisation')?.url;
    expect(link).toBeDefined();
    const download = await fetch(ts.url + link!, { headers: { authorization: `Bearer ${token}` } });
    expect(download.status).toBe(200);
    expect(download.headers.get('content-type')).toContain('application/pdf');
    expect(Buffer.from(await download.arrayBuffer()).toString()).toContain('委托书');
  });

  it('refuses scans that are not page images, and keeps one PDF as it is', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const created = await clerk.post<{ id: string }>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: WANG.idNumber, name: WANG.name } });
    const id = created.body.id;
    await clerk.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS });
    const mixed = await clerk.post<ErrorBody>(`/api/counter/applications/${id}/scans/idCard`, await scanForm([
      { data: pagePng(10, 10, 200), name: 'p1.png', type: 'image/png' },
      { data: Buffer.from('not an image'), name: 'p2.png', type: 'image/png' },
    ]));
    expect(mixed.status).toBe(415);
    expect(mixed.body.error.details.map((d) => d.path)).toEqual(['pages[1]']);
    const none = await clerk.post<ErrorBody>(`/api/counter/applications/${id}/scans/idCard`, new FormData());
    expect(none.status).toBe(400);
    const single = await PDFDocument.create();
    single.addPage();
    single.addPage();
    const one = await clerk.post<Scan>(`/api/counter/applications/${id}/scans/idCard`, await scanForm([{ data: Buffer.from(await single.save()), name: 'card.pdf', type: 'application/pdf' }]));
    expect(one.status, JSON.stringify(one.body)).toBe(201);
    expect(one.body.pages).toBe(2);
  });
});

/** A session for a user row created by the test (not a demo identity): straight in the database. */
async function loginAs(ts: TestServer, userId: string): Promise<ApiClient> {
  const { createSession, sealSessionId } = await import('../../server/auth/session.js');
  const s = await createSession(ts.db, userId);
  const c = new ApiClient(ts.url);
  (c as unknown as { cookie: string; csrf: string }).cookie = `yjs_sid=${sealSessionId(ts.config.sessionSecret, s.id)}`;
  (c as unknown as { cookie: string; csrf: string }).csrf = s.csrfToken;
  return c;
}

describe.each(databaseTargets())('a counter filing found by a first OIDC sign-in, on $kind', ({ open }) => {
  let db: TestDatabase;
  let op: Awaited<ReturnType<typeof startTestProvider>>;
  let ts: TestServer;

  beforeAll(async () => {
    db = await open();
    op = await startTestProvider();
    ts = await startServer(db, { OIDC_ISSUER: op.issuer, OIDC_CLIENT_ID: CLIENT_ID, OIDC_CLIENT_SECRET: CLIENT_SECRET });
    op.configure(`${ts.url}/api/auth/oidc/callback`, `${ts.url}/`);
  });
  afterAll(async () => {
    await ts?.close();
    await op?.close();
    await db?.close();
  });

  async function signIn(account: TestAccount): Promise<Browser> {
    op.signInAs(account);
    const browser = new Browser();
    const start = await browser.request(`${ts.url}/api/auth/oidc/login?returnTo=/applications`);
    const back = await browser.follow(start.location!, `${ts.url}/api/auth/oidc/callback`);
    expect(back.stopped, `${back.status} ${back.text}`).toBe(true);
    expect((await browser.request(back.url)).status).toBe(303);
    return browser;
  }

  it('gives the filing to the person whose verified number it was filed under, once', async () => {
    const clerk = await ApiClient.login(ts.url, 'clerk');
    const created = await clerk.post<{ id: string }>('/api/applications', { bundleId: 'newborn', applicant: { idNumber: LI.idNumber, name: LI.name } });
    expect(created.status).toBe(201);

    const li = await signIn({ sub: 'sub-li-counter', name: LI.name, id_number: LI.idNumber });
    const json = { headers: { accept: 'application/json' } };
    const list = JSON.parse((await li.request(`${ts.url}/api/applications`, json)).text) as Summary[];
    expect(list.map((a) => a.id)).toEqual([created.body.id]);
    expect((await li.request(`${ts.url}/api/applications/${created.body.id}`, json)).status).toBe(200);
    // The same subject again is the same account; another subject vouching for the number gets its own.
    const again = await signIn({ sub: 'sub-li-counter', name: LI.name, id_number: LI.idNumber });
    expect((JSON.parse((await again.request(`${ts.url}/api/applications`, json)).text) as Summary[]).map((a) => a.id)).toEqual([created.body.id]);
    const other = await signIn({ sub: 'sub-li-elsewhere', name: LI.name, id_number: LI.idNumber });
    expect(JSON.parse((await other.request(`${ts.url}/api/applications`, json)).text)).toEqual([]);
  });
});
