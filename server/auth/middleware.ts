import type { RequestHandler } from 'express';
import type { Database } from '../db/types.js';
import { ForbiddenError, UnauthorizedError } from '../http/errors.js';
import { CSRF_HEADER, SESSION_COOKIE, findSession, readCookie, unsealSessionId } from './session.js';
import { departmentForToken } from './secrets.js';
import type { Principal, Role, User } from './types.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Resolves the caller from a department bearer token or a session cookie. A state-changing
 * request authenticated by cookie must also carry the session's CSRF token in a header, which a
 * cross-site form or image cannot set.
 */
export function authenticate(db: Database, sessionSecret: string, departmentTokens: ReadonlyMap<string, string>): RequestHandler {
  return async (req, _res, next) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      const department = m ? departmentForToken(m[1]!, departmentTokens) : undefined;
      if (!department) throw new UnauthorizedError('部门令牌无效', 'Invalid department token');
      req.principal = { kind: 'department', department };
      return next();
    }
    const sealed = readCookie(req, SESSION_COOKIE);
    const sessionId = sealed ? unsealSessionId(sessionSecret, sealed) : null;
    const session = sessionId ? await findSession(db, sessionId) : null;
    if (session && sessionId) {
      req.principal = { kind: 'user', user: session.user, sessionId, csrfToken: session.csrfToken };
      if (!SAFE_METHODS.has(req.method) && req.headers[CSRF_HEADER] !== session.csrfToken) {
        throw new ForbiddenError('缺少或错误的 CSRF 令牌，请刷新页面后重试', 'Missing or wrong CSRF token; reload the page and try again');
      }
    }
    next();
  };
}

export function currentUser(principal: Principal | undefined): User {
  if (principal?.kind !== 'user') throw new UnauthorizedError();
  return principal.user;
}

/** Signed-in people with one of the roles; anything else is 401 (nobody) or 403 (wrong role). */
export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const user = currentUser(req.principal);
    if (!roles.includes(user.role)) throw new ForbiddenError();
    next();
  };
}
