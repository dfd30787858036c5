import { requireRole } from '../auth/middleware.js';
import { route, type Refusal, type Route } from '../http/route.js';
import { parsePeriod } from './period.js';
import type { StatsService } from './service.js';
import { Type } from '@sinclair/typebox';
import { PeriodQuery, PublicSummary, RegionFigures, RegionQuery, StatsBundleParams, StatsReport, YearQuery } from '../../shared/contracts/stats.js';

const PERIOD_REFUSAL: Refusal = {
  message: '统计区间有误',
  messageEn: 'The period is invalid',
  fields: {
    from: { message: '应为 YYYY-MM-DD 格式的有效日期', messageEn: 'must be a valid date as YYYY-MM-DD' },
    to: { message: '应为 YYYY-MM-DD 格式的有效日期', messageEn: 'must be a valid date as YYYY-MM-DD' },
  },
};

/**
 * Statistics for administrators and scenario designers (what the reform saved, per bundle and
 * department), and the public summary of the headline numbers, which needs no sign-in.
 */
export function statsRoutes(service: StatsService): Route[] {
  const analysts = { security: 'session' as const, before: [requireRole('admin', 'designer')], tags: ['stats'] };
  return [
    route({
      ...analysts,
      method: 'get',
      path: '/stats/overview',
      summary: 'What the reform saved, over every bundle (admins and designers)',
      query: PeriodQuery,
      queryRefusal: PERIOD_REFUSAL,
      responses: { 200: StatsReport },
      errors: [400, 401, 403],
      handler: async ({ query }, _req, res) => {
        const period = parsePeriod(query);
        res.setHeader('Cache-Control', 'no-store');
        return service.overview(period);
      },
    }),
    route({
      ...analysts,
      method: 'get',
      path: '/stats/bundles/:id',
      summary: 'The same figures for one bundle (admins and designers)',
      params: StatsBundleParams,
      query: PeriodQuery,
      queryRefusal: PERIOD_REFUSAL,
      responses: { 200: StatsReport },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }, _req, res) => {
        const period = parsePeriod(query);
        res.setHeader('Cache-Control', 'no-store');
        return service.bundle(params.id, period);
      },
    }),
    route({
      ...analysts,
      method: 'get',
      path: '/stats/bundles/:id/regions',
      summary: 'One bundle cut by region: the standard (applications filed without a region) and each city or county implementation; empty for a bundle without regions',
      params: StatsBundleParams,
      query: RegionQuery,
      queryRefusal: PERIOD_REFUSAL,
      responses: { 200: Type.Array(RegionFigures) },
      errors: [400, 401, 403, 404, 422],
      handler: async ({ params, query }, _req, res) => {
        const period = parsePeriod(query);
        res.setHeader('Cache-Control', 'no-store');
        return service.regions(params.id, period, query.region || null);
      },
    }),
    route({
      method: 'get',
      path: '/public/summary',
      summary: 'Headline numbers of a year for anyone: no sign-in, no personal data',
      tags: ['stats'],
      query: YearQuery,
      queryRefusal: { message: '年份有误', messageEn: 'The year is invalid', fields: { year: { message: '应为四位数的年份', messageEn: 'must be a year (four digits)' } } },
      responses: { 200: PublicSummary },
      errors: [400],
      handler: async ({ query }, _req, res) => {
        const summary = await service.publicSummary(query.year);
        res.setHeader('Cache-Control', 'public, max-age=60');
        return summary;
      },
    }),
  ];
}
