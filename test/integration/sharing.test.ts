import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';
import { createSimulator, type Simulator } from '../../server/simulator/app.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type ErrorBody = { error: { details: { path: string; message: string }[] } };
type Evidence = { source: string; licenceNumber: string; issuer: string; issuedOn: string; validUntil: string | null; sha256: string; fetchedAt: string };
type Material = { code: string; title: string; disposition: string; fetch?: string; evidence?: Evidence };
type Detail = {
  id: string;
  status: string;
  sharingAuthorisedAt: string | null;
  materials: Material[];
  savings: { materials: { handedIn: number; waived: { sharing: number } } };
  items: { id: string; itemId: string; department: string; status: string; supplement: null | { materials: { code: string }[] } }[];
};
type Form = { sharing: { licences: { code: string; state: string; source: string | null; licenceNumber?: string }[]; data: { element: string; department: string; filled: boolean }[] } | null; prefill: Record<string, Record<string, unknown>> };
type SubMaterial = { code: string; disposition: string; url?: string; evidence?: Evidence; licence?: { fields: Record<string, unknown> } };

const SECRET = 'test-exchange-secret-0123456789';

/** The product's scenarios with a quick breaker and backoff: the exchange's outage in a test lasts seconds. */
function quickScenarios(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-scenarios-'));
  cpSync(path.join(import.meta.dirname, '../../scenarios'), dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'connectors.yaml'),
    `connectors:
  licence-library:
    type: http-licence
    options: { urlEnv: LICENCE_LIBRARY_URL, secretEnv: LICENCE_LIBRARY_SECRET, timeoutMs: 1000, retries: 1, backoffMs: 20, breaker: { failures: 3, cooldownMs: 300 } }
    licences: [idCard, householdRegister, marriageCertificate, birthMedicalCertificate, socialSecurityCard, businessLicence, terminationProof]
  data-exchange:
    type: http-data
    options: { urlEnv: DATA_EXCHANGE_URL, secretEnv: DATA_EXCHANGE_SECRET, timeoutMs: 1000, retries: 0 }
    departments: [market, hrss]
`,
  );
  return dir;
}

