// Roles granted to identities by an administrator (audited), never taken from the identity provider.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Nullable, PathId, StringEnum, blankIsAbsent } from './common.js';

export const GRANTABLE_ROLES = ['staff', 'designer', 'reviewer', 'clerk', 'admin'] as const;
export type GrantableRole = (typeof GRANTABLE_ROLES)[number];

export const IdentitiesQuery = Type.Object({
  q: Type.Optional(blankIsAbsent(Type.String({ maxLength: 100, description: 'part of a name, or a whole 公民身份号码 or mobile number; absent: the most recently seen' }))),
});

/** A person who has signed in, as an administrator looking for them sees them: identifiers masked. */
export const Identity = Closed({
  id: Type.String({ description: 'internal user id' }),
  name: Type.String(),
  idNumber: Nullable(Type.String({ description: 'masked' })),
  mobile: Nullable(Type.String({ description: 'masked' })),
  source: StringEnum(['oidc', 'demo']),
  role: StringEnum(['citizen', 'staff', 'designer', 'reviewer', 'clerk', 'admin'], { description: 'the role they hold now' }),
  department: Nullable(Type.String()),
  granted: Type.Boolean({ description: 'the role comes from a grant (else from how they signed in)' }),
});
export type Identity = Static<typeof Identity>;

export const RoleGrant = Closed({
  userId: Type.String(),
  name: Type.String(),
  role: StringEnum(GRANTABLE_ROLES),
  department: Nullable(Type.String({ description: 'staff: the department code' })),
  departmentName: Nullable(Type.String()),
  grantedBy: Type.String({ description: "the granting administrator's user id" }),
  grantedByName: Nullable(Type.String()),
  grantedAt: DateTime(),
});
export type RoleGrant = Static<typeof RoleGrant>;

export const GrantBody = Closed({
  userId: Type.String({ minLength: 1, maxLength: 200 }),
  role: StringEnum(GRANTABLE_ROLES),
  department: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'required for staff, refused otherwise' })),
});
export type GrantBody = Static<typeof GrantBody>;

export const GrantParams = Type.Object({ userId: PathId('user id') });
