import type { Database } from '../db/types.js';
import type { Principal, User } from '../auth/types.js';
import type { ConnectorRegistry } from '../connectors/types.js';
import type { MaterialStore } from '../materials/store.js';
import type { BundleService } from '../bundles/service.js';
import type { BundleRegistry } from '../bundles/registry.js';
import type { UploadedMaterial } from '../materials/upload.js';
import { ApplicationNotFoundError, AlreadySubmittedError } from '../applications/errors.js';
import type { ApplicationRow, ApplicationService } from '../applications/service.js';
import { personFor } from '../auth/people.js';
import { audit } from '../audit.js';
import { ConflictError } from '../errors.js';
import { maskIdNumber } from '../../shared/identifiers.js';
import type { CounterApplicant } from '../../shared/contracts/counter.js';
import { identify, type Identified } from './identify.js';
import { scanToPdf } from './scan.js';

export interface CounterDeps {
  db: Database;
  applications: ApplicationService;
  store: MaterialStore;
  connectors?: ConnectorRegistry;
  /** The window recorded on each filing (COUNTER_WINDOW). */
  window: string;
  bundles: BundleService;
  registry: BundleRegistry;
}

/**
 * 综合窗口: a clerk files one application for the person in front of them. The applicant is
 * identified first (server/counter/identify.ts); the application is theirs from the start, with
 * the clerk and window recorded on it. Everything after (answers, materials, submit) goes through
 * the applications' own routes, where the clerk acts on what they filed (../applications/acting.ts).
 */
export class CounterService {
  constructor(private readonly d: CounterDeps) {}

  async file(principal: Principal, clerk: User, body: { bundleId: string; region?: string | null | undefined; applicant: CounterApplicant }): Promise<ApplicationRow> {
    const who = await identify(this.d.connectors, body.applicant, `clerk:${clerk.id}`);
    const applicant = await this.person(who, clerk);
    const app = await this.d.applications.create(applicant, body.bundleId, body.region, {
      clerk,
      window: this.d.window,
      ...(who.company ? { company: who.company } : {}),
    });
    await audit(this.d.db, principal, 'counter.file', app.id, '综合窗口代为申请', {
      bundleId: app.bundle_id,
      applicant: maskIdNumber(who.idNumber),
      window: this.d.window,
      ...(who.company ? { company: who.company.creditCode } : {}),
    });
    return app;
  }

  /** Two clerks recording one new person at once: the second finds the first's record. */
  private async person(who: Identified, clerk: User): Promise<User> {
    try {
      return await this.d.db.transaction((tx) => personFor(tx, who, clerk.id));
    } catch (err) {
      if ((err as { code?: unknown }).code !== '23505') throw err;
      return this.d.db.transaction((tx) => personFor(tx, who, clerk.id));
    }
  }

  /**
   * The form of one of the clerk's filings, prefilled for its applicant (their identity and what
   * the exchange holds for them), exactly as the applicant would see it online.
   */
  async form(clerk: User, id: string) {
    const app = await this.d.applications.owned(clerk, id);
    const applicant = await this.d.applications.applicantOf(clerk, app);
    return this.d.bundles.form(app.bundle_id, app.version, app.region ?? undefined, applicant);
  }

  /** Paper materials scanned at the counter: the pages become one PDF, stored as the material. */
  async scan(clerk: User, id: string, code: string, pages: readonly { data: Buffer; mime: string }[]) {
    const app = await this.d.applications.owned(clerk, id);
    // Named by the material's title as the applicant knows it (户口簿-扫描件.pdf); a code not in the catalogue is refused by upload().
    const v = await this.d.registry.get(app.bundle_id, app.version);
    const title = (v.catalogue.materials.get(code)?.title ?? code).replace(/[^\p{L}\p{N}_-]/gu, '_');
    const { material, pages: count } = await scanToPdf(pages, `${title}-扫描件.pdf`);
    const stored = await this.d.applications.upload(clerk, app.id, code, material);
    return { ...stored, pages: count };
  }

  /** A company's application: the agent's 委托书, kept on the application and required before filing. */
  async powerOfAttorney(principal: Principal, clerk: User, id: string, file: UploadedMaterial) {
    const app = await this.d.applications.owned(clerk, id);
    if (!app.counter_company) throw new ConflictError('该申请不是企业申请，无需委托书', 'This application is not a company’s: no power of attorney is needed');
    if (app.status !== 'draft') throw new AlreadySubmittedError();
    const blob = await this.d.store.put(file.data);
    const authorisation = { sha256: blob.sha256, fileName: file.originalName, mime: file.mime };
    await this.d.db.transaction(async (tx) => {
      await tx.query('INSERT INTO blobs (sha256, size, mime) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [blob.sha256, blob.size, file.mime]);
      await tx.query(`UPDATE applications SET counter_company = counter_company || jsonb_build_object('authorisation', $2::jsonb) WHERE id = $1`, [app.id, JSON.stringify(authorisation)]);
    });
    await audit(this.d.db, principal, 'counter.power-of-attorney', app.id, '企业经办人委托书', { sha256: blob.sha256 });
    return { sha256: authorisation.sha256, fileName: authorisation.fileName };
  }

  /**
   * An application the applicant presents at the counter by its 办件编号 and their 公民身份号码:
   * the clerk reads it whoever filed it; both must match, else 404 like any unknown one.
   */
  async presented(principal: Principal, number: string, idNumber: string) {
    const { rows } = await this.d.db.query<ApplicationRow>(
      `SELECT a.* FROM applications a JOIN users u ON u.id = a.applicant_id WHERE a.number = $1 AND u.id_number = $2`,
      [number.trim(), idNumber.trim().toUpperCase()],
    );
    const app = rows[0];
    if (!app) throw new ApplicationNotFoundError();
    await audit(this.d.db, principal, 'counter.presented', app.id, '申请人出示办件编号查询', null);
    return this.d.applications.describe(app);
  }
}
