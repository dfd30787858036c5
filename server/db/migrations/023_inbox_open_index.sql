-- The workbench inbox (server/workbench/service.ts) asks for a department's open items, newest
-- first, a thousand at most. With only (department, status, created_at) PostgreSQL gathers every
-- open item of the department and sorts them: 250 ms for 公安 at 1 M applications (docs/scale-out.md).
-- The open items in date order let it stop after the first thousand. Partial: only work in hand
-- (a few thousand rows per department), not the millions of finished ones, so filing and every
-- change of status pay little for it.
CREATE INDEX sub_applications_department_open ON sub_applications (department, created_at DESC)
  WHERE status IN ('queued', 'delivered', 'accepted', 'supplement');
