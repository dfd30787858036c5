import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';
import { signRequest } from '../../server/auth/request-signature.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn: string }[] } };
type Sub = { id: string; status: string };

/**
 * Department callbacks (accept, complete, 补正…) carry a bearer token and a request signature
 * with a one-time nonce. Every forged, stale, tampered or replayed call is refused with 401 and
 * changes nothing that was already accepted.
 */
describe.each(databaseTargets())('signed department callbacks on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let health: ApiClient;
  let token: string;
  let secret: string;
  /** Two sub-applications of 卫健 (health), left to it in the web inbox. */
  let first: string;
  let second: string;

  async function fileOne(): Promise<string> {
    const sub = (await fileNewborn(citizen)).items.find((i) => i.department === 'health')!.id;
    await until(async () => (await health.get(`/api/sub-applications/${sub}`)).status === 200, 10_000, 'delivery to the inbox');
    return sub;
  }

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, ['health']);
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    health = ApiClient.department(ts, 'health');
    token = ts.parts.departmentTokens.get('health')!;
    secret = ts.parts.webhookSecretFor('health');
    first = await fileOne();
    second = await fileOne();
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  const actions = (sub: string) => `/api/sub-applications/${sub}/actions`;

  /** A raw POST with exactly the headers given (plus JSON content type). */
  async function post(path: string, body: string, headers: Record<string, string>): Promise<{ status: number; body: ErrorBody }> {
    const res = await fetch(ts.url + path, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
    return { status: res.status, body: (await res.json()) as ErrorBody };
  }

  /** What a refused call must not have changed: the row, its events and the audit trail. */
  async function snapshot(sub: string): Promise<unknown> {
    const row = await db.query('SELECT status, outputs, supplement, reason, round, updated_at FROM sub_applications WHERE id = $1', [sub]);
    const events = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM sub_application_events WHERE sub_application_id = $1', [sub]);
    const audit = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log WHERE subject = $1', [sub]);
    return { row: row.rows[0], events: events.rows[0]!.n, audit: audit.rows[0]!.n };
  }

  function expectRefused(res: { status: number; body: ErrorBody }, code: string, header: RegExp): void {
    expect(res.status, JSON.stringify(res.body)).toBe(401);
    expect(res.body.error.code).toBe(code);
    expect(res.body.error.message).toMatch(/签名|请求/);
    expect(res.body.error.messageEn.length).toBeGreaterThan(10);
    expect(res.body.error.details[0]!.path).toMatch(header);
  }

  it('refuses calls without a token, with a wrong token, or without a signature', async () => {
    const before = await snapshot(first);
    const body = '{"action":"accept"}';
    const signed = signRequest({ secret, method: 'POST', path: actions(first), body });

    const anonymous = await post(actions(first), body, signed);
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.code).toBe('unauthorized');

    const wrongToken = await post(actions(first), body, { authorization: 'Bearer not-the-token', ...signRequest({ secret, method: 'POST', path: actions(first), body }) });
    expect(wrongToken.status).toBe(401);
    expect(wrongToken.body.error.messageEn).toMatch(/token/i);

    expectRefused(await post(actions(first), body, { authorization: `Bearer ${token}` }), 'signature_missing', /X-Yjs-Signature/);
    const noNonce = signRequest({ secret, method: 'POST', path: actions(first), body });
    delete noNonce['X-Yjs-Nonce'];
    expectRefused(await post(actions(first), body, { authorization: `Bearer ${token}`, ...noNonce }), 'signature_missing', /X-Yjs-Nonce/);
    expectRefused(
      await post(actions(first), body, { authorization: `Bearer ${token}`, ...signRequest({ secret, method: 'POST', path: actions(first), body }), 'X-Yjs-Signature': 'sha1=abc' }),
      'signature_malformed',
      /X-Yjs-Signature/,
    );
    expectRefused(
      await post(actions(first), body, { authorization: `Bearer ${token}`, ...signRequest({ secret, method: 'POST', path: actions(first), body, nonce: 'short' }) }),
      'signature_malformed',
      /X-Yjs-Nonce/,
    );
    expect(await snapshot(first)).toEqual(before);
  });

  it('refuses a signature made with another key, over another body, for another path, or too old', async () => {
    const before = await snapshot(first);
    const auth = { authorization: `Bearer ${token}` };
    const body = '{"action":"accept"}';
    // Signed with the police's secret but sent with health's token.
    const otherKey = signRequest({ secret: ts.parts.webhookSecretFor('police'), method: 'POST', path: actions(first), body });
    expectRefused(await post(actions(first), body, { ...auth, ...otherKey }), 'signature_mismatch', /X-Yjs-Signature/);
    // Signed for "accept", sent as "reject" (a body changed in transit).
    const tampered = signRequest({ secret, method: 'POST', path: actions(first), body });
    expectRefused(await post(actions(first), '{"action":"reject","reason":"x"}', { ...auth, ...tampered }), 'signature_mismatch', /X-Yjs-Signature/);
    // A valid signature for the second sub-application, replayed against the first.
    const elsewhere = signRequest({ secret, method: 'POST', path: actions(second), body });
    expectRefused(await post(actions(first), body, { ...auth, ...elsewhere }), 'signature_mismatch', /X-Yjs-Signature/);
    // Signed ten minutes ago, or ten minutes ahead.
    for (const skew of [-600, 600]) {
      const stale = signRequest({ secret, method: 'POST', path: actions(first), body, timestamp: Math.floor(Date.now() / 1000) + skew });
      expectRefused(await post(actions(first), body, { ...auth, ...stale }), 'signature_expired', /X-Yjs-Signature/);
    }
    expect(await snapshot(first)).toEqual(before);
    expect((await health.get<Sub>(`/api/sub-applications/${first}`)).body.status).toBe('delivered');
  });

  it('acts on a signed call once, and refuses the same request sent again', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const body = '{"action":"accept"}';
    const signed = signRequest({ secret, method: 'POST', path: actions(second), body });
    const ok = await post(actions(second), body, { ...auth, ...signed });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
    const accepted = await snapshot(second);
    expect((accepted as { row: { status: string } }).row.status).toBe('accepted');

    // A captured request sent again, byte for byte: refused before the state machine sees it.
    const replay = await post(actions(second), body, { ...auth, ...signed });
    expectRefused(replay, 'request_replayed', /X-Yjs-Nonce/);
    expect(await snapshot(second)).toEqual(accepted);

    // The department's own retry, signed afresh, is a new request: here an invalid transition.
    const again = await health.post<ErrorBody>(actions(second), { action: 'accept' });
    expect(again.status).toBe(409);
    expect(await snapshot(second)).toEqual(accepted);
  });

  it('asks for no signature on reads, nor from staff signed in through the workbench', async () => {
    const read = await fetch(`${ts.url}/api/sub-applications/${first}`, { headers: { authorization: `Bearer ${token}` } });
    expect(read.status).toBe(200);
    const staff = await ApiClient.login(ts.url, 'staff-health');
    const acted = await staff.post<Sub>(actions(first), { action: 'accept' });
    expect(acted.status, JSON.stringify(acted.body)).toBe(200);
    expect(acted.body.status).toBe('accepted');
  });

  it('refuses keys an action does not take, by name, and changes nothing', async () => {
    const before = await snapshot(first);
    const misspelt = await health.post<ErrorBody>(actions(first), { action: 'complete', output: { birthMedicalCertificate: 'O430012345' } });
    expect(misspelt.status).toBe(422);
    expect(misspelt.body.error.code).toBe('validation_failed');
    expect(misspelt.body.error.details).toEqual([{ path: 'output', message: '不是「complete」操作的字段', messageEn: 'is not a field of the complete action' }]);
    const extra = await health.post<ErrorBody>(actions(first), { action: 'accept', reason: '已核对', note: 'x' });
    expect(extra.status).toBe(422);
    expect(extra.body.error.details.map((d) => d.path)).toEqual(['reason', 'note']);
    expect(await snapshot(first)).toEqual(before);
  });
});
