import type { Queryable } from '../db/types.js';
import type { Profile, ArchiveEntry } from '../../shared/model.js';
import { idNumberBirthDate, idNumberGender } from '../../shared/identifiers.js';
import type { User } from '../auth/types.js';

/**
 * What the platform knows about an applicant before they type: real-name identity (实名认证),
 * and their archive (一人一档). The data-sharing exchange is represented by the default of the
 * engine's profile: every electronic licence in the catalogue can be fetched.
 */
export async function profileFor(db: Queryable, user: User): Promise<Profile> {
  const identity: Record<string, unknown> = { name: user.name };
  if (user.idNumber) {
    identity.idNumber = user.idNumber;
    const birthDate = idNumberBirthDate(user.idNumber);
    const gender = idNumberGender(user.idNumber);
    if (birthDate) identity.birthDate = birthDate;
    if (gender) identity.gender = String(gender);
  }
  if (user.mobile) identity.mobile = user.mobile;
  const { rows } = await db.query<{ code: string; sha256: string; issued_on: string; valid_until: string | null }>(
    `SELECT DISTINCT ON (code) code, sha256, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, to_char(valid_until, 'YYYY-MM-DD') AS valid_until
       FROM archive WHERE owner_id = $1 AND (valid_until IS NULL OR valid_until >= current_date)
      ORDER BY code, issued_on DESC, created_at DESC`,
    [user.id],
  );
  const archive: ArchiveEntry[] = rows.map((r) => ({
    code: r.code,
    sha256: r.sha256,
    issuedOn: r.issued_on,
    ...(r.valid_until ? { validUntil: r.valid_until } : {}),
  }));
  return { identity, archive };
}
