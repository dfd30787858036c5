import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, type TestServer } from '../helpers/api.js';
import { Browser, CLIENT_ID, CLIENT_SECRET, OTHER_CLIENT_ID, startTestProvider, type TestAccount, type TestProvider } from '../helpers/oidc.js';
import { computeIdNumberCheck } from '../../shared/identifiers.js';
import type { OpenApiDocument } from '../../server/openapi.js';

const CALLBACK = '/api/auth/oidc/callback';

// People at the provider; their numbers are valid 公民身份号码 (GB 11643-1999), invented.
const ZHAO: TestAccount = { sub: 'sub-zhao-0001', name: '赵敏', id_number: '430102199003077716', phone_number: '+86 138 0073 1001' };
const QIAN: TestAccount = { sub: 'sub-qian-0002', name: '钱磊', id_number: '43010419850612123' + computeIdNumberCheck('43010419850612123'), phone_number: '13900731002' };
const SUN: TestAccount = { sub: 'sub-sun-0003', name: '孙丽', id_number: '430105198811206525' };

interface Me {
  user: { id: string; name: string; role: string; department?: string } | null;
  csrfToken: string | null;
}

/**
 * Sign-in through a real OpenID provider (oidc-provider on its own port), driven over HTTP one
 * redirect at a time as a browser would: code + PKCE, state and nonce, and every way a callback
 * can be wrong refused without a session.
 */
