-- Operators page through the audit log by who read and by what was read, and the console sums
-- delivery attempts over a recent window per department.
CREATE INDEX audit_log_actor ON audit_log (actor_id, at DESC);
CREATE INDEX audit_log_subject ON audit_log (subject, at DESC);
CREATE INDEX delivery_attempts_started ON delivery_attempts (started_at);
