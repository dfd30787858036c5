import type { Database } from '../db/types.js';
import type { Principal } from '../auth/types.js';
import type { Department } from '../../shared/model.js';
import type { GrantBody, GrantableRole, Identity, RoleGrant } from '../../shared/contracts/roles.js';
import { audit } from '../audit.js';
import { maskIdNumber, maskMobile } from '../../shared/identifiers.js';
import { DepartmentRequiredError, GrantNotFoundError, OwnRoleError, UnknownUserError } from './errors.js';

interface GrantRow {
  user_id: string;
  name: string;
  role: GrantableRole;
  department: string | null;
  granted_by: string;
  granted_by_name: string | null;
  granted_at: Date;
}

/**
 * Roles beyond citizen are granted here by an administrator, one per identity, each grant and
 * revocation written to the audit log. The identity provider says who someone is, never what they
 * may do. Sessions read the grant on every request (server/auth/session.ts findSession).
 */
export class RoleService {
  private readonly departments: ReadonlyMap<string, Department>;

  constructor(
    private readonly db: Database,
    departments: readonly Department[],
  ) {
    this.departments = new Map(departments.map((d) => [d.code, d]));
  }

  /** People who have signed in: by part of a name or a whole identifier, else the most recently seen. */
  async identities(q: string | undefined): Promise<Identity[]> {
    const { rows } = await this.db.query<{ id: string; name: string; id_number: string | null; mobile: string | null; oidc: boolean; role: Identity['role']; department: string | null; granted: boolean }>(
      `SELECT u.id, u.name, u.id_number, u.mobile, i.user_id IS NOT NULL AS oidc,
              COALESCE(g.role, u.role) AS role,
              CASE WHEN g.user_id IS NULL THEN u.department ELSE g.department END AS department,
              g.user_id IS NOT NULL AS granted
         FROM users u
         LEFT JOIN oidc_identities i ON i.user_id = u.id
         LEFT JOIN role_grants g ON g.user_id = u.id
        WHERE $1::text IS NULL OR strpos(u.name, $1) > 0 OR u.id_number = upper($1) OR u.mobile = $1 OR u.id = $1
        ORDER BY COALESCE(i.last_seen_at, u.created_at) DESC, u.id
        LIMIT 50`,
      [q ?? null],
    );
    return rows.map((r) => ({
      id: r.id,
      name: r.name,
      idNumber: r.id_number === null ? null : maskIdNumber(r.id_number),
      mobile: r.mobile === null ? null : maskMobile(r.mobile),
      source: r.oidc ? 'oidc' : 'demo',
      role: r.role,
      department: r.department,
      granted: r.granted,
    }));
  }

  async grants(): Promise<RoleGrant[]> {
    const { rows } = await this.db.query<GrantRow>(
      `SELECT g.user_id, u.name, g.role, g.department, g.granted_by, b.name AS granted_by_name, g.granted_at
         FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN users b ON b.id = g.granted_by
        ORDER BY g.granted_at DESC`,
    );
    return rows.map((r) => this.toGrant(r));
  }

  /** Grants a role (replacing any earlier grant); staff need a department that exists. */
  async grant(principal: Principal, body: GrantBody): Promise<RoleGrant> {
    if (body.role === 'staff' && body.department === undefined) throw new DepartmentRequiredError('missing');
    if (body.role !== 'staff' && body.department !== undefined) throw new DepartmentRequiredError('not-staff');
    if (body.department !== undefined && !this.departments.has(body.department)) throw new DepartmentRequiredError('unknown', body.department);
    if (principal.kind === 'user' && principal.user.id === body.userId) throw new OwnRoleError();
    const actor = principal.kind === 'user' ? principal.user.id : `department:${principal.department}`;
    return this.db.transaction(async (tx) => {
      const user = await tx.query<{ id: string }>('SELECT id FROM users WHERE id = $1 FOR UPDATE', [body.userId]);
      if (!user.rows[0]) throw new UnknownUserError();
      const before = await tx.query<{ role: string; department: string | null }>('SELECT role, department FROM role_grants WHERE user_id = $1', [body.userId]);
      await tx.query(
        `INSERT INTO role_grants (user_id, role, department, granted_by) VALUES ($1, $2, $3, $4)
         ON CONFLICT (user_id) DO UPDATE SET role = EXCLUDED.role, department = EXCLUDED.department, granted_by = EXCLUDED.granted_by, granted_at = now()`,
        [body.userId, body.role, body.department ?? null, actor],
      );
      await audit(tx, principal, 'grant-role', body.userId, null, { role: body.role, department: body.department ?? null, previous: before.rows[0] ?? null });
      const { rows } = await tx.query<GrantRow>(
        `SELECT g.user_id, u.name, g.role, g.department, g.granted_by, b.name AS granted_by_name, g.granted_at
           FROM role_grants g JOIN users u ON u.id = g.user_id LEFT JOIN users b ON b.id = g.granted_by WHERE g.user_id = $1`,
        [body.userId],
      );
      return this.toGrant(rows[0]!);
    });
  }

  /** Takes a grant back: the person holds the role they signed in with again, from their next request. */
  async revoke(principal: Principal, userId: string): Promise<void> {
    if (principal.kind === 'user' && principal.user.id === userId) throw new OwnRoleError();
    await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ role: string; department: string | null }>('DELETE FROM role_grants WHERE user_id = $1 RETURNING role, department', [userId]);
      if (!rows[0]) throw new GrantNotFoundError();
      await audit(tx, principal, 'revoke-role', userId, null, { role: rows[0].role, department: rows[0].department });
    });
  }

  private toGrant(r: GrantRow): RoleGrant {
    return {
      userId: r.user_id,
      name: r.name,
      role: r.role,
      department: r.department,
      departmentName: r.department === null ? null : (this.departments.get(r.department)?.name ?? null),
      grantedBy: r.granted_by,
      grantedByName: r.granted_by_name,
      grantedAt: r.granted_at.toISOString(),
    };
  }
}
