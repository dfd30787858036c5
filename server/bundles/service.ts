import type { BundleRegistry, BundleVersion } from './registry.js';
import type { Database } from '../db/types.js';
import type { User } from '../auth/types.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import { answersSchema } from '../../shared/answers-schema.js';
import { profileWithSharing } from '../applications/profile.js';
import type { ConnectorRegistry } from '../connectors/types.js';
import { fullForm } from '../applications/validation.js';
import { portableModel } from './portable.js';
import { regionList, requireRegion } from './regional.js';
import type { BundleDetail, BundleSummary, FormResponse } from '../../shared/contracts/bundles.js';

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
    audience: v.bundle.audience ?? null,
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

/** The published bundles (一件事) as anyone may read them, and the composed form an applicant fills. */
export class BundleService {
  constructor(
    private readonly registry: BundleRegistry,
    private readonly db: Database,
    private readonly connectors?: ConnectorRegistry,
  ) {}

  async list(): Promise<BundleSummary[]> {
    return (await this.registry.list()).map(summary);
  }

  async detail(id: string): Promise<BundleDetail> {
    const v = await this.registry.current(id);
    const materials = [...new Set(v.bundle.items.flatMap((bi) => v.catalogue.items.get(bi.item)?.materials.map((m) => m.code) ?? []))];
    return {
      ...summary(v),
      materials: materials.map((code) => {
        const m = v.catalogue.materials.get(code);
        return { code, title: m?.title ?? code, titleEn: m?.titleEn ?? code, electronicLicence: m?.electronicLicence ?? false };
      }),
    };
  }

  /**
   * The composed form of the newest version (or of `version`, the one a draft was started
   * under) in `region` (the standard by default), prefilled for a signed-in citizen; `model` and `profile` let the browser run the same
   * engine live (portable.ts), `answersSchema` says what the answers body takes.
   */
  async form(id: string, version: string | undefined, region: string | undefined, citizen: User | undefined): Promise<FormResponse> {
    const standard = version ? await this.registry.get(id, version) : await this.registry.current(id);
    const v = requireRegion(standard, region ?? null);
    // Before the applicant fills anything: which licences will be fetched, which must be uploaded, what the exchange fills.
    const { profile, view } = citizen
      ? await profileWithSharing(this.db, citizen, this.connectors ? { connectors: this.connectors, v, context: { actor: `citizen:${citizen.id}`, purpose: 'form' } } : undefined)
      : { profile: undefined, view: null };
    const form = compose(v.bundle, v.catalogue, { profile, answers: {} });
    return {
      bundleId: v.bundleId,
      version: v.version,
      region: v.bundle.region ? { code: v.bundle.region.code, name: v.bundle.region.name, nameEn: v.bundle.region.nameEn } : null,
      schema: form.schema,
      uiSchema: form.uiSchema,
      prefill: form.formData,
      answersSchema: answersSchema(fullForm(v)),
      elements: [...form.elements],
      sections: [...form.sections],
      model: portableModel(v) as FormResponse['model'],
      profile: profile ?? null,
      sharing: view,
    };
  }
}
