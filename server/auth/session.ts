import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { parseCookie } from 'cookie';
import type { Queryable } from '../db/types.js';
import { prepared } from '../db/prepared.js';
import type { Role, User } from './types.js';

export const SESSION_COOKIE = 'yjs_sid';
export const CSRF_HEADER = 'x-csrf-token';
const SESSION_HOURS = 12;

function signature(secret: string, id: string): string {
  return createHmac('sha256', secret).update(`session:${id}`).digest('base64url');
}

/** The cookie value is `<id>.<hmac>`: a forged or altered id is refused before any lookup. */
export function sealSessionId(secret: string, id: string): string {
  return `${id}.${signature(secret, id)}`;
}

export function unsealSessionId(secret: string, value: string): string | null {
  const dot = value.lastIndexOf('.');
  if (dot <= 0) return null;
  const id = value.slice(0, dot);
  const given = Buffer.from(value.slice(dot + 1));
  const expected = Buffer.from(signature(secret, id));
  return given.length === expected.length && timingSafeEqual(given, expected) ? id : null;
}

/**
 * One cookie of the request, parsed by the `cookie` package: a value that is not valid
 * percent-encoding (`yjs_sid=%E0%A4%A`) comes back as written, so it fails the seal like any
 * other forged value and the caller is anonymous, never a server error.
 */
export function readCookie(req: Request, name: string): string | undefined {
  const header = req.headers.cookie;
  return header ? parseCookie(header)[name] : undefined;
}

export async function upsertUser(db: Queryable, user: User): Promise<void> {
  await db.query(
    `INSERT INTO users (id, name, role, department, id_number, mobile) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, role = EXCLUDED.role, department = EXCLUDED.department,
       id_number = EXCLUDED.id_number, mobile = EXCLUDED.mobile`,
    [user.id, user.name, user.role, user.department ?? null, user.idNumber ?? null, user.mobile ?? null],
  );
}

/** Where a session came from: `oidc` sessions keep the ID token that logout hands back to the provider. */
export interface SessionOrigin {
  provider: 'demo' | 'oidc';
  idToken?: string;
}

export async function createSession(db: Queryable, userId: string, origin: SessionOrigin = { provider: 'demo' }): Promise<{ id: string; csrfToken: string }> {
  const id = randomBytes(24).toString('base64url');
  const csrfToken = randomBytes(24).toString('base64url');
  await db.query(
    `INSERT INTO sessions (id, user_id, csrf_token, expires_at, provider, id_token) VALUES ($1, $2, $3, now() + make_interval(hours => $4), $5, $6)`,
    [id, userId, csrfToken, SESSION_HOURS, origin.provider, origin.idToken ?? null],
  );
  // An ID token carries claims about the person: none outlives its session, revoked or expired.
  if (origin.idToken) await db.query('UPDATE sessions SET id_token = NULL WHERE id_token IS NOT NULL AND expires_at < now()');
  return { id, csrfToken };
}

/** Ends a session; the ID token it kept is forgotten with it. Answers the session's origin if it was live. */
export async function revokeSession(db: Queryable, id: string): Promise<SessionOrigin | null> {
  const { rows } = await db.query<{ provider: 'demo' | 'oidc'; id_token: string | null }>(
    `UPDATE sessions s SET revoked_at = now(), id_token = NULL
       FROM (SELECT id, provider, id_token FROM sessions WHERE id = $1 AND revoked_at IS NULL FOR UPDATE) old
      WHERE s.id = old.id
      RETURNING old.provider, old.id_token`,
    [id],
  );
  const r = rows[0];
  return r ? { provider: r.provider, ...(r.id_token ? { idToken: r.id_token } : {}) } : null;
}

interface SessionRow {
  session_id: string;
  csrf_token: string;
  id: string;
  name: string;
  role: Role;
  department: string | null;
  id_number: string | null;
  mobile: string | null;
}

/**
 * The session's user with the role they hold now: a grant by an administrator (role_grants)
 * overrides the role they signed in with, and is read on every request, so granting or revoking
 * takes effect from the caller's next request.
 */
// Every signed-in request runs it: kept parsed on each connection.
const FIND_SESSION = prepared(
  `SELECT s.id AS session_id, s.csrf_token, u.id, u.name,
            COALESCE(g.role, u.role) AS role,
            CASE WHEN g.user_id IS NULL THEN u.department ELSE g.department END AS department,
            u.id_number, u.mobile
       FROM sessions s JOIN users u ON u.id = s.user_id
       LEFT JOIN role_grants g ON g.user_id = u.id
      WHERE s.id = $1 AND s.revoked_at IS NULL AND s.expires_at > now()`,
);

export async function findSession(db: Queryable, id: string): Promise<{ user: User; csrfToken: string } | null> {
  const { rows } = await db.query<SessionRow>(FIND_SESSION, [id]);
  const r = rows[0];
  if (!r) return null;
  const user: User = { id: r.id, name: r.name, role: r.role };
  if (r.department) user.department = r.department;
  if (r.id_number) user.idNumber = r.id_number;
  if (r.mobile) user.mobile = r.mobile;
  return { user, csrfToken: r.csrf_token };
}

export function setSessionCookie(res: Response, secret: string, id: string, secure: boolean): void {
  res.cookie(SESSION_COOKIE, sealSessionId(secret, id), {
    httpOnly: true,
    sameSite: 'lax',
    secure,
    path: '/',
    maxAge: SESSION_HOURS * 3600 * 1000,
  });
}

export function clearSessionCookie(res: Response, secure: boolean): void {
  res.clearCookie(SESSION_COOKIE, { httpOnly: true, sameSite: 'lax', secure, path: '/' });
}
