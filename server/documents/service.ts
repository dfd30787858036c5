import { randomInt } from 'node:crypto';
import type { Database } from '../db/types.js';
import type { BundleRegistry, BundleVersion } from '../bundles/registry.js';
import type { ApplicationRow, ApplicationService, SupplementRequest } from '../applications/service.js';
import type { User, Role } from '../auth/types.js';
import { regionalVersion } from '../bundles/regional.js';
import { profileFor } from '../applications/profile.js';
import { validateComplete } from '../applications/validation.js';
import { evaluate, type Evaluation } from '../../shared/evaluate.js';
import { compose } from '../../shared/compose.js';
import { beijingDate } from '../../shared/beijing-time.js';
import { newQueryCode } from '../../shared/query-code.js';
import { printedValue } from '../../shared/printed-value.js';
import { renderReceipt } from './receipt.js';
import { renderNotice, type StillMissing, type SupplementAsked } from './notice.js';
import { renderForm } from './form.js';
import { renderCompletion, type CompletedItem } from './completion.js';
import type { DocumentSection, Row } from './pdf.js';
import type { DocumentApplicant } from './applicant.js';
import { notReady } from './errors.js';

export interface DocumentFile {
  data: Buffer;
  /** Shown to people (受理回执-<办件编号>.pdf). */
  fileName: string;
  /** The same in ASCII, for clients that cannot read the UTF-8 name. */
  asciiName: string;
}

export interface DocumentsDeps {
  db: Database;
  registry: BundleRegistry;
  /** Its ownership check decides who may read an application's documents. */
  applications: ApplicationService;
  /** The server's public base URL (PUBLIC_URL), read when a receipt is made. */
  publicUrl: () => string;
}

/** The columns the row type leaves out, read through its `SELECT *`: 019's code and the completion time. */
type AppRow = ApplicationRow & { query_code?: string | null; completed_at?: Date | null };

interface SubRow {
  item_id: string;
  department: string;
  status: string;
  outputs: Record<string, unknown> | null;
  supplement: SupplementRequest | null;
  reason: string | null;
  completed_at: Date | null;
}

/** The public progress page a receipt points to (查询码 + 办件编号). */
export const PROGRESS_PAGE = '/progress';

/**
 * The application's documents as PDFs (server/documents/*.ts): 受理回执, 一次性告知书, 一件事申请表
 * and 办结通知书. Whoever may read the application (ApplicationService.owned) may read them; one
 * that does not apply yet is refused with 409.
 */
export class DocumentService {
  constructor(private readonly d: DocumentsDeps) {}

  private async load(user: User, id: string) {
    const app = (await this.d.applications.owned(user, id)) as AppRow;
    const standard = await this.d.registry.get(app.bundle_id, app.version);
    const v = regionalVersion(standard, app.region) ?? standard;
    const { rows: subs } = await this.d.db.query<SubRow>(
      'SELECT item_id, department, status, outputs, supplement, reason, completed_at FROM sub_applications WHERE application_id = $1 ORDER BY position',
      [app.id],
    );
    const { rows: people } = await this.d.db.query<{ id: string; name: string; role: Role; id_number: string | null; mobile: string | null }>(
      'SELECT id, name, role, id_number, mobile FROM users WHERE id = $1',
      [app.applicant_id],
    );
    const person = people[0]!;
    const applicant: DocumentApplicant = { name: person.name, idNumber: person.id_number };
    const applicantUser: User = { id: person.id, name: person.name, role: person.role, ...(person.id_number ? { idNumber: person.id_number } : {}), ...(person.mobile ? { mobile: person.mobile } : {}) };
    return { app, v, subs, applicant, applicantUser, number: app.number };
  }

  private items(v: BundleVersion, subs: readonly SubRow[]) {
    return subs.map((s) => ({ title: itemTitle(v, s.item_id), departmentName: departmentName(v, s.department) }));
  }

