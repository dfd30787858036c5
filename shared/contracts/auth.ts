// Sign-in, the signed-in user and the health probe.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, Named, Nullable, StringEnum } from './common.js';

export const ROLE_VALUES = ['citizen', 'staff', 'designer', 'reviewer', 'clerk', 'admin'] as const;

export const PublicUser = Named(
  'User',
  Closed({ id: Type.String(), name: Type.String(), role: StringEnum(ROLE_VALUES), department: Type.Optional(Type.String({ description: 'staff: their department code' })) }),
);
export type PublicUser = Static<typeof PublicUser>;

export const DevLoginBody = Type.Object({ user: Type.String({ minLength: 1, description: 'the id of a demo user' }) });
export const SignedIn = Closed({ user: PublicUser, csrfToken: Type.String() });
export type SignedIn = Static<typeof SignedIn>;
export const Me = Closed({ user: Nullable(PublicUser), csrfToken: Nullable(Type.String()) });
export type Me = Static<typeof Me>;

export const Health = Closed({ status: StringEnum(['ok', 'unavailable']), db: StringEnum(['pglite', 'postgres']) });
