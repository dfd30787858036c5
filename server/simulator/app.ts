/**
 * Simulated department back offices, for DEMO mode and for tests: one small Express app that
 * plays every department at `POST /departments/:code`, the way a real department system is
 * expected to behave (see the scheme in ../delivery/signature.ts): verify the signature and the
 * timestamp, process each Idempotency-Key once, answer 2xx, and some time later report the
 * result through the product's department API (accept, then complete with outputs).
 *
 * It can misbehave on purpose, for the reliability tests: answer slowly, fail with 500 at a
 * rate or for the first N requests of a department, drop connections (`down`) or never answer
 * (`hang`), all changeable at run time through `POST /control`.
 *
 * `/stats` and `/control` are unauthenticated: this server is a test double and binds to the
 * loopback interface by default (main.ts); it must never be exposed.
 */
import { setMaxListeners } from 'node:events';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { createLogger, type Logger } from '../log.js';
import {
  DEFAULT_TOLERANCE_SECONDS,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  verify,
  type VerifyFailure,
} from '../delivery/signature.js';
import { signRequest } from '../auth/request-signature.js';
import { generateOutputs, type ProducedOutput } from './outputs.js';
import { ExchangeControlError, ExchangeLibrary, exchangeRoutes } from './exchange.js';
import { createSmsGateway, type SmsGateway } from './sms-gateway.js';

/** The webhook body the dispatcher sends for one sub-application (one delivery round). */
export interface SubApplicationPayload {
  subApplicationId: string;
  applicationId: string;
  bundle: { id: string; version: number | string };
  item: { id: string; title: string };
  department: string;
  round: number;
  /** Only this department's fields, in its own field names. */
  fields: Record<string, unknown>;
  materials: { code: string; title: string; url: string }[];
  /** Outputs of earlier items of the bundle this item needs (e.g. the credit code). */
  inputs: Record<string, unknown>;
  produces: ProducedOutput[];
  timeLimitDays: number;
  submittedAt: string;
}

/** A latency in ms, or a range [min, max] drawn uniformly per request. */
export type Latency = number | readonly [number, number];

export interface SimulatorControl {
  latencyMs: Latency;
  /** Probability 0..1 that a request is answered 500 (after verification). */
  failureRate: number;
  /** Remaining requests per department answered 500 before it recovers: `{ police: 3 }`. */
  failures: Record<string, number>;
  /** Destroy every department request's connection without answering. */
  down: boolean;
  /** Never answer department requests (the client's timeout must save it). */
  hang: boolean;
  /**
   * Which departments the simulator completes by itself: true = all, false = none (every one
   * is left to human staff in the workbench), or the list of codes it processes.
   */
  autoProcess: boolean | string[];
  /** Delay before accepting, and again before completing. */
  processDelayMs: number;
}

export interface SimulatorOptions extends Partial<SimulatorControl> {
  /** The product's base URL for callbacks, e.g. `http://127.0.0.1:3000` (no `/api`). */
  apiBase: string;
  /** The department's webhook signing secret; undefined = no such department (404). */
  secretFor(code: string): string | undefined;
  /** The department's bearer token for the department API. */
  tokenFor(code: string): string | undefined;
  toleranceSeconds?: number;
  logger?: Logger;
  /** Uniform in [0, 1); injectable for reproducible failure rates and outputs. */
  random?: () => number;
  /** Attempts per callback before giving up (logged). Default 5. */
  callbackAttempts?: number;
  /** First retry delay of a callback, doubled each time. Default 500 ms. */
  callbackBackoffMs?: number;
  /** Per-attempt timeout of a callback. Default 10 000 ms. */
  callbackTimeoutMs?: number;
  /**
   * How often `keepReconciling` looks again for cases still waiting on the departments (a case
   * whose callbacks gave up while the product was unreachable is taken up at the next look).
   * Default 60 000 ms; 0: only once.
   */
  reconcileEveryMs?: number;
  /**
   * The simulated licence library and data exchange at `/exchange` (server/connectors/protocol.ts):
   * the secret shared with each connector id (undefined: unknown connector), and optionally the
   * library to serve (the product's in-process simulated connectors share it in DEMO).
   */
  exchange?: { secretFor(connector: string): string | undefined; library?: ExchangeLibrary };
  /** Also play the SMS gateway at `/sms` (./sms-gateway.ts), with this signing secret. */
  smsSecret?: string;
}

