-- OIDC sign-in (server/auth/oidc.ts) and roles granted by an administrator (server/roles/).

-- A sign-in under way: what the callback must find again (PKCE verifier, nonce, where to go
-- back) kept in the database so that the callback may reach any web process. Keyed by the
-- state sent to the provider; bound to the browser that started it by the hash of a random
-- cookie; deleted as the callback reads it, so a callback is honoured once.
CREATE TABLE oidc_flows (
  state          text PRIMARY KEY,
  browser_hash   text NOT NULL,
  code_verifier  text NOT NULL,
  nonce          text NOT NULL,
  return_to      text NOT NULL,
  created_at     timestamptz NOT NULL DEFAULT now(),
  expires_at     timestamptz NOT NULL
);
CREATE INDEX oidc_flows_expires ON oidc_flows (expires_at);

-- Who a provider's subject is here: found by (issuer, subject), a stable internal user id.
CREATE TABLE oidc_identities (
  issuer         text NOT NULL,
  subject        text NOT NULL,
  user_id        text NOT NULL UNIQUE REFERENCES users(id),
  first_seen_at  timestamptz NOT NULL DEFAULT now(),
  last_seen_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (issuer, subject)
);

-- Where a session came from, and for OIDC the ID token logout hands back to the provider
-- (id_token_hint); forgotten when the session is revoked.
ALTER TABLE sessions ADD COLUMN provider text NOT NULL DEFAULT 'demo';
ALTER TABLE sessions ADD COLUMN id_token text;
-- Expired sessions' ID tokens are erased as new OIDC sessions start.
CREATE INDEX sessions_id_token_expiry ON sessions (expires_at) WHERE id_token IS NOT NULL;

-- The role an administrator granted an identity, at most one per identity; it overrides the role
-- the identity signed in with (citizen for every OIDC identity). Sessions read it on every
-- request, so a grant or a revocation holds from the next request on.
CREATE TABLE role_grants (
  user_id     text PRIMARY KEY REFERENCES users(id),
  role        text NOT NULL CHECK (role IN ('staff', 'designer', 'reviewer', 'clerk', 'admin')),
  department  text,
  granted_by  text NOT NULL,
  granted_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'staff') = (department IS NOT NULL))
);
