import { Type } from '@sinclair/typebox';
import type { LicenceService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { IssuedLicence, LicenceParams } from '../../shared/contracts/licences.js';

/** 我的证照: the applicant's issued licences and their PDFs. */
export function licencesRoutes(service: LicenceService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('citizen')], tags: ['citizen'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/me/licences',
      summary: 'My issued licences (电子证照 from completed items), newest first',
      responses: { 200: Type.Array(IssuedLicence) },
      errors: [401, 403],
      handler: async (_input, req) => service.mine(currentUser(req.principal)),
    }),
    route({
      ...common,
      method: 'get',
      path: '/me/licences/:id/file',
      summary: 'The PDF of one of my licences (another person’s: 404)',
      params: LicenceParams,
      responses: { 200: { description: 'the licence as PDF', contentType: 'application/pdf', schema: Type.String({ format: 'binary' }) } },
      errors: [401, 403, 404, 503],
      handler: async ({ params }, req, res) => {
        const file = await service.file(currentUser(req.principal), params.id);
        res.setHeader('Content-Type', 'application/pdf');
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.send(file.data);
      },
    }),
  ];
}
