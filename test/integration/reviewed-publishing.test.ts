import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import type { SourceFile } from '../../shared/yaml-source.js';

type ErrorBody = { error: { code: string; message: string; details: { path: string; message: string }[] } };
type Change = { kind: string; risk: string; title: string };
type Proposal = { id: string; bundleId: string; version: string; against: string; status: string; risk: string; needsAdmin: boolean; changes: Change[]; files: { path: string; change: string }[]; authorName: string; reason: string | null; decidedByName: string | null };
type Inbox = { rows: { id: string }[] };

const BUNDLE = 'bundles/newborn.yaml';
const ITEM = 'items/birth-registration.yaml';

/**
 * 四眼原则 (issue #15): a designer's publish is a proposal; another person with the reviewer or
 * admin role approves it before it takes effect. Issue #15 item 2: re-routing 出生登记 to the bank
 * must not reach the bank's staff until a reviewer has approved it.
 */
describe.each(databaseTargets())('reviewed publishing on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let worker: DispatchWorker;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let designer: ApiClient;
  let reviewer: ApiClient;
  let admin: ApiClient;
  let files: SourceFile[];
  const text = (path: string) => files.find((f) => f.path === path)!.text;
  const bump = (version: string) => text(BUNDLE).replace('version: "1.0.0"', `version: "${version}"`);
  const propose = (changes: SourceFile[]) => designer.post<{ proposal: { id: string; status: string } } & ErrorBody>('/api/studio/bundles/newborn/versions', { base: '1.0.0', changes });
  const pending = async () => (await reviewer.get<Proposal[]>('/api/studio/proposals?status=pending')).body;
  const current = async () => (await designer.get<{ id: string; current: string }[]>('/api/studio/bundles')).body.find((b) => b.id === 'newborn')!.current;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    // 卫健 (whose 出生医学证明 comes first) is played by the simulator; 公安 and the bank are left to their staff.
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, ['police', 'bank']);
    worker.start();
    designer = await ApiClient.login(ts.url, 'designer');
    reviewer = await ApiClient.login(ts.url, 'reviewer');
    admin = await ApiClient.login(ts.url, 'admin');
    files = (await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/1.0.0/files')).body.files;
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it("re-routing 出生登记 to the bank is a pending high-risk proposal: the bank's staff read nothing new until a reviewer approves it", async () => {
    const rerouted = text(ITEM).replace(/^department: police$/m, 'department: bank');
    expect(rerouted).not.toBe(text(ITEM));
    const res = await propose([{ path: BUNDLE, text: bump('2.0.0') }, { path: ITEM, text: rerouted }]);
    expect(res.status, JSON.stringify(res.body)).toBe(202);
    expect(res.body.proposal).toMatchObject({ id: expect.any(String), status: 'pending' });
    expect(await current()).toBe('1.0.0');

    const proposal = (await pending()).find((p) => p.id === res.body.proposal.id)!;
    expect(proposal, JSON.stringify(await pending())).toBeDefined();
    expect(proposal).toMatchObject({ version: '2.0.0', against: '1.0.0', status: 'pending', risk: 'high', needsAdmin: false, authorName: '场景设计员' });
    const move = proposal.changes.find((c) => c.kind === 'department')!;
    expect(move.risk).toBe('high');
    expect(move.title).toContain('出生登记');
    expect(move.title).toContain('银行');
    expect(proposal.changes[0]!.risk).toBe('high');
    expect(proposal.files).toEqual([{ path: BUNDLE, change: 'changed' }, { path: ITEM, change: 'changed' }]);

    // Before approval: a citizen's new application still goes to 公安; the bank sees nothing.
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
    const bank = await ApiClient.login(ts.url, 'staff-bank');
    const police = await ApiClient.login(ts.url, 'staff-police');
    const before = await fileNewborn(citizen);
    expect(before.version).toBe('1.0.0');
    const beforeSub = before.items.find((i) => i.itemId === 'birth-registration')!;
    expect(beforeSub.department).toBe('police');
    await until(async () => (await police.get<Inbox>('/api/workbench/inbox')).body.rows.some((r) => r.id === beforeSub.id), 20_000, 'birth registration in the police inbox');
    expect((await bank.get<Inbox>('/api/workbench/inbox?status=all')).body.rows).toEqual([]);
    expect((await bank.get(`/api/workbench/sub-applications/${beforeSub.id}?reason=${encodeURIComponent('审核办理')}`)).status).toBe(404);

    // Its author cannot approve it; another reviewer can, and then it takes effect.
    expect((await designer.post(`/api/studio/proposals/${proposal.id}/approve`)).status).toBe(403);
    const approved = await reviewer.post<{ version: string; seq: number }>(`/api/studio/proposals/${proposal.id}/approve`);
    expect(approved.status, JSON.stringify(approved.body)).toBe(200);
    expect(approved.body).toMatchObject({ version: '2.0.0', seq: 2 });
    expect(await current()).toBe('2.0.0');
    expect((await citizen.get<{ version: string }>('/api/bundles/newborn/form')).body.version).toBe('2.0.0');
    expect((await reviewer.post<ErrorBody>(`/api/studio/proposals/${proposal.id}/approve`)).status).toBe(409);

    const after = await fileNewborn(citizen);
    const afterSub = after.items.find((i) => i.itemId === 'birth-registration')!;
    expect(afterSub.department).toBe('bank');
    await until(async () => (await bank.get<Inbox>('/api/workbench/inbox')).body.rows.some((r) => r.id === afterSub.id), 20_000, 'birth registration in the bank inbox');

    const audit = await db.query<{ actor_id: string; action: string }>(`SELECT actor_id, action FROM audit_log WHERE subject = $1 ORDER BY id`, [`proposal:${proposal.id}`]);
    expect(audit.rows).toEqual([
      { actor_id: 'designer', action: 'studio.propose' },
      { actor_id: 'reviewer', action: 'studio.approve' },
    ]);
  });

  it('nobody reviews their own proposal, even after being made a reviewer; a rejection needs a reason and is final', async () => {
    // Edited from the old 1.0.0, it would move 出生登记 back to 公安: the diff is against the current version.
    const stale = await propose([{ path: BUNDLE, text: bump('3.0.0') }]);
    expect((await pending()).find((p) => p.id === stale.body.proposal.id)!.changes.find((c) => c.kind === 'department')).toMatchObject({ risk: 'high', title: expect.stringContaining('公安') });
    expect((await reviewer.post(`/api/studio/proposals/${stale.body.proposal.id}/reject`, { reason: '基于旧版本' })).status).toBe(200);

    const v2 = (await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/2.0.0/files')).body.files.find((f) => f.path === BUNDLE)!.text;
    const res = await designer.post<{ proposal: { id: string } }>('/api/studio/bundles/newborn/versions', { base: '2.0.0', changes: [{ path: BUNDLE, text: v2.replace('version: "2.0.0"', 'version: "3.0.0"').replace(/^title: 新生儿出生一件事$/m, 'title: 新生儿出生一件事（第三版）') }] });
    expect(res.status).toBe(202);
    const id = res.body.proposal.id;
    expect((await pending()).find((p) => p.id === id)).toMatchObject({ against: '2.0.0', risk: 'low', changes: [expect.objectContaining({ kind: 'other', risk: 'low' })] });

    // A role granted later does not make the author a second pair of eyes.
    await db.query(`UPDATE users SET role = 'reviewer' WHERE id = 'designer'`);
    try {
      const own = await designer.post<ErrorBody>(`/api/studio/proposals/${id}/approve`);
      expect(own.status).toBe(403);
      expect(own.body.error.message).toBe('不能审核自己提交的发布申请');
      expect((await designer.post(`/api/studio/proposals/${id}/reject`, { reason: '自己驳回' })).status).toBe(403);
    } finally {
      await db.query(`UPDATE users SET role = 'designer' WHERE id = 'designer'`);
    }

    expect((await reviewer.post<ErrorBody>(`/api/studio/proposals/${id}/reject`, {})).status).toBe(400);
    expect((await reviewer.post<ErrorBody>(`/api/studio/proposals/${id}/reject`, { reason: '   ' })).status).toBe(400);
    const rejected = await reviewer.post<Proposal>(`/api/studio/proposals/${id}/reject`, { reason: '标题不符合规范' });
    expect(rejected.status).toBe(200);
    expect(rejected.body).toMatchObject({ status: 'rejected', reason: '标题不符合规范', decidedByName: '场景审核员' });
    expect((await reviewer.post(`/api/studio/proposals/${id}/approve`)).status).toBe(409);
    expect(await current()).toBe('2.0.0');
    expect((await designer.get<Proposal[]>('/api/studio/proposals?status=rejected')).body.map((p) => p.id)).toContain(id);
    const audit = await db.query<{ action: string; reason: string | null }>(`SELECT action, reason FROM audit_log WHERE subject = $1 ORDER BY id`, [`proposal:${id}`]);
    expect(audit.rows).toEqual([
      { action: 'studio.propose', reason: null },
      { action: 'studio.reject', reason: '标题不符合规范' },
    ]);
  });

  it('a proposal the current version has moved past is refused on approval', async () => {
    const base = (await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/2.0.0/files')).body.files.find((f) => f.path === BUNDLE)!.text;
    const a = await designer.post<{ proposal: { id: string } }>('/api/studio/bundles/newborn/versions', { base: '2.0.0', changes: [{ path: BUNDLE, text: base.replace('version: "2.0.0"', 'version: "4.0.0"') }] });
    const b = await designer.post<{ proposal: { id: string } }>('/api/studio/bundles/newborn/versions', { base: '2.0.0', changes: [{ path: BUNDLE, text: base.replace('version: "2.0.0"', 'version: "5.0.0"') }] });
    expect([a.status, b.status]).toEqual([202, 202]);
    expect((await reviewer.post(`/api/studio/proposals/${a.body.proposal.id}/approve`)).status).toBe(200);
    const stale = await reviewer.post<ErrorBody>(`/api/studio/proposals/${b.body.proposal.id}/approve`);
    expect(stale.status).toBe(409);
    expect(stale.body.error.details[0]!.message).toBe('当前版本为 4.0.0');
    expect(await current()).toBe('4.0.0');
  });

  it("a change of a department's delivery is high risk and only an administrator approves it", async () => {
    const base = (await designer.get<{ files: SourceFile[] }>('/api/studio/bundles/newborn/versions/4.0.0/files')).body.files;
    const departments = base.find((f) => f.path === 'departments.yaml')!.text;
    const hijacked = departments.replace('url: http://127.0.0.1:4100/departments/police', 'url: https://attacker.example/collect');
    expect(hijacked).not.toBe(departments);
    const bundle = base.find((f) => f.path === BUNDLE)!.text.replace('version: "4.0.0"', 'version: "6.0.0"');
    const res = await designer.post<{ proposal: { id: string } }>('/api/studio/bundles/newborn/versions', { base: '4.0.0', changes: [{ path: BUNDLE, text: bundle }, { path: 'departments.yaml', text: hijacked }] });
    expect(res.status).toBe(202);
    const p = (await pending()).find((x) => x.id === res.body.proposal.id)!;
    expect(p).toMatchObject({ risk: 'high', needsAdmin: true });
    expect(p.changes.find((c) => c.kind === 'delivery')).toMatchObject({ risk: 'high', title: expect.stringContaining('https://attacker.example/collect') });
    const refused = await reviewer.post<ErrorBody>(`/api/studio/proposals/${p.id}/approve`);
    expect(refused.status).toBe(403);
    expect(refused.body.error.details[0]!.path).toBe('delivery');
    expect(await current()).toBe('4.0.0');
    expect((await admin.post(`/api/studio/proposals/${p.id}/approve`)).status).toBe(200);
    expect(await current()).toBe('6.0.0');
    // Deliveries still go where the operator's scenario folder says, whatever a version holds.
    expect(ts.parts.targetFor('police')).toMatchObject({ url: 'http://127.0.0.1:4100/departments/police' });
  });

  it('a clerk, a citizen or staff can neither propose, list nor decide; the reviewer cannot propose', async () => {
    const res = await propose([{ path: BUNDLE, text: bump('7.0.0') }]);
    expect(res.status).toBe(202);
    const id = res.body.proposal.id;
    for (const user of ['clerk', 'citizen-li', 'staff-police']) {
      const other = await ApiClient.login(ts.url, user);
      expect((await other.get('/api/studio/proposals')).status, user).toBe(403);
      expect((await other.post(`/api/studio/proposals/${id}/approve`)).status, user).toBe(403);
      expect((await other.post(`/api/studio/proposals/${id}/reject`, { reason: 'x' })).status, user).toBe(403);
      expect((await other.post('/api/studio/bundles/newborn/versions', { base: '1.0.0' })).status, user).toBe(403);
      expect((await other.get('/api/studio/bundles')).status, user).toBe(403);
    }
    const clerk = await ApiClient.login(ts.url, 'clerk');
    for (const path of ['/api/workbench/inbox', '/api/admin/audit', '/api/stats/overview', '/api/admin/deliveries']) expect((await clerk.get(path)).status, path).toBe(403);
    expect((await reviewer.post('/api/studio/bundles/newborn/versions', { base: '1.0.0' })).status).toBe(403);
    expect((await reviewer.post('/api/studio/proposals/00000000-0000-4000-8000-000000000000/approve')).status).toBe(404);
    expect((await new ApiClient(ts.url).get('/api/studio/proposals')).status).toBe(401);
  });
});
