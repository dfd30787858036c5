-- The tables that only ever grow (histories, delivery attempts, the audit log, notices) become
-- partitioned by month (UTC months of their own timestamp), so that retention drops whole months
-- (server/retention/partitions.ts) instead of deleting rows, and so that every query bounded in
-- time reads only the months it asks for. Each table keeps a DEFAULT partition: an insert into a
-- month nobody prepared lands there and never fails; preparing that month later moves those rows.
--
-- PostgreSQL wants the partition key in every primary key and unique constraint: the keys become
-- (id, <timestamp>). Nothing references these tables, and no statement relies on ON CONFLICT on
-- them, so no foreign key or upsert changes with it.

-- Creates the partition of `parent` for the UTC month starting at `month` unless it exists;
-- rows of that month waiting in the DEFAULT partition move into it. True when it created one.
CREATE FUNCTION ensure_month_partition(parent text, month date) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
  first date := date_trunc('month', month)::date;
  part text := parent || '_p' || to_char(first, 'YYYYMM');
  lo timestamptz := first::timestamp AT TIME ZONE 'UTC';
  hi timestamptz := (first + interval '1 month')::timestamp AT TIME ZONE 'UTC';
  key text;
  def text;
BEGIN
  IF to_regclass(quote_ident(part)) IS NOT NULL THEN
    RETURN false;
  END IF;
  SELECT a.attname INTO STRICT key
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
   WHERE p.partrelid = quote_ident(parent)::regclass;
  SELECT c.relname INTO def
    FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partdefid
   WHERE p.partrelid = quote_ident(parent)::regclass;
  -- Made apart and attached, so that the rows of this month already in DEFAULT can move first
  -- (PostgreSQL refuses a new partition whose rows still sit in DEFAULT).
  EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
  IF def IS NOT NULL THEN
    EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', def, key, key, part)
      USING lo, hi;
  END IF;
  EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', parent, part, lo, hi);
  RETURN true;
END $$;

-- The months an existing table holds, the current one and three ahead (the maintenance step
-- keeps PARTITION_MONTHS_AHEAD ahead from here on).
CREATE FUNCTION ensure_month_partitions_for(parent text, since timestamptz) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
  m date;
BEGIN
  FOR m IN
    SELECT generate_series(date_trunc('month', least(coalesce(since, now()), now()) AT TIME ZONE 'UTC'),
                           date_trunc('month', now() AT TIME ZONE 'UTC') + interval '3 months', interval '1 month')::date
  LOOP
    PERFORM ensure_month_partition(parent, m);
  END LOOP;
END $$;

-- sub_application_events ------------------------------------------------------------------------
ALTER TABLE sub_application_events RENAME TO sub_application_events_old;
ALTER SEQUENCE sub_application_events_id_seq OWNED BY NONE;
CREATE TABLE sub_application_events (
  id                 bigint NOT NULL DEFAULT nextval('sub_application_events_id_seq'),
  sub_application_id uuid NOT NULL REFERENCES sub_applications(id),
  at                 timestamptz NOT NULL DEFAULT now(),
  status             text NOT NULL,
  actor              text NOT NULL,
  note               jsonb
) PARTITION BY RANGE (at);
ALTER SEQUENCE sub_application_events_id_seq OWNED BY sub_application_events.id;
CREATE TABLE sub_application_events_default PARTITION OF sub_application_events DEFAULT;
SELECT ensure_month_partitions_for('sub_application_events', (SELECT min(at) FROM sub_application_events_old));
INSERT INTO sub_application_events (id, sub_application_id, at, status, actor, note)
  SELECT id, sub_application_id, at, status, actor, note FROM sub_application_events_old;
DROP TABLE sub_application_events_old;
ALTER TABLE sub_application_events ADD PRIMARY KEY (id, at);
CREATE INDEX sub_application_events_sub ON sub_application_events (sub_application_id, id);

-- delivery_attempts -----------------------------------------------------------------------------
ALTER TABLE delivery_attempts RENAME TO delivery_attempts_old;
ALTER SEQUENCE delivery_attempts_id_seq OWNED BY NONE;
CREATE TABLE delivery_attempts (
  id                 bigint NOT NULL DEFAULT nextval('delivery_attempts_id_seq'),
  sub_application_id uuid NOT NULL REFERENCES sub_applications(id),
  round              integer NOT NULL,
  attempt            integer NOT NULL,
  idempotency_key    text NOT NULL,
  started_at         timestamptz NOT NULL,
  duration_ms        integer NOT NULL,
  ok                 boolean NOT NULL,
  status_code        integer,
  error              text
) PARTITION BY RANGE (started_at);
ALTER SEQUENCE delivery_attempts_id_seq OWNED BY delivery_attempts.id;
CREATE TABLE delivery_attempts_default PARTITION OF delivery_attempts DEFAULT;
SELECT ensure_month_partitions_for('delivery_attempts', (SELECT min(started_at) FROM delivery_attempts_old));
INSERT INTO delivery_attempts (id, sub_application_id, round, attempt, idempotency_key, started_at, duration_ms, ok, status_code, error)
  SELECT id, sub_application_id, round, attempt, idempotency_key, started_at, duration_ms, ok, status_code, error FROM delivery_attempts_old;
