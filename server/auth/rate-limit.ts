import type { RequestHandler } from 'express';
import type { Queryable } from '../db/types.js';
import { AppError } from '../errors.js';

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', 'too_many_requests', `尝试过于频繁，请 ${retryAfterSeconds} 秒后再试`, `Too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

/**
 * A window per client address opening at its first attempt, counted in the database
 * (010_login_attempts.sql) so that any number of processes share one limit, on the database's
 * clock so that they agree on when a window ends. The address is `req.ip`: the peer, or what a
 * trusted proxy (TRUST_PROXY) says in X-Forwarded-For, never what any client claims.
 * `scope` keeps separate counts per purpose (sign-in, the public progress query) in one table,
 * so guessing query codes never locks anyone out of signing in.
 */
export function rateLimit({ db, limit, windowMs, scope }: { db: Queryable; limit: number; windowMs: number; scope?: string }): RequestHandler {
  const seconds = windowMs / 1000;
  return async (req, res, next) => {
    const { rows } = await db.query<{ count: number; remaining: number }>(
      `INSERT INTO login_attempts AS a (client, window_start, count) VALUES ($1, now(), 1)
       ON CONFLICT (client) DO UPDATE SET
         window_start = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN now() ELSE a.window_start END,
         count = CASE WHEN a.window_start <= now() - make_interval(secs => $2) THEN 1 ELSE a.count + 1 END
       RETURNING count, extract(epoch FROM a.window_start + make_interval(secs => $2) - now())::float8 AS remaining`,
      [(scope ? `${scope}:` : '') + (req.ip ?? 'unknown'), seconds],
    );
    const { count, remaining } = rows[0]!;
    // A new window: the moment to forget the addresses whose windows ended long ago.
    if (count === 1) await db.query('DELETE FROM login_attempts WHERE window_start < now() - make_interval(secs => $1)', [seconds * 2]);
    if (count > limit) {
      const retry = Math.max(1, Math.ceil(remaining));
      res.setHeader('Retry-After', String(retry));
      throw new TooManyRequestsError(retry);
    }
    next();
  };
}
