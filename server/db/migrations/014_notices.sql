-- Notices to applicants (server/notices/): an outbox like sub_applications. A change of status
-- writes its notices in the same transaction as the change; a worker claims due rows with
-- FOR UPDATE SKIP LOCKED, sends them through their channel, retries with backoff and parks a
-- row as `dead` after its budget (shown to operators, retryable), never dropping one.
-- `inbox` rows are delivered by being stored (the 消息中心 reads them): they are written `sent`.
CREATE TABLE notices (
  id                uuid PRIMARY KEY,
  -- Order of writing: notices of one transaction share created_at.
  seq               bigint GENERATED ALWAYS AS IDENTITY,
  user_id           text NOT NULL REFERENCES users(id),
  application_id    uuid REFERENCES applications(id),
  event             text NOT NULL,
  channel           text NOT NULL,
  -- The facts the templates render (titles, times, a reason), never rendered text: each reader
  -- gets their language, and the gateway gets the text of the day it is sent.
  payload           jsonb NOT NULL,
  state             text NOT NULL CHECK (state IN ('queued', 'sent', 'dead')),
  attempts          integer NOT NULL DEFAULT 0,
  -- attempts before the last operator retry: the budget and the backoff count from here.
  retry_base        integer NOT NULL DEFAULT 0,
  first_attempt_at  timestamptz,
  next_attempt_at   timestamptz,
  sent_at           timestamptz,
  read_at           timestamptz,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE state = 'queued';
CREATE INDEX notices_inbox ON notices (user_id, seq DESC) WHERE channel = 'inbox';
CREATE INDEX notices_dead ON notices (updated_at DESC) WHERE state = 'dead';

-- What a person chose: SMS on or off (in-site messages always). No row: SMS on.
CREATE TABLE notification_settings (
  user_id     text PRIMARY KEY REFERENCES users(id),
  sms         boolean NOT NULL,
  updated_at  timestamptz NOT NULL DEFAULT now()
);