DROP TABLE delivery_attempts_old;
ALTER TABLE delivery_attempts ADD PRIMARY KEY (id, started_at);
CREATE INDEX delivery_attempts_sub ON delivery_attempts (sub_application_id, id);
CREATE INDEX delivery_attempts_started ON delivery_attempts (started_at);

-- audit_log -------------------------------------------------------------------------------------
ALTER TABLE audit_log RENAME TO audit_log_old;
ALTER SEQUENCE audit_log_id_seq OWNED BY NONE;
CREATE TABLE audit_log (
  id          bigint NOT NULL DEFAULT nextval('audit_log_id_seq'),
  at          timestamptz NOT NULL DEFAULT now(),
  actor_id    text NOT NULL,
  actor_role  text NOT NULL,
  action      text NOT NULL,
  subject     text NOT NULL,
  reason      text,
  details     jsonb
) PARTITION BY RANGE (at);
ALTER SEQUENCE audit_log_id_seq OWNED BY audit_log.id;
CREATE TABLE audit_log_default PARTITION OF audit_log DEFAULT;
SELECT ensure_month_partitions_for('audit_log', (SELECT min(at) FROM audit_log_old));
INSERT INTO audit_log (id, at, actor_id, actor_role, action, subject, reason, details)
  SELECT id, at, actor_id, actor_role, action, subject, reason, details FROM audit_log_old;
DROP TABLE audit_log_old;
ALTER TABLE audit_log ADD PRIMARY KEY (id, at);
CREATE INDEX audit_log_at ON audit_log (at);
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_subject ON audit_log (subject, at DESC);

-- notices ---------------------------------------------------------------------------------------
-- `seq` was an identity column; a plain sequence does the same job and moves with the rows
-- without OVERRIDING clauses. No statement writes it.
ALTER TABLE notices RENAME TO notices_old;
CREATE SEQUENCE notices_order_seq;
SELECT setval('notices_order_seq', coalesce((SELECT max(seq) FROM notices_old), 0) + 1, false);
CREATE TABLE notices (
  id                uuid NOT NULL,
  seq               bigint NOT NULL DEFAULT nextval('notices_order_seq'),
  user_id           text NOT NULL REFERENCES users(id),
  application_id    uuid REFERENCES applications(id),
  event             text NOT NULL,
  channel           text NOT NULL,
  payload           jsonb NOT NULL,
  state             text NOT NULL CHECK (state IN ('queued', 'sent', 'dead')),
  attempts          integer NOT NULL DEFAULT 0,
  retry_base        integer NOT NULL DEFAULT 0,
  first_attempt_at  timestamptz,
  next_attempt_at   timestamptz,
  sent_at           timestamptz,
  read_at           timestamptz,
  last_error        text,
  created_at        timestamptz NOT NULL DEFAULT now(),
  updated_at        timestamptz NOT NULL DEFAULT now()
) PARTITION BY RANGE (created_at);
ALTER SEQUENCE notices_order_seq OWNED BY notices.seq;
CREATE TABLE notices_default PARTITION OF notices DEFAULT;
SELECT ensure_month_partitions_for('notices', (SELECT min(created_at) FROM notices_old));
INSERT INTO notices (id, seq, user_id, application_id, event, channel, payload, state, attempts, retry_base, first_attempt_at,
                     next_attempt_at, sent_at, read_at, last_error, created_at, updated_at)
  SELECT id, seq, user_id, application_id, event, channel, payload, state, attempts, retry_base, first_attempt_at,
         next_attempt_at, sent_at, read_at, last_error, created_at, updated_at FROM notices_old;
DROP TABLE notices_old;
-- A notice's id is a random UUID: unique in practice across months without a global index.
ALTER TABLE notices ADD PRIMARY KEY (id, created_at);
CREATE INDEX notices_due ON notices (next_attempt_at) WHERE state = 'queued';
CREATE INDEX notices_inbox ON notices (user_id, seq DESC) WHERE channel = 'inbox';
CREATE INDEX notices_dead ON notices (updated_at DESC) WHERE state = 'dead';
