import { randomUUID } from 'node:crypto';
import type { Database } from '../db/types.js';
import type { BundleRegistry, BundleVersion } from '../bundles/registry.js';
import type { MaterialStore } from '../materials/store.js';
import type { Logger } from '../log.js';
import type { User } from '../auth/types.js';
import type { Item } from '../../shared/model.js';
import type { Evaluation } from '../../shared/evaluate.js';
import { chinaDate } from '../../shared/calendar.js';
import { regionalVersion } from '../bundles/regional.js';
import { isUuid, type SubPayload } from '../applications/service.js';
import { renderLicence } from '../documents/licence.js';
import { LicenceNotFoundError } from './errors.js';
import type { LicenceHolder, LicenceIssuer } from './types.js';

/** One result of a completed item that is a licence: a catalogued e-licence, or an identity record. */
export interface LicenceOutput {
  code: string;
  title: string;
  /** The value the department completed with (the certificate's number, the ID number). */
  value: unknown;
  validityMonths: number | null;
}

/**
 * Which outputs of an item are issued as licences: materials the catalogue marks as electronic
 * licences (出生医学证明, 营业执照, 社会保障卡), and identity numbers the item assigns (the newborn's
 * 公民身份号码, a record of the household register). Other outputs (a notice's date) are values only.
 */
export function licenceOutputs(v: BundleVersion, item: Item, outputs: Record<string, unknown>): LicenceOutput[] {
  const out: LicenceOutput[] = [];
  for (const o of item.outputs) {
    if (o.kind === 'material') {
      const m = v.catalogue.materials.get(o.ref);
      if (m?.electronicLicence) out.push({ code: m.code, title: m.title, value: outputs[o.ref], validityMonths: m.validityMonths });
    } else {
      const el = v.catalogue.elements.get(o.ref);
      if (el && el.schema.format === 'cn-id-number') out.push({ code: el.id, title: el.title, value: outputs[o.ref], validityMonths: null });
    }
  }
  return out;
}

/** Whom an item's result belongs to: the newborn, the company, or else the applicant. */
export function holderOf(item: Item, values: Record<string, unknown>, applicant: Pick<User, 'name' | 'idNumber'>): { holder: LicenceHolder; idLabel: string } {
  const elements = new Set([...item.fields.map((f) => f.element), ...item.outputs.filter((o) => o.kind === 'element').map((o) => o.ref)]);
  const str = (k: string) => (typeof values[k] === 'string' && values[k] !== '' ? (values[k] as string) : undefined);
  if ([...elements].some((e) => e.startsWith('child.')) && str('child.name')) {
    const idNumber = str('child.idNumber');
    return { holder: { name: str('child.name')!, ...(idNumber ? { idNumber } : {}) }, idLabel: '公民身份号码' };
  }
  if (elements.has('company.name') && str('company.name')) {
    const creditCode = str('company.creditCode');
    return { holder: { name: str('company.name')!, ...(creditCode ? { creditCode } : {}) }, idLabel: '统一社会信用代码' };
  }
  return { holder: { name: applicant.name, ...(applicant.idNumber ? { idNumber: applicant.idNumber } : {}) }, idLabel: '公民身份号码' };
}

