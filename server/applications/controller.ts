import { Router } from 'express';
import type { ApplicationService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { parseUpload } from '../materials/upload.js';
import type { UploadLimits } from '../../shared/uploads.js';

export function applicationsRouter(service: ApplicationService, maxUploadBytes: number): Router {
  const router = Router();
  const citizen = requireRole('citizen');

  router.post('/applications', citizen, async (req, res) => {
    const app = await service.create(currentUser(req.principal), req.body);
    res.status(201).json({ id: app.id, bundleId: app.bundle_id, version: app.version, region: app.region, status: app.status, answers: app.answers });
  });

  router.get('/applications', citizen, async (req, res) => {
    res.json(await service.list(currentUser(req.principal)));
  });

  router.get('/applications/:id', citizen, async (req, res) => {
    res.json(await service.detail(currentUser(req.principal), req.params.id as string));
  });

  router.put('/applications/:id/answers', citizen, async (req, res) => {
    const app = await service.saveAnswers(currentUser(req.principal), req.params.id as string, req.body);
    res.json({ id: app.id, status: app.status, answers: app.answers, updatedAt: app.updated_at });
  });

  router.get('/applications/:id/evaluation', citizen, async (req, res) => {
    res.json(await service.evaluation(currentUser(req.principal), req.params.id as string));
  });

  // The portal checks a file against the limit in force before sending it.
  router.get('/uploads/limits', (_req, res) => {
    res.json({ maxBytes: maxUploadBytes } satisfies UploadLimits);
  });

  router.post('/applications/:id/materials/:code', citizen, parseUpload({ maxBytes: maxUploadBytes }), async (req, res) => {
    const file = req.upload!;
    res.status(201).json(await service.upload(currentUser(req.principal), req.params.id as string, req.params.code as string, file));
  });

  router.post('/applications/:id/submit', citizen, async (req, res) => {
    const key = req.get('Idempotency-Key');
    const { created, application } = await service.submit(currentUser(req.principal), req.params.id as string, key, req.body);
    res.status(created ? 201 : 200).json(application);
  });

  router.post('/applications/:id/supplements/:subId', citizen, async (req, res) => {
    res.json(await service.answerSupplement(currentUser(req.principal), req.params.id as string, req.params.subId as string, req.body));
  });

  return router;
}
