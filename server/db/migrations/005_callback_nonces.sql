-- Nonces of signed department callbacks (server/auth/request-signature.ts), remembered for a
-- little longer than a signature's timestamp stays acceptable: a request sent twice is refused.
CREATE TABLE callback_nonces (
  department  text NOT NULL,
  nonce       text NOT NULL,
  seen_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (department, nonce)
);
CREATE INDEX callback_nonces_seen ON callback_nonces (seen_at);
