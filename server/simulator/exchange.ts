/**
 * The simulated licence library (电子证照库) and data-sharing exchange (数据共享交换): the demo
 * identities' records (exchange-records.ts), the licences issued into it since, and the HTTP
 * protocol of server/connectors/protocol.ts at `/exchange/…` on the simulator, each request's
 * signature and nonce verified. It can fail or be slow on purpose (`POST /control` with
 * `{"exchange": {…}}`): `down` (every request dropped), `failures` (the next N answered 500),
 * `latencyMs`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import express, { type Request, type Response, type Router } from 'express';
import { NONCE_HEADER, NONCE_RETENTION_SECONDS, verifyRequest } from '../auth/request-signature.js';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, type VerifyFailure } from '../delivery/signature.js';
import { CONNECTOR_HEADER, PATHS, type LicenceJson } from '../connectors/protocol.js';
import type { DataQuery, Holder, IssueRequest, LicenceRecord } from '../connectors/types.js';
import { LICENCES, RECORDS, licencePdf } from './exchange-records.js';
import { chinaToday } from '../../shared/beijing-time.js';

export interface ExchangeControl {
  down: boolean;
  /** The next N requests are answered 500. */
  failures: number;
  latencyMs: number;
}

export interface ExchangeStats {
  /** Licence queries answered, by `type:holder key`. */
  queries: Record<string, number>;
  /** Licence files handed out, by `type:holder key` (a fetch at submit or dispatch). */
  files: Record<string, number>;
  records: number;
  issued: number;
  refused: Record<VerifyFailure | 'replayed' | 'unknown-connector', number>;
  failed: number;
  dropped: number;
}

export class ExchangeControlError extends Error {}

function holderKey(h: Partial<Holder>): string {
  return h.creditCode || h.idNumber || '';
}

function newStats(): ExchangeStats {
  return { queries: {}, files: {}, records: 0, issued: 0, refused: { missing: 0, malformed: 0, expired: 0, mismatch: 0, replayed: 0, 'unknown-connector': 0 }, failed: 0, dropped: 0 };
}

export class ExchangeLibrary {
  state: ExchangeControl = { down: false, failures: 0, latencyMs: 0 };
  stats: ExchangeStats = newStats();
  private readonly licences: LicenceRecord[] = LICENCES.map((l) => ({ ...l }));
  private seq = 0;

  control(patch: unknown): ExchangeControl {
    if (!patch || typeof patch !== 'object' || Array.isArray(patch)) throw new ExchangeControlError('exchange must be a JSON object');
    const p = patch as Record<string, unknown>;
    const unknown = Object.keys(p).filter((k) => !['down', 'failures', 'latencyMs'].includes(k));
    if (unknown.length) throw new ExchangeControlError(`unknown exchange setting(s): ${unknown.join(', ')}`);
    const next = { ...this.state };
    if ('down' in p) {
      if (typeof p.down !== 'boolean') throw new ExchangeControlError('exchange.down must be true or false');
      next.down = p.down;
    }
    for (const k of ['failures', 'latencyMs'] as const) {
      if (k in p) {
        const v = p[k];
        if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) throw new ExchangeControlError(`exchange.${k} must be a whole number ≥ 0`);
        next[k] = v;
      }
    }
    this.state = next;
    return next;
  }

  resetStats(): void {
    this.stats = newStats();
  }

  /** The holder's newest licence of that type, expired or not (the caller judges validity). */
  find(type: string, holder: Partial<Holder>, withFile: boolean): LicenceRecord | null {
    const key = holderKey(holder);
    const bump = (m: Record<string, number>) => (m[`${type}:${key}`] = (m[`${type}:${key}`] ?? 0) + 1);
    bump(this.stats.queries);
    const found = this.licences.filter((l) => l.type === type && key !== '' && holderKey(l.holder) === key).at(-1);
    if (!found) return null;
    const { file, ...record } = found;
    if (!withFile) return record;
    bump(this.stats.files);
    // Made once per licence and kept with it: the same bytes every time, as a library's stored file.
    found.file = file ?? { contentType: 'application/pdf', data: licencePdf(found) };
    return { ...record, file: found.file };
  }

  issue(req: IssueRequest): LicenceRecord {
    this.stats.issued++;
    const today = chinaToday();
    // The issuing department's own number (the 出生医学证明编号, a 社保卡 numbered by its holder's
    // 公民身份号码) is the licence's number; the library numbers only what comes without one.
    const given = req.fields.licenceNumber ?? req.fields[req.type];
    const licenceNumber = typeof given === 'string' && given ? given : `${req.type}-${today.slice(0, 4)}-${String(++this.seq).padStart(6, '0')}`;
    const record: LicenceRecord = { type: req.type, licenceNumber, issuer: req.issuer, issuedOn: today, validUntil: null, holder: req.holder, fields: req.fields };
    record.file = { contentType: 'application/pdf', data: licencePdf(record) };
    this.licences.push(record);
    return record;
  }

  records(q: DataQuery): Record<string, unknown> | null {
    this.stats.records++;
    const record = RECORDS[q.department]?.[q.key.value];
    if (!record) return null;
    return q.fields ? Object.fromEntries(Object.entries(record).filter(([k]) => q.fields!.includes(k))) : { ...record };
  }
}

