/**
 * A simulated SMS gateway (短信网关), for DEMO and tests: it takes notices exactly as a real
 * gateway is expected to (server/notices/channels/sms.ts): verifies the signature and the
 * timestamp, sends each Idempotency-Key once (a repeat is answered 200 `duplicate`), and keeps
 * what it "sent" so that a test or a demo can see it (`GET /sms/messages`).
 *
 * It misbehaves on request through `POST /sms/control`: `failures` (the next N requests answered
 * 500 before anything is stored), `latencyMs` (before answering anything), `slowAfterStore` with
 * `slowMs` (the next N messages are stored, then answered only after slowMs: the sender times
 * out on a message the gateway has, and its retry must not make a second one), `down`.
 * Unauthenticated like the rest of the simulator: loopback only, never exposed.
 */
import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Request, type Response, type Router } from 'express';
import { DEFAULT_TOLERANCE_SECONDS, IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, verify } from '../delivery/signature.js';
import type { Logger } from '../log.js';

export interface SmsMessage {
  idempotencyKey: string;
  mobile: string;
  text: string;
  template: string | null;
  receivedAt: string;
}

export interface SmsGatewayControl {
  failures: number;
  latencyMs: number;
  slowAfterStore: number;
  slowMs: number;
  down: boolean;
}

export interface SmsGatewayStats {
  /** Requests that passed the signature check. */
  received: number;
  duplicates: number;
  refused: number;
  failed: number;
}

export interface SmsGateway {
  router: Router;
  readonly messages: readonly SmsMessage[];
  readonly stats: SmsGatewayStats;
  readonly state: SmsGatewayControl;
  control(patch: unknown): SmsGatewayControl;
  close(): void;
}

export class SmsControlError extends Error {}

const KEYS = ['failures', 'latencyMs', 'slowAfterStore', 'slowMs', 'down'] as const;

function applyControl(state: SmsGatewayControl, patch: unknown): SmsGatewayControl {
  if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new SmsControlError('control must be a JSON object');
  const p = patch as Record<string, unknown>;
  const unknown = Object.keys(p).filter((k) => !(KEYS as readonly string[]).includes(k));
  if (unknown.length) throw new SmsControlError(`unknown control setting(s): ${unknown.join(', ')}`);
  const next = { ...state };
  for (const k of ['failures', 'latencyMs', 'slowAfterStore', 'slowMs'] as const) {
    if (k in p) {
      const v = p[k];
      if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new SmsControlError(`${k} must be a whole number ≥ 0`);
      next[k] = v;
    }
  }
  if ('down' in p) {
    if (typeof p.down !== 'boolean') throw new SmsControlError('down must be true or false');
    next.down = p.down;
  }
  return next;
}

export function createSmsGateway(o: { secret: string; logger: Logger; toleranceSeconds?: number }): SmsGateway {
  let state: SmsGatewayControl = { failures: 0, latencyMs: 0, slowAfterStore: 0, slowMs: 0, down: false };
  const messages: SmsMessage[] = [];
  const stats: SmsGatewayStats = { received: 0, duplicates: 0, refused: 0, failed: 0 };
  const seen = new Set<string>();
  const lifetime = new AbortController();
  setMaxListeners(0, lifetime.signal);
  const wait = async (ms: number) => {
    if (ms > 0) await sleep(ms, undefined, { signal: lifetime.signal }).catch(() => undefined);
  };

  const router = express.Router();
  router.get('/messages', (_req, res) => {
    res.json({ messages });
  });
  router.delete('/messages', (_req, res) => {
    messages.length = 0;
    res.json({ messages });
  });
  router.get('/stats', (_req, res) => {
    res.json(stats);
  });
  router.get('/control', (_req, res) => {
    res.json(state);
  });
  router.post('/control', express.json(), (req, res) => {
    try {
      res.json(gateway.control(req.body));
    } catch (err) {
      if (!(err instanceof SmsControlError)) throw err;
      res.status(400).json({ error: err.message });
    }
  });
  router.post('/messages', express.raw({ type: 'application/json', limit: '64kb' }), async (req: Request, res: Response) => {
    if (state.down) {
      req.socket.destroy();
      return;
    }
    if (!Buffer.isBuffer(req.body)) {
      res.status(415).json({ error: 'expected Content-Type: application/json' });
      return;
    }
    const verdict = verify({
      secret: o.secret,
      timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()],
      signature: req.headers[SIGNATURE_HEADER.toLowerCase()],
      rawBody: req.body,
      toleranceSeconds: o.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS,
    });
    if (!verdict.ok) {
      stats.refused++;
      res.status(401).json({ error: 'signature verification failed', reason: verdict.reason });
      return;
    }
    const key = req.get(IDEMPOTENCY_HEADER);
    if (!key) {
      res.status(400).json({ error: `missing ${IDEMPOTENCY_HEADER} header` });
      return;
    }
    let body: { mobile?: unknown; text?: unknown; template?: unknown };
    try {
      body = JSON.parse(req.body.toString('utf8')) as typeof body;
    } catch {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    if (typeof body.mobile !== 'string' || !/^1[3-9]\d{9}$/.test(body.mobile) || typeof body.text !== 'string' || !body.text) {
      res.status(400).json({ error: 'body needs a mainland mobile and a text' });
      return;
    }
    stats.received++;
    await wait(state.latencyMs);
    if (state.failures > 0) {
      state.failures--;
      stats.failed++;
      res.status(500).json({ error: 'simulated failure' });
      return;
    }
    if (seen.has(key)) {
      stats.duplicates++;
      res.status(200).json({ accepted: true, duplicate: true });
      return;
    }
    seen.add(key);
    messages.push({ idempotencyKey: key, mobile: body.mobile, text: body.text, template: typeof body.template === 'string' ? body.template : null, receivedAt: new Date().toISOString() });
    o.logger.info({ template: body.template }, 'simulated SMS gateway: message taken');
    if (state.slowAfterStore > 0) {
      state.slowAfterStore--;
      await wait(state.slowMs);
    }
    if (!res.destroyed && !res.writableEnded) res.status(200).json({ accepted: true });
  });

  const gateway: SmsGateway = {
    router,
    messages,
    stats,
    get state() {
      return state;
    },
    control(patch: unknown) {
      state = applyControl(state, patch);
      return state;
    },
    close() {
      lifetime.abort();
    },
  };
  return gateway;
}