/** A value as a licence prints it: a choice by its title, yes/no, lists joined. */
function printable(v: BundleVersion, element: string, value: unknown): string {
  const schema = v.catalogue.elements.get(element)?.schema;
  const options = Array.isArray(schema?.oneOf) ? (schema.oneOf as { const?: unknown; title?: string }[]) : [];
  const titled = options.find((o) => o.const === value)?.title;
  if (titled) return titled;
  if (typeof value === 'boolean') return value ? '是' : '否';
  if (Array.isArray(value)) return value.map((x) => printable(v, element, x)).join('、');
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Elements about the application rather than the licence: not printed on it. */
const NOT_ON_LICENCE = /^(applicant|delivery|choice|card)\.|\.mobile$/;

function addMonths(iso: string, months: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

interface CompletedRow {
  id: string;
  application_id: string;
  item_id: string;
  department: string;
  status: string;
  outputs: Record<string, unknown> | null;
  payload: SubPayload;
  applicant_id: string;
  bundle_id: string;
  version: string;
  region: string | null;
  evaluation: Evaluation | null;
  answers: Record<string, unknown>;
  name: string;
  id_number: string | null;
}

interface LicenceRow {
  id: string;
  code: string;
  title: string;
  licence_number: string;
  issuer: string;
  issuer_name: string;
  holder: LicenceHolder;
  issued_on: string;
  valid_until: string | null;
  application_id: string | null;
  in_library: boolean;
  sha256: string;
  created_at: Date;
}

export interface LicencesDeps {
  db: Database;
  registry: BundleRegistry;
  store: MaterialStore;
  logger: Logger;
  /** The licence library (电子证照库): one for every type, or the connector serving a type; absent: kept in the archive only. */
  issuer?: LicenceIssuer | ((type: string) => LicenceIssuer | undefined);
  now?: () => Date;
}

/**
 * Results issued (办结出证): when an item completes, each licence among its outputs is issued to
 * the licence library (when a connector is configured) and kept in the applicant's archive
 * (一人一档) with a PDF the citizen downloads from 我的证照.
 */
export class LicenceService {
  constructor(private readonly d: LicencesDeps) {}

  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Issues a completed item's licences after the department's answer, one item at a time: a
   * PDF takes a good part of a CPU second to render on a busy machine, and a burst of completions
   * must neither wait for them nor render them all at once.
   */
  schedule(subId: string): void {
    this.queue = this.queue.then(() => this.issueCompleted(subId));
  }

  /**
   * Issues the licences of a completed sub-application. Idempotent (one licence of a kind per
   * item); never throws: the completion is already committed, and a failure is logged.
   */
  async issueCompleted(subId: string): Promise<number> {
    try {
      return await this.issue(subId);
    } catch (err) {
      this.d.logger.error({ err, subApplicationId: subId }, 'issuing the licences of a completed item failed');
      return 0;
    }
  }

  /**
   * Issues what a completion committed just before the process stopped left unissued: completed
   * items of the last `days` days whose item yields a licence and that have none yet. Run at
   * start-up (server/server.ts); at most `limit` items per run.
   */
  async catchUp(days = 7, limit = 50): Promise<number> {
    try {
      const items = new Set<string>();
      for (const v of await this.d.registry.list()) {
        for (const bi of v.bundle.items) {
          const item = v.catalogue.items.get(bi.item);
          if (item && licenceOutputs(v, item, {}).length) items.add(item.id);
        }
      }
      if (!items.size) return 0;
      const { rows } = await this.d.db.query<{ id: string }>(
        `SELECT s.id FROM sub_applications s
          WHERE s.status = 'completed' AND s.outputs IS NOT NULL AND s.item_id = ANY($1::text[])
            AND s.completed_at > now() - make_interval(days => $2::int)
            AND NOT EXISTS (SELECT 1 FROM licences l WHERE l.sub_application_id = s.id)
          ORDER BY s.completed_at LIMIT $3`,
        [[...items], days, limit],
      );
      let issued = 0;
      for (const r of rows) issued += await this.issueCompleted(r.id);
      if (issued) this.d.logger.info({ issued }, 'licences of items completed before a stop issued');
      return issued;
    } catch (err) {
      this.d.logger.error({ err }, 'catching up on unissued licences failed');
      return 0;
    }
  }

  private async issue(subId: string): Promise<number> {
    const { rows } = await this.d.db.query<CompletedRow>(
      `SELECT s.id, s.application_id, s.item_id, s.department, s.status, s.outputs, s.payload,
              a.applicant_id, a.bundle_id, a.version, a.region, a.evaluation, a.answers, u.name, u.id_number
         FROM sub_applications s JOIN applications a ON a.id = s.application_id JOIN users u ON u.id = a.applicant_id
        WHERE s.id = $1`,
      [subId],
    );
    const row = rows[0];
    if (!row || row.status !== 'completed') return 0;
    const standard = await this.d.registry.get(row.bundle_id, row.version);
    const v = regionalVersion(standard, row.region) ?? standard;
    const item = v.catalogue.items.get(row.item_id);
    if (!item) return 0;
    const outputs = row.outputs ?? {};
    const wanted = licenceOutputs(v, item, outputs);
    if (!wanted.length) return 0;
    const done = await this.d.db.query<{ code: string }>('SELECT code FROM licences WHERE sub_application_id = $1', [row.id]);
    const issued = new Set(done.rows.map((r) => r.code));

    // What is known of the case now: the answers, and every result of the bundle so far.
    const all = await this.d.db.query<{ outputs: Record<string, unknown> | null }>(`SELECT outputs FROM sub_applications WHERE application_id = $1 AND status = 'completed'`, [row.application_id]);
    const values: Record<string, unknown> = { ...(row.evaluation?.values ?? row.answers) };
    for (const r of all.rows) Object.assign(values, r.outputs ?? {});
    const applicant = { name: row.name, idNumber: row.id_number ?? undefined };
    const department = v.catalogue.departments.get(row.department);
    const issuerName = department?.name ?? row.department;
    const today = chinaDate((this.d.now ?? (() => new Date()))());

    let count = 0;
    for (const out of wanted) {
      if (issued.has(out.code)) continue;
      const { holder: base, idLabel } = holderOf(item, values, applicant);
      // An identity record's holder is identified by the number itself.
      const holder: LicenceHolder = out.code.endsWith('.idNumber') && typeof out.value === 'string' ? { ...base, idNumber: out.value } : base;
      const printed: [string, string][] = [];
      const fields: Record<string, unknown> = {};
      for (const f of item.fields) {
        const value = row.payload.fields[f.name];
        if (value === undefined || value === null || value === '' || NOT_ON_LICENCE.test(f.element)) continue;
        fields[f.element] = value;
        printed.push([v.catalogue.elements.get(f.element)?.title ?? f.name, printable(v, f.element, value)]);
      }
      for (const o of item.outputs) {
        if (o.kind !== 'element' || o.ref === out.code || outputs[o.ref] === undefined) continue;
        fields[o.ref] = outputs[o.ref];
        if (outputs[o.ref] !== out.value) printed.push([v.catalogue.elements.get(o.ref)?.title ?? o.ref, printable(v, o.ref, outputs[o.ref])]);
      }
      fields[out.code] = out.value;

      let licenceNumber = typeof out.value === 'string' && out.value ? out.value : `${row.department.toUpperCase()}-${row.id.slice(0, 8)}`;
      let issuedOn = today;
      let validUntil = out.validityMonths ? addMonths(today, out.validityMonths) : null;
      let inLibrary = false;
      // One library for every type, or the connector that serves this type (none: archive only, no warning).
      const issuer = typeof this.d.issuer === 'function' ? this.d.issuer(out.code) : this.d.issuer;
      if (issuer) {
        try {
          const lib = await issuer.issue({ type: out.code, holder, fields, issuer: row.department, applicationId: row.application_id });
          ({ licenceNumber, issuedOn, validUntil } = lib);
          inLibrary = true;
        } catch (err) {
          // The archive keeps the result all the same; it just does not claim the library has it.
          this.d.logger.warn({ err, subApplicationId: row.id, type: out.code }, 'the licence library did not take the licence: kept in the archive only');
        }
      }
      const pdf = Buffer.from(
        await renderLicence({
          title: out.title,
          licenceNumber,
          holderName: holder.name,
          ...(holder.idNumber || holder.creditCode ? { holderId: holder.idNumber ?? holder.creditCode, holderIdLabel: holder.creditCode ? '统一社会信用代码' : idLabel } : {}),
          issuerName,
          issuedOn,
          validUntil,
          fields: printed,
          applicantName: row.name,
          bundleTitle: v.bundle.title,
          itemTitle: item.title,
          inLibrary,
        }),
      );
      const blob = await this.d.store.put(pdf);
      const fileName = `${out.title}.pdf`;
      await this.d.db.transaction(async (tx) => {
        await tx.query('INSERT INTO blobs (sha256, size, mime) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [blob.sha256, blob.size, 'application/pdf']);
        const inserted = await tx.query(
          `INSERT INTO licences (id, owner_id, code, title, licence_number, issuer, issuer_name, holder, fields, issued_on, valid_until,
                                 application_id, sub_application_id, sha256, in_library)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
           ON CONFLICT (sub_application_id, code) DO NOTHING`,
          [randomUUID(), row.applicant_id, out.code, out.title, licenceNumber, row.department, issuerName, JSON.stringify(holder), JSON.stringify(fields), issuedOn, validUntil, row.application_id, row.id, blob.sha256, inLibrary],
        );
        if (!inserted.rowCount) return;
        // 一人一档: the same archive later bundles read (server/applications/profile.ts).
        await tx.query(
          `INSERT INTO archive (owner_id, code, sha256, file_name, issued_on, valid_until, source_application)
           VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (owner_id, code, sha256) DO NOTHING`,
          [row.applicant_id, out.code, blob.sha256, fileName, issuedOn, validUntil, row.application_id],
        );
        count++;
      });
    }
    return count;
  }

  /** The signed-in applicant's issued licences, newest first. */
  async mine(user: User) {
    const { rows } = await this.d.db.query<LicenceRow>(
      `SELECT id, code, title, licence_number, issuer, issuer_name, holder, to_char(issued_on, 'YYYY-MM-DD') AS issued_on,
              to_char(valid_until, 'YYYY-MM-DD') AS valid_until, application_id, in_library, sha256, created_at
         FROM licences WHERE owner_id = $1 ORDER BY created_at DESC, code LIMIT 500`,
      [user.id],
    );
    return rows.map((r) => ({
      id: r.id,
      code: r.code,
      title: r.title,
      licenceNumber: r.licence_number,
      issuer: r.issuer_name,
      issuerCode: r.issuer,
      holderName: r.holder.name,
      issuedOn: r.issued_on,
      validUntil: r.valid_until,
      inLibrary: r.in_library,
      sha256: r.sha256,
      ...(r.application_id ? { applicationId: r.application_id } : {}),
    }));
  }

  /** The PDF of one of the applicant's licences; another person's answers like one that does not exist. */
  async file(user: User, id: string): Promise<{ data: Buffer; fileName: string }> {
    if (!isUuid(id)) throw new LicenceNotFoundError();
    const { rows } = await this.d.db.query<{ sha256: string; title: string; licence_number: string }>('SELECT sha256, title, licence_number FROM licences WHERE id = $1 AND owner_id = $2', [id, user.id]);
    const r = rows[0];
    if (!r) throw new LicenceNotFoundError();
    const data = await this.d.store.get(r.sha256);
    if (!data) throw new LicenceNotFoundError();
    return { data, fileName: `${r.title}-${r.licence_number}.pdf` };
  }
}
