import type { Queryable } from '../db/types.js';
import type { Profile, ArchiveEntry } from '../../shared/model.js';
import { idNumberBirthDate, idNumberGender } from '../../shared/identifiers.js';
import { planBundle } from '../../shared/plan.js';
import { chinaToday } from '../../shared/beijing-time.js';
import type { User } from '../auth/types.js';
import type { BundleVersion } from '../bundles/registry.js';
import type { CallContext, ConnectorRegistry, Holder, LicenceRecord } from '../connectors/types.js';

/** What the applicant sees of the exchange before filling anything (GET /api/bundles/:id/form). */
export interface LicenceStatus {
  code: string;
  title: string;
  /** fetch: the library holds it, valid; missing / expired: to be uploaded; unknown: the exchange did not answer, fetched at submit. */
  state: 'fetch' | 'missing' | 'expired' | 'unknown';
  /** The connector (electronic licence library) asked. */
  source: string | null;
  licenceNumber?: string;
  issuer?: string;
  validUntil?: string | null;
}

export interface DataSource {
  element: string;
  department: string;
  source: string;
  /** Whether the exchange gave a value (false: it holds none, or did not answer: asked like any question). */
  filled: boolean;
}

export interface SharingView {
  licences: LicenceStatus[];
  data: DataSource[];
}

export interface SharingOptions {
  connectors: ConnectorRegistry;
  v: BundleVersion;
  context: CallContext;
  /**
   * At submit: each licence is fetched with its file in this one call, and what the library
   * answered is kept here (by `licenceKey`) for the submission to store, so the library is asked
   * once per licence, not once to look it up and again for the file.
   */
  answers?: Map<string, LicenceRecord | null>;
}

/** The key a licence the library answered is kept under: its type and whose it is. */
export function licenceKey(type: string, holder: Holder): string {
  return `${type}:${holder.creditCode ?? ''}:${holder.idNumber ?? ''}`;
}

/**
 * Licence types a company holds (by 统一社会信用代码), found for a citizen through the company
 * the data exchange says they represent; every other licence is the applicant's own.
 */
const COMPANY_LICENCES: ReadonlySet<string> = new Set(['businessLicence']);

/** The electronic licences a bundle can ask for, whatever the answers. */
export function bundleLicences(v: BundleVersion): string[] {
  const codes = new Set<string>();
  for (const bi of v.bundle.items) for (const m of v.catalogue.items.get(bi.item)?.materials ?? []) codes.add(m.code);
  return [...codes].filter((c) => v.catalogue.materials.get(c)?.electronicLicence);
}

/** Whose licence of that type the library is asked for. */
export function holderFor(code: string, user: User, data: Readonly<Record<string, unknown>>): Holder | null {
  if (COMPANY_LICENCES.has(code)) {
    const creditCode = data['company.creditCode'];
    return typeof creditCode === 'string' ? { creditCode, name: String(data['company.name'] ?? '') } : null;
  }
  return user.idNumber ? { idNumber: user.idNumber, name: user.name } : null;
}

/**
 * What the platform knows about an applicant before they type: real-name identity (实名认证),
 * their archive (一人一档) and, with `sharing`, what the data-sharing exchange holds: each
 * electronic licence the bundle can ask for is looked up in the licence library (found and valid:
 * fetched at submit; missing or expired: to be uploaded), and the `sharing:` prefill elements are
 * read from their department's records. Without `sharing` (previews) every catalogued licence
 * counts as available, as the engine's default.
 */
/**
 * The owner's archive (一人一档) in force, the newest entry per code, as one JSON column of a read
 * (`owner`: the owner's id, as SQL); `archiveEntries` turns it into entries.
 */
export function archiveColumnSql(owner: string): string {
  return `(SELECT COALESCE(json_agg(json_build_object('code', x.code, 'sha256', x.sha256, 'issuedOn', x.issued_on, 'validUntil', x.valid_until)), '[]'::json)
       FROM (SELECT DISTINCT ON (code) code, sha256, to_char(issued_on, 'YYYY-MM-DD') AS issued_on, to_char(valid_until, 'YYYY-MM-DD') AS valid_until
               FROM archive WHERE owner_id = ${owner} AND (valid_until IS NULL OR valid_until >= current_date)
              ORDER BY code, issued_on DESC, created_at DESC) x)`;
}

export type ArchiveColumn = { code: string; sha256: string; issuedOn: string; validUntil: string | null }[];

