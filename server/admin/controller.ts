import { Router } from 'express';
import type { Database } from '../db/types.js';
import { requireRole } from '../auth/middleware.js';
import { BadRequestError, ConflictError, NotFoundError } from '../http/errors.js';
import { isUuid } from '../applications/service.js';
import { transition } from '../subapps/transition.js';
import { signalRelease } from '../dispatch/signal.js';
import { SUB_STATUSES } from '../../shared/lifecycle.js';
import { redactText } from '../redact.js';

/** Operators: deliveries that ran out of retries (parked, never dropped), and retrying them. */
export function adminRouter(db: Database): Router {
  const router = Router();
  router.use('/admin', requireRole('admin'));

  router.get('/admin/deliveries', async (req, res) => {
    const state = req.query.state ?? 'dead';
    if (typeof state !== 'string' || !(SUB_STATUSES as readonly string[]).includes(state)) {
      throw new BadRequestError('state 参数无效', 'Invalid state parameter', [{ path: 'state', message: `应为 ${SUB_STATUSES.join('、')} 之一`, messageEn: `must be one of ${SUB_STATUSES.join(', ')}` }]);
    }
    const { rows } = await db.query<{ id: string; application_id: string; item_id: string; department: string; status: string; round: number; attempts: number; last_error: string | null; updated_at: Date }>(
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
    res.json(
      rows.map((r) => ({
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
      })),
    );
  });

  router.post('/admin/deliveries/:id/retry', async (req, res) => {
    const id = req.params.id as string;
    if (!isUuid(id)) throw new NotFoundError('投递记录不存在', 'No such delivery');
    const result = await db.transaction(async (tx) => {
      const { rows } = await tx.query<{ status: string; application_id: string }>('SELECT status, application_id FROM sub_applications WHERE id = $1 FOR UPDATE', [id]);
      if (!rows[0]) throw new NotFoundError('投递记录不存在', 'No such delivery');
      if (rows[0].status !== 'dead') throw new ConflictError(`只有失败挂起（dead）的投递可以重试，当前为 ${rows[0].status}`, `Only dead deliveries can be retried; this one is ${rows[0].status}`);
      await transition(tx, { transition: 'retry', id, applicationId: rows[0].application_id, actor: `admin:${req.principal?.kind === 'user' ? req.principal.user.id : '?'}`, note: { retry: true } });
      return { id, state: 'queued' };
    });
    signalRelease();
    res.json(result);
  });

  return router;
}
