import { randomUUID } from 'node:crypto';
import type { Database, Queryable } from '../db/types.js';
import { prepared } from '../db/prepared.js';
import type { BundleRegistry, BundleVersion } from '../bundles/registry.js';
import type { MaterialStore } from '../materials/store.js';
import type { UploadedMaterial } from '../materials/upload.js';
import type { User } from '../auth/types.js';
import { evaluate, type Evaluation } from '../../shared/evaluate.js';
import { split, type SubApplication } from '../../shared/split.js';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import type { SubStatus } from '../../shared/lifecycle.js';
import type { ArchiveEntry, Profile } from '../../shared/model.js';
import { BadRequestError, ConflictError, NotFoundError, ValidationError, type ErrorDetail } from '../errors.js';
import { archiveColumnSql, archiveEntries, profileFor, type ArchiveColumn } from './profile.js';
import type { ConnectorRegistry, LicenceRecord } from '../connectors/types.js';
import type { SharingService } from '../connectors/sharing.js';
import { sharingChecks, materialsWithEvidence, materialsOf, fetchesOf, type ApplicationMaterial } from '../connectors/submit.js';
import { wizardSteps } from '../../shared/wizard-steps.js';
import { checkDetails, prefilledValues, validateComplete, validateDraft, fullForm } from './validation.js';
import { historyOf, type HistoryEntry } from '../subapps/history.js';
import { file, transition, type FiledItem } from '../subapps/transition.js';
import { FILING_NOTICE_COLUMNS, filingNoticeOf, type FilingNotice } from '../notices/events.js';
import { regionalVersion, requireRegion } from '../bundles/regional.js';
import { signalRelease } from '../dispatch/signal.js';
import { itemRatingsOf, ratingOf, type Rating } from '../ratings/service.js';
import type { DayUnit, WorkCalendar } from '../../shared/calendar.js';
import { chinaIso } from '../../shared/calendar.js';
import { afterSupplement, promisedBy, withinPromise } from '../../shared/promise.js';
import { DEFAULT_MAX_DRAFTS } from '../config.js';
import { checkSigned, commitmentFor, commitmentForItem, signatureFrom, type CommitmentRow, type SignedCommitment } from '../commitments/service.js';
import type { DeliveredCommitment } from '../../shared/contracts/departments.js';
import { actorTag, mayActOn } from './acting.js';
import { AlreadySubmittedError, ApplicationNotFoundError, ItemNotFoundError, NotADraftError, TooManyDraftsError } from './errors.js';
import { DEFAULT_REGION_CODE } from './number.js';
import { applicantUrl, documentsOf } from '../results/documents.js';
import type { ResultDocument } from '../../shared/contracts/results.js';

export interface ApplicationRow {
  id: string;
  applicant_id: string;
  bundle_id: string;
  version: string;
  /** A regional implementation's code (shared/regions.ts), null for the standard. */
  region: string | null;
  status: string;
  answers: Record<string, unknown>;
  evaluation: Evaluation | null;
  savings: unknown;
  submit_key: string | null;
  created_at: Date;
  updated_at: Date;
  submitted_at: Date | null;
  /** 办件编号, set when filed (server/applications/number.ts). */
  number: string | null;
  promised_by: Date | null;
  /** 综合窗口: the clerk who filed it at the counter and the window, null for an online application. */
  counter_clerk_id: string | null;
  counter_window: string | null;
  counter_company: CounterCompany | null;
  /** The wizard step a draft was left at (migration 020). */
  draft_step: string | null;
}

/** A company applying at the counter through an agent: as the exchange confirmed it, with the agent's 委托书. */
export interface CounterCompany {
  creditCode: string;
  name: string;
  /** The 委托书's stored file (blobs), once uploaded (its type: since it is kept with it). */
  authorisation?: { sha256: string; fileName: string; mime?: string };
}

/** Filing at the counter: who files, at which window, for which company if any. */
export interface CounterFiling {
  clerk: User;
  window: string;
  company?: CounterCompany;
}

interface SubRow {
  id: string;
  item_id: string;
  department: string;
  status: SubStatus;
  outputs: Record<string, unknown> | null;
  supplement: SupplementRequest | null;
  reason: string | null;
  payload: SubPayload;
  round: number;
  time_limit_days: number;
  created_at: Date;
  completed_at: Date | null;
}

export interface SupplementRequest {
  reason: string | null;
  materials: string[];
  fields: string[];
  /** The elements behind the requested fields, so the applicant is asked in the form's terms. */
  elements: string[];
  requestedAt: string;
  /** The last Beijing day to answer (requests made before deadlines were kept have none). */
  dueDate?: string;
}

export interface PayloadMaterial {
  code: string;
  title: string;
  disposition: string;
  reason: string;
  producedBy?: string;
  sha256?: string;
  fileName?: string;
  mime?: string;
  value?: unknown;
}

/** What a department receives (the webhook body, less the per-attempt parts). */
export interface SubPayload {
  applicationId: string;
  bundle: { id: string; version: string };
  item: { id: string; title: string };
  department: string;
  fields: Record<string, unknown>;
  pending: SubApplication['pending'];
  materials: PayloadMaterial[];
  /** 告知承诺: the signed commitment, when this item's materials are replaced by one (server/commitments/). */
  commitment?: DeliveredCommitment;
  inputs: Record<string, unknown>;
  produces: { key: string; title: string; schema: unknown }[];
  timeLimitDays: number;
  submittedAt: string;
}

/**
 * Every column of applications, by name rather than `*`: the statements reading a whole row run
 * prepared (server/db/prepared.ts), and a prepared `*` fails once a migration adds a column
 * while this version still runs. A new column is read once it is named here.
 */
