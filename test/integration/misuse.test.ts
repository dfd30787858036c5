import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomUUID } from 'node:crypto';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, until, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS, fileNewborn, type Filed, namedDraft } from '../helpers/newborn.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn?: string }[] } };

describe.each(databaseTargets())('bad input on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let citizen: ApiClient;
  let draft: string;
  let answersUnchanged: () => Promise<void>;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { LOGIN_RATE_LIMIT: '8', PROGRESS_RATE_LIMIT: '5' });
    citizen = await ApiClient.login(ts.url, 'citizen-li');
    ({ id: draft, unchanged: answersUnchanged } = await namedDraft(citizen));
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
  });

  it('answers malformed JSON with 400, another content type with 415, a huge body with 413', async () => {
    const url = `/api/applications/${draft}/answers`;
    const malformed = await citizen.request<ErrorBody>('PUT', url, '{"answers": {', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.body).toEqual({ error: { code: 'bad_request', message: '请求体不是合法的 JSON', messageEn: 'Request body is not valid JSON', details: [] } });
    const wrongType = await citizen.request<ErrorBody>('PUT', url, 'answers=1', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body).toEqual({
      error: {
        code: 'unsupported_media_type',
        message: '不支持的内容类型 application/x-www-form-urlencoded，请使用 application/json 或 multipart/form-data',
        messageEn: 'Unsupported Content-Type application/x-www-form-urlencoded; use application/json or multipart/form-data',
        details: [],
      },
    });
    const huge = await citizen.request<ErrorBody>('PUT', url, JSON.stringify({ answers: { 'child.name': 'x'.repeat(2 * 1024 * 1024) } }));
    expect(huge.status).toBe(413);
    expect(huge.body).toEqual({ error: { code: 'payload_too_large', message: '请求内容过大', messageEn: 'Payload too large', details: [] } });
    await answersUnchanged();
  });

  it('refuses deeply nested JSON before any handler walks it', async () => {
    const deep = '{"answers":' + '{"a":'.repeat(5000) + '1' + '}'.repeat(5000) + '}';
    const res = await citizen.request<ErrorBody>('PUT', `/api/applications/${draft}/answers`, deep);
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: { code: 'bad_request', message: 'JSON 嵌套层级超过 32 层', messageEn: 'JSON nested deeper than 32 levels', details: [{ path: '', message: '嵌套不得超过 32 层', messageEn: 'must not nest deeper than 32 levels' }] },
    });
    await answersUnchanged();
  });

  it('treats __proto__ and constructor keys as unknown fields, and pollutes nothing', async () => {
    const res = await citizen.request<ErrorBody>('PUT', `/api/applications/${draft}/answers`, '{"answers":{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}');
    expect(res.status).toBe(422);
    const notInForm = (path: string) => ({ path, message: '不是本事项表单中的字段', messageEn: 'is not a field of this form' });
    expect(res.body).toEqual({ error: { code: 'validation_failed', message: '填写内容有误', messageEn: 'Some values are invalid', details: [notInForm('__proto__'), notInForm('constructor')] } });
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
    const staff = ApiClient.department(ts, 'police');
    const q = await staff.get<ErrorBody>(`/api/departments/police/sub-applications?status=${encodeURIComponent("delivered' OR '1'='1")}`);
    expect(q.status).toBe(400);
    expect(q.body.error).toMatchObject({ code: 'bad_request', message: 'status 参数无效', messageEn: 'Invalid status parameter' });
    expect(q.body.error.details.map((d) => d.path)).toEqual(['status']);
    expect((await citizen.put(`/api/applications/${draft}/answers`, { answers: { 'child.name': '张小明' } })).status).toBe(200);
  });

  it('answers guessed and malformed ids with 404, not 500', async () => {
    const noApplication = { error: { code: 'not_found', message: '申请不存在', messageEn: 'No such application', details: [] } };
    for (const id of ['00000000-0000-0000-0000-000000000000', 'not-a-uuid', "1' OR '1'='1"]) {
      const res = await citizen.get(`/api/applications/${encodeURIComponent(id)}`);
      expect(res.status, id).toBe(404);
      expect(res.body, id).toEqual(noApplication);
    }
    const noItem = { error: { code: 'not_found', message: '事项不存在', messageEn: 'No such sub-application', details: [] } };
    const police = ApiClient.department(ts, 'police');
    const read = await police.get('/api/sub-applications/not-a-uuid');
    expect(read.status).toBe(404);
    expect(read.body).toEqual(noItem);
    const act = await police.post('/api/sub-applications/00000000-0000-0000-0000-000000000000/actions', { action: 'accept' });
    expect(act.status).toBe(404);
    expect(act.body).toEqual(noItem);
    await answersUnchanged();
  });

  it('limits sign-in attempts per client address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 10; i++) statuses.push((await new ApiClient(ts.url).post('/api/auth/dev-login', { user: 'citizen-zhang' })).status);
    // One sign-in happened in beforeAll; the limit is 8 per minute.
    expect(statuses.slice(0, 7).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(7).every((s) => s === 429)).toBe(true);
    const res = await fetch(`${ts.url}/api/auth/dev-login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"user":"citizen-zhang"}' });
    expect(res.status).toBe(429);
    const retry = res.headers.get('retry-after') ?? '';
    expect(retry).toMatch(/^\d+$/);
    expect(await res.json()).toEqual({ error: { code: 'too_many_requests', message: `尝试过于频繁，请 ${retry} 秒后再试`, messageEn: `Too many attempts; try again in ${retry} s`, details: [] } });
    await answersUnchanged();
  });

  it('limits public progress queries per client address, counted apart from sign-ins', async () => {
    // Runs after the sign-in test has used up this address's sign-ins: the progress query still answers.
    const anon = new ApiClient(ts.url);
    const query = `/api/progress?number=${'9'.repeat(20)}&code=ABCD-2345`;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await anon.get(query)).status);
    expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]);
    const res = await fetch(`${ts.url}${query}`);
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    expect(((await res.json()) as ErrorBody).error.code).toBe('too_many_requests');
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

type Detail = {
  id: string;
  status: string;
  answers: Record<string, unknown>;
  items: { id: string; itemId: string; department: string; status: string; reason: string | null; supplement: { reason: string | null } | null }[];
  rating: { score: number; comment: string | null } | null;
};
type Sub = { id: string; status: string; fields: Record<string, unknown> };

const CSRF_REFUSED = {
  error: {
    code: 'forbidden',
    message: '缺少或错误的 CSRF 令牌，请刷新页面后重试',
    messageEn: 'Missing or wrong CSRF token; reload the page and try again',
    details: [{ path: 'X-CSRF-Token', message: '应为本次登录时返回的 csrfToken', messageEn: 'must be the csrfToken this session was given' }],
  },
};
const unknownKey = (path: string) => ({ path, message: '不是此请求的字段', messageEn: 'is not a field of this request' });
const unknownKeys = (...paths: string[]) => ({
  error: { code: 'validation_failed', message: '请求中有无法识别的字段', messageEn: 'The request has fields this route does not take', details: paths.map(unknownKey) },
});
const unstorable = (...paths: string[]) => ({
  error: {
    code: 'bad_request',
    message: '请求中含有无法保存的字符（NUL 或不成对的 UTF-16 代理项）',
    messageEn: 'The request contains characters that cannot be stored (NUL or an unpaired UTF-16 surrogate)',
    details: paths.map((path) => ({ path, message: '不能包含 NUL 字符或不成对的 UTF-16 代理项', messageEn: 'must not contain a NUL character or an unpaired UTF-16 surrogate' })),
  },
});

/** What a hostile client types into free text and query parameters. */
const SQL = ["'); DROP TABLE applications; --", "1' OR '1'='1", '"; DELETE FROM sessions; --', "x' UNION SELECT csrf_token FROM sessions --"] as const;

const TABLES = ['users', 'sessions', 'bundle_versions', 'applications', 'sub_applications', 'sub_application_events', 'blobs', 'application_materials', 'archive', 'audit_log', 'ratings'] as const;
type Table = (typeof TABLES)[number];

/** A request as a browser page could be made to send it: the cookie rides along, headers are only what the caller sets. */
async function raw<T = unknown>(base: string, method: string, url: string, o: { cookie?: string; csrf?: string; json?: unknown; form?: FormData } = {}): Promise<{ status: number; body: T; headers: Headers }> {
  const headers: Record<string, string> = {};
  if (o.cookie !== undefined) headers.cookie = o.cookie;
  if (o.csrf !== undefined) headers['x-csrf-token'] = o.csrf;
  let body: string | FormData | undefined;
  if (o.form) body = o.form;
  else if (o.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(o.json);
  }
  const res = await fetch(base + url, { method, headers, body, redirect: 'manual' });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** The attributes of a Set-Cookie header, as sent. */
function cookieAttributes(header: string | null): string[] {
  return (header ?? '').split(';').map((a) => a.trim());
}

/**
 * What a hostile or careless client tries: requests without (or with a wrong) CSRF token, keys a
 * route does not take, SQL in every free-text field and query parameter, text PostgreSQL cannot
 * store. Each refusal is checked for its status, its whole error body, and that nothing accepted
 * earlier was lost or changed. Uploads: misuse-uploads.test.ts.
 */
describe.each(databaseTargets())('hostile and careless clients on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let other: ApiClient;
  let health: ApiClient;
  let admin: ApiClient;
  let designer: ApiClient;
  /** Filed; its 出生医学证明 item sits in 卫健's (health) inbox. */
  let filed: Filed;
  let healthSub: string;
  /** Complete and with every upload, not yet filed: a real target for submit. */
  let ready: string;
  const staff = new Map<string, ApiClient>();

  async function staffOf(department: string): Promise<ApiClient> {
    let c = staff.get(department);
    if (!c) {
      c = await ApiClient.login(ts.url, `staff-${department}`);
      staff.set(department, c);
    }
    return c;
  }

  /** Everything a request could change, compared before and after each refused one. */
  async function snapshot() {
    const rows = async (sql: string) => (await db.query<Record<string, unknown>>(sql)).rows;
    return {
      applications: await rows('SELECT id, status, answers, submit_key, updated_at FROM applications ORDER BY id'),
      subApplications: await rows('SELECT id, status, round, supplement, reason, outputs, payload, updated_at FROM sub_applications ORDER BY id'),
      events: await rows('SELECT count(*)::int AS n FROM sub_application_events'),
      materials: await rows('SELECT application_id, code, sha256, file_name, uploaded_at FROM application_materials ORDER BY application_id, code'),
      blobs: await rows('SELECT sha256, size, mime FROM blobs ORDER BY sha256'),
      ratings: await rows('SELECT application_id, score, comment FROM ratings ORDER BY application_id'),
      sessions: await rows('SELECT id, revoked_at FROM sessions ORDER BY id'),
      versions: await rows('SELECT bundle_id, version FROM bundle_versions ORDER BY bundle_id, version'),
      audit: await rows('SELECT count(*)::int AS n FROM audit_log'),
    };
  }

  /** Every table still there, and the rows a DROP or DELETE would have taken. */
  async function counts(): Promise<Record<Table, number>> {
    const entries: [Table, number][] = [];
    for (const t of TABLES) entries.push([t, (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`)).rows[0]!.n]);
    return Object.fromEntries(entries) as Record<Table, number>;
  }

  /** The worker has sent everything it may: nothing left queued. */
  async function settled(): Promise<void> {
    await until(async () => (await db.query(`SELECT 1 FROM sub_applications WHERE status = 'queued'`)).rows.length === 0, 10_000, 'the inbox deliveries');
  }

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { LOGIN_RATE_LIMIT: '1000' });
    // Every department works in the web inbox: staff act with their session, no simulator involved.
    worker = ts.parts.createWorker({ targetFor: () => ({ channel: 'inbox' }), pollMs: 20 });
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    other = await ApiClient.login(ts.url, 'citizen-zhang');
    health = await staffOf('health');
    admin = await ApiClient.login(ts.url, 'admin');
    designer = await ApiClient.login(ts.url, 'designer');
    filed = await fileNewborn(citizen);
    healthSub = filed.items.find((i) => i.itemId === 'birth-certificate')!.id;
    ready = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${ready}/answers`, { answers: NEWBORN_ANSWERS })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${ready}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${ready}/materials/${m.code}`, pdf(`${m.code} ready`), `${m.code}.pdf`)).status).toBe(201);
    }
    await settled();
    expect((await health.get(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('审核办理')}`)).status).toBe(200);
  });
  afterAll(async () => {
    await worker?.stop();
    await ts?.close();
    await db?.close();
  });

  it('sets the session cookie HttpOnly, SameSite=Lax, Path=/ with a lifetime, Secure only when PUBLIC_URL is https; logout clears it alike', async () => {
    const signIn = (base: string) => raw<{ csrfToken: string }>(base, 'POST', '/api/auth/dev-login', { json: { user: 'citizen-zhang' } });
    const names = (attrs: string[]) => attrs.slice(1).map((a) => a.split('=')[0]!.toLowerCase()).sort();

    const plain = await signIn(ts.url);
    const attrs = cookieAttributes(plain.headers.get('set-cookie'));
    expect(attrs[0]).toMatch(/^yjs_sid=[\w-]+\.[\w-]+$/);
    expect(attrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', `Max-Age=${12 * 3600}`]));
    // Over plain http (the default PUBLIC_URL) a Secure cookie would never come back.
    expect(names(attrs)).toEqual(['expires', 'httponly', 'max-age', 'path', 'samesite']);
    const out = await raw(ts.url, 'POST', '/api/auth/logout', { cookie: attrs[0]!, csrf: plain.body.csrfToken });
    expect(out.status).toBe(204);
    const cleared = cookieAttributes(out.headers.get('set-cookie'));
    expect(cleared).toEqual(['yjs_sid=', 'Path=/', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'SameSite=Lax']);

    const behindHttps = await startServer(db, { PUBLIC_URL: 'https://yjs.example.gov.cn', LOGIN_RATE_LIMIT: '1000' });
    try {
      const secure = await signIn(behindHttps.url);
      const secureAttrs = cookieAttributes(secure.headers.get('set-cookie'));
      expect(names(secureAttrs)).toEqual(['expires', 'httponly', 'max-age', 'path', 'samesite', 'secure']);
      expect(secureAttrs).toEqual(expect.arrayContaining(['HttpOnly', 'SameSite=Lax', 'Path=/', 'Secure']));
      const secureOut = await raw(behindHttps.url, 'POST', '/api/auth/logout', { cookie: secureAttrs[0]!, csrf: secure.body.csrfToken });
      expect(secureOut.status).toBe(204);
      expect(cookieAttributes(secureOut.headers.get('set-cookie'))).toEqual(['yjs_sid=', 'Path=/', 'Expires=Thu, 01 Jan 1970 00:00:00 GMT', 'HttpOnly', 'Secure', 'SameSite=Lax']);
    } finally {
      await behindHttps.close();
    }
  });

  it('refuses every state-changing operation in /api/openapi.json made with a live session cookie but no, an empty, a wrong or another session\'s X-CSRF-Token', async () => {
    const doc = await new ApiClient(ts.url).get<{ paths: Record<string, Record<string, unknown>> }>('/api/openapi.json');
    const ops = Object.entries(doc.body.paths).flatMap(([p, methods]) => Object.keys(methods).filter((m) => m !== 'get').map((m) => ({ method: m.toUpperCase(), path: p })));
    // There are no exceptions: even dev-login is refused while a session is live (see the next case for signing in without one).
    expect(ops.map((o) => `${o.method} ${o.path}`).sort()).toEqual(
      expect.arrayContaining([
        'POST /admin/deliveries/{id}/retry',
        'POST /applications',
        'POST /applications/{id}/materials/{code}',
        'POST /applications/{id}/rating',
        'POST /applications/{id}/submit',
        'POST /applications/{id}/supplements/{subId}',
        'POST /auth/dev-login',
        'POST /auth/logout',
        'POST /studio/bundles/{id}/check',
        'POST /studio/bundles/{id}/versions',
        'POST /sub-applications/{id}/actions',
        'PUT /applications/{id}/answers',
      ]),
    );

    /**
     * Who would be allowed to make the call, with real ids and a body the route would act on: were
     * the token not checked, each request would do something (file `ready`, accept the item, sign out…).
     */
    const fixture = (method: string, p: string): { who: ApiClient; url: string; json?: unknown; form?: FormData } => {
      const ids: Record<string, string> = { subId: healthSub, code: 'birthMedicalRecord' };
      let who = citizen;
      if (p.startsWith('/studio/')) [who, ids.id] = [designer, 'newborn'];
      else if (p.startsWith('/admin/')) [who, ids.id] = [admin, healthSub];
      else if (p.startsWith('/sub-applications/')) [who, ids.id] = [health, healthSub];
      else ids.id = p.endsWith('/rating') || p.includes('/supplements/') ? filed.id : ready;
      const url = '/api' + p.replace(/\{(\w+)\}/g, (_m, name: string) => encodeURIComponent(ids[name] ?? randomUUID()));
      const bodies: Record<string, unknown> = {
        'POST /auth/dev-login': { user: 'citizen-zhang' },
        'POST /applications': { bundleId: 'newborn' },
        'PUT /applications/{id}/answers': { answers: { 'child.name': '李四' } },
        'POST /applications/{id}/supplements/{subId}': { answers: {} },
        'POST /applications/{id}/rating': { score: 1 },
        'POST /sub-applications/{id}/actions': { action: 'accept' },
        'POST /studio/bundles/{id}/check': { base: '1.0.0', files: {} },
        'POST /studio/bundles/{id}/versions': { base: '1.0.0', files: {} },
      };
      const key = `${method} ${p}`;
      if (key === 'POST /applications/{id}/materials/{code}') {
        const form = new FormData();
        form.append('file', new Blob([pdf('a replacement the applicant never chose')], { type: 'application/pdf' }), 'forged.pdf');
        return { who, url, form };
      }
      return { who, url, ...(key in bodies ? { json: bodies[key] } : {}) };
    };

    const anotherSessionsToken = (await other.get<{ csrfToken: string }>('/api/auth/me')).body.csrfToken;
    expect(anotherSessionsToken).toMatch(/^[\w-]{20,}$/);
    const before = await snapshot();
    for (const op of ops) {
      for (const [label, csrf] of [['no', undefined], ['an empty', ''], ['a wrong', 'x'.repeat(32)], ["another session's", anotherSessionsToken]] as const) {
        const f = fixture(op.method, op.path);
        const res = await raw<ErrorBody>(ts.url, op.method, f.url, { cookie: f.who.cookieHeader, ...(csrf === undefined ? {} : { csrf }), ...(f.json === undefined ? {} : { json: f.json }), ...(f.form ? { form: f.form } : {}) });
        expect(res.status, `${op.method} ${op.path} with ${label} token`).toBe(403);
        expect(res.body, `${op.method} ${op.path} with ${label} token`).toEqual(CSRF_REFUSED);
      }
    }
    // Nothing was created, filed, uploaded, rated, accepted, retried or published, and no session was revoked.
    expect(await snapshot()).toEqual(before);
    for (const c of [citizen, health, admin, designer]) expect((await c.get<{ user: { id: string } | null }>('/api/auth/me')).body.user).not.toBeNull();
    // The same requests with the right token do reach the routes (so the 403s above were the token's doing).
    const put = await citizen.put<{ answers: Record<string, unknown> }>(`/api/applications/${ready}/answers`, { answers: NEWBORN_ANSWERS });
    expect(put.status).toBe(200);
  });

  it('signs in without a token only where there is no live session to hold one: no cookie, or a revoked one', async () => {
    // Pre-session: the token comes with the session, so the first sign-in cannot carry one. A
    // cross-site form can only sign the victim into an account the attacker names (login CSRF),
    // which a live session refuses (above) and which leaves a signed-out browser signed out of nothing.
    const fresh = await raw<{ user: { id: string }; csrfToken: string }>(ts.url, 'POST', '/api/auth/dev-login', { json: { user: 'citizen-zhang' } });
    expect(fresh.status).toBe(200);
    expect(fresh.body.user.id).toBe('citizen-zhang');
    const stale = cookieAttributes(fresh.headers.get('set-cookie'))[0]!;
    expect((await raw(ts.url, 'POST', '/api/auth/logout', { cookie: stale, csrf: fresh.body.csrfToken })).status).toBe(204);
    const before = await snapshot();
    // A revoked cookie is no session: its old token no longer counts for anything…
    const write = await raw<ErrorBody>(ts.url, 'POST', '/api/applications', { cookie: stale, csrf: fresh.body.csrfToken, json: { bundleId: 'newborn' } });
    expect(write.status).toBe(401);
    expect(write.body).toEqual({ error: { code: 'unauthorized', message: '请先登录', messageEn: 'Sign-in required', details: [] } });
    expect(await snapshot()).toEqual(before);
    // …and signing in again needs none.
    const again = await raw<{ user: { id: string } }>(ts.url, 'POST', '/api/auth/dev-login', { cookie: stale, json: { user: 'citizen-zhang' } });
    expect(again.status).toBe(200);
    expect(again.body.user.id).toBe('citizen-zhang');
    // Department systems send no cookie, so CSRF does not apply to them; their writes are signed instead (callbacks.test.ts).
  });

  it('treats a session cookie that is not valid percent-encoding as no session: anonymous or 401, never a 500', async () => {
    for (const cookie of ['yjs_sid=%E0%A4%A', 'yjs_sid=%', 'theme=%ZZ; yjs_sid=%E0%A4%A', 'yjs_sid="%E0%A4%A"']) {
      const me = await raw<{ user: unknown; csrfToken: unknown }>(ts.url, 'GET', '/api/auth/me', { cookie });
      expect(me.status, cookie).toBe(200);
      expect(me.body).toEqual({ user: null, csrfToken: null });
      const list = await raw<ErrorBody>(ts.url, 'GET', '/api/applications', { cookie });
      expect(list.status, cookie).toBe(401);
      expect(list.body.error.code).toBe('unauthorized');
    }
    // A malformed cookie beside a valid session cookie does not spoil it.
    const signedIn = await raw<{ csrfToken: string }>(ts.url, 'POST', '/api/auth/dev-login', { json: { user: 'citizen-zhang' } });
    const session = cookieAttributes(signedIn.headers.get('set-cookie'))[0]!;
    const me = await raw<{ user: { id: string } }>(ts.url, 'GET', '/api/auth/me', { cookie: `theme=%E0%A4%A; ${session}` });
    expect(me.body.user.id).toBe('citizen-zhang');
  });

  it('refuses keys a route does not take, naming each, and changes nothing', async () => {
    const before = await snapshot();

    const create = await citizen.post<ErrorBody>('/api/applications', { bundleId: 'newborn', version: '0.9.0', draft: true });
    expect(create.status).toBe(422);
    expect(create.body).toEqual(unknownKeys('version', 'draft'));
    const misnamed = await citizen.post<ErrorBody>('/api/applications', { bundle: 'newborn' });
    expect(misnamed.status).toBe(400);
    expect(misnamed.body).toEqual({ error: { code: 'bad_request', message: '请指定一件事', messageEn: 'Say which bundle to apply for', details: [{ path: 'bundleId', message: '必填', messageEn: 'required' }, unknownKey('bundle')] } });

    const answersUrl = `/api/applications/${ready}/answers`;
    const beside = await citizen.put<ErrorBody>(answersUrl, { answers: { 'child.name': '李四' }, submit: true });
    expect(beside.status).toBe(422);
    expect(beside.body).toEqual(unknownKeys('submit'));
    const misspelt = await citizen.put<ErrorBody>(answersUrl, { answer: { 'child.name': '李四' } });
    expect(misspelt.status).toBe(400);
    expect(misspelt.body).toEqual({
      error: { code: 'bad_request', message: '请求体应为 {"answers": {…}}', messageEn: 'The body must be {"answers": {…}}', details: [{ path: 'answers', message: '应为对象', messageEn: 'must be an object' }, unknownKey('answer')] },
    });
    // Answers for elements the form does not have: all named, and the valid change beside them is not half-applied.
    const elements = await citizen.put<ErrorBody>(answersUrl, { answers: { ...NEWBORN_ANSWERS, 'child.name': '李四', 'child.nickname': '宝宝', 'birth-certificate/nope': 1, 'no-such-item/field': 'x' } });
    expect(elements.status).toBe(422);
    const notInForm = (path: string) => ({ path, message: '不是本事项表单中的字段', messageEn: 'is not a field of this form' });
    expect(elements.body).toEqual({ error: { code: 'validation_failed', message: '填写内容有误', messageEn: 'Some values are invalid', details: [notInForm('child.nickname'), notInForm('birth-certificate/nope'), notInForm('no-such-item/field')] } });

    const submit = await citizen.post<ErrorBody>(`/api/applications/${ready}/submit`, { force: true, version: '2.0.0' });
    expect(submit.status).toBe(422);
    expect(submit.body).toEqual(unknownKeys('force', 'version'));

    const rating = await citizen.post<ErrorBody>(`/api/applications/${filed.id}/rating`, { score: 5, stars: 5 });
    expect(rating.status).toBe(422);
    expect(rating.body).toEqual({ error: { code: 'validation_failed', message: '评价内容有误', messageEn: 'The rating is invalid', details: [{ path: 'stars', message: '不是评价的字段', messageEn: 'is not a field of a rating' }] } });

    expect(await snapshot()).toEqual(before);
    expect((await citizen.get<Detail>(`/api/applications/${ready}`)).body).toMatchObject({ status: 'draft', answers: NEWBORN_ANSWERS });
  });

  it('refuses NUL and unpaired surrogates in bodies, paths and query parameters with 400 naming where, never a 500, and stores nothing', async () => {
    const anon = new ApiClient(ts.url);
    const answersUrl = `/api/applications/${ready}/answers`;
    const before = await snapshot();
    const cases: [ApiClient, string, string, unknown, string[]][] = [
      [citizen, 'PUT', answersUrl, { answers: { ...NEWBORN_ANSWERS, 'child.birthPlace': '长沙\u0000市' } }, ['answers.child.birthPlace']],
      // Sent as JSON text: an escaped lone surrogate survives JSON.parse, and jsonb refuses it.
      [citizen, 'PUT', answersUrl, '{"answers":{"child.birthPlace":"长沙\\ud800市"}}', ['answers.child.birthPlace']],
      [citizen, 'PUT', answersUrl, '{"answers":{"child.birth\\u0000Place":"长沙市"}}', ['answers.child.birth\ufffdPlace']],
      [citizen, 'POST', '/api/applications', { bundleId: 'newborn\u0000' }, ['bundleId']],
      [citizen, 'POST', `/api/applications/${filed.id}/rating`, { score: 4, comment: '很好\u0000' }, ['comment']],
      [health, 'POST', `/api/sub-applications/${healthSub}/actions`, { action: 'reject', reason: '材料\u0000不全' }, ['reason']],
      [anon, 'GET', '/api/bundles/%00', undefined, ['url']],
      [anon, 'GET', '/api/bundles/newborn/form?version=%00', undefined, ['version']],
      [admin, 'GET', '/api/admin/audit?actor=%00&subject=ok', undefined, ['actor']],
      [health, 'GET', '/api/workbench/inbox?item=%00', undefined, ['item']],
      [health, 'GET', `/api/workbench/sub-applications/${healthSub}?reason=%00`, undefined, ['reason']],
      [designer, 'GET', '/api/studio/bundles/%00/versions/1.0.0/files', undefined, ['url']],
    ];
    for (const [who, method, url, body, paths] of cases) {
      const res = await who.request<ErrorBody>(method, url, body);
      expect(res.status, `${method} ${url}`).toBe(400);
      expect(res.body, `${method} ${url}`).toEqual(unstorable(...paths));
    }
    // No value changed and no read of personal data was recorded.
    expect(await snapshot()).toEqual(before);
  });

  it('answers SQL fragments in every query parameter verbatim or with a 4xx naming the parameter, never a 500, and the database is intact', async () => {
    const anon = new ApiClient(ts.url);
    const tablesBefore = await counts();
    const q = encodeURIComponent(SQL[1]);

    // Refused, naming every offending parameter (400 in the operator and department APIs, 422 in statistics).
    const refused: [ApiClient, string, number, string, string, string[]][] = [
      [admin, `/api/admin/audit?from=${q}&to=${q}&page=${q}&pageSize=${q}`, 400, 'bad_request', 'Invalid query parameters', ['from', 'to', 'page', 'pageSize']],
      [admin, `/api/admin/deliveries?state=${q}`, 400, 'bad_request', 'Invalid state parameter', ['state']],
      [admin, `/api/admin/departments?days=${q}`, 400, 'bad_request', 'Invalid query parameters', ['days']],
      [admin, `/api/stats/overview?from=${q}&to=${q}`, 400, 'bad_request', 'The period is invalid', ['from', 'to']],
      [designer, `/api/stats/bundles/newborn?from=${q}`, 400, 'bad_request', 'The period is invalid', ['from']],
      [anon, `/api/public/summary?year=${q}`, 400, 'bad_request', 'The year is invalid', ['year']],
      [health, `/api/workbench/inbox?status=${q}`, 400, 'bad_request', 'Invalid status parameter', ['status']],
      [health, `/api/workbench/inbox?overdue=${q}`, 400, 'bad_request', 'Invalid overdue parameter', ['overdue']],
      [health, `/api/departments/health/sub-applications?status=${q}`, 400, 'bad_request', 'Invalid status parameter', ['status']],
    ];
    for (const [who, url, status, code, messageEn, paths] of refused) {
      const res = await who.get<ErrorBody>(url);
      expect(res.status, url).toBe(status);
      expect(res.body.error, url).toMatchObject({ code, messageEn });
      expect(res.body.error.message, url).toMatch(/[\u4e00-\u9fff]/);
      expect(res.body.error.details.map((d) => d.path), url).toEqual(paths);
      for (const d of res.body.error.details) {
        expect(d.message, url).toMatch(/\S/);
        expect(d.messageEn, url).toMatch(/\S/);
      }
    }

    // Taken as the text it is: filters that match nothing.
    for (const s of SQL) {
      const audit = await admin.get<{ total: number; rows: unknown[] }>(`/api/admin/audit?actor=${encodeURIComponent(s)}&action=${encodeURIComponent(s)}&subject=${encodeURIComponent(s)}`);
      expect(audit.status, s).toBe(200);
      expect(audit.body).toMatchObject({ total: 0, rows: [] });
      const inbox = await health.get<{ rows: unknown[] }>(`/api/workbench/inbox?status=all&item=${encodeURIComponent(s)}`);
      expect(inbox.status, s).toBe(200);
      expect(inbox.body.rows).toEqual([]);
    }
    // A version that names none: 404 naming it (the value is well-formed text, it just is no version).
    const form = await anon.get<ErrorBody>(`/api/bundles/newborn/form?version=${q}`);
    expect(form.status).toBe(404);
    expect(form.body).toEqual({ error: { code: 'not_found', message: `没有这个版本：newborn@${SQL[1]}`, messageEn: `No such bundle version: newborn@${SQL[1]}`, details: [] } });

    // Reasons for reading personal data are recorded verbatim.
    const lastReason = async () => (await db.query<{ reason: string | null }>('SELECT reason FROM audit_log WHERE subject = $1 ORDER BY id DESC LIMIT 1', [healthSub])).rows[0]?.reason;
    const opened = await health.get<Sub>(`/api/workbench/sub-applications/${healthSub}?reason=${encodeURIComponent(SQL[0])}`);
    expect(opened.status).toBe(200);
    expect(await lastReason()).toBe(SQL[0]);
    const read = await health.get<Sub>(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent(SQL[2])}`);
    expect(read.status).toBe(200);
    expect(await lastReason()).toBe(SQL[2]);

    const tablesAfter = await counts();
    expect({ ...tablesAfter, audit_log: 0 }).toEqual({ ...tablesBefore, audit_log: 0 });
    expect(tablesAfter.audit_log).toBe(tablesBefore.audit_log + 2);
  });

  it('stores SQL typed by staff and the applicant verbatim: supplement reason and answer, rejection reason, rating comment; a stray key in a supplement is refused', async () => {
    // Staff of every department involved sign in first, so users and sessions only change if something drops them.
    for (const i of filed.items) await staffOf(i.department);
    const tablesBefore = await counts();
    const item = async () => (await citizen.get<Detail>(`/api/applications/${filed.id}`)).body.items.find((i) => i.id === healthSub)!;

    const asked = await health.post<Sub>(`/api/sub-applications/${healthSub}/actions`, { action: 'request-supplement', reason: SQL[0], missing: { fields: ['jsjgmc'] } });
    expect(asked.status).toBe(200);
    expect(asked.body.status).toBe('supplement');
    expect((await item()).supplement?.reason).toBe(SQL[0]);

    const before = await snapshot();
    const stray = await citizen.post<ErrorBody>(`/api/applications/${filed.id}/supplements/${healthSub}`, { answers: { 'birth-certificate/jsjgmc': SQL[1] }, resubmit: true });
    expect(stray.status).toBe(422);
    expect(stray.body).toEqual(unknownKeys('resubmit'));
    expect(await snapshot()).toEqual(before);

    const answered = await citizen.post<Detail>(`/api/applications/${filed.id}/supplements/${healthSub}`, { answers: { 'birth-certificate/jsjgmc': SQL[1] } });
    expect(answered.status).toBe(200);
    expect(answered.body.answers['birth-certificate/jsjgmc']).toBe(SQL[1]);
    const again = await until(async () => {
      const r = await health.get<Sub>(`/api/sub-applications/${healthSub}?reason=${encodeURIComponent('补正核对')}`);
      return r.status === 200 && r.body.status === 'delivered' ? r.body : undefined;
    }, 10_000, 'the answered supplement back in the inbox');
    expect(again.fields.jsjgmc).toBe(SQL[1]);

    const rejected = await health.post<Sub>(`/api/sub-applications/${healthSub}/actions`, { action: 'reject', reason: SQL[2] });
    expect(rejected.status).toBe(200);
    expect((await item()).reason).toBe(SQL[2]);

    // The other departments turn theirs down too, so the application is finished and can be rated.
    await until(async () => {
      const d = (await citizen.get<Detail>(`/api/applications/${filed.id}`)).body;
      if (['completed', 'rejected', 'partially_completed'].includes(d.status)) return true;
      for (const i of d.items.filter((x) => x.status === 'delivered' || x.status === 'accepted')) {
        await (await staffOf(i.department)).post(`/api/sub-applications/${i.id}/actions`, { action: 'reject', reason: SQL[3] });
      }
      return false;
    }, 15_000, 'every item of the application to end');

    const rated = await citizen.post<{ score: number; comment: string }>(`/api/applications/${filed.id}/rating`, { score: 2, comment: SQL[3] });
    expect(rated.status).toBe(201);
    expect(rated.body).toMatchObject({ score: 2, comment: SQL[3] });
    expect((await citizen.get<Detail>(`/api/applications/${filed.id}`)).body.rating).toMatchObject({ score: 2, comment: SQL[3] });

    const tablesAfter = await counts();
    for (const t of ['users', 'sessions', 'bundle_versions', 'applications', 'blobs', 'application_materials'] as const) expect(tablesAfter[t], t).toBe(tablesBefore[t]);
    expect(tablesAfter.ratings).toBe(tablesBefore.ratings + 1);
  });
});
