import { Router } from 'express';
import type { Database } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import { requireRole } from '../auth/middleware.js';
import { parsePeriod } from './period.js';
import { StatsService, type StatsOptions } from './service.js';

/**
 * Statistics for administrators and scenario designers (what the reform saved, per bundle and
 * department), and the public summary of the headline numbers, which needs no sign-in.
 */
export function statsRouter(deps: { db: Database; registry: BundleRegistry; options?: StatsOptions }): Router {
  const service = new StatsService(deps.db, deps.registry, deps.options);
  const router = Router();
  const analysts = requireRole('admin', 'designer');

  router.get('/stats/overview', analysts, async (req, res) => {
    const period = parsePeriod(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await service.overview(period));
  });

  router.get('/stats/bundles/:id', analysts, async (req, res) => {
    const period = parsePeriod(req.query);
    res.setHeader('Cache-Control', 'no-store');
    res.json(await service.bundle(req.params.id as string, period));
  });

  router.get('/stats/bundles/:id/regions', analysts, async (req, res) => {
    const period = parsePeriod(req.query);
    const region = typeof req.query.region === 'string' && req.query.region !== '' ? req.query.region : null;
    res.setHeader('Cache-Control', 'no-store');
    res.json(await service.regions(req.params.id as string, period, region));
  });

  router.get('/public/summary', async (req, res) => {
    const summary = await service.publicSummary(req.query.year);
    res.setHeader('Cache-Control', 'public, max-age=60');
    res.json(summary);
  });

  return router;
}
