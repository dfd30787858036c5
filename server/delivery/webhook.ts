/**
 * The webhook channel: POST one sub-application, signed, to a department's URL.
 *
 * Built on node:http/https rather than fetch (undici): fetch buffers nothing by itself either,
 * but its redirect, timeout and body-size handling would all have to be rebuilt around it
 * (`redirect: 'manual'`, an AbortSignal for every phase, reading the body stream by hand), while
 * http.request gives an idle-socket timeout that covers connecting, waiting for the headers and
 * every gap in the body, never follows a redirect, and lets us destroy the socket the moment the
 * answer passes the size cap. A department's endpoint is somebody else's server: it may hang,
 * trickle, redirect or answer gigabytes, and none of that may stall or exhaust the worker.
 */
import http from 'node:http';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import pkg from '../../package.json' with { type: 'json' };
import { redactUrl } from '../redact.js';
import { DELIVERY_HEADER, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from './signature.js';
import type { DeliveryChannel, DeliveryRequest, DeliveryResult, WebhookOptions } from './types.js';

export type { WebhookOptions };

export const DEFAULT_TIMEOUT_MS = 10_000;
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024;
export const USER_AGENT = `yijianshi-dispatch/${pkg.version}`;
/** At most this much of a department's answer is quoted in an error. */
const ERROR_BODY_CHARS = 500;

export interface WebhookChannel extends DeliveryChannel {
  readonly name: 'webhook';
  /** Closes kept-alive connections (idle ones never hold the process open anyway). */
  close(): void;
}

type Outcome =
  | { kind: 'response'; status: number; statusText: string; location: string | undefined; body: Buffer }
  | { kind: 'failure'; code: string; message: string; staleSocket?: boolean };

type Verdict = Omit<DeliveryResult, 'durationMs'>;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new RangeError(`WebhookOptions.${name} must be a positive number, got ${value}`);
  return value;
}

