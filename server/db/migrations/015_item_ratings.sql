-- 一事一评: besides the whole application, the applicant rates each department's item once it
-- has answered (办结 or 不予受理). The department is kept on the row so satisfaction per
-- department is one indexed query.
CREATE TABLE item_ratings (
  sub_application_id  uuid PRIMARY KEY REFERENCES sub_applications(id),
  application_id      uuid NOT NULL REFERENCES applications(id),
  applicant_id        text NOT NULL REFERENCES users(id),
  department          text NOT NULL,
  item_id             text NOT NULL,
  score               smallint NOT NULL CHECK (score BETWEEN 1 AND 5),
  comment             text CHECK (char_length(comment) <= 500),
  created_at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_ratings_department ON item_ratings (department, created_at);
CREATE INDEX item_ratings_application ON item_ratings (application_id);
