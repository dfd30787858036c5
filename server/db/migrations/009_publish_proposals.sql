-- Reviewed publishing (四眼原则): a designer's publish is a proposal until another person with the
-- reviewer or admin role approves it; only then does it become a bundle version. The column is
-- `decision`, not `status`: statuses are the sub-applications' (server/subapps/transition.ts).
CREATE TABLE publish_proposals (
  id              uuid PRIMARY KEY,
  bundle_id       text NOT NULL,
  version         text NOT NULL,
  -- The version that was current when proposed: the diff is against it, and approval is refused
  -- once another version has been published since.
  against_version text NOT NULL,
  files           jsonb NOT NULL,
  changes         jsonb NOT NULL,
  files_changed   jsonb NOT NULL,
  risk            text NOT NULL CHECK (risk IN ('high', 'medium', 'low', 'none')),
  needs_admin     boolean NOT NULL,
  decision        text NOT NULL DEFAULT 'pending' CHECK (decision IN ('pending', 'approved', 'rejected')),
  author_id       text NOT NULL REFERENCES users(id),
  created_at      timestamptz NOT NULL DEFAULT now(),
  decided_by      text REFERENCES users(id),
  decided_at      timestamptz,
  reason          text
);
CREATE INDEX publish_proposals_pending ON publish_proposals (created_at) WHERE decision = 'pending';

-- The reviewer approves proposals; the clerk (综合窗口) has no rights yet beyond being signed in.
ALTER TABLE users DROP CONSTRAINT users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check CHECK (role IN ('citizen', 'staff', 'designer', 'reviewer', 'clerk', 'admin'));
