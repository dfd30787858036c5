import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { NEWBORN_ANSWERS, fileNewborn, type Filed } from '../helpers/newborn.js';
import { generateOutputs } from '../../server/simulator/outputs.js';
import { notify } from '../../server/notices/events.js';
import type { NoticeWorker } from '../../server/notices/worker.js';
import type { SmsMessage } from '../../server/simulator/sms-gateway.js';
import type { NotificationsPage, NotificationSettings, ParkedNotice } from '../../shared/contracts/notices.js';

const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;

/**
 * Notices: every change of status writes one notice per channel on its own transaction; the
 * notice worker sends SMS to the simulated gateway, which must receive exactly one message per
 * event whatever goes wrong in between; the applicant reads them in the 消息中心.
 */
describe.each(databaseTargets())('notices, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: NoticeWorker;
  let dispatch: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    // The departments are played by hand here (their API); the simulator plays the SMS gateway.
    sim = await startSimulator(ts, { smsSecret: ts.config.smsGatewaySecret, autoProcess: false });
    worker = ts.parts.createNoticeWorker({
      gatewayUrl: `${sim.url}/sms/messages`,
      gatewayTimeoutMs: 300,
      pollMs: 20,
      maxAttempts: 8,
      backoff: { baseMs: 20, maxGapMs: 100, jitter: 0 },
    });
    worker.start();
    dispatch = workerTo(ts, sim.url);
    dispatch.start();
  });
  afterAll(async () => {
    await worker?.stop();
    await dispatch?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  const gateway = () => sim.sim.sms!;

  async function smsNotices(applicationId: string) {
    return (
      await db.query<{ id: string; event: string; state: string }>(`SELECT id, event, state FROM notices WHERE application_id = $1 AND channel = 'sms' ORDER BY seq`, [applicationId])
    ).rows;
  }

  async function allSent(applicationId: string, count: number): Promise<void> {
    await until(async () => {
      const rows = await smsNotices(applicationId);
      return rows.length === count && rows.every((r) => r.state === 'sent');
    }, 20_000, `${count} SMS notices sent`);
  }

  function received(keys: readonly string[]): SmsMessage[] {
    return gateway().messages.filter((m) => keys.includes(m.idempotencyKey));
  }

  /** Each department accepts and then completes its item, in the bundle's order. */
  async function processAll(filed: Filed): Promise<void> {
    for (let round = 0; round < 400; round++) {
      const { rows } = await db.query<{ id: string; department: string; status: string; payload: { produces: unknown } }>(
        'SELECT id, department, status, payload FROM sub_applications WHERE application_id = $1 ORDER BY position',
        [filed.id],
      );
      if (rows.every((r) => r.status === 'completed')) return;
      for (const r of rows) {
        const dept = ApiClient.department(ts, r.department);
        if (r.status === 'delivered') {
          expect((await dept.post(`/api/sub-applications/${r.id}/actions`, { action: 'accept' })).status).toBe(200);
        } else if (r.status === 'accepted') {
          const outputs = generateOutputs(r.payload.produces);
          expect((await dept.post(`/api/sub-applications/${r.id}/actions`, { action: 'complete', outputs })).status).toBe(200);
        }
      }
      // Released items go out through the dispatch worker before their department sees them.
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error('the application did not complete');
  }

  it('writes one notice per event per channel, and the gateway gets exactly one message per event while it fails for a while', async () => {
    gateway().control({ failures: 5 });
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(wang);
    await processAll(filed);
    const departments = filed.items.length;

    const events = (await db.query<{ event: string; channel: string; n: number }>(
      `SELECT event, channel, count(*)::int AS n FROM notices WHERE application_id = $1 GROUP BY event, channel ORDER BY event, channel`,
      [filed.id],
    )).rows;
    const expected = { submitted: 1, accepted: departments, completed: departments, 'results-ready': 1 };
    for (const channel of ['inbox', 'sms']) {
      expect(Object.fromEntries(events.filter((e) => e.channel === channel).map((e) => [e.event, e.n]))).toEqual(expected);
    }

    const total = 2 + 2 * departments;
    await allSent(filed.id, total);
    const keys = (await smsNotices(filed.id)).map((n) => n.id);
    const got = received(keys);
    expect(got.length).toBe(total);
    expect(new Set(got.map((m) => m.idempotencyKey)).size).toBe(total);
    expect(gateway().stats.failed).toBeGreaterThanOrEqual(5);
    for (const m of got) {
      expect(m.mobile).toBe('13700731003');
      expect(m.text.startsWith('【一件事一次办】')).toBe(true);
      expect(m.text).not.toMatch(UUID);
      expect(m.text.length).toBeLessThanOrEqual(70);
    }
    expect(got.some((m) => m.text.includes('新生儿出生'))).toBe(true);
    expect(got.some((m) => /已受理「.+」/.test(m.text))).toBe(true);

    // The 消息中心: newest first, the results before the last completion, all unread.
    const page = await wang.get<NotificationsPage>('/api/me/notifications?pageSize=5');
    expect(page.status).toBe(200);
    expect(page.body.total).toBe(total);
    expect(page.body.unread).toBe(total);
    expect(page.body.rows).toHaveLength(5);
    expect(page.body.rows[0]!.event).toBe('results-ready');
    // The last completion and the results it made ready were written by one transaction, in that order.
    expect(page.body.rows[1]!.event).toBe('completed');
    for (const r of page.body.rows) {
      expect(r.body).not.toMatch(UUID);
      expect(r.bodyEn).not.toMatch(UUID);
    }
    const last = await wang.get<NotificationsPage>(`/api/me/notifications?pageSize=5&page=${Math.ceil(total / 5)}`);
    expect(last.body.rows.at(-1)!.event).toBe('submitted');
    expect(last.body.rows.at(-1)!.body).toMatch(/已于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}（北京时间）提交/);
    // The filing notice is written by the statement that files: its number and time are the application's own.
    const application = (await db.query<{ number: string; submitted_at: Date }>('SELECT number, submitted_at FROM applications WHERE id = $1', [filed.id])).rows[0]!;
    const filingNotices = (await db.query<{ payload: { number: string; submittedAt: string; at: string; bundleTitle: string } }>(
      `SELECT payload FROM notices WHERE application_id = $1 AND event = 'submitted'`,
      [filed.id],
    )).rows;
    expect(filingNotices).toHaveLength(2);
    for (const { payload } of filingNotices) {
      expect(payload).toMatchObject({ number: application.number, submittedAt: application.submitted_at.toISOString(), at: application.submitted_at.toISOString(), bundleTitle: '新生儿出生一件事' });
    }

    // Reading one lowers the count; reading all clears it.
    const read = await wang.post<{ unread: number }>(`/api/me/notifications/${page.body.rows[0]!.id}/read`);
    expect(read.body).toEqual({ unread: total - 1 });
    expect((await wang.get<NotificationsPage>('/api/me/notifications')).body.rows[0]!.read).toBe(true);

    // Another citizen can neither see nor mark her messages: 404, as if they did not exist.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await zhang.post(`/api/me/notifications/${page.body.rows[1]!.id}/read`)).status).toBe(404);
    expect((await zhang.get<NotificationsPage>('/api/me/notifications')).body.rows.some((r) => r.id === page.body.rows[1]!.id)).toBe(false);
    expect((await wang.get<NotificationsPage>('/api/me/notifications')).body.unread).toBe(total - 1);
    // Staff are not applicants: no 消息中心.
    expect((await (await ApiClient.login(ts.url, 'staff-police')).get('/api/me/notifications')).status).toBe(403);

    expect((await wang.post<{ unread: number }>('/api/me/notifications/read-all')).body).toEqual({ unread: 0 });
  });

  it('sends one message when the gateway stored it but answered too late (the retry carries the same key)', async () => {
    const before = gateway().stats.duplicates;
    gateway().control({ slowAfterStore: 1, slowMs: 1_500 });
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const filed = await fileNewborn(zhang);
    await allSent(filed.id, 1);
    const [notice] = await smsNotices(filed.id);
    expect(received([notice!.id])).toHaveLength(1);
    expect(gateway().stats.duplicates).toBeGreaterThan(before);
    const row = (await db.query<{ attempts: number }>('SELECT attempts FROM notices WHERE id = $1', [notice!.id])).rows[0]!;
    expect(row.attempts).toBeGreaterThanOrEqual(2);
  });

  it('parks a notice after its retry budget, shows it to operators masked, and an operator sends it again: still one message', async () => {
    gateway().control({ failures: 1_000 });
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const filed = await fileNewborn(zhang);
    await until(async () => (await smsNotices(filed.id))[0]?.state === 'dead', 20_000, 'the notice parked');
    const [notice] = await smsNotices(filed.id);
    const admin = await ApiClient.login(ts.url, 'admin');
    const parked = await admin.get<ParkedNotice[]>('/api/admin/notices');
    expect(parked.status).toBe(200);
    const shown = parked.body.find((n) => n.id === notice!.id)!;
    expect(shown).toMatchObject({ event: 'submitted', channel: 'sms', state: 'dead', attempts: 8, recipient: '张*', mobile: '138****1001' });
    expect(shown.lastError).toContain('HTTP 500');
    expect(shown.summary).toContain('新生儿出生');
    expect((await (await ApiClient.login(ts.url, 'citizen-zhang')).get('/api/admin/notices')).status).toBe(403);

    gateway().control({ failures: 0 });
    expect((await admin.post(`/api/admin/notices/${notice!.id}/retry`)).body).toEqual({ id: notice!.id, state: 'queued' });
    await allSent(filed.id, 1);
    expect(received([notice!.id])).toHaveLength(1);
    // Only a parked notice can be retried.
    expect((await admin.post(`/api/admin/notices/${notice!.id}/retry`)).status).toBe(409);
    expect((await admin.post('/api/admin/notices/not-an-id/retry')).status).toBe(404);
  });

  it('with SMS turned off, or without a mobile, writes in-site messages only; a refusal and a 补正 say why, masked', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    expect((await li.get<NotificationSettings>('/api/me/notification-settings')).body).toEqual({ sms: true, mobile: '139****1002' });
    const off = await li.put<NotificationSettings>('/api/me/notification-settings', { sms: false });
    expect(off.body).toEqual({ sms: false, mobile: '139****1002' });
    expect((await li.put('/api/me/notification-settings', { sms: 'no' })).status).toBeGreaterThanOrEqual(400);

    const filed = await fileNewborn(li, NEWBORN_ANSWERS);
    const delivered = async () =>
      (await db.query<{ id: string; department: string; status: string }>(`SELECT id, department, status FROM sub_applications WHERE application_id = $1 AND status = 'delivered' ORDER BY position`, [filed.id])).rows;
    const open = await until(async () => { const rows = await delivered(); return rows.length >= 2 && rows; }, 20_000, 'two items delivered');
    expect(open.length).toBeGreaterThanOrEqual(1);
    const first = open[0]!;
    const asked = await ApiClient.department(ts, first.department).post(`/api/sub-applications/${first.id}/actions`, {
      action: 'request-supplement',
      reason: '请核对，联系电话 13912345678',
      missing: { materials: ['birthMedicalRecord'] },
    });
    expect(asked.status).toBe(200);
    const refusedSub = open[1] ?? first;
    if (refusedSub !== first) {
      const refused = await ApiClient.department(ts, refusedSub.department).post(`/api/sub-applications/${refusedSub.id}/actions`, {
        action: 'reject',
        reason: `身份证号 ${NEWBORN_ANSWERS['father.idNumber']} 与户籍不符`,
      });
      expect(refused.status).toBe(200);
    }
    const channels = (await db.query<{ channel: string }>('SELECT DISTINCT channel FROM notices WHERE application_id = $1', [filed.id])).rows.map((r) => r.channel);
    expect(channels).toEqual(['inbox']);

    const page = (await li.get<NotificationsPage>('/api/me/notifications')).body;
    const supplement = page.rows.find((r) => r.event === 'supplement')!;
    expect(supplement.body).toContain('出生医学');
    // By when: the day the department fixed when it asked.
    expect(supplement.body).toMatch(/请于 \d{4}-\d{2}-\d{2} 前补正/);
    expect(supplement.body).toContain('139****5678');
    expect(supplement.body).not.toContain('13912345678');
    expect(supplement.bodyEn).toContain('supplement');
    if (refusedSub !== first) {
      const refusal = page.rows.find((r) => r.event === 'refused')!;
      expect(refusal.body).toContain('不予受理');
      expect(refusal.body).toContain('4301**********1237');
      expect(refusal.body).not.toContain(NEWBORN_ANSWERS['father.idNumber']);
    }

    // No mobile on record (any more): in-site only, whatever the setting.
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const again = await fileNewborn(wang);
    await db.query(`UPDATE users SET mobile = NULL WHERE id = 'citizen-wang'`);
    expect((await wang.get<NotificationSettings>('/api/me/notification-settings')).body.mobile).toBeNull();
    const [item] = await until(async () => {
      const rows = (await db.query<{ id: string; department: string }>(`SELECT id, department FROM sub_applications WHERE application_id = $1 AND status = 'delivered'`, [again.id])).rows;
      return rows.length > 0 && rows;
    }, 20_000, 'an item delivered');
    expect((await ApiClient.department(ts, item!.department).post(`/api/sub-applications/${item!.id}/actions`, { action: 'accept' })).status).toBe(200);
    const accepted = (await db.query<{ channel: string }>(`SELECT channel FROM notices WHERE application_id = $1 AND event = 'accepted'`, [again.id])).rows;
    expect(accepted.map((r) => r.channel)).toEqual(['inbox']);
  });

  it('sends each notice once with several workers claiming at once (FOR UPDATE SKIP LOCKED)', async () => {
    const more = [1, 2].map(() => ts.parts.createNoticeWorker({ gatewayUrl: `${sim.url}/sms/messages`, pollMs: 5 }));
    for (const w of more) w.start();
    try {
      const duplicates = gateway().stats.duplicates;
      const received = gateway().stats.received;
      const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
      const filed = await Promise.all([fileNewborn(zhang), fileNewborn(zhang), fileNewborn(zhang)]);
      for (const f of filed) await allSent(f.id, 1);
      const rows = (await db.query<{ attempts: number }>(`SELECT attempts FROM notices WHERE application_id = ANY($1::uuid[]) AND channel = 'sms'`, [filed.map((f) => f.id)])).rows;
      expect(rows.map((r) => r.attempts)).toEqual([1, 1, 1]);
      expect(gateway().stats.received - received).toBe(3);
      expect(gateway().stats.duplicates).toBe(duplicates);
    } finally {
      for (const w of more) await w.stop();
    }
  });

  it('writes nothing for a move it has no event for (a transition added later passes through), and announces an `ask`', async () => {
    const { rows } = await db.query<{ id: string; application_id: string }>('SELECT id, application_id FROM sub_applications LIMIT 1');
    const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM notices')).rows[0]!.n;
    const before = await count();
    const sub = { applicationId: rows[0]!.application_id, subApplicationId: rows[0]!.id };
    await db.transaction((tx) => notify(tx, { kind: 'moved', transition: 'some-later-move', ...sub }));
    expect(await count()).toBe(before);
    await db.transaction((tx) => notify(tx, { kind: 'moved', transition: 'ask', reason: '出生医学证明需您授权调取', ...sub }));
    const asked = (await db.query<{ event: string; payload: { reason: string } }>(`SELECT event, payload FROM notices WHERE application_id = $1 AND event = 'licence-needed'`, [sub.applicationId])).rows;
    expect(asked.length).toBeGreaterThanOrEqual(1);
    expect(asked[0]!.payload.reason).toBe('出生医学证明需您授权调取');
  });
});
