/**
 * The submission's data-sharing part, called from ApplicationService.submit (kept here so the
 * service's change stays small): the applicant authorised the fetch (授权), the values the
 * exchange prefilled are unchanged, and every sharing material is fetched before filing.
 */
import { isDeepStrictEqual } from 'node:util';
import type { Queryable } from '../db/types.js';
import type { User } from '../auth/types.js';
import type { BundleVersion } from '../bundles/registry.js';
import type { Profile } from '../../shared/model.js';
import type { Evaluation } from '../../shared/evaluate.js';
import type { ErrorDetail } from '../errors.js';
import type { Evidence, Prefetch, SharingService } from './sharing.js';
import type { LicenceRecord } from './types.js';

export async function sharingChecks(
  sharing: SharingService,
  user: User,
  app: { id: string; answers: Record<string, unknown>; sharing_authorised_at?: Date | null },
  v: BundleVersion,
  profile: Profile,
  evaluation: Evaluation,
  /** What the library answered, with files, when the profile was read for this submission. */
  answered?: ReadonlyMap<string, LicenceRecord | null>,
): Promise<{ sharing: SharingService; prefetched: Prefetch[]; details: ErrorDetail[] }> {
  const details: ErrorDetail[] = [];
  const data = profile.sharing?.data ?? {};
  // A value the exchange gave may not be changed: evaluation uses the exchange's, the answers must agree.
  for (const [element, value] of Object.entries(data)) {
    if (Object.hasOwn(app.answers, element) && !isDeepStrictEqual(app.answers[element], value)) {
      const title = v.catalogue.elements.get(element)?.title ?? element;
      details.push({ path: element, message: `「${title}」由数据共享获取，不可修改`, messageEn: `"${title}" comes from data sharing and may not be changed` });
    }
  }
  const needed = sharing.sharingMaterials(evaluation);
  if (needed.length && !app.sharing_authorised_at) {
    details.push({
      path: 'authorisation',
      message: `请授权通过数据共享获取：${needed.map((m) => m.title).join('、')}`,
      messageEn: `authorise fetching through data sharing: ${needed.map((m) => m.code).join(', ')}`,
    });
  }
  // Refused: nothing is fetched; the details join the submission's others in one 422.
  if (details.length) return { sharing, prefetched: [], details };
  return { sharing, prefetched: await sharing.prefetch(user, app.id, v, evaluation, data, answered), details };
}

export interface ApplicationMaterial {
  code: string;
  title: string;
  disposition: string;
  /** For a sharing material: pending (being fetched), fetched, missing (asked of the applicant), supplied (handed in). */
  fetch?: 'pending' | 'fetched' | 'missing' | 'supplied';
  evidence?: Evidence;
}

/** The filed application's materials with the evidence of each fetched licence (GET /api/applications/:id). */
export async function materialsWithEvidence(tx: Queryable, applicationId: string, evaluation: Evaluation | null): Promise<ApplicationMaterial[]> {
  if (!evaluation) return [];
  const { rows } = await tx.query<MaterialFetch>('SELECT code, state, evidence FROM material_fetches WHERE application_id = $1', [applicationId]);
  return materialsOf(evaluation, rows);
}

/** One material_fetches row as the applicant's view needs it. */
export interface MaterialFetch {
  code: string;
  state: ApplicationMaterial['fetch'];
  evidence: Evidence | null;
}

/** What submit recorded for each sharing material (SharingService.record), as material_fetches holds it. */
export function fetchesOf(prefetched: readonly Prefetch[]): MaterialFetch[] {
  return prefetched.map((p) => ({ code: p.code, state: p.fetched ? 'fetched' : 'pending', evidence: p.fetched?.evidence ?? null }));
}

export function materialsOf(evaluation: Evaluation, rows: readonly MaterialFetch[]): ApplicationMaterial[] {
  const fetches = new Map(rows.map((r) => [r.code, r]));
  return evaluation.materials.map((m) => {
    const f = fetches.get(m.code);
    const disposition = f?.state === 'supplied' ? 'upload' : m.disposition;
    return { code: m.code, title: m.title, disposition, ...(f ? { fetch: f.state } : {}), ...(f?.state === 'fetched' && f.evidence ? { evidence: f.evidence } : {}) };
  });
}