/** One line, no control characters, at most `max` code points: safe to store and to log. */
function excerpt(text: string, max: number): string {
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  const flat = text.replace(/[\u0000-\u001f\u007f]+/g, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(flat);
  return chars.length > max ? `${chars.slice(0, max).join('')}…` : flat;
}

function describeFailure(code: string, message: string, timeoutMs: number, deadlineMs: number): string {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused (ECONNREFUSED)';
    case 'ECONNRESET':
    case 'EPIPE':
      return `connection reset (${code})`;
    case 'TIMEOUT':
      return `no answer for ${timeoutMs} ms (timeout)`;
    case 'DEADLINE':
      return `not finished within ${deadlineMs} ms (deadline)`;
    case 'ABORTED':
      return 'aborted by the dispatcher';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found (${code})`;
    default:
      return excerpt(`${code}: ${message}`, 200);
  }
}

/**
 * 2xx is delivered. A 3xx is never followed: the department must configure its real URL (a
 * redirect could point the signed payload anywhere). 408 and 429 say "later", 5xx "broken for
 * now": retry. Any other 4xx means the department understood the request and refused it,
 * usually because our payload or our configuration (secret, URL) is wrong; retrying the same
 * bytes cannot help, so the worker parks it for an operator. Network failures of every kind are
 * retryable: most are transient, and the idempotency key makes a repeat harmless.
 */
function classify(outcome: Outcome, timeoutMs: number, deadlineMs: number): Verdict {
  if (outcome.kind === 'failure') {
    // A request Node refuses to build is refused again on every retry.
    const retryable = outcome.code !== 'INVALID_REQUEST';
    return { ok: false, retryable, error: describeFailure(outcome.code, outcome.message, timeoutMs, deadlineMs) };
  }
  const { status, statusText, location, body } = outcome;
  if (status >= 200 && status < 300) return { ok: true, statusCode: status, retryable: false };
  if (status >= 300 && status < 400) {
    const where = location ? excerpt(redactUrl(location), 300) : '(no Location header)';
    return { ok: false, statusCode: status, retryable: true, error: `HTTP ${status}: redirect to ${where} not followed` };
  }
  const retryable = !(status >= 400 && status < 500) || status === 408 || status === 429;
  const quoted = excerpt(body.toString('utf8'), ERROR_BODY_CHARS);
  const head = `HTTP ${status}${statusText ? ` ${excerpt(statusText, 60)}` : ''}`;
  return { ok: false, statusCode: status, retryable, error: quoted ? `${head}: ${quoted}` : head };
}

interface SendOptions {
  agent: http.Agent | undefined;
  timeoutMs: number;
  deadlineMs: number;
  maxResponseBytes: number;
  signal: AbortSignal | undefined;
}

/**
 * Sends one request and always resolves, never rejects. Once the status line has arrived the
 * outcome is a response whatever happens to the body (cut at the cap, timed out, reset): the
 * verdict rests on the status code, the body only feeds an error message.
 */
function send(url: URL, headers: http.OutgoingHttpHeaders, payload: Buffer, opts: SendOptions): Promise<Outcome> {
  return new Promise((resolve) => {
    let settled = false;
    let response: { status: number; statusText: string; location: string | undefined } | undefined;
    const chunks: Buffer[] = [];
    let received = 0;

    const settle = (failure?: { code: string; message: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', onAbort);
      if (response) resolve({ kind: 'response', ...response, body: Buffer.concat(chunks) });
      else {
        // A kept-alive connection the department closed just as we reused it: the request never
        // reached its application, so sending it again at once on a new connection is safe.
        const staleSocket = failure?.code === 'ECONNRESET' && req.reusedSocket;
        resolve({ kind: 'failure', code: failure?.code ?? 'ERROR', message: failure?.message ?? 'request failed', ...(staleSocket ? { staleSocket } : {}) });
      }
    };
    // Ending early always destroys the socket: a half-read response cannot be reused.
    const cut = (code: string, message: string) => {
      settle({ code, message });
      req.destroy();
    };
    const onAbort = () => cut('ABORTED', 'aborted');

    const client = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = client.request(url, { method: 'POST', headers, agent: opts.agent, timeout: opts.timeoutMs });
    } catch (err) {
      // http.request validates synchronously (e.g. a control character in a header value).
      resolve({ kind: 'failure', code: 'INVALID_REQUEST', message: (err as Error).message });
      return;
    }
    const deadline = setTimeout(() => cut('DEADLINE', 'deadline passed'), opts.deadlineMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });

    req.on('timeout', () => cut('TIMEOUT', 'socket idle'));
    req.on('error', (err: NodeJS.ErrnoException) => cut(err.code ?? 'ERROR', err.message));
    req.on('response', (res) => {
      response = { status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', location: res.headers.location };
      res.on('data', (chunk: Buffer) => {
        if (settled) return;
        const room = opts.maxResponseBytes - received;
        if (chunk.length >= room) {
          chunks.push(chunk.subarray(0, room));
          received += room;
          cut('TOO_LARGE', 'response over the size cap');
          return;
        }
        chunks.push(chunk);
        received += chunk.length;
      });
      res.on('end', () => settle());
      res.on('error', (err: NodeJS.ErrnoException) => cut(err.code ?? 'ERROR', err.message));
    });
    req.end(payload);
  });
}

export function createWebhookChannel(options: WebhookOptions = {}): WebhookChannel {
  const timeoutMs = positive('timeoutMs', options.timeoutMs, DEFAULT_TIMEOUT_MS);
  const deadlineMs = positive('deadlineMs', options.deadlineMs, timeoutMs * 3);
  const maxResponseBytes = positive('maxResponseBytes', options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES);
  const keepAlive = options.keepAlive ?? true;
  // Connections are reused per department host: at a thousand deliveries a second, a TLS
  // handshake per delivery would cost more than the delivery.
  const httpAgent = keepAlive ? new http.Agent({ keepAlive: true }) : undefined;
  const httpsAgent = keepAlive ? new https.Agent({ keepAlive: true }) : undefined;

  async function deliver(req: DeliveryRequest, signal?: AbortSignal): Promise<DeliveryResult> {
    const started = performance.now();
    const result = (verdict: Verdict): DeliveryResult => ({ ...verdict, durationMs: Math.round(performance.now() - started) });

    const target = req.target;
    if (target.channel !== 'webhook') {
      return result({ ok: false, retryable: false, error: `target channel is "${target.channel}", not webhook` });
    }
    let url: URL;
    try {
      url = new URL(target.url);
    } catch {
      return result({ ok: false, retryable: false, error: 'the webhook URL is not a valid URL' });
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      return result({ ok: false, retryable: false, error: `only http: and https: webhook URLs are allowed, not ${url.protocol}` });
    }
    if (!target.secret) return result({ ok: false, retryable: false, error: 'the webhook signing secret is empty' });

    // Serialised once: the bytes signed are exactly the bytes sent.
    let payload: Buffer;
    try {
      const text: string | undefined = JSON.stringify(req.body);
      if (text === undefined) throw new TypeError('nothing to serialise');
      payload = Buffer.from(text, 'utf8');
    } catch (err) {
      return result({ ok: false, retryable: false, error: excerpt(`the payload is not JSON-serialisable: ${(err as Error).message}`, 200) });
    }
    if (signal?.aborted) return result({ ok: false, retryable: true, error: 'aborted by the dispatcher before sending' });

    const timestamp = Math.floor(Date.now() / 1000);
    const headers: http.OutgoingHttpHeaders = {
      'Content-Type': 'application/json',
      'Content-Length': payload.length,
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: sign(target.secret, timestamp, payload),
      [IDEMPOTENCY_HEADER]: req.idempotencyKey,
      [DELIVERY_HEADER]: req.subApplicationId,
    };
    const agent = url.protocol === 'https:' ? httpsAgent : httpAgent;
    let outcome = await send(url, headers, payload, { agent, timeoutMs, deadlineMs, maxResponseBytes, signal });
    // Node's advice for keep-alive races; once, so a department that resets everything still fails.
    if (outcome.kind === 'failure' && outcome.staleSocket && !signal?.aborted) outcome = await send(url, headers, payload, { agent, timeoutMs, deadlineMs, maxResponseBytes, signal });
    return result(classify(outcome, timeoutMs, deadlineMs));
  }

  return {
    name: 'webhook',
    deliver,
    close() {
      httpAgent?.destroy();
      httpsAgent?.destroy();
    },
  };
}
