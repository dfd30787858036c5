-- A designer's unpublished edits to a bundle, kept on the server so leaving the studio editor
-- loses nothing: one draft per designer and bundle, replaced by each autosave, removed when the
-- designer discards it or proposes it for publishing.
CREATE TABLE studio_drafts (
  designer_id  text NOT NULL REFERENCES users(id),
  bundle_id    text NOT NULL,
  base         text NOT NULL,
  changes      jsonb NOT NULL,
  removed      jsonb NOT NULL DEFAULT '[]'::jsonb,
  chars        integer NOT NULL,
  saved_at     timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (designer_id, bundle_id)
);

-- 办结结果文书: files a department attaches when it completes an item (a licence, a decision),
-- stored in the material store by their sha256 and shown to the applicant with the item.
CREATE TABLE result_documents (
  id                  uuid PRIMARY KEY,
  sub_application_id  uuid NOT NULL REFERENCES sub_applications(id),
  application_id      uuid NOT NULL REFERENCES applications(id),
  position            smallint NOT NULL,
  title               text NOT NULL CHECK (char_length(title) BETWEEN 1 AND 100),
  file_name           text NOT NULL,
  mime                text NOT NULL,
  size                integer NOT NULL,
  sha256              text NOT NULL,
  created_by          text NOT NULL,
  created_at          timestamptz NOT NULL DEFAULT now(),
  UNIQUE (sub_application_id, position)
);
CREATE INDEX result_documents_application ON result_documents (application_id);
