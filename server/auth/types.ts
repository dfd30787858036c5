/** `clerk` (综窗受理) is granted no route yet: it can do what any signed-in person without rights can. */
export const ROLES = ['citizen', 'staff', 'designer', 'reviewer', 'clerk', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface User {
  id: string;
  name: string;
  role: Role;
  /** Set for staff: the one department whose sub-applications they handle. */
  department?: string;
  /** Real-name identity of a citizen (实名认证), used to prefill the form. */
  idNumber?: string;
  mobile?: string;
}

/** Who is calling: a signed-in person, or a department's back-office system with its token. */
export type Principal =
  | { kind: 'user'; user: User; sessionId: string; csrfToken: string }
  | { kind: 'department'; department: string };

/**
 * Where identities come from. The demo provider signs in listed users by id; a real provider
 * (OIDC against the provincial 统一身份认证平台) implements the same two calls.
 */
export interface IdentityProvider {
  readonly name: string;
  /** Users offered on the sign-in page; empty for providers that redirect elsewhere. */
  listUsers(): User[];
  authenticate(credentials: Record<string, unknown>): Promise<User | null>;
}

declare module 'express-serve-static-core' {
  interface Request {
    principal?: Principal;
    /** The JSON body's bytes as received, kept for request signatures (set by express.json's verify). */
    rawBody?: Buffer;
  }
}
