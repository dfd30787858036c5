import { Type } from '@sinclair/typebox';
import type { CounterService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { parseUpload } from '../materials/upload.js';
import { route, ONE_PARAMETER, type Route } from '../http/route.js';
import { ApplicationDetail, ApplicationParams, MaterialParams, UploadForm } from '../../shared/contracts/applications.js';
import { FormResponse } from '../../shared/contracts/bundles.js';
import { PowerOfAttorney, PresentedQuery, ScanResult } from '../../shared/contracts/counter.js';
import { MAX_SCAN_PAGES, SCAN_FIELD, parseScan } from './scan.js';

/**
 * 综合窗口: what only the counter does. Filing itself is POST /applications with `applicant`,
 * and the clerk goes on through the applications' routes on what they filed.
 */
export function counterRoutes(service: CounterService, maxUploadBytes: number): Route[] {
  const clerk = requireRole('clerk');
  const common = { security: 'session' as const, tags: ['counter'] };
  return [
    route({
      ...common,
      before: [clerk, parseScan(maxUploadBytes)],
      method: 'post',
      path: '/counter/applications/:id/scans/:code',
      summary: `Paper material scanned at the counter: page images (JPEG or PNG, up to ${MAX_SCAN_PAGES}, in order) become one PDF, stored as the material; a single PDF is stored as it is`,
      description: 'As POST /applications/{id}/materials/{code} otherwise: the material must be one this application needs (404), the application the clerk\'s own (404).',
      params: MaterialParams,
      upload: { contentType: 'multipart/form-data', schema: Type.Object({ [SCAN_FIELD]: Type.Array(Type.String({ format: 'binary' }), { description: 'the pages, in order' }) }) },
      responses: { 201: ScanResult },
      errors: [400, 401, 403, 404, 409, 413, 415],
      handler: async ({ params }, req) => service.scan(currentUser(req.principal), params.id, params.code, req.scan ?? []),
    }),
    route({
      ...common,
      before: [clerk, parseUpload({ maxBytes: maxUploadBytes })],
      method: 'post',
      path: '/counter/applications/:id/power-of-attorney',
      summary: "A company's application: the agent's 委托书 (authorisation), required before it can be submitted",
      params: ApplicationParams,
      upload: { contentType: 'multipart/form-data', schema: UploadForm },
      responses: { 201: PowerOfAttorney },
      errors: [400, 401, 403, 404, 409, 413, 415],
      handler: async ({ params }, req) => service.powerOfAttorney(req.principal!, currentUser(req.principal), params.id, req.upload!),
    }),
    route({
      ...common,
      before: [clerk],
      method: 'get',
      path: '/counter/applications/:id/form',
      summary: "The form of one of the clerk's filings, prefilled for its applicant as GET /bundles/{id}/form is for a signed-in citizen",
      params: ApplicationParams,
      responses: { 200: FormResponse },
      errors: [401, 403, 404],
      handler: async ({ params }, req) => service.form(currentUser(req.principal), params.id),
    }),
    route({
      ...common,
      before: [clerk],
      method: 'get',
      path: '/counter/applications',
      summary: 'An application the applicant presents at the counter: its 办件编号 with their 公民身份号码 (both must match; 404 otherwise); the read is audit-logged',
      query: PresentedQuery,
      queryRefusal: ONE_PARAMETER,
      responses: { 200: ApplicationDetail },
      errors: [400, 401, 403, 404],
      handler: async ({ query }, req) => service.presented(req.principal!, query.number, query.idNumber),
    }),
  ];
}
