-- An operator's retry of a parked delivery gives it a fresh budget of attempts without
-- resetting the count: attempt numbers stay unique within a round, and a department that
-- already received the row keeps seeing it. The budget is attempts - retry_base.
ALTER TABLE sub_applications ADD COLUMN retry_base integer NOT NULL DEFAULT 0;
