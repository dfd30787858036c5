import http, { type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, describe, it, expect } from 'vitest';
import { createChannels, deliverVia, type Channels } from '../../server/delivery/registry.js';
import { createWebhookChannel } from '../../server/delivery/webhook.js';
import {
  DELIVERY_HEADER,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verify,
} from '../../server/delivery/signature.js';
import type { DeliveryRequest } from '../../server/delivery/types.js';
import { freePort } from '../helpers/process.js';

const SECRET = 'whsec_police_test';

interface Received {
  headers: http.IncomingHttpHeaders;
  raw: Buffer;
}

interface TestServer {
  url: string;
  received: Received[];
  close(): Promise<void>;
}

const servers: TestServer[] = [];

/** A bare node:http server on loopback: full control over what the "department" does. */
async function serve(handler: (req: IncomingMessage, res: ServerResponse, raw: Buffer) => void): Promise<TestServer> {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      received.push({ headers: req.headers, raw });
      handler(req, res, raw);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const s: TestServer = {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  servers.push(s);
  return s;
}

function request(url: string, overrides: Partial<DeliveryRequest> = {}): DeliveryRequest {
  return {
    subApplicationId: 'sa-0001',
    department: 'police',
    idempotencyKey: 'sa-0001:r1',
    body: { subApplicationId: 'sa-0001', department: 'police', fields: { xsexm: '王小宝', csrq: '2026-01-02' }, note: '中文 ✓' },
    target: { channel: 'webhook', url, secret: SECRET },
    ...overrides,
  };
}

let channels: Channels;

afterEach(async () => {
  channels?.webhook.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => channels?.webhook.close());

describe('webhook channel', () => {
  it('delivers on 2xx with a signature over the exact bytes sent and a stable idempotency key', async () => {
    channels = createChannels();
    const dept = await serve((_req, res) => res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"received":true}'));
    const req = request(`${dept.url}/departments/police`);

    const first = await channels.webhook.deliver(req);
    const second = await deliverVia(channels, req);

    for (const result of [first, second]) {
      expect(result).toMatchObject({ ok: true, statusCode: 200, retryable: false });
      expect(result.error).toBeUndefined();
      expect(result.durationMs).toBeGreaterThanOrEqual(0);
    }
    expect(dept.received).toHaveLength(2);
    for (const { headers, raw } of dept.received) {
      // Exactly the JSON the dispatcher was given, serialised once.
      expect(raw.toString('utf8')).toBe(JSON.stringify(req.body));
      expect(headers['content-type']).toBe('application/json');
      expect(headers['content-length']).toBe(String(raw.length));
      expect(headers['user-agent']).toMatch(/^yijianshi-dispatch\/\d+\.\d+\.\d+/);
      expect(headers[IDEMPOTENCY_HEADER.toLowerCase()]).toBe('sa-0001:r1');
      expect(headers[DELIVERY_HEADER.toLowerCase()]).toBe('sa-0001');
      const timestamp = headers[TIMESTAMP_HEADER.toLowerCase()];
      expect(Math.abs(Number(timestamp) - Date.now() / 1000)).toBeLessThan(5);
      expect(verify({ secret: SECRET, timestamp, signature: headers[SIGNATURE_HEADER.toLowerCase()], rawBody: raw })).toEqual({ ok: true });
      expect(verify({ secret: 'other', timestamp, signature: headers[SIGNATURE_HEADER.toLowerCase()], rawBody: raw })).toEqual({
        ok: false,
        reason: 'mismatch',
      });
    }
  });

  it('treats 500 as retryable and quotes at most 500 characters of the answer', async () => {
    channels = createChannels();
    const dept = await serve((_req, res) => res.writeHead(500).end(`database down\n${'x'.repeat(5000)}`));
    const result = await channels.webhook.deliver(request(dept.url));
    expect(result).toMatchObject({ ok: false, statusCode: 500, retryable: true });
    expect(result.error).toMatch(/^HTTP 500 Internal Server Error: database down x+…$/);
    expect(result.error!.length).toBeLessThan(560);
  });

  it.each([
    [400, false],
    [401, false],
    [404, false],
    [422, false],
    [408, true],
    [429, true],
    [502, true],
    [503, true],
  ])('answers %i → retryable %s', async (status, retryable) => {
    channels = createChannels();
    const dept = await serve((_req, res) => res.writeHead(status, { 'Content-Type': 'application/json' }).end('{"error":"nope"}'));
    const result = await channels.webhook.deliver(request(dept.url));
    expect(result).toMatchObject({ ok: false, statusCode: status, retryable });
    expect(result.error).toContain(`HTTP ${status}`);
    expect(result.error).toContain('{"error":"nope"}');
  });

  it('never follows a redirect: 302 is a retryable failure and the other server is not called', async () => {
    channels = createChannels();
    const elsewhere = await serve((_req, res) => res.writeHead(200).end('ok'));
    const dept = await serve((_req, res) => res.writeHead(302, { Location: `${elsewhere.url}/steal?token=abc` }).end());
    const result = await channels.webhook.deliver(request(dept.url));
    expect(result).toMatchObject({ ok: false, statusCode: 302, retryable: true });
    // The query string's values are not repeated into stored errors and logs.
    expect(result.error).toBe(`HTTP 302: redirect to ${elsewhere.url}/steal?token=*** not followed`);
    expect(dept.received).toHaveLength(1);
    expect(elsewhere.received).toHaveLength(0);
  });

  it('times out a department that never answers, as retryable', async () => {
    channels = createChannels({ timeoutMs: 200 });
    const dept = await serve(() => {
      /* never answers */
    });
    const started = Date.now();
    const result = await channels.webhook.deliver(request(dept.url));
    expect(Date.now() - started).toBeLessThan(2000);
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.statusCode).toBeUndefined();
    expect(result.error).toBe('no answer for 200 ms (timeout)');
    expect(dept.received).toHaveLength(1);
  });

  it('stops at the overall deadline when the answer trickles in forever, deciding by the status alone', async () => {
    const timers: NodeJS.Timeout[] = [];
    const trickle = (status: number) => (_req: IncomingMessage, res: ServerResponse) => {
      res.writeHead(status, { 'Content-Type': 'text/plain' });
      const t = setInterval(() => res.write('.'), 20);
      timers.push(t);
      res.on('close', () => clearInterval(t));
    };
    try {
      channels = createChannels({ timeoutMs: 1000, deadlineMs: 300 });
      const ok = await serve(trickle(200));
      const failing = await serve(trickle(503));
      const started = Date.now();
      const [a, b] = await Promise.all([channels.webhook.deliver(request(ok.url)), channels.webhook.deliver(request(failing.url))]);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(a).toMatchObject({ ok: true, statusCode: 200 });
      expect(b).toMatchObject({ ok: false, statusCode: 503, retryable: true });
      expect(b.error).toMatch(/^HTTP 503 Service Unavailable: \.+$/);
    } finally {
      timers.forEach(clearInterval);
    }
  });

  it('reads at most maxResponseBytes of a 50 MB answer, then drops the connection', async () => {
    channels = createChannels();
    const TOTAL = 50 * 1024 * 1024;
    let written = 0;
    let finished = false;
    let serverSawClose!: () => void;
    const closed = new Promise<void>((resolve) => (serverSawClose = resolve));
    const dept = await serve((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': TOTAL });
      const chunk = Buffer.alloc(64 * 1024, 0x61);
      const pump = () => {
        while (written < TOTAL && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end();
      };
      res.on('finish', () => (finished = true));
      res.on('close', () => serverSawClose());
      pump();
    });

    const externalBefore = process.memoryUsage().external;
    const started = Date.now();
    const result = await channels.webhook.deliver(request(dept.url));
    const elapsed = Date.now() - started;
    const grown = process.memoryUsage().external - externalBefore;
    await closed;

    expect(result).toMatchObject({ ok: true, statusCode: 200, retryable: false });
    expect(elapsed).toBeLessThan(3000);
    // Nowhere near 50 MB was buffered (generous, since garbage collection runs when it likes).
    expect(grown).toBeLessThan(16 * 1024 * 1024);
    // We closed the socket long before the department could finish writing.
    expect(finished).toBe(false);
    expect(written).toBeLessThan(TOTAL);
  });

  it('quotes only the first 500 characters of a huge error answer', async () => {
    channels = createChannels({ maxResponseBytes: 4096 });
    const dept = await serve((_req, res) => {
      res.writeHead(500, { 'Content-Type': 'text/plain' });
      const t = setInterval(() => res.write('y'.repeat(16 * 1024)), 5);
      res.on('close', () => clearInterval(t));
    });
    const result = await channels.webhook.deliver(request(dept.url));
    expect(result).toMatchObject({ ok: false, statusCode: 500, retryable: true });
    expect(result.error).toBe(`HTTP 500 Internal Server Error: ${'y'.repeat(500)}…`);
  });

  it('treats a refused connection as retryable', async () => {
    channels = createChannels();
    const port = await freePort();
    const result = await channels.webhook.deliver(request(`http://127.0.0.1:${port}/departments/police`));
    expect(result).toMatchObject({ ok: false, retryable: true, error: 'connection refused (ECONNREFUSED)' });
    expect(result.statusCode).toBeUndefined();
  });

  it('treats a connection reset before any answer as retryable', async () => {
    channels = createChannels();
    const dept = await serve((req) => req.socket.destroy());
    const result = await channels.webhook.deliver(request(dept.url));
    expect(result).toMatchObject({ ok: false, retryable: true });
    expect(result.error).toMatch(/connection reset/);
  });

  it('sends again at once, on a new connection, when a kept-alive connection turns out closed', async () => {
    channels = createChannels();
    // Like a department whose keep-alive timeout ends just as our next request arrives: any
    // request on a connection that already served one is met with a reset.
    const used = new WeakSet<object>();
    const connections = new Set<object>();
    const dept = await serve((req, res) => {
      connections.add(req.socket);
      if (used.has(req.socket)) return void req.socket.destroy();
      used.add(req.socket);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
    expect(await channels.webhook.deliver(request(dept.url))).toMatchObject({ ok: true, statusCode: 200 });
    const second = await channels.webhook.deliver(request(dept.url, { idempotencyKey: 'sa-0001:r2' }));
    expect(second).toMatchObject({ ok: true, statusCode: 200 });
    expect(dept.received.map((r) => r.headers['idempotency-key'])).toEqual(['sa-0001:r1', 'sa-0001:r2', 'sa-0001:r2']);
    expect(connections.size).toBe(2);
  });

  it('refuses URLs other than http: and https: without touching the network, and not retryable', async () => {
    channels = createChannels();
    for (const url of ['ftp://127.0.0.1/upload', 'file:///etc/passwd', 'gopher://127.0.0.1:70/', 'javascript:alert(1)']) {
      const result = await channels.webhook.deliver(request(url));
      expect(result, url).toMatchObject({ ok: false, retryable: false });
      expect(result.error).toMatch(/^only http: and https: webhook URLs are allowed, not [a-z]+:$/);
    }
    expect(await channels.webhook.deliver(request('not a url'))).toMatchObject({ ok: false, retryable: false, error: 'the webhook URL is not a valid URL' });
  });

  it('parks what can never be sent: a payload that is not JSON, a header value with a line break, an inbox target', async () => {
    channels = createChannels();
    const dept = await serve((_req, res) => res.writeHead(200).end());
    const bigint = await channels.webhook.deliver(request(dept.url, { body: { n: 10n } }));
    expect(bigint).toMatchObject({ ok: false, retryable: false });
    expect(bigint.error).toMatch(/^the payload is not JSON-serialisable/);
    expect(await channels.webhook.deliver(request(dept.url, { idempotencyKey: 'a\r\nX-Evil: 1' }))).toMatchObject({ ok: false, retryable: false });
    expect(await channels.webhook.deliver(request(dept.url, { target: { channel: 'inbox' } }))).toMatchObject({ ok: false, retryable: false });
    expect(dept.received).toHaveLength(0);
  });

  it('gives up when the dispatcher aborts, as retryable', async () => {
    channels = createChannels();
    const dept = await serve(() => {
      /* never answers */
    });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const result = await channels.webhook.deliver(request(dept.url), controller.signal);
    expect(result).toMatchObject({ ok: false, retryable: true, error: 'aborted by the dispatcher' });
    expect(await channels.webhook.deliver(request(dept.url), AbortSignal.abort())).toMatchObject({ ok: false, retryable: true });
  });

  it('works without keep-alive too, and validates its options', async () => {
    const plain = createWebhookChannel({ keepAlive: false });
    const dept = await serve((_req, res) => res.writeHead(204).end());
    expect(await plain.deliver(request(dept.url))).toMatchObject({ ok: true, statusCode: 204 });
    plain.close();
    expect(() => createWebhookChannel({ timeoutMs: 0 })).toThrow(RangeError);
    expect(() => createWebhookChannel({ maxResponseBytes: -1 })).toThrow(RangeError);
  });
});

describe('inbox channel', () => {
  it('delivers at once: the workbench reads the sub-application from the database', async () => {
    channels = createChannels();
    const req = request('unused', { target: { channel: 'inbox' } });
    const result = await deliverVia(channels, req);
    expect(result.ok).toBe(true);
    expect(result.durationMs).toBeGreaterThanOrEqual(0);
    expect(channels.inbox.name).toBe('inbox');
    expect(channels.webhook.name).toBe('webhook');
  });
});
