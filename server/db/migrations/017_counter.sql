-- 综合窗口 (server/counter/): an application a clerk files at the counter for the person in front
-- of them. It belongs to the applicant (applicant_id, as ever); the clerk and the window are kept
-- on it, and only that clerk may go on acting on it (server/applications/acting.ts).
ALTER TABLE applications ADD COLUMN counter_clerk_id text REFERENCES users(id);
ALTER TABLE applications ADD COLUMN counter_window text;
-- For a company: its 统一社会信用代码 and name as the exchange confirmed them, and the agent's
-- 委托书 (a stored blob, by sha256).
ALTER TABLE applications ADD COLUMN counter_company jsonb;
ALTER TABLE applications ADD CONSTRAINT applications_counter_window CHECK ((counter_clerk_id IS NULL) = (counter_window IS NULL));
CREATE INDEX applications_counter_clerk ON applications (counter_clerk_id, created_at DESC) WHERE counter_clerk_id IS NOT NULL;

-- People a clerk filed for before they ever signed in, keyed by 公民身份号码: one account per
-- number, created at the counter (`person-<uuid>`, a citizen). The first sign-in that carries
-- the number (the demo provider's identity, or an OIDC identity whose verified id_number claim
-- is the number) resolves to this account (server/auth/people.ts), so the applicant finds the
-- application as theirs at once.
CREATE TABLE counter_people (
  id_number    text PRIMARY KEY,
  user_id      text NOT NULL UNIQUE REFERENCES users(id),
  recorded_by  text NOT NULL REFERENCES users(id),
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  -- The first sign-in to the account; null while the person has never signed in.
  claimed_at   timestamptz
);
