import type { Database } from '../db/types.js';
import { maskIdNumber } from '../../shared/identifiers.js';
import type { ConnectorCall, ConnectorHealthRow } from '../../shared/contracts/connectors.js';
import type { Connectors } from './registry.js';

/** What operators see of the exchange: each connector's health check, calls, success rate and latency. */
export class ConnectorsService {
  constructor(
    private readonly db: Database,
    private readonly connectors: Connectors,
  ) {}

  async health(days = 7): Promise<ConnectorHealthRow[]> {
    const { rows } = await this.db.query<{ connector: string; calls: number; succeeded: number; failed: number; avg: number | null; p95: number | null }>(
      `SELECT connector, count(*)::int AS calls,
              count(*) FILTER (WHERE outcome IN ('ok', 'not_found'))::int AS succeeded,
              count(*) FILTER (WHERE outcome NOT IN ('ok', 'not_found'))::int AS failed,
              round(avg(latency_ms))::int AS avg,
              round(percentile_cont(0.95) WITHIN GROUP (ORDER BY latency_ms))::int AS p95
         FROM connector_calls WHERE at > now() - make_interval(days => $1::int) GROUP BY connector`,
      [days],
    );
    const { rows: errors } = await this.db.query<{ connector: string; at: Date; error: string | null }>(
      `SELECT DISTINCT ON (connector) connector, at, error FROM connector_calls
        WHERE outcome NOT IN ('ok', 'not_found') AND at > now() - make_interval(days => $1::int) ORDER BY connector, at DESC`,
      [days],
    );
    const figures = new Map(rows.map((r) => [r.connector, r]));
    const lastErrors = new Map(errors.map((e) => [e.connector, e]));
    return Promise.all(
      this.connectors.all().map(async (c) => {
        const h = await c.health(AbortSignal.timeout(5000)).catch((err: unknown) => ({ ok: false, latencyMs: 0, detail: (err as Error).message }));
        const f = figures.get(c.id);
        const e = lastErrors.get(c.id);
        return {
          id: c.id,
          type: c.type,
          kind: c.kind,
          serves: this.connectors.servedBy(c.id),
          health: { ok: h.ok, latencyMs: Math.round(h.latencyMs), detail: h.detail ?? null, breaker: ('breaker' in h ? h.breaker : undefined) ?? null },
          windowDays: days,
          calls: f?.calls ?? 0,
          succeeded: f?.succeeded ?? 0,
          successRate: f && f.calls > 0 ? f.succeeded / f.calls : null,
          failed: f?.failed ?? 0,
          averageLatencyMs: f?.avg ?? null,
          p95LatencyMs: f?.p95 ?? null,
          lastError: e ? { at: e.at.toISOString(), error: e.error } : null,
        };
      }),
    );
  }

  /** The newest calls, whose holder shown masked (公民身份号码; a credit code is not personal data). */
  async calls(limit = 100): Promise<ConnectorCall[]> {
    const { rows } = await this.db.query<{ at: Date; connector: string; operation: string; subject: string | null; holder: string | null; actor: string; application_id: string | null; purpose: string; outcome: string; latency_ms: number }>(
      'SELECT at, connector, operation, subject, holder, actor, application_id, purpose, outcome, latency_ms FROM connector_calls ORDER BY id DESC LIMIT $1',
      [limit],
    );
    return rows.map((r) => ({
      at: r.at.toISOString(),
      connector: r.connector,
      operation: r.operation,
      subject: r.subject,
      holder: r.holder && /^\d{17}[\dXx]$/.test(r.holder) ? maskIdNumber(r.holder) : r.holder,
      actor: r.actor,
      applicationId: r.application_id,
      purpose: r.purpose,
      outcome: r.outcome,
      latencyMs: r.latency_ms,
    }));
  }
}
