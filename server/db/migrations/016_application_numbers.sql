-- 办件编号: every filed application gets a human-readable, unique number shown to applicants,
-- clerks, staff and in notices instead of its UUID: the region's 6-digit 行政区划代码, the
-- Beijing date of filing (YYYYMMDD) and a 6-digit sequence (server/applications/number.ts).
-- A sequence, not a counter row: concurrent submissions never wait on each other for it (gaps
-- are harmless), and the unique index catches the wrap-around after a million in one day.
CREATE SEQUENCE application_number_seq;
ALTER TABLE applications ADD COLUMN number text;
CREATE UNIQUE INDEX applications_number ON applications (number) WHERE number IS NOT NULL;

-- Applications filed before this migration get theirs in the order they were filed.
UPDATE applications a SET number = '430000' || to_char((a.submitted_at AT TIME ZONE 'UTC') + interval '8 hours', 'YYYYMMDD')
                                   || lpad((nextval('application_number_seq') % 1000000)::text, 6, '0')
  FROM (SELECT id FROM applications WHERE submitted_at IS NOT NULL ORDER BY submitted_at, id) AS o
 WHERE a.id = o.id;
