-- Sign-in attempts per client address (server/auth/rate-limit.ts), counted here rather than in a
-- process's memory so that every web process behind one database shares the limit. One row per
-- address and its current window; rows of windows long past are pruned as new windows open.
CREATE TABLE login_attempts (
  client        text PRIMARY KEY,
  window_start  timestamptz NOT NULL,
  count         integer NOT NULL
);
CREATE INDEX login_attempts_window ON login_attempts (window_start);
