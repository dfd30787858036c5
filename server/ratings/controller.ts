import { Router } from 'express';
import type { Database } from '../db/types.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { RatingService } from './service.js';

/** 好差评: the applicant rates a finished application; the rating shows in GET /applications/:id. */
export function ratingsRouter(db: Database): Router {
  const router = Router();
  const service = new RatingService(db);

  router.post('/applications/:id/rating', requireRole('citizen'), async (req, res) => {
    res.status(201).json(await service.rate(currentUser(req.principal), req.params.id as string, req.body));
  });

  return router;
}
