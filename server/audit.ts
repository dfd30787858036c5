import type { Queryable } from './db/types.js';
import type { Principal } from './auth/types.js';

/** Every read of personal data by staff or a department system: who, what, when, why. */
export async function audit(db: Queryable, principal: Principal, action: string, subject: string, reason: string | null, details?: unknown): Promise<void> {
  const [actorId, actorRole] = principal.kind === 'user' ? [principal.user.id, principal.user.role] : [`department:${principal.department}`, 'system'];
  await db.query('INSERT INTO audit_log (actor_id, actor_role, action, subject, reason, details) VALUES ($1, $2, $3, $4, $5, $6)', [
    actorId,
    actorRole,
    action,
    subject,
    reason,
    details === undefined ? null : JSON.stringify(details),
  ]);
}
