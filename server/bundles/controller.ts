import { Router } from 'express';
import type { BundleRegistry, BundleVersion } from './registry.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import { currentUser } from '../auth/middleware.js';
import type { Database } from '../db/types.js';
import { profileFor } from '../applications/profile.js';
import { portableModel } from './portable.js';
import { regionList, requireRegion } from './regional.js';

/** What saving a bundle promises before anyone has answered: every item, default situation. */
function preview(v: BundleVersion) {
  return account(v.bundle, v.catalogue, evaluate(v.bundle, v.catalogue, {}, undefined));
}

function summary(v: BundleVersion) {
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
    regions: regionList(v),
  };
}

export function bundlesRouter(registry: BundleRegistry, db: Database): Router {
  const router = Router();

  router.get('/bundles', async (_req, res) => {
    res.json((await registry.list()).map(summary));
  });

  router.get('/bundles/:id', async (req, res) => {
    const v = await registry.current(req.params.id as string);
    const materials = [...new Set(v.bundle.items.flatMap((bi) => v.catalogue.items.get(bi.item)?.materials.map((m) => m.code) ?? []))];
    res.json({
      ...summary(v),
      materials: materials.map((code) => {
        const m = v.catalogue.materials.get(code);
        return { code, title: m?.title ?? code, titleEn: m?.titleEn ?? code, electronicLicence: m?.electronicLicence ?? false };
      }),
    });
  });

  /**
   * The composed form of the newest version (or of `?version=`, the one a draft was started
   * under), prefilled for the signed-in applicant; `model` and `profile` let the browser run the
   * same engine live (portable.ts).
   */
  router.get('/bundles/:id/form', async (req, res) => {
    const version = typeof req.query.version === 'string' ? req.query.version : undefined;
    const standard = version ? await registry.get(req.params.id as string, version) : await registry.current(req.params.id as string);
    const v = requireRegion(standard, typeof req.query.region === 'string' ? req.query.region : null);
    const profile = req.principal?.kind === 'user' && req.principal.user.role === 'citizen' ? await profileFor(db, currentUser(req.principal)) : undefined;
    const form = compose(v.bundle, v.catalogue, { profile, answers: {} });
    res.json({ bundleId: v.bundleId, version: v.version, region: v.bundle.region ? { code: v.bundle.region.code, name: v.bundle.region.name, nameEn: v.bundle.region.nameEn } : null, schema: form.schema, uiSchema: form.uiSchema, prefill: form.formData, elements: form.elements, sections: form.sections, model: portableModel(v), profile: profile ?? null });
  });

  return router;
}
