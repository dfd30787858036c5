-- 查询码: the short code printed on a 受理回执 that, with the 办件编号, shows an application's
-- progress (titles and statuses, no personal data) without signing in (shared/query-code.ts).
-- Drawn the first time the receipt is made and kept, so every printed copy carries the same one.
ALTER TABLE applications ADD COLUMN query_code text;