describe.each(databaseTargets())('OIDC sign-in and granted roles, on $kind', ({ open }) => {
  let db: TestDatabase;
  let op: TestProvider & { configure(redirectUri: string, postLogoutRedirectUri: string): void };
  let ts: TestServer;

  beforeAll(async () => {
    db = await open();
    op = await startTestProvider();
    ts = await startServer(db, {
      OIDC_ISSUER: op.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      // Many sign-ins from one address in a few seconds: not what this suite is about.
      LOGIN_RATE_LIMIT: '100000',
    });
    op.configure(`${ts.url}${CALLBACK}`, `${ts.url}/`);
  });
  afterAll(async () => {
    await ts?.close();
    await op?.close();
    await db?.close();
  });

  /** From the sign-in button to the provider's redirect back, not yet followed. */
  async function toCallback(browser: Browser, account: TestAccount, returnTo = '/apply/newborn'): Promise<string> {
    op.signInAs(account);
    const start = await browser.request(`${ts.url}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`);
    expect(start.status, start.text).toBe(302);
    const authorize = new URL(start.location!);
    expect(authorize.origin).toBe(op.issuer);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('code_challenge')).toMatch(/^[\w-]{43}$/);
    expect(authorize.searchParams.get('state')).toBeTruthy();
    expect(authorize.searchParams.get('nonce')).toBeTruthy();
    const back = await browser.follow(start.location!, `${ts.url}${CALLBACK}`);
    expect(back.stopped, `${back.status} ${back.text}`).toBe(true);
    return back.url;
  }

  async function me(browser: Browser): Promise<Me> {
    const res = await browser.request(`${ts.url}/api/auth/me`, { headers: { accept: 'application/json' } });
    return JSON.parse(res.text) as Me;
  }

  async function signIn(account: TestAccount, returnTo = '/apply/newborn'): Promise<Browser> {
    const browser = new Browser();
    const res = await browser.request(await toCallback(browser, account, returnTo));
    expect(res.status, res.text).toBe(303);
    expect(res.location).toBe(`${ts.url}${returnTo}`);
    return browser;
  }

  /** The refusal as the person sees it, and proof that no session came of it. */
  async function expectRefused(browser: Browser, url: string, status: number, code: string): Promise<void> {
    const page = await browser.request(url);
    expect(page.status, page.text).toBe(status);
    expect(page.headers.get('content-type')).toMatch(/text\/html/);
    expect(page.text).toContain(code);
    expect(page.text).toContain('登录失败');
    expect(page.text).toContain('Sign-in failed');
    expect(browser.cookie(ts.url, 'yjs_sid')).toBeUndefined();
    expect((await me(browser)).user).toBeNull();
  }

  it('signs a citizen in with code + PKCE: a session, a stable identity, and the form prefilled with the real-name identity', async () => {
    const browser = await signIn(ZHAO);
    const first = await me(browser);
    expect(first.user).toMatchObject({ name: '赵敏', role: 'citizen' });
    expect(first.user!.id).toMatch(/^oidc-/);
    const form = await browser.request(`${ts.url}/api/bundles/newborn/form`, { headers: { accept: 'application/json' } });
    expect(form.status).toBe(200);
    expect(form.text).toContain('430102199003077716');
    // +86 and spaces are the provider's way of writing it; the product keeps the mainland number.
    expect(form.text).toContain('13800731001');
    const kept = await db.query<{ issuer: string; subject: string; user_id: string }>('SELECT issuer, subject, user_id FROM oidc_identities WHERE subject = $1', [ZHAO.sub]);
    expect(kept.rows).toEqual([{ issuer: op.issuer, subject: ZHAO.sub, user_id: first.user!.id }]);
    // No flow is left behind to be replayed.
    expect((await db.query('SELECT 1 FROM oidc_flows')).rows).toEqual([]);

    // Signing in again (the provider remembers her: no second login there) keeps her id and
    // revokes the session the browser carried.
    const oldCookie = browser.cookie(ts.url, 'yjs_sid')!;
    const logins = op.logins;
    const again = await browser.request(await toCallback(browser, { ...ZHAO, name: '赵敏敏' }));
    expect(again.status).toBe(303);
    expect(op.logins).toBe(logins);
    const second = await me(browser);
    expect(second.user).toMatchObject({ id: first.user!.id, role: 'citizen' });
    expect(browser.cookie(ts.url, 'yjs_sid')).not.toBe(oldCookie);
    const stale = await fetch(`${ts.url}/api/auth/me`, { headers: { cookie: `yjs_sid=${oldCookie}` } });
    expect(await stale.json()).toEqual({ user: null, csrfToken: null });
  });

  it('refuses a callback whose state is wrong, or that comes back to another browser', async () => {
    const browser = new Browser();
    const callback = new URL(await toCallback(browser, QIAN));
    const forged = new URL(callback);
    forged.searchParams.set('state', 'a-state-nobody-issued');
    await expectRefused(browser, forged.href, 400, 'oidc_state_unknown');
    // The same refusal as JSON for a client that asks for it: status, code, both languages.
    const json = await fetch(forged, { headers: { accept: 'application/json' } });
    expect(json.status).toBe(400);
    const body = (await json.json()) as { error: { code: string; message: string; messageEn: string; details: { path: string }[] } };
    expect(body.error).toMatchObject({ code: 'oidc_state_unknown', details: [{ path: 'state' }] });
    expect(body.error.message).toMatch(/登录/);
    expect(body.error.messageEn).toMatch(/sign/i);

    // An attacker's own callback pushed into a victim's browser (login CSRF): the state is real,
    // but this browser did not start that sign-in.
    const victim = new Browser();
    await expectRefused(victim, callback.href, 400, 'oidc_browser_mismatch');
  });

  it('refuses a replayed callback and a replayed code', async () => {
    const browser = new Browser();
    const callback = await toCallback(browser, QIAN);
    const used = new URL(callback).searchParams.get('code')!;
    expect((await browser.request(callback)).status).toBe(303);

    const replay = new Browser();
    replay.setCookie(ts.url, 'yjs_oidc', 'whatever');
    await expectRefused(replay, callback, 400, 'oidc_state_unknown');

    // A fresh sign-in of this browser, its code swapped for the one already used: the provider refuses it.
    const other = new Browser();
    const fresh = new URL(await toCallback(other, QIAN));
    fresh.searchParams.set('code', used);
    await expectRefused(other, fresh.href, 401, 'oidc_code_refused');
  });

  it.each([
    ['issuer', 'oidc_issuer_mismatch', (c: Record<string, unknown>) => ({ ...c, iss: 'http://127.0.0.1:9/another-provider' })],
    ['audience', 'oidc_audience_mismatch', (c: Record<string, unknown>) => ({ ...c, aud: OTHER_CLIENT_ID })],
    ['nonce', 'oidc_nonce_mismatch', (c: Record<string, unknown>) => ({ ...c, nonce: 'the-nonce-of-another-sign-in' })],
  ])('refuses an ID token with the wrong %s (validly signed by the provider)', async (_what, code, tamper) => {
    const browser = new Browser();
    const callback = await toCallback(browser, SUN);
    op.tamperNextIdToken(tamper);
    await expectRefused(browser, callback, 401, code);
    expect((await db.query('SELECT 1 FROM oidc_identities WHERE subject = $1', [SUN.sub])).rows).toEqual([]);
  });

  it('goes back only to a path on this site: an open redirect is refused before the provider is asked', async () => {
    for (const returnTo of ['https://evil.example/', '//evil.example/x', '/\\evil.example', 'javascript:alert(1)', 'evil.example']) {
      const res = await fetch(`${ts.url}/api/auth/oidc/login?returnTo=${encodeURIComponent(returnTo)}`, { redirect: 'manual', headers: { accept: 'application/json' } });
      expect(res.status, returnTo).toBe(400);
      expect(res.headers.get('location')).toBeNull();
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('oidc_return_to_invalid');
    }
    expect((await db.query('SELECT 1 FROM oidc_flows')).rows).toEqual([]);
  });

  it("logs out at the provider too: the answer is the provider's end-session URL, and after it the provider asks for a login again", async () => {
    const browser = await signIn(QIAN, '/');
    const { csrfToken } = await me(browser);
    const out = await browser.request(`${ts.url}/api/auth/logout`, { method: 'POST', headers: { accept: 'application/json', 'x-csrf-token': csrfToken! } });
    expect(out.status).toBe(200);
    const endSession = new URL((JSON.parse(out.text) as { endSessionUrl: string }).endSessionUrl);
    expect(endSession.origin).toBe(op.issuer);
    expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(`${ts.url}/`);
    expect(endSession.searchParams.get('id_token_hint')).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
    expect((await me(browser)).user).toBeNull();
    // The ID token is not kept once the session ends.
    expect((await db.query('SELECT 1 FROM sessions WHERE id_token IS NOT NULL AND revoked_at IS NOT NULL')).rows).toEqual([]);

    // At the provider: its confirmation form, confirmed, then back to the engine.
    const confirm = await browser.request(endSession.href);
    expect(confirm.status).toBe(200);
    const action = /action="([^"]+)"/.exec(confirm.text)![1]!;
    const xsrf = /name="xsrf" value="([^"]+)"/.exec(confirm.text)![1]!;
    const done = await browser.request(new URL(action, op.issuer).href, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ xsrf, logout: 'yes' }).toString(),
    });
    const landed = await browser.follow(done.location!, ts.url);
    expect(landed.url).toBe(`${ts.url}/`);

    // The provider's session is gone: signing in again needs a login there.
    const logins = op.logins;
    expect((await browser.request(await toCallback(browser, QIAN, '/'))).status).toBe(303);
    expect(op.logins).toBe(logins + 1);
  });

  it('takes roles from grants by an administrator (audited), not from the provider; a revoked grant ends with the next request', async () => {
    const browser = await signIn(SUN, '/');
    const sun = (await me(browser)).user!;
    expect(sun.role).toBe('citizen');
    const admin = await ApiClient.login(ts.url, 'admin');

    const found = await admin.get<{ id: string; name: string; idNumber: string; source: string; role: string }[]>(`/api/admin/identities?q=${encodeURIComponent('孙')}`);
    expect(found.status).toBe(200);
    expect(found.body).toContainEqual(expect.objectContaining({ id: sun.id, name: '孙丽', idNumber: '4301**********6525', source: 'oidc', role: 'citizen' }));
    expect(JSON.stringify(found.body)).not.toContain(SUN.id_number);

    // Staff need a department, and one that exists; other roles take none.
    const noDept = await admin.post<{ error: { code: string; details: { path: string }[] } }>('/api/admin/role-grants', { userId: sun.id, role: 'staff' });
    expect(noDept.status).toBe(422);
    expect(noDept.body.error.details[0]!.path).toBe('department');
    expect((await admin.post('/api/admin/role-grants', { userId: sun.id, role: 'staff', department: 'no-such-department' })).status).toBe(422);
    expect((await admin.post('/api/admin/role-grants', { userId: sun.id, role: 'designer', department: 'police' })).status).toBe(422);
    expect((await admin.post('/api/admin/role-grants', { userId: 'nobody-here', role: 'designer' })).status).toBe(404);
    expect((await admin.post('/api/admin/role-grants', { userId: 'admin', role: 'designer' })).status).toBe(409);

    // Nobody else may grant: not a citizen, not the person themselves, not a designer.
    for (const who of ['citizen-zhang', 'designer', 'reviewer']) {
      const other = await ApiClient.login(ts.url, who);
      expect((await other.post('/api/admin/role-grants', { userId: sun.id, role: 'admin' })).status, who).toBe(403);
      expect((await other.get('/api/admin/role-grants')).status, who).toBe(403);
    }
    const { csrfToken } = await me(browser);
    const self = await browser.request(`${ts.url}/api/admin/role-grants`, {
      method: 'POST',
      headers: { accept: 'application/json', 'content-type': 'application/json', 'x-csrf-token': csrfToken! },
      body: JSON.stringify({ userId: sun.id, role: 'admin' }),
    });
    expect(self.status).toBe(403);
    expect((await browser.request(`${ts.url}/api/workbench/inbox`, { headers: { accept: 'application/json' } })).status).toBe(403);

    const granted = await admin.post<{ userId: string; role: string; department: string; grantedBy: string }>('/api/admin/role-grants', { userId: sun.id, role: 'staff', department: 'police' });
    expect(granted.status).toBe(201);
    expect(granted.body).toMatchObject({ userId: sun.id, role: 'staff', department: 'police', grantedBy: 'admin' });
    // Her next request, same session: police staff.
    expect((await me(browser)).user).toMatchObject({ id: sun.id, role: 'staff', department: 'police' });
    expect((await browser.request(`${ts.url}/api/workbench/inbox`, { headers: { accept: 'application/json' } })).status).toBe(200);
    // Signing in again does not take the role from the provider's claims: the grant stays.
    const again = await browser.request(await toCallback(browser, SUN, '/'));
    expect(again.status).toBe(303);
    expect((await me(browser)).user).toMatchObject({ role: 'staff', department: 'police' });

    const listed = await admin.get<{ userId: string; role: string }[]>('/api/admin/role-grants');
    expect(listed.body).toContainEqual(expect.objectContaining({ userId: sun.id, role: 'staff' }));

    expect((await admin.request('DELETE', `/api/admin/role-grants/${encodeURIComponent(sun.id)}`)).status).toBe(204);
    expect((await me(browser)).user).toMatchObject({ id: sun.id, role: 'citizen' });
    expect((await browser.request(`${ts.url}/api/workbench/inbox`, { headers: { accept: 'application/json' } })).status).toBe(403);
    expect((await admin.request('DELETE', `/api/admin/role-grants/${encodeURIComponent(sun.id)}`)).status).toBe(404);

    // Who granted what to whom, and when it was taken back, in the audit log the console shows.
    const audit = await admin.get<{ rows: { actorId: string; action: string; subject: string; details: { role: string; department: string | null } }[] }>(`/api/admin/audit?subject=${encodeURIComponent(sun.id)}`);
    expect(audit.body.rows.map((r) => [r.actorId, r.action, r.details.role, r.details.department])).toEqual([
      ['admin', 'revoke-role', 'staff', 'police'],
      ['admin', 'grant-role', 'staff', 'police'],
    ]);
  });

  it('offers the provider on the sign-in page and documents its routes in a valid OpenAPI document', async () => {
    const methods = await new ApiClient(ts.url).get<{ demo: boolean; oidc: { label: string; loginPath: string } | null }>('/api/auth/methods');
    expect(methods.body).toEqual({ demo: true, oidc: { label: '统一身份认证', loginPath: '/api/auth/oidc/login' } });
    const doc = (await new ApiClient(ts.url).get<OpenApiDocument>('/api/openapi.json')).body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/auth/oidc/login', '/auth/oidc/callback', '/admin/role-grants', '/admin/role-grants/{userId}', '/admin/identities']));
    const result = await new Validator().validate(structuredClone(doc) as unknown as Record<string, unknown>);
    expect(result.errors ?? []).toEqual([]);
  });
});
