-- Ready for a distributed PostgreSQL (Citus, docs/scale-out.md): every hot table carries the
-- applicant's id, the distribution column, so that one person's application, its items, their
-- history and delivery attempts, materials and documents live on one shard and every statement a
-- citizen causes stays on it. applications, ratings, item_ratings (applicant_id), notices (user_id,
-- always the applicant) and archive/licences (owner_id) have it already.
--
-- Filled on write by the triggers below when a statement leaves it out, so existing code keeps
-- working unchanged; a statement that writes it itself skips the look-up (the WHEN clause).
-- Before distributing, the writers name it explicitly (Citus wants the distribution column in
-- the statement to route it).

CREATE FUNCTION applicant_of_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT a.applicant_id INTO NEW.applicant_id FROM applications a WHERE a.id = NEW.application_id;
  RETURN NEW;
END $$;

CREATE FUNCTION applicant_of_sub_application() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  SELECT s.applicant_id INTO NEW.applicant_id FROM sub_applications s WHERE s.id = NEW.sub_application_id;
  RETURN NEW;
END $$;

ALTER TABLE sub_applications ADD COLUMN applicant_id text;
UPDATE sub_applications s SET applicant_id = a.applicant_id FROM applications a WHERE a.id = s.application_id;
ALTER TABLE sub_applications ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER sub_applications_applicant BEFORE INSERT ON sub_applications
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_application();

ALTER TABLE sub_application_events ADD COLUMN applicant_id text;
UPDATE sub_application_events e SET applicant_id = s.applicant_id FROM sub_applications s WHERE s.id = e.sub_application_id;
ALTER TABLE sub_application_events ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER sub_application_events_applicant BEFORE INSERT ON sub_application_events
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_sub_application();

ALTER TABLE delivery_attempts ADD COLUMN applicant_id text;
UPDATE delivery_attempts d SET applicant_id = s.applicant_id FROM sub_applications s WHERE s.id = d.sub_application_id;
ALTER TABLE delivery_attempts ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER delivery_attempts_applicant BEFORE INSERT ON delivery_attempts
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_sub_application();

ALTER TABLE application_materials ADD COLUMN applicant_id text;
UPDATE application_materials m SET applicant_id = a.applicant_id FROM applications a WHERE a.id = m.application_id;
ALTER TABLE application_materials ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER application_materials_applicant BEFORE INSERT ON application_materials
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_application();

ALTER TABLE material_fetches ADD COLUMN applicant_id text;
UPDATE material_fetches f SET applicant_id = a.applicant_id FROM applications a WHERE a.id = f.application_id;
ALTER TABLE material_fetches ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER material_fetches_applicant BEFORE INSERT ON material_fetches
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_application();

ALTER TABLE result_documents ADD COLUMN applicant_id text;
UPDATE result_documents r SET applicant_id = a.applicant_id FROM applications a WHERE a.id = r.application_id;
ALTER TABLE result_documents ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER result_documents_applicant BEFORE INSERT ON result_documents
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_application();

ALTER TABLE commitments ADD COLUMN applicant_id text;
UPDATE commitments c SET applicant_id = a.applicant_id FROM applications a WHERE a.id = c.application_id;
ALTER TABLE commitments ALTER COLUMN applicant_id SET NOT NULL;
CREATE TRIGGER commitments_applicant BEFORE INSERT ON commitments
  FOR EACH ROW WHEN (NEW.applicant_id IS NULL) EXECUTE FUNCTION applicant_of_application();