export const APPLICATION_COLUMNS = ['id', 'applicant_id', 'bundle_id', 'version', 'status', 'answers', 'evaluation', 'savings', 'submit_key', 'created_at', 'updated_at', 'submitted_at', 'completed_at', 'region', 'promised_by', 'sharing_authorised_at', 'number', 'counter_clerk_id', 'counter_window', 'counter_company', 'query_code', 'draft_step'] as const;
function applicationColumns(alias: string): string {
  return APPLICATION_COLUMNS.map((c) => `${alias}.${c}`).join(', ');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

export interface ApplicationsDeps {
  db: Database;
  registry: BundleRegistry;
  store: MaterialStore;
  /** Working days for the bundle's promise (server/calendar.ts); default Monday to Friday. */
  calendar?: WorkCalendar;
  /** Unfinished drafts one citizen may hold (MAX_DRAFTS_PER_CITIZEN). */
  maxDrafts?: number;
  /** The licence library and data exchange (server/connectors/); without them every e-licence counts as available. */
  connectors?: ConnectorRegistry;
  sharing?: SharingService;
}

/** The citizen's side: drafts, answers, materials, submission, progress, supplements. */
export class ApplicationService {
  constructor(private readonly d: ApplicationsDeps) {}

  /** The body's shape (a bundleId, an optional region code, nothing else) is checked at the route (shared/contracts/applications.ts). */
  /** `user` is the applicant; `counter`, when a clerk files for them at the counter (server/counter/). */
  async create(user: User, bundleId: string, region?: string | null, counter?: CounterFiling): Promise<ApplicationRow> {
    const v = await this.d.registry.current(bundleId);
    // The standard's own code is the standard: recorded as null like an absent region.
    const chosen = region === undefined || region === null || region === '' || region === v.bundle.region?.code ? null : region;
    requireRegion(v, chosen);
    const limit = this.d.maxDrafts ?? DEFAULT_MAX_DRAFTS;
    return this.d.db.transaction(async (tx) => {
      // The user's row serialises one citizen's concurrent creates, so the count cannot be raced past.
      await tx.query('SELECT 1 FROM users WHERE id = $1 FOR UPDATE', [user.id]);
      const { rows: held } = await tx.query<{ n: number }>(`SELECT count(*)::int AS n FROM applications WHERE applicant_id = $1 AND status = 'draft'`, [user.id]);
      if (held[0]!.n >= limit) throw new TooManyDraftsError(limit);
      const { rows } = await tx.query<ApplicationRow>(
        `INSERT INTO applications (id, applicant_id, bundle_id, version, region, counter_clerk_id, counter_window, counter_company) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [randomUUID(), user.id, v.bundleId, v.version, chosen, counter?.clerk.id ?? null, counter?.window ?? null, counter?.company ? JSON.stringify(counter.company) : null],
      );
      return rows[0]!;
    });
  }

  /**
   * Deletes one of the citizen's own drafts with its links to uploads. The uploaded files stay:
   * they are stored once by content and other applications (or the citizen's archive) may share them.
   */
  async deleteDraft(user: User, id: string): Promise<void> {
    await this.d.db.transaction(async (tx) => {
      const app = await this.owned(user, id, tx, true);
      if (app.status !== 'draft') throw new NotADraftError();
      await tx.query('DELETE FROM application_materials WHERE application_id = $1', [id]);
      await tx.query('DELETE FROM applications WHERE id = $1', [id]);
    });
  }

  /** An application the actor may not act on (./acting.ts) answers exactly like one that does not exist. */
  async owned(actor: User, id: string, db: Queryable = this.d.db, lock = false): Promise<ApplicationRow> {
    if (!isUuid(id)) throw new ApplicationNotFoundError();
    const { rows } = await db.query<ApplicationRow>(
      prepared(`SELECT ${applicationColumns('applications')} FROM applications WHERE id = $1 AND ${mayActOn(actor, 2)}${lock ? ' FOR UPDATE' : ''}`),
      [id, actor.id],
    );
    if (!rows[0]) throw new ApplicationNotFoundError();
    return rows[0];
  }

  /** Whose application it is: the actor themselves, or the person a clerk filed it for. */
  async applicantOf(actor: User, app: ApplicationRow, db: Queryable = this.d.db): Promise<User> {
    if (app.applicant_id === actor.id) return actor;
    const { rows } = await db.query<{ id: string; name: string; id_number: string | null; mobile: string | null }>('SELECT id, name, id_number, mobile FROM users WHERE id = $1', [app.applicant_id]);
    const r = rows[0]!;
    const applicant: User = { id: r.id, name: r.name, role: 'citizen' };
    if (r.id_number) applicant.idNumber = r.id_number;
    if (r.mobile) applicant.mobile = r.mobile;
    return applicant;
  }

  /**
   * The version and the applicant's profile. `purpose` asks the exchange too (the licence
   * library and the `sharing:` records), for what decides materials: the evaluation the applicant
   * sees, an upload, the submission.
   */
  private async context(
    actor: User,
    app: ApplicationRow,
    purpose?: string,
    answers?: Map<string, LicenceRecord | null>,
    archive?: ArchiveEntry[],
  ): Promise<{ v: BundleVersion; profile: Profile; applicant: User }> {
    const applicant = await this.applicantOf(actor, app);
    const standard = await this.d.registry.get(app.bundle_id, app.version);
    // A region recorded at creation always resolves: the version it names is immutable.
    const v = regionalVersion(standard, app.region) ?? standard;
    const connectors = purpose ? this.d.connectors : undefined;
    const profile = await profileFor(this.d.db, applicant, connectors ? { connectors, v, context: { actor: actorTag(actor), applicationId: app.id, purpose: purpose! }, ...(answers ? { answers } : {}) } : undefined, archive);
    return { v, profile, applicant };
  }

  /** 授权: the applicant allows the platform to fetch their licences and records for this application. */
  async authorise(user: User, id: string) {
    const app = await this.owned(user, id);
    if (app.status !== 'draft') throw new AlreadySubmittedError();
    const { rows } = await this.d.db.query<{ sharing_authorised_at: Date }>(
      `UPDATE applications SET sharing_authorised_at = COALESCE(sharing_authorised_at, now()) WHERE id = $1 AND applicant_id = $2 RETURNING sharing_authorised_at`,
      [app.id, app.applicant_id],
    );
    return { authorisedAt: rows[0]!.sharing_authorised_at };
  }

  async saveAnswers(user: User, id: string, answers: Record<string, unknown>, step?: string): Promise<ApplicationRow> {
    const app = await this.owned(user, id);
    if (app.status !== 'draft') throw new AlreadySubmittedError();
    const { v, profile } = await this.context(user, app);
    const details = validateDraft(v, answers, prefilledValues(v, answers, profile));
    if (step !== undefined && !wizardSteps(v.bundle).includes(step)) details.push({ path: 'step', message: '不是本事项的填写步骤', messageEn: 'is not a step of this form' });
    // Cross-field checks (a birth date in the future) on the values that are themselves valid.
    if (details.length === 0) details.push(...checkDetails(evaluate(v.bundle, v.catalogue, answers, profile).problems ?? []));
    if (details.length) throw new ValidationError(details);
    const kept = Object.fromEntries(Object.entries(answers).filter(([, value]) => value !== null));
    const { rows } = await this.d.db.query<ApplicationRow>(
      // A draft is an application never filed (submitted_at is set in the same statement as its status).
      `UPDATE applications SET answers = $3, draft_step = COALESCE($4, draft_step), updated_at = now() WHERE id = $1 AND applicant_id = $2 AND submitted_at IS NULL RETURNING *`,
      [app.id, app.applicant_id, JSON.stringify(kept), step ?? null],
    );
    if (!rows[0]) throw new AlreadySubmittedError();
    return rows[0];
  }

  async evaluation(user: User, id: string) {
    const app = await this.owned(user, id);
    const { v, profile } = await this.context(user, app, app.evaluation ? undefined : 'form');
    const evaluation = app.evaluation ?? evaluate(v.bundle, v.catalogue, app.answers, profile);
    const uploads = await this.uploads(app.id);
    return {
      bundleId: app.bundle_id,
      version: app.version,
      eligible: evaluation.eligible,
      ineligible: evaluation.ineligible,
      notices: evaluation.notices,
      items: evaluation.items,
      materials: evaluation.materials.map((m) => ({
        code: m.code,
        title: m.title,
        titleEn: m.titleEn,
        disposition: m.disposition,
        reason: m.reason,
        reasonEn: m.reasonEn,
        items: m.items,
        ...(uploads.has(m.code) ? { uploaded: uploads.get(m.code) } : {}),
      })),
      savings: app.savings ?? account(v.bundle, v.catalogue, evaluation),
    };
  }

  private async uploads(applicationId: string): Promise<Map<string, { fileName: string; sha256: string; size: number; mime: string; uploadedAt: Date }>> {
    const { rows } = await this.d.db.query<{ code: string; file_name: string; sha256: string; size: string; mime: string; uploaded_at: Date }>(
      `SELECT m.code, m.file_name, m.sha256, b.size, b.mime, m.uploaded_at
         FROM application_materials m JOIN blobs b ON b.sha256 = m.sha256 WHERE m.application_id = $1`,
      [applicationId],
    );
    return new Map(rows.map((r) => [r.code, { fileName: r.file_name, sha256: r.sha256, size: Number(r.size), mime: r.mime, uploadedAt: r.uploaded_at }]));
  }

  /**
   * Stores the file once by content and attaches it to the application. Allowed while a draft
   * needs the material, and after submission only for a material a department asked for.
   */
  async upload(user: User, id: string, code: string, file: UploadedMaterial) {
    const app = await this.owned(user, id);
    // Whether the material is needed at all does not depend on the exchange: no lookups here.
    const { v, profile, applicant } = await this.context(user, app);
    const material = v.catalogue.materials.get(code);
    if (app.status === 'draft') {
      const evaluation = evaluate(v.bundle, v.catalogue, app.answers, profile);
      // A bundle-level "A或B" row has a code of its own (a|b), not in the catalogue.
      if (!evaluation.materials.some((m) => m.code === code && (material !== undefined || m.bundleLevel === true))) {
        throw new NotFoundError(`本申请不需要材料 ${code}`, `This application does not need material ${code}`);
      }
    } else {
      // Refused before the file is stored; asked again under the row lock below.
      await this.supplementAsks(this.d.db, app.id, code);
    }
    const blob = await this.d.store.put(file.data);
    await this.d.db.transaction(async (tx) => {
      // The row is written, not only locked: a submit filing without the lock (see fileRead) sees
      // its version change and looks again, so no file is acknowledged that the filing left out;
      // a filing that committed first makes the status differ and the upload is refused.
      // Only when it is still in the status read above (a condition: no status is written here).
      const touched = await tx.query(`UPDATE applications SET updated_at = now() WHERE id = $1 AND status IN ($2)`, [app.id, app.status]);
      if (!touched.rowCount) throw new ConflictError('申请状态已变化（可能刚刚提交），请刷新后再上传', 'The application changed (it may just have been submitted); reload it and upload again');
      if (app.status !== 'draft') await this.supplementAsks(tx, app.id, code);
      await tx.query('INSERT INTO blobs (sha256, size, mime) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [blob.sha256, blob.size, file.mime]);
      await tx.query(
        `INSERT INTO application_materials (application_id, code, sha256, file_name, source) VALUES ($1, $2, $3, $4, 'upload')
         ON CONFLICT (application_id, code) DO UPDATE SET sha256 = EXCLUDED.sha256, file_name = EXCLUDED.file_name, source = 'upload', uploaded_at = now()`,
        [app.id, code, blob.sha256, file.originalName],
      );
      if (app.status !== 'draft') await archive(tx, applicant.id, app.id, v, [{ code, sha256: blob.sha256, file_name: file.originalName }]);
    });
    return { code, sha256: blob.sha256, size: blob.size, mime: file.mime, fileName: file.originalName };
  }

  /** After submission a material may be handed in only while a department asks for it (补正). */
  private async supplementAsks(q: Queryable, applicationId: string, code: string): Promise<void> {
    const open = await q.query(`SELECT 1 FROM sub_applications WHERE application_id = $1 AND status = 'supplement' AND supplement->'materials' ? $2`, [applicationId, code]);
    if (!open.rowCount) throw new ConflictError('申请已提交；只有部门要求补正的材料可以再上传', 'The application was submitted; only materials a department asked for may be uploaded');
  }

  /**
   * Files the application: evaluated again here (the browser's evaluation is never trusted),
   * then the application, one sub-application per included item and the savings snapshot commit
   * in one transaction. The same Idempotency-Key returns the first result and files nothing.
   */
  async submit(user: User, id: string, key: string | undefined) {
    if (key !== undefined && (key.length === 0 || key.length > 200)) {
      throw new BadRequestError('Idempotency-Key 长度应为 1–200', 'Idempotency-Key must be 1–200 characters', [{ path: 'Idempotency-Key', message: '长度应为 1–200', messageEn: 'must be 1–200 characters' }]);
    }
    const first = await this.readForSubmit(this.d.db, user, id, key, false);
    if (!first) throw new ApplicationNotFoundError();
    // Each licence is asked of the library once, with its file: what it answered is kept for the fetch below.
    const answered = new Map<string, LicenceRecord | null>();
    const { v, profile, applicant } = await this.context(user, first.app, first.app.status === 'draft' ? 'submit' : undefined, this.d.sharing ? answered : undefined, first.archive);
    // --- data sharing (server/connectors/submit.ts): authorised, prefill untouched, licences fetched before filing
    const sharing = first.app.status === 'draft' ? this.d.sharing : undefined;
    const before = sharing ? evaluate(v.bundle, v.catalogue, first.app.answers, profile) : null;
    const shared = sharing && before ? await sharingChecks(sharing, applicant, first.app, v, profile, before, answered) : null;
    // ---
    const judged = { user, key, v, profile, applicant, shared };
    // Most submissions meet a draft nobody else is changing: filed in one statement, on the
    // condition that the row, its files and its signature are still as read; otherwise (or for a
    // key seen before) looked at again under the row lock, in a transaction.
    let seen = first.app.status === 'draft' && !first.prior ? await this.fileRead(this.d.db, judged, first, before, true) : null;
    if (!seen) {
      const outcome = await this.d.db.transaction(async (tx) => {
        const row = await this.readForSubmit(tx, user, id, key, true);
        if (row?.prior) {
          if (row.prior !== row.app.id) throw new ConflictError('此 Idempotency-Key 已用于另一份申请', 'This Idempotency-Key was used for another application');
          return null;
        }
        if (!row) throw new ApplicationNotFoundError();
        if (row.app.status !== 'draft') throw new ConflictError('申请已提交', 'The application was already submitted');
        // Evaluation is a pure function of the answers and the profile: the same answers under the lock, the same evaluation.
        return this.fileRead(tx, judged, row, before && JSON.stringify(row.app.answers) === JSON.stringify(first.app.answers) ? before : null, false);
      });
      if (!outcome) return { created: false, application: await this.detail(user, id) };
      seen = outcome;
    }
    signalRelease();
    return { created: true, application: present(v, seen) };
  }

  /**
   * What submit reads of the application, in one statement: the row (locked with `lock`), the
   * applicant's archive and the types of its files, an earlier use of the key, the files handed
   * in, the signed commitment, whom the filing notice reaches, and the row's version (xmin).
   */
  private async readForSubmit(q: Queryable, user: User, id: string, key: string | undefined, lock: boolean): Promise<SubmitRead | null> {
    if (!isUuid(id)) throw new ApplicationNotFoundError();
    const { rows } = await q.query<ApplicationRow & Parameters<typeof filingNoticeOf>[0] & SubmitReadColumns>(
      prepared(`SELECT ${applicationColumns('a')}, ${FILING_NOTICE_COLUMNS}, a.xmin::text AS row_version, ${archiveColumnSql('a.applicant_id')} AS archive,
              (SELECT COALESCE(json_object_agg(b.sha256, b.mime), '{}'::json) FROM blobs b
                WHERE b.sha256 IN (SELECT r.sha256 FROM archive r WHERE r.owner_id = a.applicant_id AND (r.valid_until IS NULL OR r.valid_until >= current_date))) AS archive_mimes,
              (SELECT p.id FROM applications p WHERE $3::text IS NOT NULL AND p.applicant_id = a.applicant_id AND p.submit_key = $3 LIMIT 1) AS prior,
              (SELECT COALESCE(json_agg(json_build_object('code', m.code, 'sha256', m.sha256, 'file_name', m.file_name, 'mime', b.mime)), '[]'::json)
                 FROM application_materials m JOIN blobs b ON b.sha256 = m.sha256 WHERE m.application_id = a.id) AS files,
              c.text, c.sha256, c.materials, c.signer_name, c.signed_at
         FROM applications a LEFT JOIN commitments c ON c.application_id = a.id
        WHERE a.id = $1 AND ${mayActOn(user, 2, 'a')}${lock ? ' FOR UPDATE OF a' : ''}`),
      [id, user.id, key ?? null],
    );
    const r = rows[0];
    if (!r) return null;
    const { notice_title, notice_mobile, notice_sms, row_version, archive, archive_mimes, prior, files, text, sha256, materials, signer_name, signed_at, ...app } = r;
    return {
      app,
      version: row_version,
      archive: archiveEntries(archive),
      archiveMimes: archive_mimes,
      prior,
      files,
      signed: signatureFrom(sha256 === null ? null : { text: text!, sha256, materials: materials!, signer_name: signer_name!, signed_at: signed_at! }),
      notice: filingNoticeOf({ notice_title, notice_mobile, notice_sms }),
    };
  }

  /**
   * Checks a draft as read and files it. `unlocked`: read without the lock, filed only if the row,
   * its files and its signature are unchanged (null when they changed: look again under the lock).
   */
  private async fileRead(
    q: Queryable,
    { user, key, v, profile, applicant, shared }: { user: User; key: string | undefined; v: BundleVersion; profile: Profile; applicant: User; shared: Awaited<ReturnType<typeof sharingChecks>> | null },
    { app, version, files, archiveMimes, signed: kept, notice }: SubmitRead,
    evaluated: Evaluation | null,
    unlocked: boolean,
  ): Promise<Seen | null> {
    const evaluation = evaluated ?? evaluate(v.bundle, v.catalogue, app.answers, profile);
    const details: ErrorDetail[] = [];
    if (!evaluation.eligible) {
      for (const r of evaluation.ineligible) details.push({ path: 'eligibility', message: r.reason, messageEn: r.reasonEn });
    }
    details.push(...unknownAnswers(v, app.answers));
    if (shared) details.push(...shared.details);
    // Composed once for the completeness check and the savings account.
    const form = compose(v.bundle, v.catalogue, { evaluation });
    details.push(...validateComplete(v, evaluation, form));
    const uploaded = new Map(files.map((r) => [r.code, r]));
    for (const m of evaluation.materials) {
      if (m.disposition === 'upload' && !uploaded.has(m.code)) {
        details.push({ path: `materials.${m.code}`, message: `请上传「${m.title}」`, messageEn: `upload "${m.titleEn}"` });
      }
    }
    // 综合窗口, a company through its agent: the agent's 委托书 is filed with it (server/counter/).
    if (app.counter_company && !app.counter_company.authorisation) {
      details.push({ path: 'counter.authorisation', message: '请上传经办人的授权委托书', messageEn: "upload the agent's power of attorney" });
    }
    // 告知承诺: a material waived by commitment needs the signature of the text in force now.
    const commitment = checkSigned(kept, commitmentFor(v, evaluation, applicant));
    if (commitment.problem) details.push(commitment.problem);
    // A refusal read without the lock is given only after a look under it: the draft may have changed.
    if (details.length) {
      if (unlocked) return null;
      throw new ValidationError(details, '申请还不完整，请按提示补充', 'The application is not complete yet');
    }

    // Materials reused from the archive are attached (by the filing statement), so each department gets a file.
    const reused: { code: string; sha256: string; file_name: string }[] = [];
    for (const m of evaluation.materials) {
      if (m.disposition === 'reuse' && m.archive?.sha256 && !uploaded.has(m.code)) {
        const file = { code: m.code, sha256: m.archive.sha256, file_name: m.title };
        reused.push(file);
        uploaded.set(m.code, { ...file, mime: archiveMimes[file.sha256] ?? 'application/octet-stream' });
      }
    }
    // Only what the signature covers is counted as replaced by a commitment (all of it: unsigned is refused above),
    // and only what was fetched as waived by sharing; the pending ones count when they are.
    const signed = { signedCommitments: new Set(commitment.signed?.materials.map((m) => m.code) ?? []) };
    const savings = shared ? shared.sharing.earnedSavings(account(v.bundle, v.catalogue, evaluation, form, signed), shared.prefetched) : account(v.bundle, v.catalogue, evaluation, form, signed);
    const subs = split(v.bundle, v.catalogue, evaluation.values, evaluation);
    const filedAt = new Date();
    const submittedAt = filedAt.toISOString();
    const promise = promisedBy(v.bundle, filedAt, this.d.calendar);
    const items: FiledItem[] = subs.map((sub, position) => ({
      id: randomUUID(),
      itemId: sub.itemId,
      department: sub.department,
      position,
      status: sub.after.length ? 'waiting' : 'queued',
      channel: v.catalogue.departments.get(sub.department)?.delivery.channel ?? 'inbox',
      after: sub.after,
      payload: shared ? shared.sharing.enrich(payloadFor(v, app, sub, uploaded, submittedAt, commitment.signed), shared.prefetched) : payloadFor(v, app, sub, uploaded, submittedAt, commitment.signed),
      timeLimitDays: sub.timeLimitDays,
      promisedBy: promise && withinPromise(v.bundle, sub.itemId) ? promise.toISOString() : null,
    }));
    const actor = actorTag(user);
    const counter = await counterOf(q, app);
    const written = await file(
      q,
      {
        id: app.id,
        actor,
        set: { evaluation, savings, submitKey: key ?? null, promisedBy: promise?.toISOString() ?? null, regionCode: v.bundle.region?.code ?? DEFAULT_REGION_CODE },
        notice,
        // Unchanged since read: the row (any column: its version), the files handed in, the signature.
        ...(unlocked
          ? {
              fresh: (at: (value: unknown) => string) =>
                `xmin::text = ${at(version)}
                 AND ARRAY(SELECT m.code || ':' || m.sha256 FROM application_materials m WHERE m.application_id = $1 ORDER BY 1)
                     = ARRAY(SELECT f FROM unnest(${at(files.map((f) => `${f.code}:${f.sha256}`))}::text[]) f ORDER BY 1)
                 AND (SELECT c.sha256 FROM commitments c WHERE c.application_id = $1) IS NOT DISTINCT FROM ${at(kept?.sha256 ?? null)}::text`,
            }
          : {}),
      },
      items,
      // In the same statement: the reused materials attached, the handed-in ones kept in the
      // applicant's archive, the licences fetched for this submission kept.
      (at) => [...keeping(applicant.id, v, reused, files, at), ...(shared ? shared.sharing.recording(v, shared.prefetched, at) : [])],
    );
    if (!written) return null;
    // The answer is built from what was written (the rows, their first events, at the filing
    // time), not read back: a filed application has no rating or documents yet.
    const at = written.submitted_at;
    return {
      app: { ...app, status: 'submitted', evaluation, savings, submit_key: key ?? null, submitted_at: at, updated_at: at, number: written.number, promised_by: promise ?? null },
      rows: items.map((i) => ({
        id: i.id, item_id: i.itemId, department: i.department, status: i.status, outputs: null, supplement: null, reason: null,
        payload: i.payload as SubPayload, round: 1, time_limit_days: i.timeLimitDays, created_at: at, completed_at: null,
      })),
      history: new Map(items.map((i) => [i.id, [{ at, status: i.status, actor, note: null }]])),
      rating: null,
      itemRatings: new Map(),
      materials: materialsOf(evaluation, shared ? fetchesOf(shared.prefetched) : []),
      documents: new Map(),
      counter,
    };
  }

  /** The applicant's own applications; for a clerk, those they filed at the counter. */
  async list(user: User) {
    const { rows } = await this.d.db.query<ApplicationRow & { title: string }>(
      `SELECT a.*, v.title FROM applications a JOIN bundle_versions v ON v.bundle_id = a.bundle_id AND v.version = a.version
        WHERE ${mayActOn(user, 1, 'a')} ORDER BY a.created_at DESC`,
      [user.id],
    );
    // The English title is in the version's files, not its row: read once per version listed.
    const english = new Map<string, Promise<string>>();
    const titleEn = (a: ApplicationRow & { title: string }) => {
      const k = `${a.bundle_id}@${a.version}`;
      if (!english.has(k)) english.set(k, this.d.registry.get(a.bundle_id, a.version).then((v) => v.bundle.titleEn, () => a.title));
      return english.get(k) as Promise<string>;
    };
    const titles = await Promise.all(rows.map(titleEn));
    return rows.map((a, i) => ({
      id: a.id,
      bundleId: a.bundle_id,
      title: a.title,
      titleEn: titles[i] as string,
      version: a.version,
      region: a.region,
      status: a.status,
      number: a.number,
      createdAt: a.created_at,
      submittedAt: a.submitted_at,
    }));
  }

  async detail(user: User, id: string) {
    return this.describe(await this.owned(user, id));
  }

  /** One application as its applicant (or the clerk acting for them) sees it; who may see it is the caller's check. */
  async describe(found: ApplicationRow) {
    const id = found.id;
    // One snapshot: read one by one, a department's commit in between could show every item
    // finished while the application still says in progress.
    const seen = await this.d.db.transaction(async (tx) => {
      await tx.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows: again } = await tx.query<ApplicationRow>('SELECT * FROM applications WHERE id = $1', [id]);
      const app = again[0];
      if (!app) throw new ApplicationNotFoundError();
      const { rows } = await tx.query<SubRow>('SELECT * FROM sub_applications WHERE application_id = $1 ORDER BY position', [app.id]);
      return {
        app,
        rows,
        history: await historyOf(tx, rows.map((r) => r.id)),
        rating: await ratingOf(tx, app.id),
        itemRatings: await itemRatingsOf(tx, app.id),
        materials: await materialsWithEvidence(tx, app.id, app.evaluation),
        documents: await documentsOf(tx, { applicationId: app.id }, applicantUrl),
        counter: await counterOf(tx, app),
      };
    });
    const standard = await this.d.registry.get(seen.app.bundle_id, seen.app.version);
    return present(regionalVersion(standard, seen.app.region) ?? standard, seen);
  }

  /**
   * 补正: the applicant answers exactly what one department asked for (fields and materials),
   * nothing else; only that sub-application goes out again, in a new delivery round.
   */
  async answerSupplement(user: User, id: string, subId: string, answers: Record<string, unknown>) {
    const app = await this.owned(user, id);
    const { v, profile } = await this.context(user, app);
    if (!isUuid(subId)) throw new ItemNotFoundError();
    await this.d.db.transaction(async (tx) => {
      await tx.query('SELECT 1 FROM applications WHERE id = $1 FOR UPDATE', [app.id]);
      const { rows } = await tx.query<SubRow>('SELECT * FROM sub_applications WHERE id = $1 AND application_id = $2 FOR UPDATE', [subId, app.id]);
      const sub = rows[0];
      if (!sub) throw new ItemNotFoundError();
      if (sub.status !== 'supplement' || !sub.supplement) throw new ConflictError('该事项没有待补正的内容', 'Nothing was asked for on this item');
      const request = sub.supplement;
      const details: ErrorDetail[] = [];
      for (const key of Object.keys(answers)) {
        if (!request.elements.includes(key)) details.push({ path: key, message: '部门没有要求补正此项', messageEn: 'the department did not ask for this' });
      }
      for (const element of request.elements) {
        if (answers[element] === undefined || answers[element] === null || answers[element] === '') details.push({ path: element, message: '必填（部门要求补正）', messageEn: 'required (asked for by the department)' });
      }
      details.push(...validateDraft(v, Object.fromEntries(Object.entries(answers).filter(([k]) => request.elements.includes(k))), prefilledValues(v, { ...app.answers, ...answers }, profile)));
      const files = await tx.query<{ code: string; sha256: string; file_name: string; mime: string; uploaded_at: Date }>(
        'SELECT m.code, m.sha256, m.file_name, b.mime, m.uploaded_at FROM application_materials m JOIN blobs b ON b.sha256 = m.sha256 WHERE m.application_id = $1',
        [app.id],
      );
      const byCode = new Map(files.rows.map((f) => [f.code, f]));
      for (const code of request.materials) {
        const f = byCode.get(code);
        if (!f || f.uploaded_at < new Date(request.requestedAt)) {
          details.push({ path: `materials.${code}`, message: '请重新上传部门要求补正的材料', messageEn: 'upload the material the department asked for again' });
        }
      }
      if (details.length) throw new ValidationError(details, '补正内容不完整', 'The supplement is not complete');

      const item = v.catalogue.items.get(sub.item_id);
      const payload: SubPayload = { ...sub.payload, fields: { ...sub.payload.fields } };
      for (const f of item?.fields ?? []) {
        if (request.fields.includes(f.name) && answers[f.element] !== undefined) payload.fields[f.name] = answers[f.element];
      }
      payload.materials = payload.materials.map((m) => {
        const f = request.materials.includes(m.code) ? byCode.get(m.code) : undefined;
        return f ? { ...m, disposition: 'upload', sha256: f.sha256, fileName: f.file_name, mime: f.mime } : m;
      });
      await tx.query(
        `UPDATE applications SET answers = answers || $2::jsonb, updated_at = now() WHERE id = $1`,
        [app.id, JSON.stringify(Object.fromEntries(request.elements.map((e) => [e, answers[e]])))],
      );
      await transition(tx, {
        transition: 'resubmit', id: sub.id, applicationId: app.id, actor: actorTag(user), payload,
        note: { supplied: { fields: request.fields, materials: request.materials } },
      });
      // A licence the library did not hold, now handed in: counted so, and the other items asked for it go on.
      await this.d.sharing?.supplied(tx, app.id, request.materials, (code) => byCode.get(code));
      // The days spent waiting for the applicant do not count against the bundle's promise.
      await movePromise(tx, app.id, v.bundle.guide?.promise, new Date(request.requestedAt), this.d.calendar);
    });
    signalRelease();
    return this.detail(user, id);
  }
}

/** What describe() reads in one snapshot, or what a submission has just written. */
type SubmitFile = { code: string; sha256: string; file_name: string; mime: string };
type SubmitReadColumns = {
  row_version: string;
  archive: ArchiveColumn;
  archive_mimes: Record<string, string>;
  prior: string | null;
  files: SubmitFile[];
} & { [K in keyof CommitmentRow]: CommitmentRow[K] | null };

/** The application as submit reads it (`readForSubmit`). */
interface SubmitRead {
  app: ApplicationRow;
  /** The row's version (xmin): any change to the row changes it. */
  version: string;
  archive: ArchiveEntry[];
  archiveMimes: Record<string, string>;
  prior: string | null;
  files: SubmitFile[];
  signed: SignedCommitment | null;
  notice: FilingNotice;
}

interface Seen {
  app: ApplicationRow;
  rows: SubRow[];
  history: Map<string, HistoryEntry[]>;
  rating: Rating | null;
  itemRatings: Map<string, Rating>;
  materials: ApplicationMaterial[];
  documents: Map<string, ResultDocument[]>;
  counter: Awaited<ReturnType<typeof counterOf>>;
}

/** One application as its applicant sees it (GET /api/applications/:id, and the answer to submit). */
function present(v: BundleVersion, { app, rows, history, rating, itemRatings, materials, documents, counter }: Seen) {
  return {
    id: app.id,
    bundleId: app.bundle_id,
    title: v.bundle.title,
    titleEn: v.bundle.titleEn,
    version: app.version,
    region: app.region,
    status: app.status,
    number: app.number,
    answers: app.answers,
    step: app.status === 'draft' ? (app.draft_step ?? null) : null,
    createdAt: app.created_at,
    submittedAt: app.submitted_at,
    // The bundle's promise (承诺办结时限) for this filing: when it runs out, in China time.
    promise: v.bundle.guide?.promise ? { days: v.bundle.guide.promise.days, unit: v.bundle.guide.promise.unit } : null,
    promisedBy: app.promised_by ? chinaIso(app.promised_by) : null,
    items: rows.map((s) => ({
      id: s.id,
      itemId: s.item_id,
      title: v.catalogue.items.get(s.item_id)?.title ?? s.item_id,
      department: s.department,
      departmentName: v.catalogue.departments.get(s.department)?.name ?? s.department,
      status: s.status,
      outputs: s.outputs ?? {},
      reason: s.reason,
      supplement: s.supplement ? describeSupplement(v, s.supplement) : null,
      history: (history.get(s.id) ?? []).map(publicHistory),
      rating: itemRatings.get(s.id) ?? null,
      documents: documents.get(s.id) ?? [],
    })),
    savings: app.savings,
    rating,
    sharingAuthorisedAt: (app as ApplicationRow & { sharing_authorised_at?: Date | null }).sharing_authorised_at ?? null,
    materials,
    ...(counter ? { counter } : {}),
  };
}

/** Where and by whom an application was filed at the counter, in words; null for one filed online. */
async function counterOf(tx: Queryable, app: ApplicationRow): Promise<{ clerk: string; window: string; company: { creditCode: string; name: string; powerOfAttorney: string | null } | null } | null> {
  if (!app.counter_clerk_id || !app.counter_window) return null;
  const { rows } = await tx.query<{ name: string }>('SELECT name FROM users WHERE id = $1', [app.counter_clerk_id]);
  const c = app.counter_company;
  const company = c ? { creditCode: c.creditCode, name: c.name, powerOfAttorney: c.authorisation?.fileName ?? null } : null;
  return { clerk: rows[0]?.name ?? '', window: app.counter_window, company };
}

/**
 * 一人一档: what an applicant handed in with a filed application is kept for their later
 * applications while it is valid. Only materials the catalogue gives a validity period are
 * kept: that is what says a copy serves again (a photo, for six months); a document about one
 * case (this birth's hospital record) has none and is never offered for another case.
 */
/**
 * Parts of the filing statement (the application's id `$1`): materials reused from the archive
 * attached to the application, and each handed-in material that stays valid for a while kept in
 * the owner's archive (一人一档) for the next application.
 */
function keeping(
  ownerId: string,
  v: BundleVersion,
  reused: readonly { code: string; sha256: string; file_name: string }[],
  handedIn: readonly { code: string; sha256: string; file_name: string }[],
  at: (value: unknown) => string,
): string[] {
  const parts: string[] = [];
  if (reused.length) {
    const rows = reused.map((f) => `($1::uuid, ${at(f.code)}, ${at(f.sha256)}, ${at(f.file_name)}, 'archive')`);
    parts.push(`reused AS (INSERT INTO application_materials (application_id, code, sha256, file_name, source) VALUES ${rows.join(', ')})`);
  }
  const kept: string[] = [];
  for (const f of handedIn) {
    const months = v.catalogue.materials.get(f.code)?.validityMonths;
    if (months) kept.push(`(${at(ownerId)}::text, ${at(f.code)}, ${at(f.sha256)}, ${at(f.file_name)}, current_date + make_interval(months => ${at(months)}::int), $1::uuid)`);
  }
  if (kept.length) {
    parts.push(`archived AS (INSERT INTO archive (owner_id, code, sha256, file_name, valid_until, source_application) VALUES ${kept.join(', ')} ON CONFLICT (owner_id, code, sha256) DO NOTHING)`);
  }
  return parts;
}

/** `keeping`'s archive part on its own statement (a material handed in after filing, for a 补正). */
async function archive(tx: Queryable, ownerId: string, applicationId: string, v: BundleVersion, files: readonly { code: string; sha256: string; file_name: string }[]): Promise<void> {
  const params: unknown[] = [applicationId];
  const parts = keeping(ownerId, v, [], files, (value) => `$${params.push(value)}`);
  if (parts.length) await tx.query(`WITH ${parts.join(', ')} SELECT 1`, params);
}

function unknownAnswers(v: BundleVersion, answers: Record<string, unknown>): ErrorDetail[] {
  const known = new Set(fullForm(v).elements.filter((e) => e.inForm).map((e) => e.element));
  return Object.keys(answers)
    .filter((k) => !known.has(k))
    .map((k) => ({ path: k, message: '不是本事项表单中的字段', messageEn: 'is not a field of this form' }));
}

/** The material code of a company's 委托书 in what departments receive: not a catalogue material, so not one a bundle could use. */
export const AGENT_AUTHORISATION_CODE = 'counterAgentAuthorisation';

function payloadFor(
  v: BundleVersion,
  app: Pick<ApplicationRow, 'id' | 'counter_company'>,
  sub: SubApplication,
  uploaded: Map<string, { sha256: string; file_name: string; mime: string }>,
  submittedAt: string,
  signed: SignedCommitment | null,
): SubPayload {
  const item = v.catalogue.items.get(sub.itemId);
  const commitment = commitmentForItem(signed, sub.itemId);
  // 综合窗口, a company through its agent: every department receives the 委托书 the agent acts under.
  const agent = app.counter_company?.authorisation;
  const agentAuthorisation: PayloadMaterial[] = agent
    ? [{
        code: AGENT_AUTHORISATION_CODE,
        title: '企业经办人授权委托书',
        disposition: 'upload',
        reason: `${app.counter_company!.name}（${app.counter_company!.creditCode}）委托经办人在综合窗口代为办理`,
        sha256: agent.sha256,
        fileName: agent.fileName,
        mime: agent.mime ?? 'application/octet-stream',
      }]
    : [];
  return {
    applicationId: app.id,
    bundle: { id: v.bundleId, version: v.version },
    item: { id: sub.itemId, title: sub.title },
    department: sub.department,
    fields: { ...sub.fields },
    pending: sub.pending,
    materials: sub.materials.map((m): PayloadMaterial => {
      const file = uploaded.get(m.code);
      const attach = file && (m.disposition === 'upload' || m.disposition === 'reuse');
      return {
        code: m.code,
        title: m.title,
        disposition: m.disposition,
        reason: m.reason,
        ...(m.producedBy ? { producedBy: m.producedBy } : {}),
        ...(attach ? { sha256: file.sha256, fileName: file.file_name, mime: file.mime } : {}),
      };
    }).concat(agentAuthorisation),
    ...(commitment ? { commitment } : {}),
    inputs: {},
    produces: (item?.outputs ?? []).map((o) => {
      if (o.kind === 'element') {
        const el = v.catalogue.elements.get(o.ref);
        return { key: o.ref, title: el?.title ?? o.ref, schema: el?.schema ?? { type: 'string' } };
      }
      return { key: o.ref, title: v.catalogue.materials.get(o.ref)?.title ?? o.ref, schema: { type: 'string', minLength: 1 } };
    }),
    timeLimitDays: sub.timeLimitDays,
    submittedAt,
  };
}

export function describeSupplement(v: BundleVersion, s: SupplementRequest) {
  return {
    reason: s.reason,
    requestedAt: s.requestedAt,
    dueDate: s.dueDate ?? null,
    materials: s.materials.map((code) => ({ code, title: v.catalogue.materials.get(code)?.title ?? code })),
    fields: s.elements.map((element) => ({ element, title: v.catalogue.elements.get(element)?.title ?? element })),
  };
}

function publicHistory(h: HistoryEntry) {
  return { at: h.at, status: h.status, note: h.note };
}

/**
 * The days an application waited for the applicant's 补正 do not count against the bundle's
 * promise: its promised date (and each item's inside the promise) moves on by them.
 */
async function movePromise(tx: Queryable, applicationId: string, promise: { unit: DayUnit } | undefined, requestedAt: Date, calendar?: WorkCalendar): Promise<void> {
  if (!promise) return;
  const current = await tx.query<{ promised_by: Date | null }>('SELECT promised_by FROM applications WHERE id = $1', [applicationId]);
  const promised = current.rows[0]?.promised_by;
  if (!promised) return;
  const moved = afterSupplement(promised, promise.unit, requestedAt, new Date(), calendar);
  if (moved.getTime() === promised.getTime()) return;
  await tx.query('UPDATE applications SET promised_by = $2 WHERE id = $1', [applicationId, moved.toISOString()]);
  await tx.query('UPDATE sub_applications SET promised_by = $2 WHERE application_id = $1 AND promised_by IS NOT NULL', [applicationId, moved.toISOString()]);
}