  /** 受理回执: once filed. */
  async receipt(user: User, id: string): Promise<DocumentFile> {
    const { app, v, subs, applicant, number } = await this.load(user, id);
    if (!app.submitted_at) throw notReady.receipt();
    const code = await this.queryCode(app);
    const base = this.d.publicUrl().replace(/\/+$/, '');
    const page = `${base}${PROGRESS_PAGE}`;
    const data = await renderReceipt({
      number,
      bundleTitle: v.bundle.title,
      applicant,
      submittedAt: app.submitted_at,
      // promised_by is 24:00 of the last day: the day itself is the instant just before.
      promisedLastDay: app.promised_by ? beijingDate(new Date(app.promised_by.getTime() - 1)) : null,
      promise: v.bundle.guide?.promise ? { days: v.bundle.guide.promise.days, unit: v.bundle.guide.promise.unit } : null,
      items: this.items(v, subs),
      queryCode: code,
      queryPage: page,
      queryLink: `${page}?number=${encodeURIComponent(number ?? app.id)}&code=${code}`,
    });
    return named(data, '受理回执', 'receipt', number, app.id);
  }

  /** The application's 查询码, drawn the first time and kept (a concurrent first draw keeps one). */
  private async queryCode(app: AppRow): Promise<string> {
    if (app.query_code) return app.query_code;
    await this.d.db.query('UPDATE applications SET query_code = $2 WHERE id = $1 AND query_code IS NULL', [app.id, newQueryCode((n) => randomInt(n))]);
    const { rows } = await this.d.db.query<{ query_code: string }>('SELECT query_code FROM applications WHERE id = $1', [app.id]);
    return rows[0]!.query_code;
  }

  /** 一次性告知书: every open 补正 of a filed application, or everything a draft still lacks. */
  async notice(user: User, id: string): Promise<DocumentFile> {
    const { app, v, subs, applicant, applicantUser, number } = await this.load(user, id);
    let data: Uint8Array;
    if (app.submitted_at) {
      const requests: SupplementAsked[] = subs
        .filter((s) => s.status === 'supplement' && s.supplement)
        .map((s) => ({
          itemTitle: itemTitle(v, s.item_id),
          departmentName: departmentName(v, s.department),
          reason: s.supplement!.reason,
          materials: s.supplement!.materials.map((c) => v.catalogue.materials.get(c)?.title ?? c),
          fields: s.supplement!.elements.map((e) => v.catalogue.elements.get(e)?.title ?? e),
          dueDate: s.supplement!.dueDate ?? null,
          requestedAt: s.supplement!.requestedAt,
        }));
      if (!requests.length) throw notReady.noticeSubmitted();
      const issuedAt = new Date(Math.max(...requests.map((r) => new Date(r.requestedAt).getTime())));
      data = await renderNotice({ kind: 'supplement', number, bundleTitle: v.bundle.title, applicant, issuedAt, submittedAt: app.submitted_at, requests });
    } else {
      const missing = await this.missing(user, app, v, applicantUser);
      if (!missing.materials.length && !missing.fields.length && !missing.ineligible.length) throw notReady.noticeDraft();
      data = await renderNotice({ kind: 'incomplete', number, bundleTitle: v.bundle.title, applicant, issuedAt: new Date(), missing });
    }
    return named(data, '一次性告知书', 'notice', number, app.id);
  }

  /** What a draft lacks as the submission would refuse it: eligibility, required answers, uploads. */
  private async missing(user: User, app: AppRow, v: BundleVersion, applicant: User): Promise<StillMissing> {
    const evaluation = evaluate(v.bundle, v.catalogue, app.answers, await profileFor(this.d.db, applicant));
    const form = compose(v.bundle, v.catalogue, { evaluation });
    const titles = new Map(form.elements.map((e) => [e.element, e.title]));
    // The materials as the applicant's page shows them: the licence library asked too (a licence it
    // does not hold must be uploaded), which the evaluation above leaves out.
    const shown = await this.d.applications.evaluation(user, app.id);
    return {
      ineligible: evaluation.ineligible.map((r) => r.reason),
      materials: shown.materials.filter((m) => m.disposition === 'upload' && !m.uploaded).map((m) => m.title),
      fields: validateComplete(v, evaluation, form).map((d) => ({
        // A problem of the form as a whole has no element: named by its message alone.
        title: titles.get(d.path) ?? v.catalogue.elements.get(d.path)?.title ?? '填写内容',
        problem: d.message,
      })),
    };
  }

