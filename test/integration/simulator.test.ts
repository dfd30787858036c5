import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, it, expect } from 'vitest';
import express from 'express';
import { createSimulator, type Simulator, type SimulatorOptions, type SubApplicationPayload } from '../../server/simulator/app.js';
import { generateOutputs, randomCreditCode, randomIdNumber } from '../../server/simulator/outputs.js';
import { createWebhookChannel, type WebhookChannel } from '../../server/delivery/webhook.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../../server/delivery/signature.js';
import { checkCreditCode, checkIdNumber } from '../../shared/identifiers.js';
import { captureLogger } from '../helpers/app.js';
import { listen } from '../helpers/server.js';
import { listenOn } from '../helpers/reliability.js';

const SECRETS: Record<string, string> = { police: 'whsec_police', market: 'whsec_market', health: 'whsec_health' };

interface ActionCall {
  id: string;
  authorization: string | undefined;
  body: { action: string; outputs?: Record<string, unknown> };
}

/**
 * A stand-in for the product's department API (not written yet): records every action call and
 * answers 200, or fails the first `failFirst` calls with 503.
 */
async function fakeProduct(failFirst = 0) {
  const calls: ActionCall[] = [];
  let failures = failFirst;
  const app = express();
  app.post('/api/sub-applications/:id/actions', express.json(), (req, res) => {
    if (failures > 0) {
      failures--;
      res.status(503).json({ error: { code: 'unavailable' } });
      return;
    }
    calls.push({ id: req.params.id, authorization: req.get('authorization'), body: req.body as ActionCall['body'] });
    res.json({ id: req.params.id, status: (req.body as { action: string }).action === 'accept' ? 'accepted' : 'completed' });
  });
  const server = await listen(app);
  return { ...server, calls };
}

function payload(department: string, overrides: Partial<SubApplicationPayload> = {}): SubApplicationPayload {
  const id = randomUUID();
  return {
    subApplicationId: id,
    applicationId: randomUUID(),
    bundle: { id: 'company-opening', version: 3 },
    item: { id: 'company-registration', title: '企业设立登记' },
    department,
    round: 1,
    fields: { qymc: '长沙示例科技有限公司', zczb: 100 },
    materials: [{ code: 'articles', title: '公司章程', url: `http://127.0.0.1/api/sub-applications/${id}/materials/articles` }],
    inputs: {},
    produces: [
      { key: 'company.creditCode', title: '统一社会信用代码', schema: { type: 'string', format: 'cn-credit-code' } },
      { key: 'birthCertificate.number', title: '出生医学证明编号', schema: { type: 'string' } },
      { key: 'company.registeredOn', title: '成立日期', schema: { type: 'string', format: 'date' } },
      { key: 'company.sealsMade', title: '已刻制印章', schema: { type: 'boolean' } },
      { key: 'company.kind', title: '企业类型', schema: { type: 'string', enum: ['有限责任公司', '股份有限公司'] } },
      { key: 'company.sealCount', title: '印章数量', schema: { type: 'integer', minimum: 3, maximum: 5 } },
      { key: 'property.certificate', title: '不动产权证书号', schema: { type: 'string' } },
    ],
    timeLimitDays: 1,
    submittedAt: new Date().toISOString(),
    ...overrides,
  };
}

let product: Awaited<ReturnType<typeof fakeProduct>>;
let sim: Simulator;
let simServer: { url: string; close: () => Promise<void> };
let channel: WebhookChannel;

async function startSimulator(options: Partial<SimulatorOptions> = {}, failFirst = 0) {
  product = await fakeProduct(failFirst);
  sim = createSimulator({
    apiBase: product.url,
    secretFor: (code) => SECRETS[code],
    tokenFor: (code) => `token-${code}`,
    processDelayMs: 50,
    callbackBackoffMs: 20,
    ...options,
  });
  // What both mains serve: the handler, deliveries ahead of Express (the rest of the suites mount `app`).
  const listener = await listenOn(sim.handler);
  simServer = { url: listener.url, close: () => listener.stop() };
}