export interface SimulatorStats {
  /** Requests that reached a known department, whatever became of them. */
  received: Record<string, number>;
  /** Repeats of an already processed Idempotency-Key, answered 200 `{"duplicate":true}`. */
  duplicates: number;
  refused: Record<VerifyFailure, number>;
  /** Idempotency-Key → times processed (1, unless deduplication is broken). */
  byKey: Record<string, number>;
  /** Requests answered 500 on purpose, per department. */
  failed: Record<string, number>;
  /** Connections dropped (`down`) or left hanging (`hang`). */
  dropped: number;
  callbacks: { accept: number; complete: number; errors: number };
}

export interface Simulator {
  app: Express;
  /**
   * What to serve: deliveries answered straight away, everything else through `app` (which also
   * takes deliveries, a step later, for those that mount it).
   */
  readonly handler: RequestListener;
  /** Live counters (also served as `GET /stats`). */
  readonly stats: SimulatorStats;
  /** Current behaviour; change it with `control()` or `POST /control`. */
  readonly state: SimulatorControl;
  control(patch: unknown): SimulatorControl;
  /** The simulated licence library and data exchange (its records, control and counters). */
  readonly exchange: ExchangeLibrary;
  /** The simulated SMS gateway, when `smsSecret` was given. */
  readonly sms: SmsGateway | undefined;
  /** Resolves when every scheduled accept/complete has finished (or given up). */
  settled(): Promise<void>;
  /**
   * After a restart: asks the department API for each department's cases still waiting on it
   * (delivered, accepted) and goes on with them, as a real department system must (README).
   * Returns how many it took up.
   */
  reconcile(codes: readonly string[]): Promise<number>;
  /** `reconcile` now and then every `reconcileEveryMs` until `close`, as a department system's sweep. */
  keepReconciling(codes: readonly string[]): void;
  /** Cancels scheduled callbacks and drops hanging requests; the HTTP server is the caller's. */
  close(): Promise<void>;
}

export class ControlError extends Error {}

const DEPARTMENT_CODE = /^[a-z][a-zA-Z0-9]*$/;
const BODY_LIMIT = 2 * 1024 * 1024;

function counter(): Record<string, number> {
  // Keys come from the network: a null prototype keeps "__proto__" an ordinary key.
  return Object.create(null) as Record<string, number>;
}

function newStats(): SimulatorStats {
  return {
    received: counter(),
    duplicates: 0,
    refused: { missing: 0, malformed: 0, expired: 0, mismatch: 0 },
    byKey: counter(),
    failed: counter(),
    dropped: 0,
    callbacks: { accept: 0, complete: 0, errors: 0 },
  };
}

function isNonNegative(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}

function parseLatency(v: unknown): Latency {
  if (isNonNegative(v)) return v;
  if (Array.isArray(v) && v.length === 2 && isNonNegative(v[0]) && isNonNegative(v[1]) && v[0] <= v[1]) {
    return [v[0], v[1]];
  }
  throw new ControlError('latencyMs must be a number of ms ≥ 0 or a range [min, max]');
}

