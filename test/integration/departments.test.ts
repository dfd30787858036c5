import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';
import { afterSupplement } from '../../shared/promise.js';
import { workCalendar } from '../../server/calendar.js';
import { readScenarioFiles } from '../../server/bundles/files.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string }[] } };
type Sub = { id: string; status: string; allowedActions: string[]; fields: Record<string, unknown>; materials: { code: string; url?: string }[]; round: number; inputs: Record<string, unknown> };
type Detail = { id: string; status: string; items: { id: string; itemId: string; department: string; status: string; reason: string | null; supplement: null | { materials: { code: string }[]; fields: { element: string }[] } }[] };

const ANSWERS = NEWBORN_ANSWERS;

describe.each(databaseTargets())('department API, supplements and operators on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let health: ApiClient;
  let police: ApiClient;

  /** Files a newborn application; 卫健 (health) is left to its staff in the web inbox. */
  async function file(): Promise<{ id: string; healthSub: string }> {
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: ANSWERS })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    const submitted = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(submitted.status).toBe(201);
    const healthSub = submitted.body.items.find((i) => i.department === 'health')!.id;
    // Delivered as recorded: the worker writes its results a batch behind, and until then the row reads queued.
    await until(async () => (await health.get<Sub>(`/api/sub-applications/${healthSub}`)).body.status === 'delivered', 10_000, 'delivery to the inbox');
    return { id, healthSub };
  }

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { DELIVERY_MAX_ATTEMPTS: '2' });
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, ['health']);
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    health = ApiClient.department(ts, 'health');
    police = ApiClient.department(ts, 'police');
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('shows a department only its own sub-applications, in its own field names', async () => {
    const { id, healthSub } = await file();
    const sub = await health.get<Sub>(`/api/sub-applications/${healthSub}`);
    expect(sub.status).toBe(200);
    expect(sub.body.fields).toMatchObject({ xsexm: '王小宝', mqxm: '王芳', jsjgmc: '湖南省妇幼保健院' });
    expect(Object.keys(sub.body.fields)).not.toContain('household.address');
    expect(Object.keys(sub.body.fields).some((k) => k.includes('.'))).toBe(false);
    const list = await health.get<{ id: string }[]>('/api/departments/health/sub-applications?status=delivered');
    expect(list.body.map((s) => s.id)).toContain(healthSub);

    // Another department, its token or its staff, and anyone else: as if it did not exist.
    expect((await police.get(`/api/sub-applications/${healthSub}`)).status).toBe(404);
    expect((await police.get('/api/departments/health/sub-applications')).status).toBe(404);
    const policeStaff = await ApiClient.login(ts.url, 'staff-police');
    expect((await policeStaff.get(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('审核办理')}`)).status).toBe(404);
    const healthStaff = await ApiClient.login(ts.url, 'staff-health');
    expect((await healthStaff.get(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('审核办理')}`)).status).toBe(200);
    expect((await citizen.get(`/api/sub-applications/${healthSub}`)).status).toBe(403);
    expect((await new ApiClient(ts.url).get(`/api/sub-applications/${healthSub}`)).status).toBe(401);
    expect((await new ApiClient(ts.url, 'not-a-token').get(`/api/sub-applications/${healthSub}`)).status).toBe(401);
    // Another citizen cannot see the application either.
    const other = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await other.get(`/api/applications/${id}`)).status).toBe(404);

    // Materials are downloadable byte for byte, and every read is in the audit log.
    const record = sub.body.materials.find((m) => m.code === 'birthMedicalRecord');
    expect(record?.url).toBeDefined();
    const download = await fetch(ts.url + record!.url!, { headers: { authorization: `Bearer ${ts.parts.departmentTokens.get('health')}` } });
    expect(download.status).toBe(200);
    expect(Buffer.from(await download.arrayBuffer()).toString()).toContain(`birthMedicalRecord ${id}`);
    expect((await police.get(record!.url!)).status).toBe(404);
    const audit = await db.query<{ actor_id: string; action: string }>('SELECT actor_id, action FROM audit_log WHERE subject = $1', [healthSub]);
    expect(audit.rows).toEqual(expect.arrayContaining([
      { actor_id: 'department:health', action: 'read-sub-application' },
      { actor_id: 'staff-health', action: 'read-sub-application' },
      { actor_id: 'department:health', action: 'download-material' },
    ]));
  });

  it('refuses an invalid transition with 409 naming the allowed actions, and validates outputs', async () => {
    const { id, healthSub } = await file();
    const act = (body: unknown) => health.post<ErrorBody & Sub>(`/api/sub-applications/${healthSub}/actions`, body);
    const early = await act({ action: 'complete', outputs: {} });
    expect(early.status).toBe(409);
    expect(early.body.error.details[0]!.message).toContain('accept');
    expect((await act({ action: 'dance' })).status).toBe(400);
    expect((await act({ action: 'accept' })).body.status).toBe('accepted');
    expect((await act({ action: 'accept' })).status).toBe(409);

    const missing = await act({ action: 'complete', outputs: {} });
    expect(missing.status).toBe(422);
    expect(missing.body.error.details.map((d) => d.path).sort()).toEqual(['outputs.birthMedicalCertificate', 'outputs.child.birthCertificateNumber']);
    const wrong = await act({ action: 'complete', outputs: { birthMedicalCertificate: 'O430012345', 'child.birthCertificateNumber': 'nope', extra: 1 } });
    expect(wrong.status).toBe(422);
    expect(wrong.body.error.details.map((d) => d.path).sort()).toEqual(['outputs.child.birthCertificateNumber', 'outputs.extra']);
    const done = await act({ action: 'complete', outputs: { birthMedicalCertificate: 'O430012345', 'child.birthCertificateNumber': 'O430012345' } });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');

    // The next item (出生登记, police) is released with the certificate number in its own field name.
    const app = await until(async () => {
      const d = await citizen.get<Detail>(`/api/applications/${id}`);
      return d.body.status === 'completed' ? d.body : undefined;
    }, 15_000, 'the rest of the bundle to complete');
    const registration = app.items.find((i) => i.itemId === 'birth-registration')!;
    const row = await db.query<{ payload: { inputs: Record<string, unknown> } }>('SELECT payload FROM sub_applications WHERE id = $1', [registration.id]);
    expect(row.rows[0]!.payload.inputs['child.birthCertificateNumber']).toBe('O430012345');
  });

  it('takes a supplement request for everything at once, and only that item goes out again', async () => {
    const { id, healthSub } = await file();
    const ask = await health.post<ErrorBody>(`/api/sub-applications/${healthSub}/actions`, { action: 'request-supplement', missing: { materials: ['nope'], fields: ['zzz'] } });
    expect(ask.status).toBe(422);
    expect(ask.body.error.details.map((d) => d.path)).toEqual(['missing.materials[0]', 'missing.fields[0]']);
    const asked = await health.post<Sub>(`/api/sub-applications/${healthSub}/actions`, {
      action: 'request-supplement',
      reason: '出生医学记录不清晰，新生儿姓名与记录不符',
      missing: { materials: ['birthMedicalRecord'], fields: ['xsexm'] },
    });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('supplement');

    const seen = await citizen.get<Detail>(`/api/applications/${id}`);
    expect(seen.body.status).toBe('supplement');
    const item = seen.body.items.find((i) => i.id === healthSub)!;
    expect(item.supplement?.materials.map((m) => m.code)).toEqual(['birthMedicalRecord']);
    expect(item.supplement?.fields.map((f) => f.element)).toEqual(['child.name']);
    const othersBefore = await db.query<{ id: string; round: number }>('SELECT id, round FROM sub_applications WHERE application_id = $1 AND id <> $2 ORDER BY id', [id, healthSub]);

    const url = `/api/applications/${id}/supplements/${healthSub}`;
    const extra = await citizen.post<ErrorBody>(url, { answers: { 'child.name': '王小贝', 'child.gender': '1' } });
    expect(extra.status).toBe(422);
    expect(extra.body.error.details.map((d) => d.path)).toEqual(expect.arrayContaining(['child.gender', 'materials.birthMedicalRecord']));
    // Only what was asked for may be uploaded after submission.
    expect((await citizen.upload(`/api/applications/${id}/materials/birthCertificateNotice`, pdf('x'), 'x.pdf')).status).toBe(409);
    const reupload = await citizen.upload(`/api/applications/${id}/materials/birthMedicalRecord`, pdf('clear copy'), 'record.pdf');
    expect(reupload.status, JSON.stringify(reupload.body)).toBe(201);
    // Asked a week ago: the days the application waited for the applicant do not count
    // against the bundle's promise (补正时间不计入承诺时限), for every item inside it.
    const weekAgo = new Date(Date.now() - 7 * 86_400_000);
    await db.query(`UPDATE sub_applications SET supplement = jsonb_set(supplement, '{requestedAt}', to_jsonb($2::text)) WHERE id = $1`, [healthSub, weekAgo.toISOString()]);
    const promisedBy = async () => (await db.query<{ promised_by: Date }>('SELECT promised_by FROM applications WHERE id = $1', [id])).rows[0]!.promised_by;
    const before = await promisedBy();
    const answered = await citizen.post<Detail>(url, { answers: { 'child.name': '王小贝' } });
    expect(answered.status, JSON.stringify(answered.body)).toBe(200);
    const moved = await promisedBy();
    expect(moved.toISOString()).toBe(afterSupplement(before, 'working', weekAgo, new Date(), workCalendar(readScenarioFiles(ts.config.scenariosDir))).toISOString());
    expect(moved.getTime()).toBeGreaterThan(before.getTime());
    const items = await db.query<{ promised_by: Date }>('SELECT DISTINCT promised_by FROM sub_applications WHERE application_id = $1 AND promised_by IS NOT NULL', [id]);
    expect(items.rows.map((r) => r.promised_by.toISOString())).toEqual([moved.toISOString()]);

    const again = await until(async () => {
      const s = await health.get<Sub>(`/api/sub-applications/${healthSub}`);
      return s.body.status === 'delivered' && s.body.round === 2 ? s.body : undefined;
    }, 10_000, 're-delivery');
    expect(again.fields.xsexm).toBe('王小贝');
    const othersAfter = await db.query<{ id: string; round: number }>('SELECT id, round FROM sub_applications WHERE application_id = $1 AND id <> $2 ORDER BY id', [id, healthSub]);
    expect(othersAfter.rows).toEqual(othersBefore.rows);
    const download = await fetch(ts.url + again.materials.find((m) => m.code === 'birthMedicalRecord')!.url!, { headers: { authorization: `Bearer ${ts.parts.departmentTokens.get('health')}` } });
    expect(await download.text()).toContain('clear copy');
  });

  it('lets staff read a case or a material through the department API only with a reason; a system reads for its fixed purpose', async () => {
    const { healthSub } = await file();
    const staff = await ApiClient.login(ts.url, 'staff-health');
    const reads = async () =>
      (await db.query<{ actor_id: string; actor_role: string; action: string; reason: string | null; details: unknown }>('SELECT actor_id, actor_role, action, reason, details FROM audit_log WHERE subject = $1 ORDER BY id', [healthSub])).rows.map((r) => ({
        ...r,
        details: typeof r.details === 'string' ? (JSON.parse(r.details) as unknown) : r.details,
      }));
    const before = (await reads()).length;

    // No reason, or a blank one: refused by name, in both languages, and nothing is read.
    for (const query of ['', '?reason=', `?reason=${encodeURIComponent('  ')}`]) {
      const refused = await staff.get<ErrorBody>(`/api/sub-applications/${healthSub}${query}`);
      expect(refused.status, query).toBe(400);
      expect(refused.body.error).toMatchObject({ message: '查阅个人信息须说明事由', messageEn: 'Say why you open personal data' });
      expect(refused.body.error.details[0]).toMatchObject({ path: 'reason', message: expect.stringMatching(/查阅事由/) });
      expect(JSON.stringify(refused.body)).not.toContain('王芳');
    }
    const code = (await health.get<Sub>(`/api/sub-applications/${healthSub}`)).body.materials.find((m) => m.url)!.code;
    const url = `/api/sub-applications/${healthSub}/materials/${code}`;
    const noReasonFile = await staff.get<ErrorBody>(url);
    expect(noReasonFile.status).toBe(400);
    expect(noReasonFile.body.error.details[0]!.path).toBe('reason');
    const systemRead = await reads();
    expect(systemRead.length).toBe(before + 1);
    expect(systemRead.filter((r) => r.actor_role === 'staff')).toEqual([]);

    // With a reason: the case, then a material, each logged with that reason, the route and the actor.
    const read = await staff.get<Sub>(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('审核办理')}`);
    expect(read.status).toBe(200);
    expect(read.body.fields).toMatchObject({ mqxm: '王芳' });
    const download = await staff.get<string>(`${url}?reason=${encodeURIComponent('材料核验')}`);
    expect(download.status).toBe(200);
    const staffRows = (await reads()).filter((r) => r.actor_role === 'staff');
    expect(staffRows).toEqual([
      { actor_id: 'staff-health', actor_role: 'staff', action: 'read-sub-application', reason: '审核办理', details: { route: 'GET /api/sub-applications/:id' } },
      { actor_id: 'staff-health', actor_role: 'staff', action: 'download-material', reason: '材料核验', details: { code, route: 'GET /api/sub-applications/:id/materials/:code' } },
    ]);

    // The department's system (its token) states no reason: its purpose is fixed and recorded as such.
    expect((await health.get(url)).status).toBe(200);
    const system = (await reads()).filter((r) => r.actor_role === 'system');
    expect(system.length).toBeGreaterThanOrEqual(2);
    expect(system.every((r) => r.actor_id === 'department:health' && r.reason === 'system: processing')).toBe(true);
    expect(system.at(-1)).toMatchObject({ action: 'download-material', details: { code, route: 'GET /api/sub-applications/:id/materials/:code' } });
    // …and may say more, kept as said.
    expect((await health.get(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('自动核验')}`)).status).toBe(200);
    expect((await reads()).at(-1)).toMatchObject({ actor_role: 'system', reason: '自动核验' });
  });

  it('needs a reason to reject, and closes the items that depended on the rejected one', async () => {
    const { id, healthSub } = await file();
    const noReason = await health.post<ErrorBody>(`/api/sub-applications/${healthSub}/actions`, { action: 'reject' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.error.details[0]!.path).toBe('reason');
    expect((await health.post(`/api/sub-applications/${healthSub}/actions`, { action: 'reject', reason: '非本院出生' })).status).toBe(200);
    const d = await until(async () => {
      const r = await citizen.get<Detail>(`/api/applications/${id}`);
      return r.body.items.every((i) => ['completed', 'rejected'].includes(i.status)) ? r.body : undefined;
    }, 10_000, 'every item to end');
    expect(d.items.find((i) => i.itemId === 'birth-registration')?.status).toBe('rejected');
    expect(d.items.find((i) => i.itemId === 'birth-registration')?.reason).toMatch(/前序事项/);
    expect(['rejected', 'partially_completed']).toContain(d.status);
  });

  it('counts a department acting on a parked delivery it did receive as the delivery', async () => {
    const { healthSub } = await file();
    // The worker parked the row although the department got it (its 2xx never came back).
    await db.query(`UPDATE sub_applications SET status = 'dead', last_error = 'timeout' WHERE id = $1`, [healthSub]);
    const accepted = await health.post<Sub & { history: { status: string; actor: string }[] }>(`/api/sub-applications/${healthSub}/actions`, { action: 'accept' });
    expect(accepted.status).toBe(200);
    expect(accepted.body.status).toBe('accepted');
    expect(accepted.body.history.slice(-2).map((h) => [h.status, h.actor])).toEqual([
      ['delivered', 'department:health'],
      ['accepted', 'department:health'],
    ]);
  });

  it('parks a delivery that runs out of attempts, shows it to operators, and retries it', async () => {
    // A department whose system is unreachable (nothing listens on port 9 here).
    const broken = ts.parts.createWorker({
      pollMs: 20,
      maxAttempts: 2,
      backoff: { baseMs: 10, maxGapMs: 10, jitter: 0 },
      targetFor: () => ({ channel: 'webhook', url: 'http://127.0.0.1:9/departments/x', secret: 's' }),
    });
    await worker.stop();
    broken.start();
    const draft = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    try {
      await citizen.put(`/api/applications/${draft}/answers`, { answers: ANSWERS });
      const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${draft}/evaluation`);
      for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) await citizen.upload(`/api/applications/${draft}/materials/${m.code}`, pdf(m.code), 'a.pdf');
      expect((await citizen.post(`/api/applications/${draft}/authorisation`)).status).toBe(200);
      expect((await citizen.post(`/api/applications/${draft}/submit`)).status).toBe(201);
      const admin = await ApiClient.login(ts.url, 'admin');
      // Every item due at once (no predecessor) is parked, each after its own attempts.
      const due = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sub_applications WHERE application_id = $1 AND status <> 'waiting'`, [draft])).rows[0]!.n;
      expect(due).toBeGreaterThan(0);
      const dead = await until(async () => {
        const r = await admin.get<{ id: string; applicationId: string; attempts: number; lastError: string; history: { ok: boolean }[] }[]>('/api/admin/deliveries?state=dead');
        const mine = r.body.filter((x) => x.applicationId === draft);
        return mine.length === due ? mine : undefined;
      }, 10_000, 'every due delivery parked');
      for (const d of dead) {
        expect(d.attempts).toBe(2);
        expect(d.history.map((h) => h.ok)).toEqual([false, false]);
        expect(d.lastError).toBeTruthy();
      }
      expect((await citizen.get('/api/admin/deliveries?state=dead')).status).toBe(403);
      // Retried while the department is still down: a fresh budget of two attempts, numbered on.
      for (const d of dead) expect((await admin.post(`/api/admin/deliveries/${d.id}/retry`)).status).toBe(200);
      await until(async () => {
        const r = await admin.get<{ id: string; applicationId: string; attempts: number; history: { attempt: number }[] }[]>('/api/admin/deliveries?state=dead');
        const again = r.body.filter((x) => x.applicationId === draft);
        if (again.length < dead.length || again.some((x) => x.attempts < 4)) return undefined;
        for (const d of again) expect(d.history.map((h) => h.attempt)).toEqual([1, 2, 3, 4]);
        return again;
      }, 10_000, 'dead again after a second budget');
      await broken.stop();
      for (const d of dead) expect((await admin.post(`/api/admin/deliveries/${d.id}/retry`)).status).toBe(200);
      expect((await admin.post(`/api/admin/deliveries/${dead[0]!.id}/retry`)).status).toBe(409);
    } finally {
      await broken.stop();
      worker = workerTo(ts, sim.url, {}, ['health']);
      worker.start();
    }
    // With the department back, the retried row is delivered.
    const healthSub = (await db.query<{ id: string }>(`SELECT id FROM sub_applications WHERE application_id = $1 AND department = 'health'`, [draft])).rows[0]!.id;
    await until(async () => (await db.query(`SELECT 1 FROM sub_applications WHERE id = $1 AND status = 'delivered'`, [healthSub])).rows.length === 1, 10_000, 'delivery after retry');
    expect((await health.get(`/api/sub-applications/${healthSub}`)).status).toBe(200);
    const history = await db.query<{ attempt: number; ok: boolean }>('SELECT attempt, ok FROM delivery_attempts WHERE sub_application_id = $1 ORDER BY id', [healthSub]);
    expect(history.rows).toEqual([1, 2, 3, 4, 5].map((attempt) => ({ attempt, ok: attempt === 5 })));
  });
});
