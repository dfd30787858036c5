import { Router } from 'express';
import type { StudioService } from './service.js';
import { parseDraft } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { BadRequestError } from '../http/errors.js';

function answersOf(body: unknown): Record<string, unknown> {
  const a = body && typeof body === 'object' && !Array.isArray(body) ? (body as { answers?: unknown }).answers : undefined;
  if (a === undefined || a === null) return {};
  if (typeof a !== 'object' || Array.isArray(a)) throw new BadRequestError('answers 应为对象', 'answers must be an object', [{ path: 'answers', message: '应为以数据元为键的对象', messageEn: 'must be an object keyed by data element id' }]);
  return a as Record<string, unknown>;
}

/** The designer studio: published versions and their files, live lint and preview of a draft, publishing. */
export function studioRouter(service: StudioService): Router {
  const router = Router();
  router.use('/studio', requireRole('designer'));

  router.get('/studio/bundles', async (_req, res) => {
    res.json(await service.bundles());
  });

  router.get('/studio/bundles/:id/versions/:version/files', async (req, res) => {
    const files = await service.versionFiles(req.params.id as string, req.params.version as string);
    res.json({ bundleId: req.params.id, version: req.params.version, files });
  });

  router.post('/studio/bundles/:id/check', async (req, res) => {
    const lang = (req.body as { lang?: unknown } | undefined)?.lang === 'en' ? 'en' : 'zh';
    res.json(await service.check(req.params.id as string, parseDraft(req.body, ['answers', 'lang']), answersOf(req.body), lang));
  });

  router.post('/studio/bundles/:id/versions', async (req, res) => {
    res.status(201).json(await service.publish(req.params.id as string, parseDraft(req.body), currentUser(req.principal).id));
  });

  return router;
}