/** Applies a partial control update, validating everything before changing anything. */
function applyControl(state: SimulatorControl, patch: unknown): SimulatorControl {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new ControlError('control must be a JSON object');
  const p = patch as Record<string, unknown>;
  const known = new Set(['latencyMs', 'failureRate', 'failures', 'down', 'hang', 'autoProcess', 'processDelayMs']);
  const unknown = Object.keys(p).filter((k) => !known.has(k));
  if (unknown.length) throw new ControlError(`unknown control setting(s): ${unknown.join(', ')}`);
  const next: SimulatorControl = { ...state, failures: { ...state.failures } };
  if ('latencyMs' in p) next.latencyMs = parseLatency(p.latencyMs);
  if ('failureRate' in p) {
    if (!isNonNegative(p.failureRate) || p.failureRate > 1) throw new ControlError('failureRate must be a number from 0 to 1');
    next.failureRate = p.failureRate;
  }
  if ('failures' in p) {
    const f = p.failures;
    if (!f || typeof f !== 'object' || Array.isArray(f)) throw new ControlError('failures must be an object like {"police": 3}');
    for (const [code, n] of Object.entries(f)) {
      if (!Number.isInteger(n) || (n as number) < 0) throw new ControlError(`failures.${code} must be a whole number ≥ 0`);
      next.failures[code] = n as number;
    }
  }
  for (const flag of ['down', 'hang'] as const) {
    if (flag in p) {
      if (typeof p[flag] !== 'boolean') throw new ControlError(`${flag} must be true or false`);
      next[flag] = p[flag];
    }
  }
  if ('autoProcess' in p) {
    const a = p.autoProcess;
    if (typeof a !== 'boolean' && !(Array.isArray(a) && a.every((c) => typeof c === 'string'))) {
      throw new ControlError('autoProcess must be true, false or a list of department codes');
    }
    next.autoProcess = Array.isArray(a) ? [...(a as string[])] : a;
  }
  if ('processDelayMs' in p) {
    if (!isNonNegative(p.processDelayMs)) throw new ControlError('processDelayMs must be a number of ms ≥ 0');
    next.processDelayMs = p.processDelayMs;
  }
  return next;
}

function isPayload(v: unknown): v is Partial<SubApplicationPayload> & { subApplicationId: string } {
  return !!v && typeof v === 'object' && typeof (v as { subApplicationId?: unknown }).subApplicationId === 'string';
}

/** The department code of `POST /departments/:code`, decoded as a route parameter; null for any other request. */
function deliveryTo(req: IncomingMessage): string | null {
  if (req.method !== 'POST') return null;
  const m = /^\/departments\/([^/?#]+)\/?(?:\?.*)?$/.exec(req.url ?? '');
  if (!m) return null;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return '';
  }
}

/** The request body, or null past BODY_LIMIT (the rest is drained, not kept). */
function bodyOf(req: IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= BODY_LIMIT) chunks.push(chunk);
    });
    req.on('end', () => resolve(size <= BODY_LIMIT ? (chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)) : null));
    req.on('error', reject);
  });
}

function reply(res: ServerResponse, status: number, body: unknown, close = false): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': Buffer.byteLength(text),
    ...(close ? { Connection: 'close' } : {}),
  });
  res.end(text);
}

type CallbackOutcome = 'ok' | 'conflict' | 'gave-up';

