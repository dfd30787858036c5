-- The region an application was filed in (a GB/T 2260 code of a regional implementation of its
-- bundle, see shared/regions.ts); NULL: the bundle's standard (or a bundle without regions).
-- Statistics can be cut by it.
ALTER TABLE applications ADD COLUMN region text;
CREATE INDEX applications_bundle_region_submitted ON applications (bundle_id, region, submitted_at) WHERE submitted_at IS NOT NULL;
