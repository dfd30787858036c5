import { Type } from '@sinclair/typebox';
import type { BundleRegistry, BundleVersion } from './registry.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import { answersSchema } from '../../shared/answers-schema.js';
import { currentUser } from '../auth/middleware.js';
import type { Database } from '../db/types.js';
import { profileFor } from '../applications/profile.js';
import { fullForm } from '../applications/validation.js';
import { route, type Route } from '../http/route.js';
import { portableModel } from './portable.js';
import { BundleDetail, BundleParams, BundleSummary, FormQuery, FormResponse } from '../../shared/contracts/bundles.js';

/** What saving a bundle promises before anyone has answered: every item, default situation. */
function preview(v: BundleVersion) {
  return account(v.bundle, v.catalogue, evaluate(v.bundle, v.catalogue, {}, undefined));
}

function summary(v: BundleVersion): BundleSummary {
  const departments = [...new Set(v.bundle.items.map((i) => v.catalogue.items.get(i.item)?.department).filter((d): d is string => !!d))];
  return {
    id: v.bundleId,
    version: v.version,
    title: v.bundle.title,
    titleEn: v.bundle.titleEn,
    description: v.bundle.description ?? null,
    departments: departments.map((code) => ({ code, name: v.catalogue.departments.get(code)?.name ?? code, nameEn: v.catalogue.departments.get(code)?.nameEn ?? code })),
    items: v.bundle.items.map((bi) => {
      const item = v.catalogue.items.get(bi.item);
      return { id: bi.item, title: item?.title ?? bi.item, titleEn: item?.titleEn ?? bi.item, department: item?.department ?? null, timeLimitDays: item?.timeLimitDays ?? null, optional: bi.optional, after: bi.after.map((a) => a.ref) };
    }),
    official: v.bundle.official ?? null,
    savings: preview(v),
  };
}

export function bundlesRoutes(registry: BundleRegistry, db: Database): Route[] {
  return [
    route({
      method: 'get',
      path: '/bundles',
      summary: 'Published bundles (一件事), newest versions, with savings previews',
      responses: { 200: Type.Array(BundleSummary) },
      handler: async () => (await registry.list()).map(summary),
    }),
    route({
      method: 'get',
      path: '/bundles/:id',
      summary: 'One bundle: items, departments, materials, savings preview',
      params: BundleParams,
      responses: { 200: BundleDetail },
      errors: [404],
      handler: async ({ params }): Promise<BundleDetail> => {
        const v = await registry.current(params.id);
        const materials = [...new Set(v.bundle.items.flatMap((bi) => v.catalogue.items.get(bi.item)?.materials.map((m) => m.code) ?? []))];
        return {
          ...summary(v),
          materials: materials.map((code) => {
            const m = v.catalogue.materials.get(code);
            return { code, title: m?.title ?? code, titleEn: m?.titleEn ?? code, electronicLicence: m?.electronicLicence ?? false };
          }),
        };
      },
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
      errors: [404],
      // `model` and `profile` let the browser run the same engine live (portable.ts).
      handler: async ({ params, query }, req): Promise<FormResponse> => {
        const v = query.version ? await registry.get(params.id, query.version) : await registry.current(params.id);
        const profile = req.principal?.kind === 'user' && req.principal.user.role === 'citizen' ? await profileFor(db, currentUser(req.principal)) : undefined;
        const form = compose(v.bundle, v.catalogue, { profile, answers: {} });
        return {
          bundleId: v.bundleId,
          version: v.version,
          schema: form.schema,
          uiSchema: form.uiSchema,
          prefill: form.formData,
          answersSchema: answersSchema(fullForm(v)),
          elements: [...form.elements],
          sections: [...form.sections],
          model: portableModel(v) as FormResponse['model'],
          profile: profile ?? null,
        };
      },
    }),
  ];
}
