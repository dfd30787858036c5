import type { Database } from '../db/types.js';
import { ConflictError } from '../errors.js';
import type { Department } from '../../shared/model.js';
import type { SubStatus } from '../../shared/lifecycle.js';
import type { AuditQuery } from '../../shared/contracts/operations.js';
import { isUuid } from '../applications/service.js';
import { transition } from '../subapps/transition.js';
import { signalRelease } from '../dispatch/signal.js';
import { redactText } from '../redact.js';
import { actorNames } from '../actors.js';
import { DeliveryNotFoundError } from './errors.js';

/**
 * What operators see and do: deliveries that ran out of retries (parked, never dropped) and
 * retrying them, the audit trail of personal-data access, and how each department's deliveries fare.
 * Query values arrive checked by the routes (shared/contracts/operations.ts).
 */
export class OperationsService {
  constructor(
    private readonly db: Database,
    private readonly departments: readonly Department[],
    /** A delivery acknowledged and not acted on (accepted, refused…) for longer is flagged (ACK_STALE_MINUTES). */
    private readonly staleMinutes = 60,
  ) {}

  /** Deliveries in a state (dead by default), newest first, each with every attempt. */
  async deliveries(state: SubStatus) {
    const db = this.db;
    const { rows } = await db.query<{ id: string; application_id: string; item_id: string; department: string; status: SubStatus; round: number; attempts: number; last_error: string | null; updated_at: Date }>(
      `SELECT id, application_id, item_id, department, status, round, attempts, last_error, updated_at
         FROM sub_applications WHERE status = $1 ORDER BY updated_at DESC LIMIT 500`,
      [state],
    );
    const ids = rows.map((r) => r.id);
    const attempts = ids.length
      ? (
          await db.query<{ sub_application_id: string; round: number; attempt: number; started_at: Date; duration_ms: number; ok: boolean; status_code: number | null; error: string | null }>(
            `SELECT sub_application_id, round, attempt, started_at, duration_ms, ok, status_code, error FROM delivery_attempts
              WHERE sub_application_id = ANY($1::uuid[]) ORDER BY id`,
            [ids],
          )
        ).rows
      : [];
    return rows.map((r) => ({
      id: r.id,
      applicationId: r.application_id,
      itemId: r.item_id,
      department: r.department,
      state: r.status,
      round: r.round,
      attempts: r.attempts,
      // A department's answer may quote what it was sent: masked like a log line.
      lastError: r.last_error === null ? null : redactText(r.last_error),
      updatedAt: r.updated_at,
      history: attempts
        .filter((a) => a.sub_application_id === r.id)
        .map((a) => ({ round: a.round, attempt: a.attempt, startedAt: a.started_at, durationMs: a.duration_ms, ok: a.ok, statusCode: a.status_code, error: a.error === null ? null : redactText(a.error) })),
    }));
  }

