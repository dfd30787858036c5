-- 好差评: the applicant's 1–5 rating of one finished application, once. The bundle is kept on
-- the row so satisfaction per life event is one indexed query for the statistics.
CREATE TABLE ratings (
  application_id  uuid PRIMARY KEY REFERENCES applications(id),
  applicant_id    text NOT NULL REFERENCES users(id),
  bundle_id       text NOT NULL,
  score           smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment         text CHECK (char_length(comment) <= 500),
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ratings_bundle ON ratings (bundle_id, created_at);
