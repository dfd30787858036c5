import type { Database } from '../db/types.js';
import { UnauthorizedError } from '../errors.js';
import { route, type Route } from '../http/route.js';
import { SESSION_COOKIE, clearSessionCookie, createSession, readCookie, revokeSession, setSessionCookie, unsealSessionId } from './session.js';
import { signInUser } from './people.js';
import type { IdentityProvider, User } from './types.js';
import { rateLimit } from './rate-limit.js';
import { AuthMethods, DevLoginBody, LoggedOut, Me, OidcCallbackQuery, OidcLoginQuery, PublicUser, SignedIn } from '../../shared/contracts/auth.js';
import { Type } from '@sinclair/typebox';
import type { Request, Response } from 'express';
import { FLOW_COOKIE, type OidcService } from './oidc.js';
import { OidcError } from './errors.js';
import { statusOf } from '../http/errors.js';

export interface AuthOptions {
  db: Database;
  provider: IdentityProvider;
  sessionSecret: string;
  demo: boolean;
  secureCookies: boolean;
  loginRateLimit: number;
  /** Sign-in through the configured OpenID provider; absent when OIDC is not configured. */
  oidc?: OidcService;
}

/** A new sign-in replaces the session this browser carried: the old cookie, copied or left behind, must not stay a way in. */
async function revokeCarried(db: Database, sessionSecret: string, req: Request): Promise<void> {
  const carried = readCookie(req, SESSION_COOKIE);
  const previous = carried === undefined ? null : unsealSessionId(sessionSecret, carried);
  if (previous) await revokeSession(db, previous);
}

const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * A refused callback is a page the person sees in their browser (they arrived by redirect), with
 * the same status, code and words as the JSON error; a client asking for JSON gets JSON.
 */
function refusePage(err: OidcError, req: Request, res: Response): boolean {
  if (req.accepts(['json', 'html']) !== 'html') return false;
  res
    .status(statusOf(err))
    .type('html')
    .send(
      `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>登录失败 Sign-in failed</title></head>` +
        `<body><main data-code="${escapeHtml(err.code)}"><h1>登录失败 / Sign-in failed</h1><p>${escapeHtml(err.message)}</p><p lang="en">${escapeHtml(err.messageEn)}</p>` +
        `<p><code>${escapeHtml(err.code)}</code></p><p><a href="/login">重新登录 / Sign in again</a></p></main></body></html>`,
    );
  return true;
}

function publicUser(u: User): PublicUser {
  return { id: u.id, name: u.name, role: u.role, ...(u.department ? { department: u.department } : {}) };
}

export function authRoutes({ db, provider, sessionSecret, demo, secureCookies, loginRateLimit, oidc }: AuthOptions): Route[] {
  const limited = rateLimit({ db, limit: loginRateLimit, windowMs: 60_000 });
  const flowCookie = { httpOnly: true, sameSite: 'lax' as const, secure: secureCookies, path: '/api/auth/oidc' };
  const oidcRoutes: Route[] = oidc
    ? [
        route({
          method: 'get',
          path: '/auth/oidc/login',
          summary: 'Start signing in at the identity provider (OIDC authorization code + PKCE); redirects there',
          before: [limited],
          query: OidcLoginQuery,
          responses: { 302: { description: "to the provider's authorization endpoint" } },
          errors: [400, 429, 503],
          handler: async ({ query }, _req, res) => {
            const { url, browserToken } = await oidc.start(query.returnTo);
            res.cookie(FLOW_COOKIE, browserToken, { ...flowCookie, maxAge: 10 * 60 * 1000 });
            res.redirect(302, url);
          },
        }),
        route({
          method: 'get',
          path: '/auth/oidc/callback',
          summary: "The identity provider's redirect back: checks state, code, ID token (issuer, audience, nonce), signs in and redirects to returnTo",
          before: [limited],
          query: OidcCallbackQuery,
          responses: { 303: { description: 'signed in: to the page the sign-in started from' } },
          errors: [400, 401, 429, 503],
          handler: async (_input, req, res) => {
            const search = req.originalUrl.includes('?') ? req.originalUrl.slice(req.originalUrl.indexOf('?')) : '';
            res.clearCookie(FLOW_COOKIE, flowCookie);
            try {
              const signedIn = await oidc.finish(search, readCookie(req, FLOW_COOKIE));
              await revokeCarried(db, sessionSecret, req);
              const session = await createSession(db, signedIn.user.id, { provider: 'oidc', idToken: signedIn.idToken });
              setSessionCookie(res, sessionSecret, session.id, secureCookies);
              res.redirect(303, signedIn.returnTo);
            } catch (err) {
              if (err instanceof OidcError && refusePage(err, req, res)) return;
              throw err;
            }
          },
        }),
      ]
    : [];
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
      before: [limited],
      body: DevLoginBody,
      bodyRefusal: { message: '请选择要登录的用户', messageEn: 'Say which user to sign in as', fields: { user: { message: '必填，演示用户的 id', messageEn: 'required: the id of a demo user' } } },
      responses: { 200: SignedIn },
      errors: [400, 401, 429],
      handler: async ({ body }, req, res): Promise<SignedIn> => {
        const user = await provider.authenticate({ user: body.user });
        if (!user) throw new UnauthorizedError('没有这个演示用户', 'No such demo user');
        await revokeCarried(db, sessionSecret, req);
        // One filed for at the counter before ever signing in becomes the account recorded for their number.
        const signedIn = await signInUser(db, user);
        const session = await createSession(db, signedIn.id);
        setSessionCookie(res, sessionSecret, session.id, secureCookies);
        return { user: publicUser(signedIn), csrfToken: session.csrfToken };
      },
    }),
  ];
  return [
    // Outside DEMO mode the demo routes are neither mounted nor documented: 404 like any unknown route.
    ...(demo ? demoRoutes : []),
    ...oidcRoutes,
    route({
      method: 'get',
      path: '/auth/methods',
      summary: 'How one signs in here: the demo list (DEMO only) and/or the identity provider',
      responses: { 200: AuthMethods },
      handler: (): AuthMethods => ({ demo, oidc: oidc ? { label: oidc.settings.label, loginPath: '/api/auth/oidc/login' } : null }),
    }),
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
      summary: "Revoke the session; a session from the identity provider answers with the provider's end-session URL to navigate to",
      responses: { 200: LoggedOut, 204: { description: 'signed out (nothing to end at a provider)' } },
      handler: async (_input, req, res) => {
        const p = req.principal;
        const origin = p?.kind === 'user' ? await revokeSession(db, p.sessionId) : null;
        clearSessionCookie(res, secureCookies);
        if (origin?.provider === 'oidc' && oidc) {
          const endSessionUrl = await oidc.endSessionUrl(origin.idToken);
          if (endSessionUrl) return { endSessionUrl } satisfies LoggedOut;
        }
        res.status(204).end();
      },
    }),
  ];
}