  /** Queues a dead delivery again, with a fresh budget of attempts. */
  async retry(id: string, actor: string): Promise<{ id: string; state: 'queued' }> {
    if (!isUuid(id)) throw new DeliveryNotFoundError();
    const result = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: string; application_id: string }>('SELECT status, application_id FROM sub_applications WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) throw new DeliveryNotFoundError();
      if (rows[0].status !== 'dead') throw new ConflictError(`只有失败挂起（dead）的投递可以重试，当前为 ${rows[0].status}`, `Only dead deliveries can be retried; this one is ${rows[0].status}`);
      await transition(tx, { transition: 'retry', id, applicationId: rows[0].application_id, actor, note: { retry: true } });
      return { id, state: 'queued' as const };
    });
    signalRelease();
    return result;
  }

  /** The audit log, newest first, paged and filtered by actor, action, subject and time. */
  async audit(query: AuditQuery) {
    const { actor = null, action = null, subject = null } = query;
    const from = query.from ? new Date(query.from) : null;
    const to = query.to ? new Date(query.to) : null;
    const page = query.page ?? 1;
    const pageSize = query.pageSize ?? 50;

    const where = `($1::text IS NULL OR l.actor_id = $1) AND ($2::text IS NULL OR l.action = $2) AND ($3::text IS NULL OR l.subject = $3)
                   AND ($4::timestamptz IS NULL OR l.at >= $4) AND ($5::timestamptz IS NULL OR l.at < $5)`;
    const params = [actor, action, subject, from, to];
    const total = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log l WHERE ${where}`, params);
    // The subject of a read is a sub-application: its item and department say what was read.
    const { rows } = await this.db.query<{ id: string; at: Date; actor_id: string; actor_role: string; action: string; subject: string; reason: string | null; details: unknown; item_id: string | null; department: string | null; item_title: string | null; materials: { code: string; title: string }[] | null }>(
      `SELECT p.*, s.item_id, s.department, s.payload->'item'->>'title' AS item_title, s.payload->'materials' AS materials
         FROM (SELECT l.id, l.at, l.actor_id, l.actor_role, l.action, l.subject, l.reason, l.details FROM audit_log l
                WHERE ${where} ORDER BY l.at DESC, l.id DESC LIMIT $6 OFFSET $7) p
         LEFT JOIN sub_applications s ON s.id::text = p.subject
        ORDER BY p.at DESC, p.id DESC`,
      [...params, pageSize, (page - 1) * pageSize],
    );
    const departments = new Map(this.departments.map((d) => [d.code, d]));
    const names = await actorNames(this.db, rows.map((r) => r.actor_id), departments);
    return {
      total: Number(total.rows[0]?.n ?? 0),
      page,
      pageSize,
      rows: rows.map((r) => ({
        id: Number(r.id),
        at: r.at,
        actorId: r.actor_id,
        actorRole: r.actor_role,
        action: r.action,
        subject: r.subject,
        itemId: r.item_id,
        department: r.department,
        actorName: names[r.actor_id]!,
        itemTitle: r.item_title,
        departmentName: r.department && departments.get(r.department) ? { zh: departments.get(r.department)!.name, en: departments.get(r.department)!.nameEn } : null,
        materialTitle: materialTitle(r.details, r.materials),
        // Free text a member of staff typed, and whatever an action recorded: masked like a log line.
        reason: r.reason === null ? null : redactText(r.reason),
        details: r.details == null ? r.details : (JSON.parse(redactText(JSON.stringify(r.details))) as unknown),
      })),
    };
  }

  /**
   * Per department: the share of delivery attempts that succeeded in the last `days` days, the
   * last failure, how many sub-applications wait to be sent (and since when the oldest has
   * waited), how many are parked as dead, how many sit with the department unfinished, and how
   * many it acknowledged but has not acted on for longer than it should (a department system that
   * lost its work in a restart and does not reconcile shows here).
   */
  async departmentDeliveries(days = 7) {    // One snapshot for the four reads: otherwise a delivery committed between them shows as both queued and succeeded.
    return this.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const counts = await tx.query<{ department: string; queued: string; dead: string; waiting: string; open: string }>(
        `SELECT department,
                  count(*) FILTER (WHERE status = 'queued') AS queued,
                  count(*) FILTER (WHERE status = 'dead') AS dead,
                  count(*) FILTER (WHERE status = 'waiting') AS waiting,
                  count(*) FILTER (WHERE status IN ('delivered', 'accepted')) AS open
             FROM sub_applications GROUP BY department`,
      );
      const stale = await tx.query<{ department: string; n: number; id: string; item_id: string; since: Date }>(
        `SELECT DISTINCT ON (department) department, count(*) OVER (PARTITION BY department)::int AS n, id, item_id, delivered_at AS since
             FROM sub_applications
            WHERE status = 'delivered' AND delivered_at < now() - make_interval(mins => $1::int)
            ORDER BY department, delivered_at ASC`,
        [this.staleMinutes],
      );
      const attempts = await tx.query<{ department: string; total: string; ok: string; last_at: Date | null }>(
        `SELECT s.department, count(*) AS total, count(*) FILTER (WHERE d.ok) AS ok, max(d.started_at) AS last_at
             FROM delivery_attempts d JOIN sub_applications s ON s.id = d.sub_application_id
            WHERE d.started_at > now() - make_interval(days => $1::int)
            GROUP BY s.department`,
        [days],
      );
      const lastErrors = await tx.query<{ department: string; error: string | null; status_code: number | null; started_at: Date; sub_application_id: string }>(
        `SELECT DISTINCT ON (s.department) s.department, d.error, d.status_code, d.started_at, d.sub_application_id
             FROM delivery_attempts d JOIN sub_applications s ON s.id = d.sub_application_id
            WHERE NOT d.ok ORDER BY s.department, d.id DESC`,
      );
      // Queued since the last time it was (re)queued: released, retried or sent back after a supplement.
      const oldest = await tx.query<{ department: string; id: string; item_id: string; since: Date }>(
        `SELECT DISTINCT ON (s.department) s.department, s.id, s.item_id, q.at AS since
             FROM sub_applications s
             JOIN LATERAL (SELECT e.at FROM sub_application_events e WHERE e.sub_application_id = s.id AND e.status = 'queued' ORDER BY e.id DESC LIMIT 1) q ON true
            WHERE s.status = 'queued' ORDER BY s.department, q.at ASC`,
      );
      const codes = new Set([...this.departments.map((d) => d.code), ...counts.rows.map((r) => r.department)]);
      return [...codes].map((code) => {
        const d = this.departments.find((x) => x.code === code);
        const c = counts.rows.find((r) => r.department === code);
        const a = attempts.rows.find((r) => r.department === code);
        const e = lastErrors.rows.find((r) => r.department === code);
        const o = oldest.rows.find((r) => r.department === code);
        const st = stale.rows.find((r) => r.department === code);
        const total = Number(a?.total ?? 0);
        return {
          code,
          name: d?.name ?? code,
          nameEn: d?.nameEn ?? code,
          channel: d?.delivery.channel ?? null,
          windowDays: days,
          attempts: total,
          succeeded: Number(a?.ok ?? 0),
          successRate: total ? Number(a?.ok ?? 0) / total : null,
          lastAttemptAt: a?.last_at ?? null,
          lastError: e ? { at: e.started_at, error: e.error === null ? null : redactText(e.error), statusCode: e.status_code, subApplicationId: e.sub_application_id } : null,
          queueDepth: Number(c?.queued ?? 0),
          oldestQueued: o ? { id: o.id, itemId: o.item_id, since: o.since } : null,
          dead: Number(c?.dead ?? 0),
          waiting: Number(c?.waiting ?? 0),
          open: Number(c?.open ?? 0),
          stale: { minutes: this.staleMinutes, count: st?.n ?? 0, oldest: st ? { id: st.id, itemId: st.item_id, since: st.since } : null },
        };
      });
    });
  }
}

/** The title of the material a download recorded (its code is in the details), as the case listed it. */
function materialTitle(details: unknown, materials: readonly { code: string; title: string }[] | null): string | null {
  const code = details !== null && typeof details === 'object' ? (details as { code?: unknown }).code : undefined;
  if (typeof code !== 'string') return null;
  return materials?.find((m) => m.code === code)?.title ?? null;
}
