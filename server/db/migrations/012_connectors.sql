-- Data sharing that really happens (issue #14): every call to the licence library and the data
-- exchange is kept, every licence fetched for an application is kept with its evidence, and the
-- applicant's authorisation (授权) of the fetch is recorded with its time.

-- The audit trail of the exchange: who asked, for which licence type or department, whose
-- licence or record, for which application; outcome and latency feed the console and statistics.
CREATE TABLE connector_calls (
  id              bigserial PRIMARY KEY,
  at              timestamptz NOT NULL DEFAULT now(),
  connector       text NOT NULL,
  connector_type  text NOT NULL,
  kind            text NOT NULL CHECK (kind IN ('licence', 'data')),
  operation       text NOT NULL CHECK (operation IN ('fetch', 'lookup', 'issue', 'records', 'health')),
  -- The licence type (material code) or the department whose records were read.
  subject         text,
  -- Whose: the holder's 公民身份号码 or 统一社会信用代码 (shown masked in lists).
  holder          text,
  actor           text NOT NULL,
  application_id  uuid,
  purpose         text NOT NULL,
  outcome         text NOT NULL CHECK (outcome IN ('ok', 'not_found', 'error', 'refused', 'open')),
  latency_ms      integer NOT NULL,
  error           text
);
CREATE INDEX connector_calls_connector ON connector_calls (connector, at DESC);
CREATE INDEX connector_calls_at ON connector_calls (at);
CREATE INDEX connector_calls_application ON connector_calls (application_id) WHERE application_id IS NOT NULL;

-- One row per electronic licence an application needs fetched (免提交 by data sharing), once per
-- material whatever the number of departments that need it. `pending` rows are retried by the
-- dispatch worker before any delivery that needs them; `missing` is asked of the applicant once
-- (补正) and becomes `supplied` when they hand it in. Only `fetched` counts as waived.
CREATE TABLE material_fetches (
  application_id   uuid NOT NULL REFERENCES applications(id),
  code             text NOT NULL,
  holder           jsonb NOT NULL,
  state            text NOT NULL CHECK (state IN ('pending', 'fetched', 'missing', 'supplied')),
  attempts         integer NOT NULL DEFAULT 0,
  next_attempt_at  timestamptz,
  last_error       text,
  evidence         jsonb,
  fields           jsonb,
  sha256           text REFERENCES blobs(sha256),
  created_at       timestamptz NOT NULL DEFAULT now(),
  updated_at       timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (application_id, code)
);
CREATE INDEX material_fetches_due ON material_fetches (next_attempt_at) WHERE state = 'pending';

-- A fetched licence is one of the application's files, like an upload or an archive copy.
ALTER TABLE application_materials DROP CONSTRAINT application_materials_source_check;
ALTER TABLE application_materials ADD CONSTRAINT application_materials_source_check CHECK (source IN ('upload', 'archive', 'sharing'));

-- 授权: the applicant allows the fetch once per application, before submitting.
ALTER TABLE applications ADD COLUMN sharing_authorised_at timestamptz;
