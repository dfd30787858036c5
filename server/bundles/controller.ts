import { Type } from '@sinclair/typebox';
import type { BundleService } from './service.js';
import { route, type Route } from '../http/route.js';
import { BundleDetail, BundleParams, BundleSummary, FormQuery, FormResponse } from '../../shared/contracts/bundles.js';

/** Published bundles and their forms: public, prefilled when a citizen is signed in. */
export function bundlesRoutes(service: BundleService): Route[] {
  return [
    route({
      method: 'get',
      path: '/bundles',
      summary: 'Published bundles (一件事), newest versions, with savings previews',
      responses: { 200: Type.Array(BundleSummary) },
      handler: () => service.list(),
    }),
    route({
      method: 'get',
      path: '/bundles/:id',
      summary: 'One bundle: items, departments, materials, savings preview, and its regions (the standard first, then the city or county implementations)',
      params: BundleParams,
      responses: { 200: BundleDetail },
      errors: [404],
      handler: ({ params }) => service.detail(params.id),
    }),
    route({
      method: 'get',
      path: '/bundles/:id/form',
      summary: 'The composed form of the newest version (or of `version`), prefilled from identity and data sharing',
      description:
        '`schema` is the presentation schema (one object per section, keys like `child_name`); `answersSchema` is the JSON Schema of the answers body of PUT /applications/{id}/answers ' +
        '(flat, keyed by data element id like `child.name`). Each element in `elements` maps one to the other: `section` and `key` in the first, `element` in the second.',
      params: BundleParams,
      query: FormQuery,
      responses: { 200: FormResponse },
      errors: [400, 404, 422],
      handler: ({ params, query }, req) => {
        const p = req.principal;
        return service.form(params.id, query.version || undefined, query.region || undefined, p?.kind === 'user' && p.user.role === 'citizen' ? p.user : undefined);
      },
    }),
  ];
}
