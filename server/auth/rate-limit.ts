import type { RequestHandler } from 'express';
import { AppError } from '../errors.js';

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('too_many_requests', 'too_many_requests', `尝试过于频繁，请 ${retryAfterSeconds} 秒后再试`, `Too many attempts; try again in ${retryAfterSeconds} s`);
  }
}

/**
 * A fixed-window limit per client address, kept in this process: enough to stop guessing at the
 * sign-in endpoint from one machine. Behind several processes each keeps its own count, so the
 * effective limit is per process; a shared store (PostgreSQL, Redis) would make it global.
 */
export function rateLimit({ limit, windowMs }: { limit: number; windowMs: number }): RequestHandler {
  const windows = new Map<string, { start: number; count: number }>();
  return (req, res, next) => {
    const now = Date.now();
    const key = req.ip ?? 'unknown';
    let w = windows.get(key);
    if (!w || now - w.start >= windowMs) {
      w = { start: now, count: 0 };
      windows.set(key, w);
      if (windows.size > 10_000) {
        for (const [k, v] of windows) if (now - v.start >= windowMs) windows.delete(k);
      }
    }
    w.count += 1;
    if (w.count > limit) {
      const retry = Math.max(1, Math.ceil((w.start + windowMs - now) / 1000));
      res.setHeader('Retry-After', String(retry));
      throw new TooManyRequestsError(retry);
    }
    next();
  };
}
