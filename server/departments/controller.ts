import { Router, type RequestHandler } from 'express';
import type { DepartmentService } from './service.js';
import { UnauthorizedError, ForbiddenError } from '../http/errors.js';
import type { Principal } from '../auth/types.js';

/** A department's system (bearer token) or a signed-in staff member of a department. */
const departmentCaller: RequestHandler = (req, _res, next) => {
  const p = req.principal;
  if (!p) throw new UnauthorizedError();
  if (p.kind === 'user' && p.user.role !== 'staff') throw new ForbiddenError('仅限部门工作人员', 'Department staff only');
  next();
};

function principal(p: Principal | undefined): Principal {
  if (!p) throw new UnauthorizedError();
  return p;
}

export function departmentsRouter(service: DepartmentService): Router {
  const router = Router();

  router.get('/departments/:code/sub-applications', departmentCaller, async (req, res) => {
    res.json(await service.list(principal(req.principal), req.params.code as string, req.query.status));
  });

  router.get('/sub-applications/:id', departmentCaller, async (req, res) => {
    const reason = typeof req.query.reason === 'string' ? req.query.reason.slice(0, 200) : null;
    res.json(await service.get(principal(req.principal), req.params.id as string, reason));
  });

  router.get('/sub-applications/:id/materials/:code', departmentCaller, async (req, res) => {
    const reason = typeof req.query.reason === 'string' ? req.query.reason.slice(0, 200) : null;
    const file = await service.material(principal(req.principal), req.params.id as string, req.params.code as string, reason);
    res.setHeader('Content-Type', file.mime);
    res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.send(file.data);
  });

  router.post('/sub-applications/:id/actions', departmentCaller, async (req, res) => {
    res.json(await service.act(principal(req.principal), req.params.id as string, req.body));
  });

  return router;
}
