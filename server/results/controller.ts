import type { Database } from '../db/types.js';
import type { MaterialStore } from '../materials/store.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { Type } from '@sinclair/typebox';
import { ApplicationDocumentParams } from '../../shared/contracts/results.js';
import { applicantDocument } from './documents.js';
import { ResultDocumentNotFoundError } from './errors.js';

/** The applicant downloads the result documents of their own application; anyone else's is 404. */
export function resultRoutes(db: Database, store: MaterialStore): Route[] {
  return [
    route({
      security: 'session',
      before: [requireRole('citizen')],
      tags: ['citizen'],
      method: 'get',
      path: '/applications/:id/documents/:docId',
      summary: 'Download a result document (办结文书) a department attached to an item of my application; 404 for anyone else’s',
      params: ApplicationDocumentParams,
      responses: { 200: { description: 'the file', contentType: 'application/octet-stream', schema: Type.String({ format: 'binary' }) } },
      errors: [401, 403, 404],
      handler: async ({ params }, req, res) => {
        const doc = await applicantDocument(db, currentUser(req.principal).id, params.id, params.docId);
        const data = await store.get(doc.sha256);
        if (!data) throw new ResultDocumentNotFoundError();
        res.setHeader('Content-Type', doc.mime);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(doc.file_name)}`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.send(data);
      },
    }),
  ];
}
