import type { Database } from '../db/types.js';
import { UnauthorizedError } from '../errors.js';
import { route, type Route } from '../http/route.js';
import { SESSION_COOKIE, clearSessionCookie, createSession, readCookie, revokeSession, setSessionCookie, unsealSessionId, upsertUser } from './session.js';
import type { IdentityProvider, User } from './types.js';
import { rateLimit } from './rate-limit.js';
import { DevLoginBody, Me, PublicUser, SignedIn } from '../../shared/contracts/auth.js';
import { Type } from '@sinclair/typebox';

export interface AuthOptions {
  db: Database;
  provider: IdentityProvider;
  sessionSecret: string;
  demo: boolean;
  secureCookies: boolean;
  loginRateLimit: number;
}

function publicUser(u: User): PublicUser {
  return { id: u.id, name: u.name, role: u.role, ...(u.department ? { department: u.department } : {}) };
}

export function authRoutes({ db, provider, sessionSecret, demo, secureCookies, loginRateLimit }: AuthOptions): Route[] {
  const demoRoutes: Route[] = [
    route({
      method: 'get',
      path: '/auth/demo-users',
      summary: 'Demo users (DEMO mode only; not mounted otherwise)',
      responses: { 200: Type.Array(PublicUser) },
      handler: () => provider.listUsers().map(publicUser),
    }),
    route({
      method: 'post',
      path: '/auth/dev-login',
      summary: 'Sign in as a demo user (DEMO mode only)',
      before: [rateLimit({ db, limit: loginRateLimit, windowMs: 60_000 })],
      body: DevLoginBody,
      bodyRefusal: { message: '请选择要登录的用户', messageEn: 'Say which user to sign in as', fields: { user: { message: '必填，演示用户的 id', messageEn: 'required: the id of a demo user' } } },
      responses: { 200: SignedIn },
      errors: [400, 401, 429],
      handler: async ({ body }, req, res): Promise<SignedIn> => {
        const user = await provider.authenticate({ user: body.user });
        if (!user) throw new UnauthorizedError('没有这个演示用户', 'No such demo user');
        // A new sign-in replaces the session this browser carried: the old cookie, copied or
        // left behind, must not stay a way in.
        const carried = readCookie(req, SESSION_COOKIE);
        const previous = carried === undefined ? null : unsealSessionId(sessionSecret, carried);
        if (previous) await revokeSession(db, previous);
        await upsertUser(db, user);
        const session = await createSession(db, user.id);
        setSessionCookie(res, sessionSecret, session.id, secureCookies);
        return { user: publicUser(user), csrfToken: session.csrfToken };
      },
    }),
  ];
  return [
    // Outside DEMO mode the demo routes are neither mounted nor documented: 404 like any unknown route.
    ...(demo ? demoRoutes : []),
    route({
      method: 'get',
      path: '/auth/me',
      summary: 'The signed-in user and CSRF token; both null when nobody is signed in',
      responses: { 200: Me },
      // Anonymous is an ordinary answer here (every page asks on load), not an error.
      handler: (_input, req): Me => {
        const p = req.principal;
        return p?.kind === 'user' ? { user: publicUser(p.user), csrfToken: p.csrfToken } : { user: null, csrfToken: null };
      },
    }),
    route({
      method: 'post',
      path: '/auth/logout',
      summary: 'Revoke the session',
      responses: { 204: { description: 'signed out' } },
      handler: async (_input, req, res) => {
        const p = req.principal;
        if (p?.kind === 'user') await revokeSession(db, p.sessionId);
        clearSessionCookie(res, secureCookies);
        res.status(204).end();
      },
    }),
  ];
}
