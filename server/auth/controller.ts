import { Router } from 'express';
import type { Database } from '../db/types.js';
import { BadRequestError, NotFoundError, UnauthorizedError } from '../http/errors.js';
import { clearSessionCookie, createSession, revokeSession, setSessionCookie, upsertUser } from './session.js';
import type { IdentityProvider, User } from './types.js';
import { rateLimit } from './rate-limit.js';

export interface AuthOptions {
  db: Database;
  provider: IdentityProvider;
  sessionSecret: string;
  demo: boolean;
  secureCookies: boolean;
  loginRateLimit: number;
}

function publicUser(u: User) {
  return { id: u.id, name: u.name, role: u.role, ...(u.department ? { department: u.department } : {}) };
}

export function authRouter({ db, provider, sessionSecret, demo, secureCookies, loginRateLimit }: AuthOptions): Router {
  const router = Router();

  // Outside DEMO mode these routes do not exist at all.
  router.get('/auth/demo-users', (_req, _res, next) => (demo ? next() : next(new NotFoundError('接口不存在', 'No such API route'))));
  router.post('/auth/dev-login', (_req, _res, next) => (demo ? next() : next(new NotFoundError('接口不存在', 'No such API route'))));

  router.get('/auth/demo-users', (_req, res) => {
    res.json(provider.listUsers().map(publicUser));
  });

  router.post('/auth/dev-login', rateLimit({ limit: loginRateLimit, windowMs: 60_000 }), async (req, res) => {
    const body: unknown = req.body;
    const userId = body && typeof body === 'object' ? (body as Record<string, unknown>).user : undefined;
    if (typeof userId !== 'string' || userId === '') {
      throw new BadRequestError('请选择要登录的用户', 'Say which user to sign in as', [
        { path: 'user', message: '必填，演示用户的 id', messageEn: 'required: the id of a demo user' },
      ]);
    }
    const user = await provider.authenticate({ user: userId });
    if (!user) throw new UnauthorizedError('没有这个演示用户', 'No such demo user');
    await upsertUser(db, user);
    const session = await createSession(db, user.id);
    setSessionCookie(res, sessionSecret, session.id, secureCookies);
    res.json({ user: publicUser(user), csrfToken: session.csrfToken });
  });

  // Anonymous is an ordinary answer here (every page asks on load), not an error.
  router.get('/auth/me', (req, res) => {
    const p = req.principal;
    res.json(p?.kind === 'user' ? { user: publicUser(p.user), csrfToken: p.csrfToken } : { user: null, csrfToken: null });
  });

  router.post('/auth/logout', async (req, res) => {
    const p = req.principal;
    if (p?.kind === 'user') await revokeSession(db, p.sessionId);
    clearSessionCookie(res, secureCookies);
    res.status(204).end();
  });

  return router;
}
