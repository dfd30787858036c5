import type { RequestHandler } from 'express';
import type { Database } from '../db/types.js';
import { ForbiddenError, SignatureError, UnauthorizedError } from '../errors.js';
import { CSRF_HEADER, SESSION_COOKIE, findSession, readCookie, unsealSessionId } from './session.js';
import { departmentForToken } from './secrets.js';
import { NONCE_HEADER, NONCE_RETENTION_SECONDS, SIGNATURE_HEADER, verifyRequest, type RequestVerifyFailure } from './request-signature.js';
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
        throw new ForbiddenError('缺少或错误的 CSRF 令牌，请刷新页面后重试', 'Missing or wrong CSRF token; reload the page and try again', [
          { path: 'X-CSRF-Token', message: '应为本次登录时返回的 csrfToken', messageEn: 'must be the csrfToken this session was given' },
        ]);
      }
    }
    next();
  };
}

const SIGNATURE_FAILURES: Record<RequestVerifyFailure | 'replayed', [code: string, zh: string, en: string]> = {
  missing: ['signature_missing', '部门调用缺少请求签名（X-Yjs-Timestamp、X-Yjs-Nonce、X-Yjs-Signature）', 'Department call without a request signature (X-Yjs-Timestamp, X-Yjs-Nonce, X-Yjs-Signature)'],
  malformed: ['signature_malformed', '请求签名格式错误', 'Malformed request signature headers'],
  expired: ['signature_expired', '请求签名已过期（时间戳与服务器时间相差超过 300 秒）', 'Request signature expired (timestamp more than 300 s from server time)'],
  mismatch: ['signature_mismatch', '请求签名不正确', 'Request signature does not match'],
  replayed: ['request_replayed', '该请求已处理过（随机数已使用），重试请重新签名', 'Request already seen (nonce used); sign a retry afresh'],
};

function refuse(reason: RequestVerifyFailure | 'replayed', header: string): never {
  const [code, zh, en] = SIGNATURE_FAILURES[reason];
  throw new SignatureError(code, zh, en, header);
}

/**
 * A state-changing call made with a department token must be signed by that department and
 * never seen before (./request-signature.ts). Runs after authenticate() and body parsing.
 */
export function requireDepartmentSignature(db: Database, secretFor: (department: string) => string): RequestHandler {
  let sinceSweep = 0;
  return async (req, _res, next) => {
    const p = req.principal;
    if (p?.kind !== 'department' || SAFE_METHODS.has(req.method)) return next();
    const result = verifyRequest({
      secret: secretFor(p.department),
      method: req.method,
      path: req.originalUrl,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      timestamp: req.headers['x-yjs-timestamp'],
      nonce: req.headers['x-yjs-nonce'],
      signature: req.headers['x-yjs-signature'],
    });
    if (!result.ok) refuse(result.reason, result.reason === 'missing' || result.reason === 'malformed' ? `${SIGNATURE_HEADER}, ${NONCE_HEADER}` : SIGNATURE_HEADER);
    const fresh = await db.query('INSERT INTO callback_nonces (department, nonce) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1', [p.department, result.nonce]);
    if (fresh.rows.length === 0) refuse('replayed', NONCE_HEADER);
    // Forget nonces whose timestamps could no longer pass; now and then rather than per request.
    if (++sinceSweep >= 200) {
      sinceSweep = 0;
      await db.query(`DELETE FROM callback_nonces WHERE seen_at < now() - make_interval(secs => $1)`, [NONCE_RETENTION_SECONDS]);
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
