import type { Database } from '../db/types.js';
import { BadRequestError, type ErrorDetail } from '../http/errors.js';
import type { Department } from '../../shared/model.js';
import { redactText } from '../redact.js';

const MAX_PAGE_SIZE = 200;

function isoInstant(v: unknown, path: string, details: ErrorDetail[]): Date | null {
  if (v === undefined || v === '') return null;
  const d = typeof v === 'string' ? new Date(v) : new Date(Number.NaN);
  if (Number.isNaN(d.getTime())) {
    details.push({ path, message: '应为 ISO 8601 日期时间', messageEn: 'must be an ISO 8601 date-time' });
    return null;
  }
  return d;
}

function text(v: unknown, path: string, details: ErrorDetail[]): string | null {
  if (v === undefined || v === '') return null;
  if (typeof v !== 'string' || v.length > 200) {
    details.push({ path, message: '应为不超过 200 个字符的文本', messageEn: 'must be text of at most 200 characters' });
    return null;
  }
  return v;
}

function positive(v: unknown, path: string, fallback: number, max: number, details: ErrorDetail[]): number {
  if (v === undefined || v === '') return fallback;
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > max) {
    details.push({ path, message: `应为 1 到 ${max} 的整数`, messageEn: `must be an integer from 1 to ${max}` });
    return fallback;
  }
  return n;
}

/** What operators read: the audit trail of personal-data access, and how each department's deliveries fare. */
export class OperationsService {
  constructor(
    private readonly db: Database,
    private readonly departments: readonly Department[],
  ) {}

  /** The audit log, newest first, paged and filtered by actor, action, subject and time. */
  async audit(query: Record<string, unknown>) {
    const details: ErrorDetail[] = [];
    const actor = text(query.actor, 'actor', details);
    const action = text(query.action, 'action', details);
    const subject = text(query.subject, 'subject', details);
    const from = isoInstant(query.from, 'from', details);
    const to = isoInstant(query.to, 'to', details);
    const page = positive(query.page, 'page', 1, 1_000_000, details);
    const pageSize = positive(query.pageSize, 'pageSize', 50, MAX_PAGE_SIZE, details);
    if (details.length) throw new BadRequestError('查询参数无效', 'Invalid query parameters', details);

    const where = `($1::text IS NULL OR l.actor_id = $1) AND ($2::text IS NULL OR l.action = $2) AND ($3::text IS NULL OR l.subject = $3)
                   AND ($4::timestamptz IS NULL OR l.at >= $4) AND ($5::timestamptz IS NULL OR l.at < $5)`;
    const params = [actor, action, subject, from, to];
    const total = await this.db.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log l WHERE ${where}`, params);
    // The subject of a read is a sub-application: its item and department say what was read.
    const { rows } = await this.db.query<{ id: string; at: Date; actor_id: string; actor_role: string; action: string; subject: string; reason: string | null; details: unknown; item_id: string | null; department: string | null }>(
      `SELECT p.*, s.item_id, s.department
         FROM (SELECT l.id, l.at, l.actor_id, l.actor_role, l.action, l.subject, l.reason, l.details FROM audit_log l
                WHERE ${where} ORDER BY l.at DESC, l.id DESC LIMIT $6 OFFSET $7) p
         LEFT JOIN sub_applications s ON s.id::text = p.subject
        ORDER BY p.at DESC, p.id DESC`,
      [...params, pageSize, (page - 1) * pageSize],
    );
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
        // Free text a member of staff typed, and whatever an action recorded: masked like a log line.
        reason: r.reason === null ? null : redactText(r.reason),
        details: r.details == null ? r.details : (JSON.parse(redactText(JSON.stringify(r.details))) as unknown),
      })),
    };
  }

  /**
   * Per department: the share of delivery attempts that succeeded in the last `days` days, the
   * last failure, how many sub-applications wait to be sent (and since when the oldest has
   * waited), how many are parked as dead, and how many sit with the department unfinished.
   */
  async departmentDeliveries(query: Record<string, unknown>) {
    const details: ErrorDetail[] = [];
    const days = positive(query.days, 'days', 7, 366, details);
    if (details.length) throw new BadRequestError('查询参数无效', 'Invalid query parameters', details);
    // One snapshot for the four reads: otherwise a delivery committed between them shows as both queued and succeeded.
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
        };
      });
    });
  }
}
