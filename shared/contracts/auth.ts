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

export const AuthMethods = Closed({
  demo: Type.Boolean({ description: 'the demo list (DEMO mode only)' }),
  oidc: Nullable(Closed({ label: Type.String({ description: 'the provider, as the button names it' }), loginPath: Type.String() })),
});
export type AuthMethods = Static<typeof AuthMethods>;

export const OidcLoginQuery = Type.Object({
  returnTo: Type.Optional(Type.String({ maxLength: 2000, description: 'a relative path on this site (default /); anything else is refused' })),
});
/** The provider's redirect: its parameters are checked by the OIDC client, not here; unknown ones (session_state…) pass. */
export const OidcCallbackQuery = Type.Object({
  code: Type.Optional(Type.String()),
  state: Type.Optional(Type.String()),
  iss: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
  error_description: Type.Optional(Type.String()),
});
export const LoggedOut = Closed({ endSessionUrl: Type.String({ description: "the provider's end-session URL (id_token_hint, post_logout_redirect_uri): navigate there to end the provider session too" }) });
export type LoggedOut = Static<typeof LoggedOut>;

export const Health = Closed({ status: StringEnum(['ok', 'unavailable']), db: StringEnum(['pglite', 'postgres']) });