  /** 一件事申请表: the combined form with the answers; a draft's for review before filing. */
  async form(user: User, id: string): Promise<DocumentFile> {
    const { app, v, subs, applicantUser, number } = await this.load(user, id);
    const evaluation: Evaluation = app.evaluation ?? evaluate(v.bundle, v.catalogue, app.answers, await profileFor(this.d.db, applicantUser));
    const form = compose(v.bundle, v.catalogue, { evaluation });
    const bySlot = new Map(form.elements.map((e) => [`${e.section}/${e.key}`, e]));
    const sections: DocumentSection[] = form.sections.map((s) => ({
      heading: s.title,
      rows: s.keys.flatMap((key): Row[] => {
        const el = bySlot.get(`${s.id}/${key}`);
        if (!el || !el.inForm) return [];
        const printed = printedValue(el.schema, evaluation.values[el.element]);
        return printed ? [[el.title, printed]] : [];
      }),
    }));
    const items = app.submitted_at
      ? this.items(v, subs)
      : evaluation.items.filter((i) => i.included).map((i) => ({ title: i.title, departmentName: departmentName(v, i.department) }));
    const data = await renderForm({ number, bundleTitle: v.bundle.title, applicantName: applicantUser.name, submittedAt: app.submitted_at, items, sections, printedAt: new Date() });
    return named(data, '一件事申请表', 'form', number, app.id);
  }

  /** 办结通知书: once every department has answered (completed, partially completed or refused). */
  async completion(user: User, id: string): Promise<DocumentFile> {
    const { app, v, subs, applicant, number } = await this.load(user, id);
    if (!app.submitted_at || !['completed', 'partially_completed', 'rejected'].includes(app.status)) throw notReady.completion();
    const items: CompletedItem[] = subs.map((s) => ({
      title: itemTitle(v, s.item_id),
      departmentName: departmentName(v, s.department),
      status: s.status === 'completed' ? 'completed' : 'rejected',
      reason: s.reason,
      outputs: Object.entries(s.outputs ?? {}).flatMap(([key, value]): Row[] => {
        const printed = printedValue(v.catalogue.elements.get(key)?.schema, value);
        const label = v.catalogue.elements.get(key)?.title ?? v.catalogue.materials.get(key)?.title;
        // A result the catalogue does not name is a department's internal value: not printed.
        return printed && label ? [[label, printed]] : [];
      }),
      completedAt: s.completed_at,
    }));
    const { rows } = await this.d.db.query<{ title: string }>('SELECT title FROM licences WHERE application_id = $1 ORDER BY created_at, code', [app.id]);
    const completedAt = app.completed_at ?? new Date(Math.max(...subs.map((s) => s.completed_at?.getTime() ?? 0), app.updated_at.getTime()));
    const data = await renderCompletion({ number, bundleTitle: v.bundle.title, applicant, submittedAt: app.submitted_at, completedAt, items, licences: rows.map((r) => r.title) });
    return named(data, '办结通知书', 'completion', number, app.id);
  }
}

function itemTitle(v: BundleVersion, itemId: string): string {
  return v.catalogue.items.get(itemId)?.title ?? itemId;
}

function departmentName(v: BundleVersion, code: string): string {
  return v.catalogue.departments.get(code)?.name ?? code;
}

/** 受理回执-4300002026120300012.pdf, or by the id's first part before numbers were kept. */
function named(data: Uint8Array, title: string, ascii: string, number: string | null, id: string): DocumentFile {
  const suffix = number ?? id.slice(0, 8);
  return { data: Buffer.from(data), fileName: `${title}-${suffix}.pdf`, asciiName: `${ascii}-${suffix}.pdf` };
}
