import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { addWorkingDays, chinaDate, closeOf } from '../../server/workbench/working-days.js';
import { workCalendar } from '../../server/calendar.js';
import { readScenarioFiles } from '../../server/bundles/files.js';

type Row = {
  promisedBy?: string | null; id: string; applicationId: string; itemId: string; itemTitle: string; status: string; version: string; dueDate: string | null; overdue: boolean; workingDaysLeft: number | null };
type Inbox = { department: string; items: { id: string; title: string }[]; overdueCount: number; rows: Row[] };
type Detail = {
  id: string;
  status: string;
  fields: Record<string, unknown>;
  fieldLabels: Record<string, string>;
  fieldLabelsEn: Record<string, string>;
  sensitiveFields: string[];
  valueLabels: Record<string, { zh: string; en: string }>;
  bundle: { id: string; version: string };
  dueDate: string;
  overdue: boolean;
  materials: { code: string; url?: string }[];
};
type AuditPage = { total: number; page: number; pageSize: number; rows: { actorId: string; actorRole: string; action: string; subject: string; reason: string | null; itemId: string | null; department: string | null }[] };
type ErrorBody = { error: { details: { path: string }[] } };

describe.each(databaseTargets())('department workbench and audit log on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let police: ApiClient;
  let registration: string;
  let certificate: string;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    // 卫健 is played by the simulator and completes by itself; 公安 is left to its staff.
    worker = workerTo(ts, sim.url, {}, ['police']);
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    police = await ApiClient.login(ts.url, 'staff-police');
    const filed = await fileNewborn(citizen);
    registration = filed.items.find((i) => i.itemId === 'birth-registration')!.id;
    certificate = filed.items.find((i) => i.itemId === 'birth-certificate')!.id;
    await until(async () => (await police.get<Inbox>('/api/workbench/inbox')).body.rows.some((r) => r.id === registration), 20_000, 'birth registration in the police inbox');
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('lists the department inbox with item titles and the time limit in working days, filtered by status, item and overdue', async () => {
    const inbox = (await police.get<Inbox>('/api/workbench/inbox')).body;
    expect(inbox.department).toBe('police');
    expect(inbox.items.map((i) => i.id)).toContain('birth-registration');
    const row = inbox.rows.find((r) => r.id === registration)!;
    expect(row).toMatchObject({ itemId: 'birth-registration', itemTitle: '出生登记', status: 'delivered', version: '1.0.0', overdue: false });
    // 出生登记 has 10 working days from receipt today (China time), but inside the newborn
    // bundle it is due by the bundle's promise, 5 working days from filing (today too), which
    // comes first; working days as the server's calendar counts them (holidays, 调休).
    const calendar = workCalendar(readScenarioFiles(ts.config.scenariosDir));
    expect(row.dueDate).toBe(addWorkingDays(chinaDate(new Date()), 5, calendar));
    expect(row.promisedBy).toBe(closeOf(addWorkingDays(chinaDate(new Date()), 5, calendar)).toISOString());
    expect(row.workingDaysLeft).toBe(5);
    expect(Object.keys(row)).not.toContain('fields');

    const ids = async (q: string) => (await police.get<Inbox>(`/api/workbench/inbox${q}`)).body.rows.map((r) => r.id);
    expect(await ids('?item=birth-registration')).toContain(registration);
    expect(await ids('?item=no-such-item')).toEqual([]);
    expect(await ids('?status=delivered')).toContain(registration);
    expect(await ids('?status=completed')).not.toContain(registration);
    expect(await ids('?overdue=true')).not.toContain(registration);
    expect((await police.get<ErrorBody>('/api/workbench/inbox?status=bogus')).status).toBe(400);
    expect((await police.get<ErrorBody>('/api/workbench/inbox?overdue=maybe')).status).toBe(400);

    // Received six weeks ago: 10 working days have long run out (督办).
    await db.query(`UPDATE sub_applications SET delivered_at = now() - interval '42 days' WHERE id = $1`, [registration]);
    try {
      const late = (await police.get<Inbox>('/api/workbench/inbox?overdue=true')).body;
      expect(late.overdueCount).toBeGreaterThanOrEqual(1);
      const r = late.rows.find((x) => x.id === registration)!;
      expect(r.overdue).toBe(true);
      expect(r.workingDaysLeft).toBeLessThanOrEqual(-19);
      expect(await ids('?overdue=false')).not.toContain(registration);
    } finally {
      await db.query(`UPDATE sub_applications SET delivered_at = now() WHERE id = $1`, [registration]);
    }

    // Sent, its result not yet written (the worker records a batch behind): shown as delivered,
    // and found by the delivered filter.
    await db.query(`UPDATE sub_applications SET status = 'queued', next_attempt_at = now() + interval '1 hour' WHERE id = $1 AND attempts > 0`, [registration]);
    try {
      const sent = (await police.get<Inbox>('/api/workbench/inbox?status=delivered')).body.rows.find((x) => x.id === registration);
      expect(sent?.status).toBe('delivered');
    } finally {
      await db.query(`UPDATE sub_applications SET status = 'delivered' WHERE id = $1`, [registration]);
    }

    // Another department's staff never sees it; the inbox is for staff sessions only.
    const insurance = await ApiClient.login(ts.url, 'staff-medicalInsurance');
    expect((await insurance.get<Inbox>('/api/workbench/inbox?status=all')).body.rows.map((r) => r.id)).not.toContain(registration);
    expect((await citizen.get('/api/workbench/inbox')).status).toBe(403);
    expect((await new ApiClient(ts.url, ts.parts.departmentTokens.get('police')).get('/api/workbench/inbox')).status).toBe(401);
  });

  it("opens a sub-application only with a reason, in the department's own field names and labels, and audit-logs it", async () => {
    const noReason = await police.get<ErrorBody>(`/api/workbench/sub-applications/${registration}`);
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.details[0]!.path).toBe('reason');

    const d = await police.get<Detail>(`/api/workbench/sub-applications/${registration}?reason=${encodeURIComponent('审核办理')}`);
    expect(d.status).toBe(200);
    expect(d.body.fields).toMatchObject({ xm: '王小宝', mqxm: '王芳', fqsfzh: '430104199003151237' });
    expect(d.body.fieldLabels.xm).toBe('新生儿姓名');
    expect(d.body.fieldLabelsEn.xm).toMatch(/name/i);
    expect(d.body.valueLabels.xb).toEqual({ zh: '女', en: expect.any(String) });
    expect(d.body.sensitiveFields).toEqual(expect.arrayContaining(['fqsfzh', 'mqsfzh']));
    expect(d.body.bundle).toMatchObject({ id: 'newborn', version: '1.0.0' });
    // The certificate number 卫健 issued flowed in under 公安's own field name.
    expect(d.body.fields.cszmbh).toBeTruthy();

    const insurance = await ApiClient.login(ts.url, 'staff-medicalInsurance');
    expect((await insurance.get(`/api/workbench/sub-applications/${registration}?reason=x`)).status).toBe(404);
    expect((await citizen.get(`/api/workbench/sub-applications/${registration}?reason=x`)).status).toBe(403);

    // Downloads are logged with their reason too (卫健's copy of the birth medical record).
    const health = await ApiClient.login(ts.url, 'staff-health');
    const record = (await health.get<Detail>(`/api/workbench/sub-applications/${certificate}?reason=${encodeURIComponent('审核办理')}`)).body.materials.find((m) => m.code === 'birthMedicalRecord')!;
    const download = await health.get<string>(`${record.url!}?reason=${encodeURIComponent('核验材料')}`);
    expect(download.status).toBe(200);
    expect(download.body).toContain('birthMedicalRecord');
    const downloads = await db.query<{ actor_id: string; reason: string | null }>(`SELECT actor_id, reason FROM audit_log WHERE subject = $1 AND action = 'download-material'`, [certificate]);
    expect(downloads.rows).toEqual([{ actor_id: 'staff-health', reason: '核验材料' }]);

    const rows = await db.query<{ actor_id: string; actor_role: string; action: string; reason: string | null }>('SELECT actor_id, actor_role, action, reason FROM audit_log WHERE subject = $1 ORDER BY id', [registration]);
    expect(rows.rows).toEqual(expect.arrayContaining([{ actor_id: 'staff-police', actor_role: 'staff', action: 'read-sub-application', reason: '审核办理' }]));
    // The refused reads (no reason, another department) left no trace of personal data being read.
    expect(rows.rows.filter((r) => r.actor_id !== 'staff-police' && r.actor_role === 'staff')).toEqual([]);
  });

  it('lets admins, and only admins, page through the audit log filtered by actor, action, subject and time', async () => {
    await police.get(`/api/workbench/sub-applications/${registration}?reason=${encodeURIComponent('督办检查')}`);
    const admin = await ApiClient.login(ts.url, 'admin');
    const all = await admin.get<AuditPage>(`/api/admin/audit?subject=${registration}`);
    expect(all.status).toBe(200);
    expect(all.body.total).toBeGreaterThanOrEqual(2);
    expect(all.body.rows[0]).toMatchObject({ actorId: 'staff-police', action: 'read-sub-application', reason: '督办检查', itemId: 'birth-registration', department: 'police' });

    const page1 = await admin.get<AuditPage>(`/api/admin/audit?subject=${registration}&pageSize=1`);
    const page2 = await admin.get<AuditPage>(`/api/admin/audit?subject=${registration}&pageSize=1&page=2`);
    expect(page1.body.rows).toHaveLength(1);
    expect(page2.body.rows).toHaveLength(1);
    expect(page1.body.total).toBe(all.body.total);
    expect(page2.body.rows[0]).not.toEqual(page1.body.rows[0]);

    const byActor = await admin.get<AuditPage>('/api/admin/audit?actor=staff-police&action=read-sub-application');
    expect(byActor.body.rows.every((r) => r.actorId === 'staff-police' && r.action === 'read-sub-application')).toBe(true);
    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await admin.get<AuditPage>(`/api/admin/audit?from=${encodeURIComponent(future)}`)).body.total).toBe(0);
    expect((await admin.get<AuditPage>(`/api/admin/audit?to=${encodeURIComponent(future)}&subject=${registration}`)).body.total).toBe(all.body.total);

    const bad = await admin.get<ErrorBody>('/api/admin/audit?pageSize=5000&from=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((x) => x.path).sort()).toEqual(['from', 'pageSize']);
    expect((await police.get('/api/admin/audit')).status).toBe(403);
    expect((await (await ApiClient.login(ts.url, 'designer')).get('/api/admin/audit')).status).toBe(403);
    expect((await new ApiClient(ts.url).get('/api/admin/audit')).status).toBe(401);
  });
});
