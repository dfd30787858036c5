import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createSimulator, type Simulator } from '../../server/simulator/app.js';
import { httpLicenceConnector } from '../../server/connectors/http-licence.js';
import { httpDataConnector } from '../../server/connectors/http-data.js';
import { ConnectorError } from '../../server/connectors/errors.js';
import { CircuitBreaker } from '../../server/connectors/breaker.js';
import { parseConnectors } from '../../server/connectors/registry.js';
import { signRequest } from '../../server/auth/request-signature.js';
import { CONNECTOR_HEADER } from '../../server/connectors/protocol.js';

const SECRET = 'exchange-secret-for-the-unit-tests';
const LI = { idNumber: '430104199208154327', name: '李娜' };

describe('the exchange protocol over HTTP against the simulated licence library', () => {
  let sim: Simulator;
  let server: Server;
  let base: string;

  beforeAll(async () => {
    sim = createSimulator({ apiBase: 'http://127.0.0.1:9', secretFor: () => undefined, tokenFor: () => undefined, exchange: { secretFor: (id) => (id.startsWith('lib') ? SECRET : undefined) } });
    server = sim.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exchange`;
  });
  afterAll(async () => {
    await sim.close();
    server.close();
  });

  it('fetches a licence with its file, finds none for a holder without one, and issues one that later fetches find', async () => {
    const lib = httpLicenceConnector({ id: 'lib-a', baseUrl: base, secret: SECRET, retries: 0 });
    const found = await lib.fetch({ type: 'householdRegister', holder: LI, withFile: true });
    expect(found).toMatchObject({ licenceNumber: '430102004512', issuer: '长沙市公安局芙蓉分局定王台派出所', validUntil: null, fields: { 户主: '张伟' } });
    expect(found!.file!.data.subarray(0, 5).toString()).toBe('%PDF-');
    expect(await lib.fetch({ type: 'socialSecurityCard', holder: LI })).toBeNull();
    const issued = await lib.issue({ type: 'birthMedicalCertificate', holder: LI, fields: { licenceNumber: 'Q430000123' }, issuer: '湖南省妇幼保健院', applicationId: '00000000-0000-4000-8000-000000000001' });
    expect(issued.licenceNumber).toBe('Q430000123');
    expect(await lib.fetch({ type: 'birthMedicalCertificate', holder: LI })).toMatchObject({ licenceNumber: 'Q430000123' });
    const data = httpDataConnector({ id: 'lib-data', baseUrl: base, secret: SECRET });
    expect(await data.records({ department: 'hrss', key: { kind: 'idNumber', value: LI.idNumber } })).toEqual({ 'person.insuredMonths': 14 });
    expect((await lib.health()).ok).toBe(true);
  });

  it('is refused when unsigned, signed with another secret, tampered or replayed', async () => {
    const before = { ...sim.exchange.stats.refused };
    const body = JSON.stringify({ type: 'idCard', holder: LI, withFile: false });
    const path = '/exchange/licences/query';
    const post = (headers: Record<string, string>, b = body) => fetch(base.replace('/exchange', '') + path, { method: 'POST', headers: { 'content-type': 'application/json', [CONNECTOR_HEADER]: 'lib-a', ...headers }, body: b });
    expect((await post({})).status).toBe(401);
    const signed = signRequest({ secret: SECRET, method: 'POST', path, body });
    expect((await post(signed, body.replace('idCard', 'marriageCertificate'))).status).toBe(401);
    expect((await post(signed)).status).toBe(200);
    expect((await post(signed)).status).toBe(401);
    expect(sim.exchange.stats.refused.missing).toBe(before.missing + 1);
    expect(sim.exchange.stats.refused.mismatch).toBe(before.mismatch + 1);
    expect(sim.exchange.stats.refused.replayed).toBe(before.replayed + 1);
    const wrong = httpLicenceConnector({ id: 'lib-b', baseUrl: base, secret: 'not-the-secret', retries: 2 });
    const err = await wrong.fetch({ type: 'idCard', holder: LI }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectorError);
    // A refusal is not retried: the same request would be refused again.
    expect((err as ConnectorError).failure).toBe('refused');
  });

  it('retries what can pass, opens its breaker after repeated failures, and closes it after a successful probe', async () => {
    let now = 1_000_000;
    const lib = httpLicenceConnector({ id: 'lib-c', baseUrl: base, secret: SECRET, retries: 1, backoffMs: 1, breaker: { failures: 2, cooldownMs: 1000 }, now: () => now });
    // One 500, then an answer: the retry hides it.
    sim.exchange.control({ failures: 1 });
    expect(await lib.fetch({ type: 'idCard', holder: LI })).not.toBeNull();
    sim.exchange.control({ down: true });
    const dropped = sim.exchange.stats.dropped;
    const first = (await lib.fetch({ type: 'idCard', holder: LI }).catch((e: unknown) => e)) as ConnectorError;
    expect(first.failure).toBe('unavailable');
    expect(sim.exchange.stats.dropped).toBe(dropped + 2);
    expect(lib.client.breaker.state).toBe('open');
    // Open: refused at once, nothing sent.
    const open = (await lib.fetch({ type: 'idCard', holder: LI }).catch((e: unknown) => e)) as ConnectorError;
    expect(open.failure).toBe('open');
    expect(sim.exchange.stats.dropped).toBe(dropped + 2);
    // After the cool-down one probe goes out; it fails: open again.
    now += 1000;
    expect(lib.client.breaker.state).toBe('half-open');
    await lib.fetch({ type: 'idCard', holder: LI }).catch(() => undefined);
    expect(sim.exchange.stats.dropped).toBe(dropped + 3);
    expect(lib.client.breaker.state).toBe('open');
    // Back up: the next probe succeeds and closes it.
    sim.exchange.control({ down: false });
    now += 1000;
    expect(await lib.fetch({ type: 'idCard', holder: LI })).not.toBeNull();
    expect(lib.client.breaker.state).toBe('closed');
  });
});

describe('circuit breaker', () => {
  it('admits one probe at a time when half-open', () => {
    let now = 0;
    const b = new CircuitBreaker({ failures: 1, cooldownMs: 10, now: () => now });
    b.failure();
    expect(b.admit()).toBe(false);
    now = 10;
    expect(b.admit()).toBe(true);
    expect(b.admit()).toBe(false);
    b.success();
    expect(b.state).toBe('closed');
  });
});

describe('connectors.yaml', () => {
  const known = { materials: new Set(['idCard', 'householdRegister']), departments: new Set(['market']) };

  it('refuses bad options at load, naming the file and the path', () => {
    const { problems } = parseConnectors(
      `connectors:
  lib:
    type: http-licence
    options: { urlEnv: licence_url, secretEnv: LIB_SECRET, timeoutMs: 5, colour: red }
    licences: [idCard, passport]
  ex:
    type: http-data
    options: { urlEnv: EX_URL, secretEnv: EX_SECRET }
    licences: [idCard]
  other:
    type: ftp-licence
`,
      known,
    );
    const messages = problems.map((p) => p.message);
    expect(messages.some((m) => m.startsWith('connectors.yaml: connectors.lib.options.urlEnv:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('connectors.yaml: connectors.lib.options.timeoutMs:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('connectors.yaml: connectors.lib.options'))).toBe(true);
    expect(messages).toContain('connectors.yaml: connectors.lib.licences[1]: passport is not a material in the catalogue');
    expect(messages.some((m) => m.startsWith('connectors.yaml: connectors.ex.licences:'))).toBe(true);
    expect(messages.some((m) => m.startsWith('connectors.yaml: connectors.other.type: unknown connector type "ftp-licence"'))).toBe(true);
  });

  it('accepts the product’s own file', async () => {
    const { readFileSync } = await import('node:fs');
    const text = readFileSync(new URL('../../scenarios/connectors.yaml', import.meta.url), 'utf8');
    const all = { materials: new Set(['idCard', 'householdRegister', 'marriageCertificate', 'birthMedicalCertificate', 'socialSecurityCard', 'businessLicence', 'terminationProof']), departments: new Set(['market', 'hrss']) };
    const { problems, declarations } = parseConnectors(text, all);
    expect(problems.map((p) => p.message)).toEqual([]);
    expect(declarations.map((d) => d.id)).toEqual(['licence-library', 'data-exchange']);
  });
});
