-- 告知承诺: the applicant's signature of the commitment (承诺书) generated for an application's
-- materials waived by commitment (shared/commitment.ts). One signature per application: signing
-- again (after the answers changed the text) replaces it. The text is kept as signed, with its
-- SHA-256, so what reaches the department can be checked against what the applicant read.
CREATE TABLE commitments (
  application_id  uuid PRIMARY KEY REFERENCES applications(id) ON DELETE CASCADE,
  text            text NOT NULL,
  sha256          text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  -- The materials it replaces, with the items that accept it: [{code, title, items: [id]}].
  materials       jsonb NOT NULL,
  signer_id       text NOT NULL REFERENCES users(id),
  signer_name     text NOT NULL,
  signed_at       timestamptz NOT NULL DEFAULT now()
);

-- Results issued (办结出证): an electronic licence a completed item produced, issued to its holder
-- and kept in the applicant's archive (一人一档; the PDF is also an `archive` row, by its sha256,
-- so the archive query offers it to later bundles). `in_library` says whether the licence library
-- (电子证照库, through the connector) confirmed it; without a connector it stays false and nothing
-- claims the library holds it.
CREATE TABLE licences (
  id                  uuid PRIMARY KEY,
  owner_id            text NOT NULL REFERENCES users(id),
  code                text NOT NULL,
  title               text NOT NULL,
  licence_number      text NOT NULL,
  issuer              text NOT NULL,
  issuer_name         text NOT NULL,
  holder              jsonb NOT NULL,
  fields              jsonb NOT NULL,
  issued_on           date NOT NULL,
  valid_until         date,
  application_id      uuid REFERENCES applications(id),
  sub_application_id  uuid REFERENCES sub_applications(id),
  sha256              text NOT NULL REFERENCES blobs(sha256),
  in_library          boolean NOT NULL DEFAULT false,
  created_at          timestamptz NOT NULL DEFAULT now(),
  -- One licence of a kind per completed item: issuing again (a retried call) changes nothing.
  UNIQUE (sub_application_id, code)
);
CREATE INDEX licences_owner ON licences (owner_id, created_at DESC);
