import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string }[] } };

describe.each(databaseTargets())('bad input on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let citizen: ApiClient;
  let draft: string;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { LOGIN_RATE_LIMIT: '8' });
    citizen = await ApiClient.login(ts.url, 'citizen-li');
    draft = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '张小明' } })).status).toBe(200);
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  async function answersUnchanged(): Promise<void> {
    const d = await citizen.get<{ answers: Record<string, unknown> }>(`/api/applications/${draft}`);
    expect(d.body.answers).toEqual({ 'child.name': '张小明' });
  }

  it('answers malformed JSON with 400, another content type with 415, a huge body with 413', async () => {
    const url = `/api/applications/${draft}/answers`;
    const malformed = await citizen.request<ErrorBody>('PUT', url, '{"answers": {', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('bad_request');
    expect(malformed.body.error.messageEn).toMatch(/JSON/);
    const wrongType = await citizen.request<ErrorBody>('PUT', url, 'answers=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    const huge = await citizen.request<ErrorBody>('PUT', url, JSON.stringify({ answers: { 'child.name': 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(huge.body.error.code).toBe('payload_too_large');
    await answersUnchanged();
  });

  it('refuses deeply nested JSON before any handler walks it', async () => {
    const deep = '{"answers":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
    const res = await citizen.request<ErrorBody>('PUT', `/api/applications/${draft}/answers`, deep);
    expect(res.status).toBe(400);
    expect(res.body.error.messageEn).toMatch(/nested/);
    await answersUnchanged();
  });

  it('treats __proto__ and constructor keys as unknown fields, and pollutes nothing', async () => {
    const res = await citizen.request<ErrorBody>('PUT', `/api/applications/${draft}/answers`, '{"answers":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}');
    expect(res.status).toBe(422);
    expect(res.body.error.details.map((d) => d.path).sort()).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    await answersUnchanged();
  });

  it('stores SQL fragments in free text verbatim and never executes them', async () => {
    const sql = "'); DROP TABLE applications; --";
    const put = await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '张小明', 'child.birthPlace': sql } });
    expect(put.status).toBe(200);
    const back = await citizen.get<{ answers: Record<string, unknown> }>(`/api/applications/${draft}`);
    expect(back.body.answers['child.birthPlace']).toBe(sql);
    expect((await db.query('SELECT count(*)::int AS n FROM applications')).rows[0]).toEqual({ n: 1 });
    // In a query parameter too.
    const staff = new ApiClient(ts.url, ts.parts.departmentTokens.get('police'));
    const q = await staff.get<ErrorBody>(`/api/departments/police/sub-applications?status=${encodeURIComponent("delivered' OR '1'='1")}`);
    expect(q.status).toBe(400);
    expect(q.body.error.details[0]!.path).toBe('status');
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '张小明' } })).status).toBe(200);
  });

  it('answers guessed and malformed ids with 404, not 500', async () => {
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1' OR '1'='1"]) {
      expect((await citizen.get(`/api/applications/${encodeURIComponent(id)}`)).status).toBe(404);
    }
    const police = new ApiClient(ts.url, ts.parts.departmentTokens.get('police'));
    expect((await police.get('/api/sub-applications/not-a-uuid')).status).toBe(404);
    expect((await police.post('/api/sub-applications/00000000-0000-0000-0000-000000000000/actions', { action: 'accept' })).status).toBe(404);
  });

  it('limits sign-in attempts per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await new ApiClient(ts.url).post('/api/auth/dev-login', { user: 'citizen-zhang' })).status);
    // One sign-in happened in beforeAll; the limit is 8 per minute.
    expect(statuses.slice(0, 7).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(7).every((s) => s === 429)).toBe(true);
    const res = await fetch(`${ts.url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"citizen-zhang"}' });
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('sends security headers with a CSP that needs no unsafe-eval', async () => {
    const res = await fetch(`${ts.url}/`);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });
});
