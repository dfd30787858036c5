import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/types.js';
import type { BundleRegistry, BundleVersion } from '../bundles/registry.js';
import type { User } from '../auth/types.js';
import type { ErrorDetail } from '../errors.js';
import { evaluate, type Evaluation } from '../../shared/evaluate.js';
import { commitmentMaterials, commitmentText, signerNameMatches, COMMITMENT_LIABILITY, type CommitmentMaterial } from '../../shared/commitment.js';
import { regionalVersion } from '../bundles/regional.js';
import { profileFor } from '../applications/profile.js';
import type { ApplicationService } from '../applications/service.js';
import { AlreadySubmittedError } from '../applications/errors.js';
import { CommitmentChangedError, CommitmentUnsignedError, NoCommitmentError, NotAgreedError, SignerNameError } from './errors.js';

/** The 承诺书 an application needs now: its text and the hash a signature must match. */
export interface CommitmentDraft {
  text: string;
  sha256: string;
  materials: CommitmentMaterial[];
}

/** A signature as kept (commitments table) and as delivered to a department. */
export interface SignedCommitment {
  text: string;
  sha256: string;
  signerName: string;
  signedAt: string;
  materials: CommitmentMaterial[];
}

export interface CommitmentRow {
  text: string;
  sha256: string;
  materials: CommitmentMaterial[];
  signer_name: string;
  signed_at: Date;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** The commitment this evaluation needs, or null when nothing is waived by commitment. */
export function commitmentFor(v: BundleVersion, evaluation: Pick<Evaluation, 'materials' | 'items'>, applicant: Pick<User, 'name' | 'idNumber'>): CommitmentDraft | null {
  const materials = commitmentMaterials(evaluation);
  if (materials.length === 0) return null;
  const text = commitmentText({ applicant: { name: applicant.name, idNumber: applicant.idNumber ?? null }, bundle: { title: v.bundle.title }, materials });
  return { text, sha256: sha256Hex(text), materials };
}

/** A row of the commitments table as a signature (null for none). */
export function signatureFrom(r: CommitmentRow | null | undefined): SignedCommitment | null {
  return r ? { text: r.text, sha256: r.sha256, materials: r.materials, signerName: r.signer_name, signedAt: r.signed_at.toISOString() } : null;
}

async function signatureOf(db: Queryable, applicationId: string): Promise<SignedCommitment | null> {
  const { rows } = await db.query<CommitmentRow>('SELECT text, sha256, materials, signer_name, signed_at FROM commitments WHERE application_id = $1', [applicationId]);
  return signatureFrom(rows[0]);
}

/**
 * At submit: the signature kept for the application (read with it), when it covers exactly the
 * commitment the evaluation needs now; otherwise the detail that refuses the submission (path
 * `commitment`).
 */
export function checkSigned(signed: SignedCommitment | null, needed: CommitmentDraft | null): { signed: SignedCommitment | null; problem: ErrorDetail | null } {
  if (!needed) return { signed: null, problem: null };
  if (signed && signed.sha256 === needed.sha256) return { signed, problem: null };
  return { signed: null, problem: new CommitmentUnsignedError(signed !== null).details[0]! };
}

/** What one department receives: the signed text (whole, so its hash checks) and the materials of its item. */
export function commitmentForItem(signed: SignedCommitment | null, itemId: string) {
  if (!signed) return undefined;
  const materials = signed.materials.filter((m) => m.items.some((i) => i.id === itemId)).map((m) => ({ code: m.code, title: m.title }));
  if (materials.length === 0) return undefined;
  return { text: signed.text, sha256: signed.sha256, signerName: signed.signerName, signedAt: signed.signedAt, materials };
}

/** The applicant's side of 告知承诺: read the 承诺书 of a draft, and sign it. */
export class CommitmentService {
  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
    private readonly applications: ApplicationService,
  ) {}

  private async current(user: User, id: string) {
    const app = await this.applications.owned(user, id);
    // At the counter the clerk acts, but the commitment is the applicant's, in their name.
    const applicant = await this.applications.applicantOf(user, app);
    const [standard, profile] = await Promise.all([this.registry.get(app.bundle_id, app.version), profileFor(this.db, applicant)]);
    const v = regionalVersion(standard, app.region) ?? standard;
    // A filed application is judged by the evaluation it was filed with.
    const evaluation = app.evaluation ?? evaluate(v.bundle, v.catalogue, app.answers, profile);
    return { app, applicant, needed: commitmentFor(v, evaluation, applicant) };
  }

  async describe(user: User, id: string) {
    const { app, needed } = await this.current(user, id);
    const signed = await signatureOf(this.db, app.id);
    return {
      required: needed !== null,
      text: needed?.text ?? null,
      sha256: needed?.sha256 ?? null,
      liability: COMMITMENT_LIABILITY,
      materials: (needed?.materials ?? []).map((m) => ({ code: m.code, title: m.title, items: m.items.map((i) => ({ id: i.id, title: i.title })) })),
      signature: signed
        ? {
            signerName: signed.signerName,
            signedAt: signed.signedAt,
            sha256: signed.sha256,
            // A signature of another text (the answers changed it) no longer counts.
            valid: needed !== null && signed.sha256 === needed.sha256,
          }
        : null,
    };
  }

  /** The box ticked and the applicant's name typed again, exactly: signed for the text in force now. */
  async sign(user: User, id: string, body: { agreed: boolean; name: string; sha256?: string | undefined }) {
    const { app, applicant, needed } = await this.current(user, id);
    if (app.status !== 'draft') throw new AlreadySubmittedError();
    if (!needed) throw new NoCommitmentError();
    if (body.agreed !== true) throw new NotAgreedError();
    if (!signerNameMatches(body.name, applicant.name)) throw new SignerNameError();
    if (body.sha256 !== undefined && body.sha256 !== needed.sha256) throw new CommitmentChangedError();
    await this.db.transaction(async (tx) => {
      // Signing and filing take turns on the application's row: a signature never lands on a filed application.
      const { rows } = await tx.query<{ status: string }>('SELECT status FROM applications WHERE id = $1 FOR UPDATE', [app.id]);
      if (rows[0]?.status !== 'draft') throw new AlreadySubmittedError();
      await tx.query(
      `INSERT INTO commitments (application_id, text, sha256, materials, signer_id, signer_name, signed_at)
       VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (application_id) DO UPDATE SET text = EXCLUDED.text, sha256 = EXCLUDED.sha256, materials = EXCLUDED.materials,
         signer_id = EXCLUDED.signer_id, signer_name = EXCLUDED.signer_name, signed_at = EXCLUDED.signed_at`,
      [app.id, needed.text, needed.sha256, JSON.stringify(needed.materials), applicant.id, applicant.name],
      );
    });
    return this.describe(user, id);
  }
}
