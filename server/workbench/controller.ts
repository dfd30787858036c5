import { Router } from 'express';
import type { WorkbenchService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { UnauthorizedError } from '../http/errors.js';

/** The department workbench's reads; actions go through the department API (POST /sub-applications/:id/actions). */
export function workbenchRouter(service: WorkbenchService): Router {
  const router = Router();
  router.use('/workbench', requireRole('staff'));

  router.get('/workbench/inbox', async (req, res) => {
    res.json(await service.inbox(currentUser(req.principal), { status: req.query.status, item: req.query.item, overdue: req.query.overdue }));
  });

  router.get('/workbench/sub-applications/:id', async (req, res) => {
    if (!req.principal) throw new UnauthorizedError();
    res.json(await service.detail(req.principal, req.params.id as string, req.query.reason));
  });

  return router;
}
