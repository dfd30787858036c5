// Issue #15 item 4: the smaller holes a hostile or careless client found, each answered as a client error.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';
import { fileNewborn, namedDraft } from '../helpers/newborn.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn: string }[] } };

describe.each(databaseTargets())('smaller holes on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let citizen: ApiClient;
  let admin: ApiClient;
  let draft: string;
  let answersUnchanged: () => Promise<void>;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { LOGIN_RATE_LIMIT: '1000', MAX_DRAFTS_PER_CITIZEN: '3' });
    citizen = await ApiClient.login(ts.url, 'citizen-li');
    admin = await ApiClient.login(ts.url, 'admin');
    ({ id: draft, unchanged: answersUnchanged } = await namedDraft(citizen));
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('answers a malformed percent-escape in the path with 400, logged as a warning without a stack', async () => {
    const before = ts.logLines.length;
    for (const path of ['/api/applications/%E0%A4%A', `/api/applications/%E0%A4%A/answers`, '/api/sub-applications/%ZZ']) {
      const res = await citizen.get<ErrorBody>(path);
      expect(res.status, path).toBe(400);
      expect(res.body).toEqual({
        error: { code: 'bad_request', message: '请求路径中有无效的百分号编码', messageEn: 'The request path has a malformed percent-escape', details: [{ path: 'url', message: '百分号编码无效', messageEn: 'malformed percent-escape' }] },
      });
    }
    const lines = ts.logLines.slice(before).map((l) => JSON.parse(l) as { level: number; err?: unknown; msg: string });
    expect(lines.filter((l) => l.level >= 50)).toEqual([]);
    expect(lines.filter((l) => l.err !== undefined)).toEqual([]);
    expect(lines.filter((l) => l.level === 40)).toHaveLength(3);
    await answersUnchanged();
  });

  it('answers an out-of-range date in the audit query with 400 naming the parameter', async () => {
    for (const [name, value] of [
      ['from', '2026-13-45T00:00:00Z'],
      ['from', '9999999-01-01T00:00:00Z'],
      ['to', '2026-02-30T00:00:00Z'],
      ['from', '2026-01-01T25:00:00Z'],
    ] as const) {
      const res = await admin.get<ErrorBody>(`/api/admin/audit?${name}=${encodeURIComponent(value)}`);
      expect(res.status, value).toBe(400);
      // Already refused by the route's contract (format date-time checks the calendar): pinned here.
      expect(res.body).toEqual({ error: { code: 'bad_request', message: '查询参数无效', messageEn: 'Invalid query parameters', details: [{ path: name, message: '应为 ISO 8601 日期时间', messageEn: 'must be an ISO 8601 date-time' }] } });
    }
    expect((await admin.get('/api/admin/audit?from=2026-01-01T00:00:00Z')).status).toBe(200);
  });

  it('caps the details of 80,000 unknown keys (under the 1 MB body limit) at 100 and says how many more', async () => {
    const answers: Record<string, string> = { 'child.name': '李四' };
    for (let i = 0; i < 80_000; i++) answers[`k${i}`] = 'x';
    const res = await citizen.request<ErrorBody>('PUT', `/api/applications/${draft}/answers`, JSON.stringify({ answers }));
    expect(res.status).toBe(422);
    const notInForm = (path: string) => ({ path, message: '不是本事项表单中的字段', messageEn: 'is not a field of this form' });
    expect(res.body).toEqual({
      error: {
        code: 'validation_failed',
        message: '填写内容有误（另有 79900 处未列出）',
        messageEn: 'Some values are invalid (79900 more not listed)',
        details: [...Array.from({ length: 100 }, (_, i) => notInForm(`k${i}`)), { path: '', message: '另有 79900 处未列出', messageEn: '79900 more not listed' }],
      },
    });
    expect(JSON.stringify(res.body).length).toBeLessThan(16_384);
    // A route's own unknown keys alike.
    const body: Record<string, unknown> = { bundleId: 'newborn' };
    for (let i = 0; i < 80_000; i++) body[`k${i}`] = 1;
    const post = await citizen.post<ErrorBody>('/api/applications', body);
    expect(post.status).toBe(422);
    expect(post.body.error.details).toHaveLength(101);
    expect(post.body.error.details[100]).toEqual({ path: '', message: '另有 79900 处未列出', messageEn: '79900 more not listed' });
    expect(post.body.error.message).toBe('请求中有无法识别的字段（另有 79900 处未列出）');
    expect(post.body.error.messageEn).toBe('The request has fields this route does not take (79900 more not listed)');
    await answersUnchanged();
  });

  it('marks every personal /api answer Cache-Control: no-store', async () => {
    for (const path of ['/api/auth/me', '/api/applications', `/api/applications/${draft}`, `/api/applications/${draft}/evaluation`, '/api/bundles/newborn/form', '/api/applications/nope']) {
      const res = await citizen.get(path);
      expect(res.headers.get('cache-control'), path).toBe('no-store');
    }
    expect((await admin.get('/api/admin/audit')).headers.get('cache-control')).toBe('no-store');
    expect((await new ApiClient(ts.url).get('/api/auth/me')).headers.get('cache-control')).toBe('no-store');
  });

  it('revokes the session a browser carried when it signs in again', async () => {
    const c = await ApiClient.login(ts.url, 'citizen-zhang');
    const old = c.cookieHeader;
    expect((await c.post('/api/auth/dev-login', { user: 'citizen-zhang' })).status).toBe(200);
    expect(c.cookieHeader).not.toBe(old);
    const replay = await new ApiClient(ts.url).request<{ user: unknown }>('GET', '/api/auth/me', undefined, { cookie: old });
    expect(replay.body).toEqual({ user: null, csrfToken: null });
    expect((await c.get<{ user: { id: string } }>('/api/auth/me')).body.user.id).toBe('citizen-zhang');
  });

  it('limits drafts per citizen, and deletes the citizen\'s own draft with its upload links but not the shared file', async () => {
    const c = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(c);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await c.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }
    const count = async () => (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE applicant_id = 'citizen-wang'`)).rows[0]!.n;
    expect(await count()).toBe(4);
    const fourth = await c.post<ErrorBody>('/api/applications', { bundleId: 'newborn' });
    expect(fourth.status).toBe(409);
    expect(fourth.body).toEqual({
      error: { code: 'conflict', message: '草稿已达上限 3 份，请先提交或删除不需要的草稿', messageEn: 'You already have 3 drafts, the most allowed; submit or delete one first', details: [{ path: 'bundleId', message: '草稿最多 3 份', messageEn: 'at most 3 drafts' }] },
    });
    expect(await count()).toBe(4);

    // Two drafts holding the same file: stored once by content, linked twice.
    const [material] = (await db.query<{ code: string }>('SELECT code FROM application_materials WHERE application_id = $1 LIMIT 1', [filed.id])).rows;
    for (const id of [ids[0], ids[1]]) expect((await c.upload(`/api/applications/${id}/materials/${material!.code}`, pdf('shared'), 'shared.pdf')).status).toBe(201);
    const blobs = async () => (await db.query('SELECT sha256 FROM blobs ORDER BY sha256')).rows;
    const blobsBefore = await blobs();

    // Another's draft is not found; a filed application is not a draft.
    const other = await citizen.request<ErrorBody>('DELETE', `/api/applications/${ids[0]}`);
    expect(other.status).toBe(404);
    expect(other.body).toEqual({ error: { code: 'not_found', message: '申请不存在', messageEn: 'No such application', details: [] } });
    const submitted = await c.request<ErrorBody>('DELETE', `/api/applications/${filed.id}`);
    expect(submitted.status).toBe(409);
    expect(submitted.body).toEqual({ error: { code: 'conflict', message: '申请已提交，不能删除', messageEn: 'The application was submitted and cannot be deleted', details: [] } });
    expect((await c.get<{ status: string }>(`/api/applications/${filed.id}`)).body.status).not.toBe('draft');

    const del = await c.request('DELETE', `/api/applications/${ids[0]}`);
    expect(del.status).toBe(204);
    expect((await c.get(`/api/applications/${ids[0]}`)).status).toBe(404);
    expect((await db.query('SELECT 1 FROM application_materials WHERE application_id = $1', [ids[0]])).rows).toEqual([]);
    expect(await blobs()).toEqual(blobsBefore);
    expect((await db.query('SELECT code FROM application_materials WHERE application_id = $1', [ids[1]])).rows).toEqual([{ code: material!.code }]);
    expect((await c.request('DELETE', `/api/applications/${ids[0]}`)).status).toBe(404);
    // Room for one more draft again.
    expect((await c.post('/api/applications', { bundleId: 'newborn' })).status).toBe(201);
    await answersUnchanged();
  });
});

describe.each(databaseTargets())('the sign-in limit across processes on $kind', ({ open }) => {
  let db: TestDatabase;
  const servers: TestServer[] = [];

  beforeAll(async () => {
    db = await open();
  });
  afterAll(async () => {
    for (const s of servers) await s.close();
    await db?.close();
  });

  async function signIn(ts: TestServer, forwardedFor?: string): Promise<{ status: number; body: unknown; retry: string | null }> {
    const res = await fetch(`${ts.url}/api/auth/dev-login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}) },
      body: '{"user":"citizen-zhang"}',
    });
    return { status: res.status, body: await res.json(), retry: res.headers.get('retry-after') };
  }

  it('counts attempts in the database, shared by two processes, and believes X-Forwarded-For only from a trusted proxy', async () => {
    const a = await startServer(db, { LOGIN_RATE_LIMIT: '4', TRUST_PROXY: 'none' });
    const b = await startServer(db, { LOGIN_RATE_LIMIT: '4', TRUST_PROXY: 'none' });
    servers.push(a, b);
    // Each claims another address; with no proxy trusted they are all the one peer, 127.0.0.1.
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await signIn(i % 2 ? b : a, `198.51.100.${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 200]);
    for (const ts of [a, b]) {
      const refused = await signIn(ts, '198.51.100.200');
      expect(refused.status).toBe(429);
      expect(refused.retry).toMatch(/^\d+$/);
      expect(refused.body).toEqual({ error: { code: 'too_many_requests', message: `尝试过于频繁，请 ${refused.retry} 秒后再试`, messageEn: `Too many attempts; try again in ${refused.retry} s`, details: [] } });
    }
    const rows = await db.query<{ client: string; count: number }>('SELECT client, count FROM login_attempts ORDER BY client');
    expect(rows.rows).toEqual([{ client: expect.stringMatching(/127\.0\.0\.1$/) as string, count: 6 }]);
    expect((await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM sessions WHERE user_id = 'citizen-zhang'`)).rows[0]).toEqual({ n: 4 });

    // By default a proxy on this host (loopback) is believed: the client it names has its own count.
    const c = await startServer(db, { LOGIN_RATE_LIMIT: '4' });
    servers.push(c);
    expect((await signIn(c)).status).toBe(429);
    expect((await signIn(c, '203.0.113.9')).status).toBe(200);
    expect((await db.query('SELECT count FROM login_attempts WHERE client = $1', ['203.0.113.9'])).rows).toEqual([{ count: 1 }]);
  });
});