export function toJson(l: LicenceRecord): LicenceJson {
  return {
    type: l.type,
    licenceNumber: l.licenceNumber,
    issuer: l.issuer,
    issuedOn: l.issuedOn,
    validUntil: l.validUntil,
    holder: l.holder,
    fields: l.fields,
    ...(l.file ? { file: { contentType: l.file.contentType, base64: l.file.data.toString('base64') } } : {}),
  };
}

function str(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0;
}

function isHolder(v: unknown): v is Holder {
  const h = v as Holder | null;
  return !!h && typeof h === 'object' && typeof h.name === 'string' && (str(h.idNumber) || str(h.creditCode));
}

/**
 * The exchange's HTTP side. `secretFor(connectorId)` is the secret shared with that connector
 * (undefined: unknown connector, 401).
 */
export function exchangeRoutes(library: ExchangeLibrary, secretFor: (connector: string) => string | undefined): Router {
  const router = express.Router();
  const nonces = new Map<string, number>();

  router.use((req, res, next) => {
    if (library.state.down) {
      library.stats.dropped++;
      req.socket.destroy();
      return;
    }
    next();
  });
  router.use(express.raw({ type: () => true, limit: '1mb' }));
  router.use(async (req: Request, res: Response, next) => {
    const connector = req.get(CONNECTOR_HEADER) ?? '';
    const secret = connector ? secretFor(connector) : undefined;
    if (!secret) {
      library.stats.refused['unknown-connector']++;
      res.status(401).json({ error: 'unknown connector', connector });
      return;
    }
    const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    const verdict = verifyRequest({
      secret,
      method: req.method,
      path: req.originalUrl,
      rawBody: raw,
      timestamp: req.headers[TIMESTAMP_HEADER.toLowerCase()],
      nonce: req.headers[NONCE_HEADER.toLowerCase()],
      signature: req.headers[SIGNATURE_HEADER.toLowerCase()],
    });
    if (!verdict.ok) {
      library.stats.refused[verdict.reason]++;
      res.status(401).json({ error: 'signature verification failed', reason: verdict.reason });
      return;
    }
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > NONCE_RETENTION_SECONDS * 1000) nonces.delete(n);
    if (nonces.has(`${connector}:${verdict.nonce}`)) {
      library.stats.refused.replayed++;
      res.status(401).json({ error: 'nonce already used', reason: 'replayed' });
      return;
    }
    nonces.set(`${connector}:${verdict.nonce}`, now);
    if (library.state.latencyMs > 0) await sleep(library.state.latencyMs);
    if (library.state.failures > 0) {
      library.state.failures--;
      library.stats.failed++;
      res.status(500).json({ error: 'simulated failure' });
      return;
    }
    try {
      req.body = raw.length ? (JSON.parse(raw.toString('utf8')) as unknown) : undefined;
    } catch {
      res.status(400).json({ error: 'body is not valid JSON' });
      return;
    }
    next();
  });

  router.get(PATHS.health, (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.post(PATHS.licenceQuery, (req, res) => {
    const b = req.body as { type?: unknown; holder?: unknown; withFile?: unknown } | undefined;
    if (!b || !str(b.type) || !isHolder(b.holder)) {
      res.status(400).json({ error: 'expected {"type", "holder": {"idNumber"|"creditCode", "name"}, "withFile"}' });
      return;
    }
    const found = library.find(b.type, b.holder, b.withFile === true);
    res.json(found ? { found: true, licence: toJson(found) } : { found: false });
  });
  router.post(PATHS.licenceIssue, (req, res) => {
    const b = req.body as Partial<IssueRequest> | undefined;
    if (!b || !str(b.type) || !isHolder(b.holder) || !str(b.issuer) || !str(b.applicationId) || !b.fields || typeof b.fields !== 'object') {
      res.status(400).json({ error: 'expected {"type", "holder", "fields", "issuer", "applicationId"}' });
      return;
    }
    res.status(201).json({ licence: toJson(library.issue(b as IssueRequest)) });
  });
  router.post(PATHS.recordsQuery, (req, res) => {
    const b = req.body as Partial<DataQuery> | undefined;
    if (!b || !str(b.department) || !b.key || !str(b.key.value) || (b.key.kind !== 'idNumber' && b.key.kind !== 'creditCode')) {
      res.status(400).json({ error: 'expected {"department", "key": {"kind", "value"}}' });
      return;
    }
    const values = library.records(b as DataQuery);
    res.json(values ? { found: true, values } : { found: false });
  });
  return router;
}
