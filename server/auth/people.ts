import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import { upsertUser } from './session.js';
import type { User } from './types.js';

/**
 * A person is keyed by their 公民身份号码. Someone who signed in holds an account (users) with
 * the number; someone a clerk filed for at the counter before they ever signed in gets an
 * account there and then (`person-<uuid>`, a citizen), listed in counter_people under the
 * number. Whichever sign-in later carries the number resolves to that account: the applicant
 * sees what was filed for them as theirs, at once.
 */

interface PersonRow {
  id: string;
  name: string;
  id_number: string | null;
  mobile: string | null;
}

function asUser(r: PersonRow): User {
  const user: User = { id: r.id, name: r.name, role: 'citizen' };
  if (r.id_number) user.idNumber = r.id_number;
  if (r.mobile) user.mobile = r.mobile;
  return user;
}

/**
 * The applicant at the counter, once their number and name have been verified: the account
 * recorded for the number at the counter, else the citizen account with the number last signed
 * in with, else a new account recorded by this clerk.
 */
export async function personFor(tx: Queryable, person: { idNumber: string; name: string; mobile?: string }, clerkId: string): Promise<User> {
  const recorded = await tx.query<PersonRow>(
    'SELECT u.id, u.name, u.id_number, u.mobile FROM counter_people p JOIN users u ON u.id = p.user_id WHERE p.id_number = $1',
    [person.idNumber],
  );
  if (recorded.rows[0]) {
    // A number given at the counter again: the latest is the one to reach them at, until they sign in.
    if (person.mobile && !recorded.rows[0].mobile) await tx.query('UPDATE users SET mobile = $2 WHERE id = $1', [recorded.rows[0].id, person.mobile]);
    return asUser({ ...recorded.rows[0], mobile: recorded.rows[0].mobile ?? person.mobile ?? null });
  }
  const known = await tx.query<PersonRow>(
    `SELECT u.id, u.name, u.id_number, u.mobile FROM users u
      WHERE u.role = 'citizen' AND u.id_number = $1
      ORDER BY (SELECT max(s.created_at) FROM sessions s WHERE s.user_id = u.id) DESC NULLS LAST, u.created_at DESC
      LIMIT 1`,
    [person.idNumber],
  );
  if (known.rows[0]) return asUser(known.rows[0]);
  const id = `person-${randomUUID()}`;
  await tx.query(`INSERT INTO users (id, name, role, id_number, mobile) VALUES ($1, $2, 'citizen', $3, $4)`, [id, person.name, person.idNumber, person.mobile ?? null]);
  // Two clerks recording the same person at once: the second insert fails on the number and its request is retried by the caller.
  await tx.query('INSERT INTO counter_people (id_number, user_id, recorded_by) VALUES ($1, $2, $3)', [person.idNumber, id, clerkId]);
  return { id, name: person.name, role: 'citizen', idNumber: person.idNumber, ...(person.mobile ? { mobile: person.mobile } : {}) };
}

/**
 * The account a sign-in with a provider's identity resolves to. A citizen whose provider
 * account has never been here, but whose number was recorded at the counter, becomes that
 * account (name and mobile refreshed from the provider); everyone else is kept as the provider
 * names them.
 */
export async function signInUser(db: Queryable, user: User): Promise<User> {
  if (user.role === 'citizen' && user.idNumber) {
    const own = await db.query('SELECT 1 FROM users WHERE id = $1', [user.id]);
    if (own.rowCount === 0) {
      const claimed = await claimRecorded(db, user.idNumber, { name: user.name, mobile: user.mobile ?? null });
      if (claimed) return { ...user, id: claimed };
    }
  }
  await upsertUser(db, user);
  return user;
}

/**
 * The account recorded at the counter for this number, now signed in to (its name and mobile
 * the provider's); null when none was. Used by the demo sign-in and by a first OIDC sign-in.
 */
export async function claimRecorded(db: Queryable, idNumber: string, refresh: { name: string; mobile: string | null }, opts: { unlinked?: boolean } = {}): Promise<string | null> {
  // An OIDC identity links to an account once (oidc_identities.user_id is unique): a second subject with the number gets its own.
  const unlinked = opts.unlinked ? ' AND NOT EXISTS (SELECT 1 FROM oidc_identities i WHERE i.user_id = counter_people.user_id)' : '';
  const { rows } = await db.query<{ user_id: string }>(`UPDATE counter_people SET claimed_at = COALESCE(claimed_at, now()) WHERE id_number = $1${unlinked} RETURNING user_id`, [idNumber]);
  const userId = rows[0]?.user_id;
  if (!userId) return null;
  await db.query('UPDATE users SET name = $2, mobile = COALESCE($3, mobile) WHERE id = $1', [userId, refresh.name, refresh.mobile]);
  return userId;
}
