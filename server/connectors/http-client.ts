import { setTimeout as sleep } from 'node:timers/promises';
import type { TSchema, Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { signRequest } from '../auth/request-signature.js';
import { CircuitBreaker } from './breaker.js';
import { ConnectorError } from './errors.js';
import { CONNECTOR_HEADER, PATHS } from './protocol.js';
import type { ConnectorHealth } from './types.js';

export interface ExchangeClientOptions {
  /** The connector instance id (sent as X-Yjs-Connector, named in errors). */
  id: string;
  baseUrl: string;
  secret: string;
  timeoutMs?: number;
  retries?: number;
  backoffMs?: number;
  breaker?: { failures: number; cooldownMs: number };
  /** Injectable clock for the breaker. */
  now?: () => number;
}

/** Answers are capped: a licence file of 20 MB is about 27 MB in base64. */
const MAX_ANSWER_BYTES = 32 * 1024 * 1024;

function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/**
 * One signed JSON call to an exchange, with a per-attempt timeout, retries with exponential
 * backoff and jitter for what can pass (network errors, timeouts, 5xx, 408, 429), and a circuit
 * breaker that counts every failed attempt. A 4xx is a refusal: never retried.
 */
export class ExchangeClient {
  readonly breaker: CircuitBreaker;
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;

  constructor(private readonly o: ExchangeClientOptions) {
    this.base = new URL(o.baseUrl.endsWith('/') ? o.baseUrl : `${o.baseUrl}/`);
    if (this.base.protocol !== 'http:' && this.base.protocol !== 'https:') throw new RangeError(`${o.id}: the exchange URL must be http(s), got ${this.base.protocol}`);
    this.timeoutMs = o.timeoutMs ?? 3000;
    this.retries = o.retries ?? 2;
    this.backoffMs = o.backoffMs ?? 200;
    this.breaker = new CircuitBreaker({ failures: o.breaker?.failures ?? 5, cooldownMs: o.breaker?.cooldownMs ?? 30_000, ...(o.now ? { now: o.now } : {}) });
  }

  async call<S extends TSchema>(method: 'GET' | 'POST', path: string, body: unknown, schema: S, signal?: AbortSignal): Promise<Static<S>> {
    let last: ConnectorError | undefined;
    for (let attempt = 0; attempt <= this.retries; attempt++) {
      if (attempt > 0) {
        const gap = this.backoffMs * 2 ** (attempt - 1);
        await sleep(gap * (0.8 + Math.random() * 0.4), undefined, signal ? { signal } : undefined);
      }
      if (!this.breaker.admit()) {
        throw last ?? new ConnectorError('open', this.o.id, 'circuit breaker open: the exchange failed repeatedly; not called');
      }
      try {
        const answer = await this.attempt(method, path, body, signal);
        this.breaker.success();
        if (!Value.Check(schema, answer)) {
          const first = [...Value.Errors(schema, answer)][0];
          throw new ConnectorError('invalid-response', this.o.id, `answer is not of the protocol's shape${first ? ` (${first.path || '/'}: ${first.message})` : ''}`);
        }
        return answer as Static<S>;
      } catch (err) {
        if (!(err instanceof ConnectorError)) throw err;
        if (err.failure === 'unavailable') this.breaker.failure();
        if (!err.retryable || signal?.aborted) throw err;
        last = err;
      }
    }
    throw last ?? new ConnectorError('unavailable', this.o.id, 'no attempt made');
  }

  private async attempt(method: 'GET' | 'POST', path: string, body: unknown, signal?: AbortSignal): Promise<unknown> {
    const url = new URL(path.replace(/^\//, ''), this.base);
    const raw = method === 'GET' ? '' : JSON.stringify(body);
    const headers: Record<string, string> = {
      [CONNECTOR_HEADER]: this.o.id,
      ...signRequest({ secret: this.o.secret, method, path: `${url.pathname}${url.search}`, body: raw }),
    };
    if (method !== 'GET') headers['Content-Type'] = 'application/json';
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        ...(method === 'GET' ? {} : { body: raw }),
        redirect: 'manual',
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) : AbortSignal.timeout(this.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: unknown } };
      const why = e.name === 'TimeoutError' ? `no answer within ${this.timeoutMs} ms` : `${e.message}${e.cause?.code ? ` (${String(e.cause.code)})` : ''}`;
      throw new ConnectorError('unavailable', this.o.id, why);
    }
    const length = Number(res.headers.get('content-length') ?? 0);
    if (length > MAX_ANSWER_BYTES) {
      await res.body?.cancel();
      throw new ConnectorError('invalid-response', this.o.id, `answer of ${length} bytes is larger than allowed`);
    }
    let text: string;
    try {
      text = await res.text();
    } catch (err) {
      throw new ConnectorError('unavailable', this.o.id, `answer broken off: ${(err as Error).message}`);
    }
    if (!res.ok) {
      const snippet = text.slice(0, 200);
      throw new ConnectorError(retryableStatus(res.status) ? 'unavailable' : 'refused', this.o.id, `HTTP ${res.status}: ${snippet}`, res.status);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new ConnectorError('invalid-response', this.o.id, 'answer is not JSON');
    }
  }

  async health(signal?: AbortSignal): Promise<ConnectorHealth> {
    const started = Date.now();
    try {
      // Not through call(): a health check must not be refused by the breaker it reports on, nor retried.
      await this.attempt('GET', PATHS.health, undefined, signal);
      return { ok: true, latencyMs: Date.now() - started, breaker: this.breaker.state };
    } catch (err) {
      return { ok: false, latencyMs: Date.now() - started, detail: (err as Error).message.slice(0, 300), breaker: this.breaker.state };
    }
  }
}