function deliver(p: SubApplicationPayload, key = `${p.subApplicationId}:r${p.round}`) {
  return channel.deliver({
    subApplicationId: p.subApplicationId,
    department: p.department,
    idempotencyKey: key,
    body: p,
    target: { channel: 'webhook', url: `${simServer.url}/departments/${p.department}`, secret: SECRETS[p.department] ?? 'none' },
  });
}

/** A hand-made signed POST, for what the webhook channel would never send. */
function post(department: string, raw: string, headers: Record<string, string>) {
  return fetch(`${simServer.url}/departments/${department}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...headers },
    body: raw,
  });
}

async function control(body: unknown) {
  return fetch(`${simServer.url}/control`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
}

beforeEach(() => {
  channel = createWebhookChannel({ timeoutMs: 2000 });
});

afterEach(async () => {
  channel.close();
  await sim?.close();
  await simServer?.close();
  await product?.close();
});

describe('simulated department systems', () => {
  it('accepts a signed delivery, then accepts and completes it through the department API with valid outputs', async () => {
    await startSimulator();
    const p = payload('market');
    const result = await deliver(p);
    expect(result).toMatchObject({ ok: true, statusCode: 200 });

    await sim.settled();
    expect(product.calls.map((c) => [c.id, c.body.action])).toEqual([
      [p.subApplicationId, 'accept'],
      [p.subApplicationId, 'complete'],
    ]);
    for (const call of product.calls) expect(call.authorization).toBe('Bearer token-market');

    const outputs = product.calls[1]!.body.outputs!;
    expect(Object.keys(outputs).sort()).toEqual(p.produces.map((o) => o.key).sort());
    const creditCode = outputs['company.creditCode'] as string;
    expect(checkCreditCode(creditCode)).toBeNull();
    // 出生医学证明编号 in its real format: the edition's letter and nine digits, the province's two first.
    expect(outputs['birthCertificate.number']).toMatch(/^Q43\d{7}$/);
    expect(outputs['company.registeredOn']).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(outputs['company.sealsMade']).toBe(true);
    expect(outputs['company.kind']).toBe('有限责任公司');
    expect(outputs['company.sealCount']).toBeGreaterThanOrEqual(3);
    expect(outputs['company.sealCount']).toBeLessThanOrEqual(5);
    expect(Number.isInteger(outputs['company.sealCount'])).toBe(true);
    expect(outputs['property.certificate']).toMatch(/^湘\(\d{4}\)长沙市不动产权第\d{7}号$/);

    const stats = (await (await fetch(`${simServer.url}/stats`)).json()) as Record<string, unknown>;
    expect(stats).toMatchObject({
      received: { market: 1 },
      duplicates: 0,
      refused: { missing: 0, malformed: 0, expired: 0, mismatch: 0 },
      byKey: { [`${p.subApplicationId}:r1`]: 1 },
      callbacks: { accept: 1, complete: 1, errors: 0 },
    });
  });

  it('refuses a bad signature with 401 and never calls back', async () => {
    await startSimulator();
    const p = payload('police');
    const raw = JSON.stringify(p);
    const ts = Math.floor(Date.now() / 1000);
    const key = { [IDEMPOTENCY_HEADER]: 'k-bad' };

    const wrongSecret = await post('police', raw, { ...key, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign('not-the-secret', ts, raw) });
    expect(wrongSecret.status).toBe(401);
    expect(await wrongSecret.json()).toEqual({ error: 'signature verification failed', reason: 'mismatch' });

    // Signed for one department, sent to another: each department has its own secret.
    const otherDept = await post('police', raw, { ...key, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(SECRETS.market!, ts, raw) });
    expect(otherDept.status).toBe(401);

    const tampered = await post('police', raw.replace('长沙示例', '别人的'), {
      ...key,
      [TIMESTAMP_HEADER]: String(ts),
      [SIGNATURE_HEADER]: sign(SECRETS.police!, ts, raw),
    });
    expect(tampered.status).toBe(401);

    const unsigned = await post('police', raw, key);
    expect(unsigned.status).toBe(401);
    expect(await unsigned.json()).toMatchObject({ reason: 'missing' });

    const malformed = await post('police', raw, { ...key, [TIMESTAMP_HEADER]: 'now', [SIGNATURE_HEADER]: 'v1=xyz' });
    expect(await malformed.json()).toMatchObject({ reason: 'malformed' });

    await sim.settled();
    expect(product.calls).toEqual([]);
    expect(sim.stats.refused).toEqual({ missing: 1, malformed: 1, expired: 0, mismatch: 3 });
    expect(sim.stats.received.police).toBe(5);
    expect(Object.keys(sim.stats.byKey)).toEqual([]);
  });

  it('refuses an old (replayed) or future timestamp with 401', async () => {
    await startSimulator();
    const raw = JSON.stringify(payload('police'));
    for (const offset of [-301, -3600, 301]) {
      const ts = Math.floor(Date.now() / 1000) + offset;
      const res = await post('police', raw, { [IDEMPOTENCY_HEADER]: `k${offset}`, [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(SECRETS.police!, ts, raw) });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: 'signature verification failed', reason: 'expired' });
    }
    await sim.settled();
    expect(product.calls).toEqual([]);
    expect(sim.stats.refused.expired).toBe(3);
  });

  it('processes an idempotency key once, however often it arrives', async () => {
    await startSimulator();
    const p = payload('health');
    const results = [await deliver(p), await deliver(p)];
    // Concurrent repeats too: a retry can overlap a slow first attempt.
    results.push(...(await Promise.all([deliver(p), deliver(p)])));
    expect(results.every((r) => r.ok)).toBe(true);

    const raw = JSON.stringify(p);
    const ts = Math.floor(Date.now() / 1000);
    const again = await post('health', raw, {
      [IDEMPOTENCY_HEADER]: `${p.subApplicationId}:r1`,
      [TIMESTAMP_HEADER]: String(ts),
      [SIGNATURE_HEADER]: sign(SECRETS.health!, ts, raw),
    });
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ received: true, duplicate: true });

    // A new round (after a supplement) has a new key and is processed again.
    const round2 = await deliver({ ...p, round: 2 });
    expect(round2.ok).toBe(true);

    await sim.settled();
    expect(sim.stats.duplicates).toBe(4);
    expect(sim.stats.byKey).toEqual({ [`${p.subApplicationId}:r1`]: 1, [`${p.subApplicationId}:r2`]: 1 });
    expect(product.calls.map((c) => c.body.action).sort()).toEqual(['accept', 'accept', 'complete', 'complete']);
  });

  it('fails the first N requests of a department with 500, then recovers', async () => {
    await startSimulator({ failures: { police: 2 } });
    const p = payload('police');
    const results = [await deliver(p), await deliver(p), await deliver(p), await deliver(p)];
    expect(results.map((r) => [r.statusCode, r.ok, r.retryable])).toEqual([
      [500, false, true],
      [500, false, true],
      [200, true, false],
      [200, true, false],
    ]);
    // Other departments are unaffected.
    expect(await deliver(payload('market'))).toMatchObject({ ok: true });
    await sim.settled();
    expect(sim.stats.failed).toEqual({ police: 2 });
    expect(sim.stats.duplicates).toBe(1);
    expect(sim.stats.byKey[`${p.subApplicationId}:r1`]).toBe(1);
    expect(product.calls.filter((c) => c.id === p.subApplicationId).map((c) => c.body.action)).toEqual(['accept', 'complete']);
  });

  it('fails at the configured rate', async () => {
    await startSimulator({ failureRate: 1 });
    expect(await deliver(payload('police'))).toMatchObject({ ok: false, statusCode: 500, retryable: true });
    expect((await (await control({ failureRate: 0 })).json()) as object).toMatchObject({ failureRate: 0 });
    expect(await deliver(payload('police'))).toMatchObject({ ok: true });
  });

  it('answers after the configured latency', async () => {
    await startSimulator({ latencyMs: [150, 200] });
    const started = Date.now();
    expect(await deliver(payload('police'))).toMatchObject({ ok: true });
    expect(Date.now() - started).toBeGreaterThanOrEqual(145);
  });

  it('drops connections while down and never answers while hanging, changeable at run time', async () => {
    await startSimulator();
    channel.close();
    channel = createWebhookChannel({ timeoutMs: 200 });

    expect(await (await control({ down: true })).json()).toMatchObject({ down: true });
    const down = await deliver(payload('police'));
    expect(down).toMatchObject({ ok: false, retryable: true });
    expect(down.error).toMatch(/connection reset/);

    await control({ down: false, hang: true });
    const hung = await deliver(payload('police'));
    expect(hung).toMatchObject({ ok: false, retryable: true, error: 'no answer for 200 ms (timeout)' });

    await control({ hang: false });
    const p = payload('police');
    expect(await deliver(p)).toMatchObject({ ok: true, statusCode: 200 });
    await sim.settled();
    expect(sim.stats.dropped).toBe(2);
    expect(Object.keys(sim.stats.byKey)).toEqual([`${p.subApplicationId}:r1`]);
    expect(product.calls.map((c) => c.id)).toEqual([p.subApplicationId, p.subApplicationId]);
  });

  it('refuses a bad control request and leaves the behaviour unchanged', async () => {
    await startSimulator();
    for (const bad of [{ failureRate: 2 }, { latencyMs: [5, 1] }, { failures: { police: -1 } }, { down: 'yes' }, { speed: 1 }, [1]]) {
      const res = await control(bad);
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    expect(await (await fetch(`${simServer.url}/control`)).json()).toEqual({
      latencyMs: 0,
      failureRate: 0,
      failures: {},
      down: false,
      hang: false,
      autoProcess: true,
      processDelayMs: 50,
      // The simulated licence library and data exchange, steered through the same endpoint.
      exchange: { down: false, failures: 0, latencyMs: 0 },
    });
    expect((await control({ exchange: { down: true }, speed: 1 })).status).toBe(400);
    expect((await control({ exchange: { down: 'yes' } })).status).toBe(400);
    expect(((await (await fetch(`${simServer.url}/control`)).json()) as { exchange: unknown }).exchange).toEqual({ down: false, failures: 0, latencyMs: 0 });
  });

  it('leaves departments that are not auto-processed to human staff', async () => {
    await startSimulator({ autoProcess: ['market'] });
    const police = payload('police');
    const market = payload('market');
    expect(await deliver(police)).toMatchObject({ ok: true });
    expect(await deliver(market)).toMatchObject({ ok: true });
    await sim.settled();
    expect(new Set(product.calls.map((c) => c.id))).toEqual(new Set([market.subApplicationId]));

    await control({ autoProcess: false });
    expect(await deliver(payload('market'))).toMatchObject({ ok: true });
    await sim.settled();
    expect(product.calls).toHaveLength(2);
  });

  it('retries a failing department API with backoff, without crashing', async () => {
    const { logger, lines } = captureLogger('debug');
    await startSimulator({ logger }, 2);
    const p = payload('market');
    expect(await deliver(p)).toMatchObject({ ok: true });
    await sim.settled();
    expect(product.calls.map((c) => c.body.action)).toEqual(['accept', 'complete']);
    expect(sim.stats.callbacks).toEqual({ accept: 1, complete: 1, errors: 2 });
    expect(lines.filter((l) => l.includes('retrying'))).toHaveLength(2);
    // The bearer token never reaches a log.
    expect(lines.join('\n')).not.toContain('token-market');
  });

  it('gives up on a department API that never recovers, and keeps serving', async () => {
    const { logger, lines } = captureLogger('debug');
    await startSimulator({ logger, callbackAttempts: 3, callbackBackoffMs: 5 }, 1000);
    expect(await deliver(payload('market'))).toMatchObject({ ok: true });
    await sim.settled();
    expect(lines.some((l) => l.includes('giving up'))).toBe(true);
    expect(sim.stats.callbacks.errors).toBe(3);
    expect(await deliver(payload('market'))).toMatchObject({ ok: true });
  });

  it('answers 404 for an unknown department and 400 for a body without a sub-application', async () => {
    await startSimulator();
    const res = await deliver(payload('nowhere'));
    expect(res).toMatchObject({ ok: false, statusCode: 404, retryable: false });

    const raw = JSON.stringify({ hello: 'world' });
    const ts = Math.floor(Date.now() / 1000);
    const bad = await post('police', raw, { [IDEMPOTENCY_HEADER]: 'k', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(SECRETS.police!, ts, raw) });
    expect(bad.status).toBe(400);
    // A department must never be handed another department's split.
    const misrouted = await channel.deliver({
      subApplicationId: 'x',
      department: 'police',
      idempotencyKey: 'k3',
      body: payload('market'),
      target: { channel: 'webhook', url: `${simServer.url}/departments/police`, secret: SECRETS.police! },
    });
    expect(misrouted).toMatchObject({ ok: false, statusCode: 400, retryable: false });
  });

  it('refuses a body that is not JSON (415) or over 2 MB (413) before its signature, and goes on serving', async () => {
    await startSimulator();
    const ts = Math.floor(Date.now() / 1000);
    const signed = (raw: string) => ({ [IDEMPOTENCY_HEADER]: 'k-size', [TIMESTAMP_HEADER]: String(ts), [SIGNATURE_HEADER]: sign(SECRETS.police!, ts, raw) });
    const p = payload('police');
    const text = JSON.stringify(p);
    const plain = await post('police', text, { ...signed(text), 'Content-Type': 'text/plain' });
    expect(plain.status).toBe(415);
    expect(await plain.json()).toEqual({ error: 'expected Content-Type: application/json' });
    const big = JSON.stringify({ ...p, padding: 'x'.repeat(2 * 1024 * 1024) });
    const tooLarge = await post('police', big, signed(big));
    expect(tooLarge.status).toBe(413);
    expect(sim.stats.byKey).toEqual({});
    expect(sim.stats.refused).toEqual({ missing: 0, malformed: 0, expired: 0, mismatch: 0 });
    // A charset parameter is still JSON; the same key is then processed once.
    const ok = await post('police', text, { ...signed(text), 'Content-Type': 'application/json; charset=utf-8' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ received: true, subApplicationId: p.subApplicationId });
    expect(sim.stats.byKey).toEqual({ 'k-size': 1 });
  });
});

describe('generated outputs', () => {
  it('are valid identifiers and respect the schema', () => {
    for (let i = 0; i < 200; i++) {
      expect(checkCreditCode(randomCreditCode())).toBeNull();
      expect(checkIdNumber(randomIdNumber('1990-05-17'))).toBeNull();
    }
    const now = new Date('2026-03-01T20:00:00Z'); // already 2 March in Beijing
    const out = generateOutputs(
      [
        { key: 'child.idNumber', title: '公民身份号码', schema: { type: 'string', format: 'cn-id-number' } },
        { key: 'company.creditCode', title: '统一社会信用代码' },
        { key: 'medicalInsurance.cardNumber', title: '医保卡号', schema: { type: 'string', maxLength: 10 } },
        { key: 'x.rate', schema: { type: 'number', exclusiveMinimum: 0, maximum: 1 } },
        { key: 'x.level', schema: { oneOf: [{ const: 'A', title: '甲' }] } },
        { key: 'x.code', schema: { type: 'string', pattern: '^Q\\d{3}$', examples: ['Q123'] } },
        { key: 'x.tags', schema: { type: 'array', items: { type: 'string', enum: ['a'] }, minItems: 2 } },
        { key: 'x.when', schema: { type: 'string', format: 'date-time' } },
        'not an entry',
        { key: 42 },
      ],
      { now },
    );
    expect(checkIdNumber(out['child.idNumber'] as string, now)).toBeNull();
    expect((out['child.idNumber'] as string).slice(6, 14)).toBe('20260302');
    expect(checkCreditCode(out['company.creditCode'] as string)).toBeNull();
    expect((out['medicalInsurance.cardNumber'] as string).length).toBeLessThanOrEqual(10);
    expect(out['medicalInsurance.cardNumber']).toMatch(/^MI2026/);
    expect(out['x.rate']).toBeGreaterThan(0);
    expect(out['x.rate']).toBeLessThanOrEqual(1);
    expect(out['x.level']).toBe('A');
    expect(out['x.code']).toBe('Q123');
    expect(out['x.tags']).toEqual(['a', 'a']);
    expect(out['x.when']).toBe(now.toISOString());
    expect(Object.keys(out)).toHaveLength(8);
    expect(generateOutputs(undefined)).toEqual({});
  });
});
