-- People who sign in. Identity comes from a provider (demo users now, OIDC later); this row is
-- what the product keeps of it.
CREATE TABLE users (
  id          text PRIMARY KEY,
  name        text NOT NULL,
  role        text NOT NULL CHECK (role IN ('citizen', 'staff', 'designer', 'admin')),
  department  text,
  id_number   text,
  mobile      text,
  created_at  timestamptz NOT NULL DEFAULT now(),
  CHECK ((role = 'staff') = (department IS NOT NULL))
);

-- Server-side sessions: the cookie carries only a signed id, so logging out revokes at once.
CREATE TABLE sessions (
  id          text PRIMARY KEY,
  user_id     text NOT NULL REFERENCES users(id),
  csrf_token  text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  expires_at  timestamptz NOT NULL,
  revoked_at  timestamptz
);
CREATE INDEX sessions_user ON sessions (user_id);

-- Published bundle versions are immutable: the scenario files they were published from are kept
-- whole, so an application is always judged by the version it was filed under.
CREATE TABLE bundle_versions (
  bundle_id     text NOT NULL,
  version       text NOT NULL,
  seq           integer NOT NULL,
  content_hash  text NOT NULL,
  title         text NOT NULL,
  files         jsonb NOT NULL,
  published_at  timestamptz NOT NULL DEFAULT now(),
  published_by  text,
  PRIMARY KEY (bundle_id, version),
  UNIQUE (bundle_id, seq)
);

CREATE TABLE applications (
  id               uuid PRIMARY KEY,
  applicant_id     text NOT NULL REFERENCES users(id),
  bundle_id        text NOT NULL,
  version          text NOT NULL,
  status           text NOT NULL DEFAULT 'draft'
                   CHECK (status IN ('draft', 'submitted', 'in_progress', 'supplement', 'completed', 'rejected', 'partially_completed')),
  answers          jsonb NOT NULL DEFAULT '{}',
  evaluation       jsonb,
  savings          jsonb,
  submit_key       text,
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  submitted_at     timestamptz,
  completed_at     timestamptz,
  FOREIGN KEY (bundle_id, version) REFERENCES bundle_versions (bundle_id, version)
);
CREATE INDEX applications_applicant ON applications (applicant_id, created_at DESC);
CREATE INDEX applications_bundle_submitted ON applications (bundle_id, submitted_at) WHERE submitted_at IS NOT NULL;
-- The same Idempotency-Key from the same applicant never files twice.
CREATE UNIQUE INDEX applications_submit_key ON applications (applicant_id, submit_key) WHERE submit_key IS NOT NULL;

-- One row per included item: the split sub-application, and at the same time the outbox row
-- the dispatch worker claims (FOR UPDATE SKIP LOCKED on the due index).
CREATE TABLE sub_applications (
  id                uuid PRIMARY KEY,
  application_id    uuid NOT NULL REFERENCES applications(id),
  item_id           text NOT NULL,
  department        text NOT NULL,
  position          integer NOT NULL,
  status            text NOT NULL
                    CHECK (status IN ('waiting', 'queued', 'delivered', 'accepted', 'supplement', 'completed', 'rejected', 'dead')),
  channel           text NOT NULL CHECK (channel IN ('webhook', 'inbox')),
  after_items       text[] NOT NULL DEFAULT '{}',
  payload           jsonb NOT NULL,
  outputs           jsonb,
  supplement        jsonb,
  reason            text,
  round             integer NOT NULL DEFAULT 1,
  attempts          integer NOT NULL DEFAULT 0,
  first_attempt_at  timestamptz,
  next_attempt_at   timestamptz,
  last_error        text,
  time_limit_days   double precision NOT NULL,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now(),
  delivered_at      timestamptz,
  accepted_at       timestamptz,
  completed_at      timestamptz,
  UNIQUE (application_id, item_id)
);
CREATE INDEX sub_applications_due ON sub_applications (next_attempt_at) WHERE status = 'queued';
CREATE INDEX sub_applications_department ON sub_applications (department, status, created_at);
CREATE INDEX sub_applications_application ON sub_applications (application_id);

-- Every delivery attempt, kept: a parked (dead) row shows why each attempt failed.
CREATE TABLE delivery_attempts (
  id                 bigserial PRIMARY KEY,
  sub_application_id uuid NOT NULL REFERENCES sub_applications(id),
  round              integer NOT NULL,
  attempt            integer NOT NULL,
  idempotency_key    text NOT NULL,
  started_at         timestamptz NOT NULL,
  duration_ms        integer NOT NULL,
  ok                 boolean NOT NULL,
  status_code        integer,
  error              text
);
CREATE INDEX delivery_attempts_sub ON delivery_attempts (sub_application_id, id);

-- The history of a sub-application, as the applicant's timeline and the staff audit trail.
CREATE TABLE sub_application_events (
  id                 bigserial PRIMARY KEY,
  sub_application_id uuid NOT NULL REFERENCES sub_applications(id),
  at                 timestamptz NOT NULL DEFAULT now(),
  status             text NOT NULL,
  actor              text NOT NULL,
  note               jsonb
);
CREATE INDEX sub_application_events_sub ON sub_application_events (sub_application_id, id);

-- Uploaded content, addressed by sha256: one file serves every item and later applications.
CREATE TABLE blobs (
  sha256      text PRIMARY KEY,
  size        bigint NOT NULL,
  mime        text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE application_materials (
  application_id  uuid NOT NULL REFERENCES applications(id),
  code            text NOT NULL,
  sha256          text NOT NULL REFERENCES blobs(sha256),
  file_name       text NOT NULL,
  source          text NOT NULL CHECK (source IN ('upload', 'archive')),
  uploaded_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, code)
);

-- 一人一档: what an applicant handed in once, offered for reuse while it is valid.
CREATE TABLE archive (
  owner_id            text NOT NULL REFERENCES users(id),
  code                text NOT NULL,
  sha256              text NOT NULL REFERENCES blobs(sha256),
  file_name           text NOT NULL,
  issued_on           date NOT NULL DEFAULT current_date,
  valid_until         date,
  source_application  uuid REFERENCES applications(id),
  created_at          timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (owner_id, code, sha256)
);

-- Who read or changed personal data, when and why.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    text NOT NULL,
  actor_role  text NOT NULL,
  action      text NOT NULL,
  subject     text NOT NULL,
  reason      text,
  details     jsonb
);
CREATE INDEX audit_log_at ON audit_log (at);