export function createSimulator(options: SimulatorOptions): Simulator {
  const logger = options.logger ?? createLogger('silent');
  const random = options.random ?? Math.random;
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const callbackAttempts = options.callbackAttempts ?? 5;
  const callbackBackoffMs = options.callbackBackoffMs ?? 500;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? 10_000;
  const apiBase = options.apiBase.replace(/\/+$/, '');

  let state = applyControl(
    { latencyMs: 0, failureRate: 0, failures: {}, down: false, hang: false, autoProcess: true, processDelayMs: 3000 },
    Object.fromEntries(
      (['latencyMs', 'failureRate', 'failures', 'down', 'hang', 'autoProcess', 'processDelayMs'] as const)
        .filter((k) => options[k] !== undefined)
        .map((k) => [k, options[k]]),
    ),
  );
  const stats = newStats();
  const exchange = options.exchange?.library ?? new ExchangeLibrary();
  // The department's memory of what it has processed; survives a stats reset.
  const seen = new Set<string>();
  const hanging = new Set<ServerResponse>();
  const tasks = new Set<Promise<void>>();
  const lifetime = new AbortController();
  // Every scheduled task sleeps on this one signal and stops listening when it wakes; past the
  // default ten listeners Node would warn of a leak whenever more than ten deliveries are in hand.
  setMaxListeners(0, lifetime.signal);

  const bump = (map: Record<string, number>, key: string) => (map[key] = (map[key] ?? 0) + 1);

  function latency(): number {
    const l = state.latencyMs;
    return typeof l === 'number' ? l : l[0] + random() * (l[1] - l[0]);
  }

  function autoProcesses(code: string): boolean {
    const a = state.autoProcess;
    return Array.isArray(a) ? a.includes(code) : a;
  }

  /** One action call to the department API, retried with backoff; never throws. */
  async function callback(code: string, id: string, action: Record<string, unknown>): Promise<CallbackOutcome> {
    const what = { department: code, subApplicationId: id, action: action.action };
    const token = options.tokenFor(code);
    if (!token) {
      stats.callbacks.errors++;
      logger.error(what, 'simulator: no department API token for this department; leaving it to staff');
      return 'gave-up';
    }
    const secret = options.secretFor(code);
    if (!secret) {
      stats.callbacks.errors++;
      logger.error(what, 'simulator: no signing secret for this department; leaving it to staff');
      return 'gave-up';
    }
    const url = `${apiBase}/api/sub-applications/${encodeURIComponent(id)}/actions`;
    for (let attempt = 1; ; attempt++) {
      let problem: string;
      let retry = true;
      try {
        // Signed afresh on every attempt: a nonce the product has seen is refused as a replay.
        const body = JSON.stringify(action);
        const signed = signRequest({ secret, method: 'POST', path: new URL(url).pathname, body });
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}`, ...signed },
          body,
          redirect: 'manual',
          signal: AbortSignal.any([lifetime.signal, AbortSignal.timeout(callbackTimeoutMs)]),
        });
        const text = (await res.text()).slice(0, 300);
        if (res.ok) return 'ok';
        // 409: the state moved on without us (a repeat of an attempt that did succeed, or a
        // member of staff acting first). Nothing to retry; the caller decides whether to go on.
        if (res.status === 409) {
          logger.info({ ...what, status: 409, body: text }, 'simulator: action refused as an invalid transition');
          return 'conflict';
        }
        problem = `HTTP ${res.status}: ${text}`;
        retry = res.status >= 500 || res.status === 408 || res.status === 429;
      } catch (err) {
        if (lifetime.signal.aborted) return 'gave-up';
        // undici says only "fetch failed"; the reason (ECONNREFUSED…) is in the cause.
        const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
        problem = `${(err as Error).message}${cause ? ` (${String(cause.code ?? cause.message)})` : ''}`;
      }
      stats.callbacks.errors++;
      if (!retry || attempt >= callbackAttempts) {
        logger.error({ ...what, attempt, problem }, 'simulator: giving up on a department API call');
        return 'gave-up';
      }
      logger.warn({ ...what, attempt, problem }, 'simulator: department API call failed; retrying');
      try {
        await sleep(callbackBackoffMs * 2 ** (attempt - 1), undefined, { signal: lifetime.signal });
      } catch {
        return 'gave-up';
      }
    }
  }

  async function work(code: string, payload: Partial<SubApplicationPayload> & { subApplicationId: string }): Promise<void> {
    const id = payload.subApplicationId;
    try {
      await sleep(state.processDelayMs, undefined, { signal: lifetime.signal });
      // Read when the work is done, not when it arrived: staff can take a department over meanwhile.
      if (!autoProcesses(code)) return;
      const accepted = await callback(code, id, { action: 'accept' });
      if (accepted === 'gave-up') return;
      if (accepted === 'ok') stats.callbacks.accept++;
      await sleep(state.processDelayMs, undefined, { signal: lifetime.signal });
      // From the case as received, so the results agree with it (server/simulator/outputs.ts).
      const outputs = generateOutputs(payload.produces, { random, ...(payload.fields && typeof payload.fields === 'object' ? { fields: payload.fields as Record<string, unknown> } : {}) });
      if ((await callback(code, id, { action: 'complete', outputs })) === 'ok') stats.callbacks.complete++;
    } catch (err) {
      if (!lifetime.signal.aborted) logger.error({ err, department: code, subApplicationId: id }, 'simulator: processing failed');
    }
  }

  // Cases in hand (by sub-application and round), so that a webhook and a reconciliation never both work one.
  const working = new Set<string>();
  const inHand = (id: string, round: unknown) => `${id}:${typeof round === 'number' ? round : 1}`;

  function schedule(code: string, payload: Partial<SubApplicationPayload> & { subApplicationId: string }): void {
    const key = inHand(payload.subApplicationId, payload.round);
    if (working.has(key)) return;
    working.add(key);
    const task = work(code, payload).finally(() => {
      tasks.delete(task);
      working.delete(key);
    });
    tasks.add(task);
  }

  /** A GET on the department API with the department's token; null when it cannot be had. */
  async function departmentGet<T>(code: string, path: string): Promise<T | null> {
    const token = options.tokenFor(code);
    if (!token) return null;
    const res = await fetch(`${apiBase}/api${path}`, { headers: { Authorization: `Bearer ${token}` }, signal: AbortSignal.any([lifetime.signal, AbortSignal.timeout(callbackTimeoutMs)]) });
    if (!res.ok) throw new Error(`GET ${path}: HTTP ${res.status}`);
    return (await res.json()) as T;
  }

  async function reconcile(codes: readonly string[]): Promise<number> {
    let taken = 0;
    for (const code of codes) {
      if (!autoProcesses(code)) continue;
      try {
        for (const status of ['delivered', 'accepted'] as const) {
          const rows = (await departmentGet<{ id: string; round: number }[]>(code, `/departments/${encodeURIComponent(code)}/sub-applications?status=${status}`)) ?? [];
          for (const row of rows) {
            if (working.has(inHand(row.id, row.round))) continue;
            const detail = await departmentGet<{ id: string; round: number; fields: Record<string, unknown>; produces: SubApplicationPayload['produces'] }>(code, `/sub-applications/${encodeURIComponent(row.id)}`);
            if (!detail) continue;
            // An accepted case is accepted again harmlessly (409, and the work goes on to 办结).
            schedule(code, { subApplicationId: detail.id, round: detail.round, fields: detail.fields, produces: detail.produces });
            taken++;
          }
        }
      } catch (err) {
        if (!lifetime.signal.aborted) logger.error({ err, department: code }, 'simulator: reconciling unfinished cases failed');
      }
    }
    if (taken) logger.info({ taken }, 'simulator: took up cases still waiting on the departments');
    return taken;
  }

  const app = express();
  app.disable('x-powered-by');
  // First, so that a delivery passes no other route.
  app.use((req, res, next) => {
    const code = deliveryTo(req);
    if (code === null) return next();
    receive(req, res, code).catch(next);
  });

  app.get('/stats', (_req, res) => {
    res.json(stats);
  });
  app.delete('/stats', (_req, res) => {
    Object.assign(stats, newStats());
    res.json(stats);
  });
  app.get('/control', (_req, res) => {
    res.json({ ...state, exchange: exchange.state });
  });
  app.post('/control', express.json(), (req, res) => {
    try {
      // `exchange` steers the simulated licence library and data exchange; the rest the departments.
      // All or nothing: a bad setting on either side leaves both as they were.
      const body: unknown = req.body;
      const { exchange: exchangePatch, ...rest } = (body && typeof body === 'object' && !Array.isArray(body) ? body : { '': body }) as Record<string, unknown>;
      const before = exchange.state;
      if (exchangePatch !== undefined) exchange.control(exchangePatch);
      try {
        res.json({ ...(Object.keys(rest).length || exchangePatch === undefined ? simulator.control(rest) : state), exchange: exchange.state });
      } catch (err) {
        exchange.state = before;
        throw err;
      }
    } catch (err) {
      if (!(err instanceof ControlError) && !(err instanceof ExchangeControlError)) throw err;
      res.status(400).json({ error: err.message });
    }
  });
  app.get('/exchange-stats', (_req, res) => {
    res.json(exchange.stats);
  });
  if (options.exchange) app.use('/exchange', exchangeRoutes(exchange, options.exchange.secretFor));

  /**
   * `POST /departments/:code`, every delivery's way in: read and answered with node:http alone.
   * Through Express's router and body parser a department process spent 0.41 ms of CPU on each
   * delivery of a 1.8 kB case, 0.15 ms without them; in `npm run bench -- dispatch` the department
   * systems share the machine with the worker they are measuring.
   */
  async function receive(req: IncomingMessage, res: ServerResponse, code: string): Promise<void> {
    // Before the body is read: a department that is down does not read requests.
    if (state.down) {
      stats.dropped++;
      req.socket.destroy();
      return;
    }
    if (state.hang) {
      stats.dropped++;
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    }
    const secret = DEPARTMENT_CODE.test(code) ? options.secretFor(code) : undefined;
    if (!secret) return reply(res, 404, { error: 'unknown department', department: code });
    bump(stats.received, code);
    const type = (req.headers['content-type'] ?? '').split(';', 1)[0]!.trim().toLowerCase();
    if (type !== 'application/json') return reply(res, 415, { error: 'expected Content-Type: application/json' });
    const encoding = (req.headers['content-encoding'] ?? 'identity').toLowerCase();
    if (encoding !== 'identity') return reply(res, 415, { error: `unsupported Content-Encoding: ${encoding}` });
    const raw = await bodyOf(req);
    if (!raw) return reply(res, 413, { error: 'request entity too large' }, true);
    const verdict = verify({
      secret,
      timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()],
      signature: req.headers[SIGNATURE_HEADER.toLowerCase()],
      rawBody: raw,
      toleranceSeconds: tolerance,
    });
    if (!verdict.ok) {
      stats.refused[verdict.reason]++;
      logger.warn({ department: code, reason: verdict.reason }, 'simulator: webhook signature refused');
      return reply(res, 401, { error: 'signature verification failed', reason: verdict.reason });
    }
    const key = req.headers[IDEMPOTENCY_HEADER.toLowerCase()];
    if (typeof key !== 'string' || !key) return reply(res, 400, { error: `missing ${IDEMPOTENCY_HEADER} header` });
    let payload: unknown;
    try {
      payload = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'body is not valid JSON' });
    }
    if (!isPayload(payload)) return reply(res, 400, { error: 'body has no subApplicationId' });
    // A department must never receive another department's split: that would be a leak.
    if (payload.department !== undefined && payload.department !== code) {
      return reply(res, 400, { error: `sub-application is for department "${String(payload.department)}", not "${code}"` });
    }

    const wait = latency();
    if (wait > 0) await sleep(wait);

    const remaining = state.failures[code] ?? 0;
    if (remaining > 0 || (state.failureRate > 0 && random() < state.failureRate)) {
      if (remaining > 0) state.failures[code] = remaining - 1;
      bump(stats.failed, code);
      return reply(res, 500, { error: 'simulated failure' });
    }
    if (seen.has(key)) {
      stats.duplicates++;
      return reply(res, 200, { received: true, duplicate: true });
    }
    seen.add(key);
    bump(stats.byKey, key);
    schedule(code, payload);
    reply(res, 200, { received: true, subApplicationId: payload.subApplicationId });
  }

  // The SMS gateway notices are sent to (server/notices/).
  const sms = options.smsSecret ? createSmsGateway({ secret: options.smsSecret, logger, toleranceSeconds: tolerance }) : undefined;
  if (sms) app.use('/sms', sms.router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Body-parser errors (too large, bad encoding) carry their status; anything else is ours.
  app.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent) return next(err);
    const status = (err as { status?: unknown }).status;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res.status(status).json({ error: (err as Error).message });
      return;
    }
    logger.error({ err }, 'simulator: unhandled error');
    res.status(500).json({ error: 'internal error' });
  });

  const simulator: Simulator = {
    app,
    handler(req, res) {
      const code = deliveryTo(req);
      if (code === null) return void app(req, res);
      receive(req, res, code).catch((err: unknown) => {
        logger.error({ err }, 'simulator: unhandled error');
        if (res.headersSent) res.destroy();
        else reply(res, 500, { error: 'internal error' });
      });
    },
    stats,
    exchange,
    sms,
    get state() {
      return state;
    },
    control(patch: unknown) {
      const next = applyControl(state, patch);
      const wasHanging = state.hang;
      state = next;
      // Releasing the hang drops what was held, as a department system coming back would.
      if (wasHanging && !state.hang) for (const res of hanging) res.destroy();
      return state;
    },
    async settled() {
      while (tasks.size) await Promise.allSettled([...tasks]);
    },
    reconcile,
    keepReconciling(codes) {
      const every = options.reconcileEveryMs ?? 60_000;
      void (async () => {
        while (!lifetime.signal.aborted) {
          await reconcile(codes);
          if (!every) return;
          // A timer that never holds the process open; close() aborts the wait.
          await sleep(every, undefined, { signal: lifetime.signal, ref: false }).catch(() => undefined);
        }
      })();
    },
    async close() {
      lifetime.abort();
      sms?.close();
      for (const res of hanging) res.destroy();
      await simulator.settled();
    },
  };
  return simulator;
}