export function archiveEntries(column: ArchiveColumn): ArchiveEntry[] {
  return column.map((r) => ({ code: r.code, sha256: r.sha256, issuedOn: r.issuedOn, ...(r.validUntil ? { validUntil: r.validUntil } : {}) }));
}

/** `archive`: the user's archive when the caller read it already (`archiveColumnSql`). */
export async function profileFor(db: Queryable, user: User, sharing?: SharingOptions, archive?: ArchiveEntry[]): Promise<Profile> {
  return (await profileWithSharing(db, user, sharing, archive)).profile;
}

export async function profileWithSharing(db: Queryable, user: User, sharing?: SharingOptions, known?: ArchiveEntry[]): Promise<{ profile: Profile; view: SharingView | null }> {
  const identity: Record<string, unknown> = { name: user.name };
  if (user.idNumber) {
    identity.idNumber = user.idNumber;
    const birthDate = idNumberBirthDate(user.idNumber);
    const gender = idNumberGender(user.idNumber);
    if (birthDate) identity.birthDate = birthDate;
    if (gender) identity.gender = String(gender);
  }
  if (user.mobile) identity.mobile = user.mobile;
  const [archive, exchange] = await Promise.all([
    known ?? db.query<{ archive: ArchiveColumn }>(`SELECT ${archiveColumnSql('$1')} AS archive`, [user.id]).then(({ rows }) => archiveEntries(rows[0]!.archive)),
    sharing ? exchangeView(user, sharing) : Promise.resolve(null),
  ]);
  if (!exchange) return { profile: { identity, archive }, view: null };
  const { view, data } = exchange;
  return {
    profile: {
      identity,
      archive,
      sharing: {
        available: view.licences.filter((l) => l.state === 'fetch' || l.state === 'unknown').map((l) => l.code),
        unavailable: view.licences.filter((l) => l.state === 'missing' || l.state === 'expired').map((l) => l.code),
        data,
      },
    },
    view,
  };
}

async function exchangeView(user: User, { connectors, v, context, answers }: SharingOptions): Promise<{ view: SharingView; data: Record<string, unknown> }> {
  // The records first: a company's licences are found through the company they name.
  const plan = planBundle(v.bundle, v.catalogue);
  const byDepartment = new Map<string, string[]>();
  for (const el of plan.elements) {
    const p = plan.prefill.get(el.id) ?? el.prefill;
    if (p.kind === 'sharing') byDepartment.set(p.source, [...(byDepartment.get(p.source) ?? []), el.id]);
  }
  const data: Record<string, unknown> = {};
  const sources: DataSource[] = [];
  await Promise.all(
    [...byDepartment].map(async ([department, elements]) => {
      const audited = connectors.dataFor(department);
      let values: Record<string, unknown> | null = null;
      if (audited && user.idNumber) {
        try {
          values = await audited.records({ department, key: { kind: 'idNumber', value: user.idNumber }, fields: elements }, context);
        } catch {
          // The exchange did not answer: these are asked like any question (and checked again at submit).
          values = null;
        }
      }
      for (const element of elements) {
        const value = values?.[element];
        const filled = value !== undefined && value !== null;
        if (filled) data[element] = value;
        sources.push({ element, department, source: audited?.connector.id ?? '', filled });
      }
    }),
  );

  const today = chinaToday();
  const licences = await Promise.all(
    bundleLicences(v).map(async (code): Promise<LicenceStatus> => {
      const title = v.catalogue.materials.get(code)?.title ?? code;
      const audited = connectors.licenceFor(code);
      const holder = holderFor(code, user, data);
      if (!audited || !holder) return { code, title, state: 'missing', source: audited?.connector.id ?? null };
      try {
        const found = await audited.fetch({ type: code, holder, ...(answers ? { withFile: true } : {}) }, context);
        answers?.set(licenceKey(code, holder), found);
        if (!found) return { code, title, state: 'missing', source: audited.connector.id };
        const state = found.validUntil !== null && found.validUntil < today ? 'expired' : 'fetch';
        return { code, title, state, source: audited.connector.id, licenceNumber: found.licenceNumber, issuer: found.issuer, validUntil: found.validUntil };
      } catch {
        return { code, title, state: 'unknown', source: audited.connector.id };
      }
    }),
  );
  return { view: { licences, data: sources.sort((a, b) => a.element.localeCompare(b.element)) }, data };
}
