import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { checkCreditCode } from '../../shared/identifiers.js';
import { signCommitment } from '../helpers/commitment.js';
import { newbornDraft } from '../helpers/reliability.js';
import { addNaturalDays, addWorkingDays, chinaDate, closeOf } from '../../shared/calendar.js';
import { workCalendar } from '../../server/calendar.js';
import { readScenarioFiles } from '../../server/bundles/files.js';

type Detail = {
  id: string;
  status: string;
  version: string;
  items: { id: string; itemId: string; department: string; status: string; outputs: Record<string, unknown>; history: { status: string }[]; supplement: null | { materials: { code: string }[]; fields: { element: string }[] } }[];
  savings: { materials: { separately: number; handedIn: number } };
  promise: { days: number; unit: string } | null;
  promisedBy: string | null;
};
type Evaluation = { materials: { code: string; disposition: string; items: string[] }[]; items: { id: string; included: boolean }[] };
type ErrorBody = { error: { code: string; message: string; details: { path: string; message: string }[] } };



describe.each(databaseTargets())('one submission, many departments, on $kind', ({ open }) => {
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
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('lists demo users and signs in with a signed, httpOnly, SameSite=Lax cookie', async () => {
    const anon = new ApiClient(ts.url);
    const users = await anon.get<{ id: string; role: string; department?: string }[]>('/api/auth/demo-users');
    expect(users.status).toBe(200);
    const roles = users.body.map((u) => u.role);
    expect(roles.filter((r) => r === 'citizen').length).toBeGreaterThanOrEqual(2);
    expect(roles).toContain('designer');
    expect(roles).toContain('admin');
    expect(roles).toEqual(expect.arrayContaining(['reviewer', 'clerk']));
    const staffDepartments = users.body.filter((u) => u.role === 'staff').map((u) => u.department);
    for (const d of ts.parts.departments) expect(staffDepartments).toContain(d.code);

    const res = await fetch(`${ts.url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ user: 'citizen-li' }) });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^yjs_sid=[^;]+\.[^;]+;/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect((await anon.post('/api/auth/dev-login', { user: 'nobody' })).status).toBe(401);
  });

  it('refuses bad draft values all at once, files once per Idempotency-Key, and every department completes', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const created = await citizen.post<{ id: string; version: string }>('/api/applications', { bundleId: 'newborn' });
    expect(created.status).toBe(201);
    expect(created.body.version).toBe('1.0.0');
    const id = created.body.id;

    const bad = await citizen.put<ErrorBody>(`/api/applications/${id}/answers`, {
      answers: { 'mother.idNumber': '430102199207080029', 'child.gender': 'x', 'no.such.field': 1 },
    });
    expect(bad.status).toBe(422);
    expect(bad.body.error.details.map((d) => d.path).sort()).toEqual(['child.gender', 'mother.idNumber', 'no.such.field']);
    expect(bad.body.error.details.find((d) => d.path === 'mother.idNumber')?.message).toMatch(/校验/);

    // Missing values are fine in a draft; only submission asks for them.
    const partial = await citizen.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '张小明' } });
    expect(partial.status).toBe(200);
    const early = await citizen.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(early.status).toBe(422);
    expect(early.body.error.details.map((d) => d.path)).toContain('child.birthDate');
    expect(early.body.error.details.some((d) => d.path.startsWith('materials.'))).toBe(true);

    const filled = await newbornDraft(citizen);
    const first = await citizen.post<Detail>(`/api/applications/${filled}/submit`, undefined, { 'Idempotency-Key': `k-${filled}` });
    expect(first.status, JSON.stringify(first.body)).toBe(201);
    const again = await citizen.post<Detail>(`/api/applications/${filled}/submit`, undefined, { 'Idempotency-Key': `k-${filled}` });
    expect(again.status).toBe(200);
    expect(again.body.items.map((i) => i.id)).toEqual(first.body.items.map((i) => i.id));
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1', [filled]);
    expect(count.rows[0]!.n).toBe(first.body.items.length);
    // Items with predecessors wait; the first ones are queued at once.
    expect(first.body.items.find((i) => i.itemId === 'birth-registration')?.status).toBe('waiting');
    // The bundle's promise, 5 working days from today (China time) by the server's calendar,
    // ends at 24:00 of its last day: written with the China offset, as applicants read it.
    const calendar = workCalendar(readScenarioFiles(ts.config.scenariosDir));
    const lastDay = addWorkingDays(chinaDate(new Date()), 5, calendar);
    expect(first.body.promise).toEqual({ days: 5, unit: 'working' });
    expect(first.body.promisedBy).toBe(`${addNaturalDays(lastDay, 1)}T00:00:00+08:00`);
    // The social security card runs outside the promise; the other items are due by it.
    const promised = await db.query<{ item_id: string; promised_by: Date | null }>('SELECT item_id, promised_by FROM sub_applications WHERE application_id = $1', [filled]);
    for (const r of promised.rows) expect(r.promised_by?.toISOString() ?? null, r.item_id).toBe(r.item_id === 'social-security-card' ? null : closeOf(lastDay).toISOString());

    const done = await until(
      async () => {
        const d = await citizen.get<Detail>(`/api/applications/${filled}`);
        return d.body.status === 'completed' ? d.body : undefined;
      },
      20_000,
      'every department to complete',
    );
    expect(done.items.every((i) => i.status === 'completed')).toBe(true);
    for (const item of done.items) expect(item.history.map((h) => h.status)).toEqual(expect.arrayContaining(['delivered', 'accepted', 'completed']));
    expect(Object.values(sim.sim.stats.byKey).every((n) => n === 1)).toBe(true);
  });

  it('gives each filed application a unique 办件编号 (region, Beijing date, sequence), shown to the applicant, the department and the workbench, and searchable', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const draft = await newbornDraft(citizen);
    expect((await citizen.get<{ number: string | null }>(`/api/applications/${draft}`)).body.number).toBeNull();
    const other = await newbornDraft(citizen);
    const [a, b] = await Promise.all([draft, other].map((id) => citizen.post<{ number: string }>(`/api/applications/${id}/submit`)));
    expect(a!.status).toBe(201);
    // The newborn standard names 湖南省 (430000); the date is the Beijing day of filing.
    const today = chinaDate(new Date()).replaceAll('-', '');
    for (const r of [a!, b!]) expect(r.body.number).toMatch(new RegExp(`^430000(${today}|${chinaDate(new Date(Date.now() - 60_000)).replaceAll('-', '')})\\d{6}$`));
    expect(a!.body.number).not.toBe(b!.body.number);
    const list = await citizen.get<{ id: string; number: string | null }[]>('/api/applications');
    expect(list.body.find((x) => x.id === draft)?.number).toBe(a!.body.number);

    // The department's system and the staff's workbench see the number, and find by its last digits.
    const staff = await ApiClient.login(ts.url, 'staff-health');
    const tail = a!.body.number.slice(-8);
    const inbox = await until(
      async () => {
        const r = await staff.get<{ rows: { applicationId: string; applicationNumber: string | null }[] }>(`/api/workbench/inbox?status=all&number=${tail}`);
        return r.body.rows.length ? r.body.rows : undefined;
      },
      20_000,
      'the health item in the inbox',
    );
    expect(new Set(inbox.map((r) => r.applicationNumber))).toEqual(new Set([a!.body.number]));
    expect(inbox.every((r) => r.applicationId === draft)).toBe(true);
    const bad = await staff.get<ErrorBody>('/api/workbench/inbox?number=43x');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d) => d.path)).toContain('number');
  });

  it('passes an earlier item’s outputs into the payload of the next one', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const id = await newbornDraft(citizen);
    await citizen.post(`/api/applications/${id}/submit`);
    await until(async () => (await citizen.get<Detail>(`/api/applications/${id}`)).body.status === 'completed', 20_000, 'completion');
    const rows = await db.query<{ item_id: string; outputs: Record<string, unknown>; payload: { inputs: Record<string, unknown>; pending: { field: string; element: string; from: string }[]; fields: Record<string, unknown> } }>(
      'SELECT item_id, outputs, payload FROM sub_applications WHERE application_id = $1',
      [id],
    );
    const byItem = new Map(rows.rows.map((r) => [r.item_id, r]));
    const waitingOnes = rows.rows.filter((r) => r.payload.pending.length > 0);
    expect(waitingOnes.length).toBeGreaterThan(0);
    for (const r of waitingOnes) {
      for (const p of r.payload.pending) {
        const produced = byItem.get(p.from)?.outputs[p.element];
        expect(produced, `${r.item_id}.${p.field} from ${p.from}`).toBeDefined();
        expect(r.payload.fields[p.field]).toEqual(produced);
      }
    }
  });
});

describe('business startup passes the credit code on', () => {
  it('gives every later department the 统一社会信用代码 issued by 市场监管', async () => {
    const target = databaseTargets()[0]!;
    const db = await target.open();
    const ts = await startServer(db);
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url);
    worker.start();
    try {
      const v = await ts.parts.registry.current('business-startup');
      const example = v.bundle.examples.default;
      expect(example).toBeDefined();
      const citizen = await ApiClient.login(ts.url, 'citizen-wang');
      const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'business-startup' })).body.id;
      const saved = await citizen.put(`/api/applications/${id}/answers`, { answers: example!.answers });
      expect(saved.status, JSON.stringify(saved.body)).toBe(200);
      const ev = await citizen.get<Evaluation>(`/api/applications/${id}/evaluation`);
      for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
        expect((await citizen.upload(`/api/applications/${id}/materials/${m.code}`, pdf(m.code), `${m.code}.pdf`)).status).toBe(201);
      }
      expect(await signCommitment(citizen, id)).toBe(true);
      const submitted = await citizen.post<Detail>(`/api/applications/${id}/submit`);
      expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
      const done = await until(async () => {
        const d = await citizen.get<Detail>(`/api/applications/${id}`);
        return d.body.status === 'completed' ? d.body : undefined;
      }, 20_000, 'completion');
      const creditCode = done.items.flatMap((i) => Object.entries(i.outputs)).find(([k]) => k === 'company.creditCode')?.[1];
      expect(typeof creditCode).toBe('string');
      expect(checkCreditCode(creditCode as string)).toBeNull();
      const later = await db.query<{ item_id: string; payload: { inputs: Record<string, unknown> } }>(
        `SELECT item_id, payload FROM sub_applications WHERE application_id = $1 AND payload->'inputs' ? 'company.creditCode'`,
        [id],
      );
      expect(later.rows.length).toBeGreaterThan(0);
      for (const r of later.rows) expect(r.payload.inputs['company.creditCode']).toBe(creditCode);
    } finally {
      await worker.stop();
      await sim.close();
      await ts.close();
      await db.close();
    }
  });
});