async function prepare(citizen: ApiClient, answers: Record<string, unknown> = NEWBORN_ANSWERS): Promise<string> {
  const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
  expect((await citizen.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
  const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
  for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
    expect((await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
  }
  return id;
}

describe.each(databaseTargets())('data sharing that really happens on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  // The province's exchange: a simulator of its own, over HTTP, signed with the configured secret.
  let exchange: Simulator;
  let exchangeServer: Server;
  let worker: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    exchange = createSimulator({ apiBase: 'http://127.0.0.1:9', secretFor: () => undefined, tokenFor: () => undefined, exchange: { secretFor: (id) => (id === 'licence-library' || id === 'data-exchange' ? SECRET : undefined) } });
    exchangeServer = exchange.app.listen(0, '127.0.0.1');
    await new Promise((r) => exchangeServer.once('listening', r));
    const exchangeUrl = `http://127.0.0.1:${(exchangeServer.address() as AddressInfo).port}/exchange`;
    ts = await startServer(db, {
      SCENARIOS_DIR: quickScenarios(),
      LICENCE_LIBRARY_URL: exchangeUrl,
      LICENCE_LIBRARY_SECRET: SECRET,
      DATA_EXCHANGE_URL: exchangeUrl,
      DATA_EXCHANGE_SECRET: SECRET,
    });
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, ['police']);
    worker.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await exchange?.close();
    exchangeServer?.close();
    await ts?.close();
    await db?.close();
  });

  it('shows before anything is filled which licences are fetched and which must be uploaded, missing or expired', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const liForm = await li.get<Form>('/api/bundles/newborn/form');
    expect(liForm.status).toBe(200);
    const liStates = Object.fromEntries(liForm.body.sharing!.licences.map((l) => [l.code, l.state]));
    expect(liStates).toMatchObject({ householdRegister: 'fetch', marriageCertificate: 'fetch' });
    expect(liForm.body.sharing!.licences.find((l) => l.code === 'householdRegister')).toMatchObject({ source: 'licence-library', licenceNumber: '430102004512' });

    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const wangStates = Object.fromEntries((await wang.get<Form>('/api/bundles/newborn/form')).body.sharing!.licences.map((l) => [l.code, l.state]));
    expect(wangStates).toMatchObject({ marriageCertificate: 'missing', householdRegister: 'fetch' });
    // Missing and expired licences are handed in: the evaluation asks for the file.
    const id = (await wang.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    await wang.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS });
    const ev = await wang.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    expect(ev.body.materials.find((m) => m.code === 'marriageCertificate')?.disposition).toBe('upload');
    expect(ev.body.materials.find((m) => m.code === 'householdRegister')?.disposition).toBe('sharing');

    // The exchange's records fill the `sharing:` elements, read-only, with their source.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const dereg = await zhang.get<Form>('/api/bundles/simple-deregistration/form');
    expect(dereg.body.sharing!.data.find((d) => d.element === 'company.creditCode')).toEqual({ element: 'company.creditCode', department: 'market', source: 'data-exchange', filled: true });
    expect(JSON.stringify(dereg.body.prefill)).toContain('91430102MA4T8XQ21Q');
    // Every call is audit-logged: who, which licence type, whose, for which purpose.
    const calls = await db.query<{ subject: string; holder: string; actor: string; purpose: string; outcome: string }>(
      `SELECT subject, holder, actor, purpose, outcome FROM connector_calls WHERE actor = 'citizen:citizen-wang' AND subject = 'marriageCertificate' AND purpose = 'form'`,
    );
    expect(calls.rows[0]).toMatchObject({ holder: '430105198811206525', outcome: 'not_found' });
  });

  it('fetches every sharing material at submit, keeps its evidence, and hands the licence to the department', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const id = await prepare(citizen);
    // 授权 first: without it, submit is refused naming it.
    const refused = await citizen.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(refused.status).toBe(422);
    expect(refused.body.error.details.map((d) => d.path)).toContain('authorisation');
    const auth = await citizen.post<{ authorisedAt: string }>(`/api/applications/${id}/authorisation`);
    expect(auth.status).toBe(200);
    const filed = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.sharingAuthorisedAt).toBe(auth.body.authorisedAt);

    const shared = filed.body.materials.filter((m) => m.disposition === 'sharing');
    expect(shared.length).toBeGreaterThan(0);
    for (const m of shared) {
      expect(m.fetch, m.code).toBe('fetched');
      expect(m.evidence).toMatchObject({ source: 'licence-library', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    }
    const household = shared.find((m) => m.code === 'householdRegister')!;
    expect(household.evidence).toMatchObject({ licenceNumber: '430102004512', issuer: '长沙市公安局芙蓉分局定王台派出所', issuedOn: '2018-06-12', validUntil: null });
    // Waived by sharing counts exactly the fetched ones.
    expect(filed.body.savings.materials.waived.sharing).toBe(shared.length);

    // The police receive the licence with their sub-application, and its file.
    const policeSub = filed.body.items.find((i) => i.department === 'police')!;
    const police = ApiClient.department(ts, 'police');
    const sub = await until(async () => {
      const r = await police.get<{ materials: SubMaterial[] }>(`/api/sub-applications/${policeSub.id}`);
      return r.status === 200 ? r.body : undefined;
    }, 10_000, 'delivery to the police inbox');
    const received = sub.materials.find((m) => m.code === 'householdRegister')!;
    expect(received).toMatchObject({ disposition: 'sharing', evidence: household.evidence, licence: { fields: { 户主: '张伟' } } });
    const file = await fetch(`${ts.url}${received.url}`, { headers: { authorization: `Bearer ${ts.parts.departmentTokens.get('police')}` } });
    expect(file.status).toBe(200);
    const bytes = Buffer.from(await file.arrayBuffer());
    expect(bytes.subarray(0, 5).toString()).toBe('%PDF-');
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(household.evidence!.sha256);
    // The webhook departments got it in the body too, with the download link.
    const fetches = await db.query<{ code: string; state: string }>('SELECT code, state FROM material_fetches WHERE application_id = $1', [id]);
    expect(fetches.rows.every((r) => r.state === 'fetched')).toBe(true);
  });

  it('refuses a value the exchange prefilled when it was changed', async () => {
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const id = (await zhang.post<{ id: string }>('/api/applications', { bundleId: 'simple-deregistration' })).body.id;
    expect((await zhang.put(`/api/applications/${id}/answers`, { answers: { 'company.creditCode': '91350200776049653A' } })).status).toBe(200);
    await zhang.post(`/api/applications/${id}/authorisation`);
    const refused = await zhang.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(refused.status).toBe(422);
    const detail = refused.body.error.details.find((d) => d.path === 'company.creditCode');
    expect(detail?.message).toMatch(/数据共享/);
  });

  it('neither loses nor blocks an application while the exchange is down: fetched once per material when it is back, delivered once', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
    const id = await prepare(citizen);
    await citizen.post(`/api/applications/${id}/authorisation`);
    exchange.exchange.resetStats();
    exchange.exchange.control({ down: true });
    let filed: Detail;
    try {
      const r = await citizen.post<Detail>(`/api/applications/${id}/submit`);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      filed = r.body;
      const pending = filed.materials.filter((m) => m.disposition === 'sharing');
      expect(pending.length).toBeGreaterThan(0);
      expect(pending.every((m) => m.fetch === 'pending' && !m.evidence)).toBe(true);
      // Nothing is counted as waived before it is fetched.
      expect(filed.savings.materials.waived.sharing).toBe(0);
      // The items that need a licence wait for it: none of them is delivered meanwhile.
      await new Promise((r) => setTimeout(r, 500));
      const held = await db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM sub_applications s WHERE application_id = $1 AND delivered_at IS NOT NULL
            AND EXISTS (SELECT 1 FROM jsonb_array_elements(s.payload->'materials') m WHERE m->>'disposition' = 'sharing' AND NOT m ? 'evidence')`,
        [id],
      );
      expect(held.rows[0]!.n).toBe(0);
    } finally {
      exchange.exchange.control({ down: false });
    }
    const done = await until(async () => {
      const d = (await citizen.get<Detail>(`/api/applications/${id}`)).body;
      return d.materials.filter((m) => m.disposition === 'sharing').every((m) => m.fetch === 'fetched') ? d : undefined;
    }, 30_000, 'the pending licences to be fetched');
    expect(done.savings.materials.waived.sharing).toBe(done.materials.filter((m) => m.disposition === 'sharing').length);
    for (const m of done.materials.filter((x) => x.disposition === 'sharing')) {
      expect(exchange.exchange.stats.files[`${m.code}:430102199003077716`], m.code).toBe(1);
    }
    // Every item not waiting for an earlier one goes out, once, each sharing material with its evidence.
    await until(
      async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1 AND delivered_at IS NULL AND status <> 'waiting'`, [id])).rows[0]!.n === 0,
      20_000,
      'every delivery',
    );
    const attempts = await db.query<{ sub: string; ok: number }>(
      `SELECT s.id AS sub, count(a.id) FILTER (WHERE a.ok)::int AS ok FROM sub_applications s LEFT JOIN delivery_attempts a ON a.sub_application_id = s.id
        WHERE s.application_id = $1 AND s.delivered_at IS NOT NULL GROUP BY s.id`,
      [id],
    );
    expect(attempts.rows.length).toBeGreaterThan(0);
    for (const r of attempts.rows) expect(r.ok, r.sub).toBeLessThanOrEqual(1);
    expect(Object.values(sim.sim.stats.byKey).every((n) => n === 1)).toBe(true);
    const payloads = await db.query<{ materials: SubMaterial[] }>(`SELECT payload->'materials' AS materials FROM sub_applications WHERE application_id = $1`, [id]);
    for (const p of payloads.rows) for (const m of p.materials.filter((x) => x.disposition === 'sharing')) expect(m.evidence, m.code).toBeDefined();
  }, 90_000);

  it('asks the applicant once for a licence the library turns out not to hold, and then counts it handed in', async () => {
    // 王芳's marriage certificate is not in the library; with the exchange down at form load and submit it is only found out later.
    const citizen = await ApiClient.login(ts.url, 'citizen-wang');
    exchange.exchange.control({ down: true });
    let id: string;
    try {
      id = await prepare(citizen);
      await citizen.post(`/api/applications/${id}/authorisation`);
      const r = await citizen.post<Detail>(`/api/applications/${id}/submit`);
      expect(r.status, JSON.stringify(r.body)).toBe(201);
      expect(r.body.materials.find((m) => m.code === 'marriageCertificate')).toMatchObject({ disposition: 'sharing', fetch: 'pending' });
    } finally {
      exchange.exchange.control({ down: false });
    }
    // 王芳's ID card has expired and her marriage certificate is not in the library: each is asked
    // of her once (a 补正 of the items that need it), handed in once, and every item goes on.
    const uploaded = new Set<string>();
    let answers = 0;
    let detail: Detail | undefined;
    for (;;) {
      detail = await until(
        async () => {
          const d = (await citizen.get<Detail>(`/api/applications/${id}`)).body;
          const open = d.items.find((i) => i.supplement);
          const settled = d.materials.filter((m) => m.disposition === 'sharing' || m.fetch === 'supplied').every((m) => m.fetch === 'fetched' || m.fetch === 'supplied');
          return open || settled ? d : undefined;
        },
        45_000,
        'a 补正 or every licence settled',
      );
      const open = detail.items.find((i) => i.supplement);
      if (!open) break;
      for (const { code } of open.supplement!.materials) {
        // Asked once: a material handed in is never asked for again.
        expect(uploaded.has(code), code).toBe(false);
        expect(detail.materials.find((m) => m.code === code)?.fetch).toBe('missing');
        expect((await citizen.upload(`/api/applications/${id}/materials/${code}`, pdf(`${code} 王芳`), `${code}.pdf`)).status).toBe(201);
        uploaded.add(code);
      }
      const handedInBefore = detail.savings.materials.handedIn;
      const answered = await citizen.post<Detail>(`/api/applications/${id}/supplements/${open.id}`, { answers: {} });
      expect(answered.status, JSON.stringify(answered.body)).toBe(200);
      answers++;
      // The other items asked for the same licences go on without being answered again.
      expect(answered.body.items.filter((i) => i.supplement?.materials.every((m) => uploaded.has(m.code)))).toEqual([]);
      expect(answered.body.savings.materials.handedIn).toBe(handedInBefore + open.supplement!.materials.length);
    }
    expect([...uploaded].sort()).toEqual(['idCard', 'marriageCertificate']);
    expect(answers).toBeLessThanOrEqual(2);
    for (const code of uploaded) {
      const m = detail.materials.find((x) => x.code === code);
      expect(m, code).toMatchObject({ disposition: 'upload', fetch: 'supplied' });
      expect(m?.evidence).toBeUndefined();
    }
    // Waived by sharing counts only the fetched ones.
    expect(detail.savings.materials.waived.sharing).toBe(detail.materials.filter((m) => m.fetch === 'fetched').length);
  }, 90_000);
});
