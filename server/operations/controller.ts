import { Router } from 'express';
import type { OperationsService } from './service.js';
import { requireRole } from '../auth/middleware.js';

/** Operators (admins): the audit log and per-department delivery health, beside /admin/deliveries. */
export function operationsRouter(service: OperationsService): Router {
  const router = Router();
  const admin = requireRole('admin');

  router.get('/admin/audit', admin, async (req, res) => {
    res.json(await service.audit(req.query));
  });

  router.get('/admin/departments', admin, async (req, res) => {
    res.json(await service.departmentDeliveries(req.query));
  });

  return router;
}
