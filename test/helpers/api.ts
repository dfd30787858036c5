import { connectorSecret } from '../../server/connectors/registry.js';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';
import { migrate } from '../../server/db/migrate.js';
import { buildServer, type BuildOptions, type ServerParts } from '../../server/server.js';
import { CLIENT_DIST } from '../../server/client-build.js';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../server/simulator/app.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import type { Database } from '../../server/db/types.js';
import { signRequest } from '../../server/auth/request-signature.js';
import { captureLogger } from './app.js';
import { listen } from './server.js';

export interface TestServer {
  url: string;
  config: Config;
  parts: ServerParts;
  db: Database;
  logLines: string[];
  close(): Promise<void>;
}

/** The whole product on a real port, on the given (already opened) database. */
export async function startServer(db: Database, env: Record<string, string> = {}, build: Omit<BuildOptions, 'checkResponses'> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'yjs-api-'));
  const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'info', DEMO: 'on', DELIVERY_BACKOFF_MS: '50', ...env });
  const { logger, lines } = captureLogger('info');
  await migrate(db);
  // Every JSON answer is checked against its route's declared contract: a drift is a 500 here.
  const parts = await buildServer(config, db, logger, CLIENT_DIST, { ...build, checkResponses: true, env: { ...process.env, ...env } });
  const server = await listen(parts.app);
  config.publicUrl = server.url;
  return { url: server.url, config, parts, db, logLines: lines, close: server.close };
}

/** Simulated department systems on their own port, wired to the server's credentials. */
export async function startSimulator(ts: TestServer, options: Partial<SimulatorOptions> = {}): Promise<{ sim: Simulator; url: string; close(): Promise<void> }> {
  const sim = createSimulator({
    apiBase: ts.url,
    secretFor: (code) => (ts.parts.targetFor(code) ? ts.parts.webhookSecretFor(code) : undefined),
    tokenFor: (code) => ts.parts.departmentTokens.get(code),
    processDelayMs: 20,
    callbackBackoffMs: 50,
    logger: captureLogger('silent').logger,
    // The licence library and exchange over HTTP at /exchange: the same records the server's simulated connectors use.
    exchange: {
      ...(ts.parts.exchange ? { library: ts.parts.exchange } : {}),
      secretFor: (id) => (ts.parts.connectors.secretNames.has(id) ? connectorSecret(ts.config.sessionSecret, id, ts.parts.connectors.secretNames.get(id)) : undefined),
    },
    ...options,
  });
  const server = await listen(sim.app);
  return {
    sim,
    url: server.url,
    async close() {
      await sim.close();
      await server.close();
    },
  };
}

/**
 * A worker whose departments are all played by the simulator at simUrl, as in DEMO mode, except
 * those listed as inbox departments (left to staff in the web workbench).
 */
export function workerTo(ts: TestServer, simUrl: string, overrides: Parameters<ServerParts['createWorker']>[0] = {}, inbox: string[] = []): DispatchWorker {
  return ts.parts.createWorker({
    targetFor: (code) => {
      if (!ts.parts.targetFor(code)) return undefined;
      if (inbox.includes(code)) return { channel: 'inbox' };
      return { channel: 'webhook', url: `${simUrl}/departments/${code}`, secret: ts.parts.webhookSecretFor(code) };
    },
    pollMs: 50,
    ...overrides,
  });
}

export interface Response<T = unknown> {
  status: number;
  body: T;
  headers: Headers;
}

/** A browser-like client: keeps the session cookie and sends the CSRF token on writes. */
export class ApiClient {
  private cookie = '';
  private csrf = '';

  /**
   * Without credentials: anonymous until login(). With a bearer token: a department's system;
   * given the department's signing secret too, its writes are signed as the API requires.
   */
  constructor(
    readonly base: string,
    private readonly bearer?: string,
    private readonly signingSecret?: string,
  ) {}

  /** The system of department `code`, with its token and signing secret from the test server. */
  static department(ts: TestServer, code: string): ApiClient {
    return new ApiClient(ts.url, ts.parts.departmentTokens.get(code), ts.parts.webhookSecretFor(code));
  }

  /** The session cookie as sent, for tests that replay it by hand. */
  get cookieHeader(): string {
    return this.cookie;
  }

  /** The headers a state-changing request of this session carries, for a client in another process. */
  get sessionHeaders(): Record<string, string> {
    return { cookie: this.cookie, 'x-csrf-token': this.csrf };
  }

  /** The same session through another address: another web process of one deployment. */
  at(base: string): ApiClient {
    const c = new ApiClient(base, this.bearer, this.signingSecret);
    c.cookie = this.cookie;
    c.csrf = this.csrf;
    return c;
  }

  static async login(base: string, user: string): Promise<ApiClient> {
    const c = new ApiClient(base);
    const res = await c.post<{ csrfToken: string }>('/api/auth/dev-login', { user });
    if (res.status !== 200) throw new Error(`login as ${user} failed: ${res.status} ${JSON.stringify(res.body)}`);
    return c;
  }

  async request<T = unknown>(method: string, url: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response<T>> {
    const h: Record<string, string> = { ...headers };
    if (this.cookie) h.cookie = this.cookie;
    if (this.csrf && method !== 'GET') h['x-csrf-token'] = this.csrf;
    if (this.bearer) h.authorization = `Bearer ${this.bearer}`;
    let payload: string | FormData | undefined;
    if (body instanceof FormData) payload = body;
    else if (body !== undefined) {
      h['content-type'] ??= 'application/json';
      payload = typeof body === 'string' ? body : JSON.stringify(body);
    }
    if (this.signingSecret && method !== 'GET' && !(payload instanceof FormData)) {
      Object.assign(h, signRequest({ secret: this.signingSecret, method, path: url, body: payload ?? '' }));
    }
    const res = await fetch(this.base + url, { method, headers: h, body: payload, redirect: 'manual' });
    const setCookie = res.headers.get('set-cookie');
    if (setCookie) this.cookie = setCookie.split(';')[0]!;
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      /* not JSON: keep the text */
    }
    if (parsed && typeof parsed === 'object' && 'csrfToken' in parsed) this.csrf = String((parsed as { csrfToken: string }).csrfToken);
    return { status: res.status, body: parsed as T, headers: res.headers };
  }

  get<T = unknown>(url: string) {
    return this.request<T>('GET', url);
  }
  post<T = unknown>(url: string, body?: unknown, headers?: Record<string, string>) {
    return this.request<T>('POST', url, body, headers);
  }
  put<T = unknown>(url: string, body?: unknown) {
    return this.request<T>('PUT', url, body);
  }

  async upload<T = unknown>(url: string, data: Buffer, fileName: string, type = 'application/pdf') {
    const form = new FormData();
    form.append('file', new Blob([data], { type }), fileName);
    return this.request<T>('POST', url, form);
  }
}

/** A small but real PDF: the server checks type by content. */
export function pdf(text: string): Buffer {
  return Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`);
}

export async function until<T>(probe: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
