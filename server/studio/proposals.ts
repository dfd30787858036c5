import { randomUUID } from 'node:crypto';
import type { Database } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import type { Principal, User } from '../auth/types.js';
import { audit } from '../audit.js';
import type { Proposal, ProposalChange, ProposalFile } from '../../shared/contracts/studio.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import { proposalDiff } from './diff.js';
import type { Draft, StudioService } from './service.js';
import { AdminApprovalRequiredError, OwnProposalError, ProposalDecidedError, ProposalNotFoundError, ProposalStaleError } from './errors.js';

interface ProposalRow {
  id: string;
  bundle_id: string;
  version: string;
  against_version: string;
  changes: ProposalChange[];
  files_changed: ProposalFile[];
  risk: Proposal['risk'];
  needs_admin: boolean;
  decision: Proposal['status'];
  author_id: string;
  author_name: string;
  created_at: Date;
  decided_by: string | null;
  decided_by_name: string | null;
  decided_at: Date | null;
  reason: string | null;
}

const SELECT = `SELECT p.id, p.bundle_id, p.version, p.against_version, p.changes, p.files_changed, p.risk, p.needs_admin, p.decision,
                       p.author_id, a.name AS author_name, p.created_at, p.decided_by, d.name AS decided_by_name, p.decided_at, p.reason
                  FROM publish_proposals p JOIN users a ON a.id = p.author_id LEFT JOIN users d ON d.id = p.decided_by`;

/**
 * Reviewed publishing (四眼原则): a designer's publish becomes a proposal with its semantic diff
 * against the current version; another person with the reviewer or admin role approves it (then,
 * and only then, it is published) or rejects it with a reason. Every step is audited.
 */
export class ProposalService {
  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
    private readonly studio: StudioService,
  ) {}

  async propose(bundleId: string, draft: Draft, principal: Principal, author: User) {
    const files = await this.studio.draftFiles(bundleId, draft);
    const proposed = await this.registry.validate(bundleId, files);
    const current = await this.registry.current(bundleId);
    const diff = proposalDiff(
      { catalogue: current.catalogue, bundle: current.bundle, files: await this.studio.versionFiles(bundleId, current.version) },
      { catalogue: proposed.catalogue, bundle: proposed.bundle, files },
    );
    const id = randomUUID();
    await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO publish_proposals (id, bundle_id, version, against_version, files, changes, files_changed, risk, needs_admin, author_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
        [id, bundleId, proposed.bundle.version, current.version, JSON.stringify(files), JSON.stringify(diff.changes), JSON.stringify(diff.files), diff.risk, diff.needsAdmin, author.id],
      );
      await audit(tx, principal, 'studio.propose', `proposal:${id}`, null, { bundleId, version: proposed.bundle.version, against: current.version, risk: diff.risk });
      // The edits now live in the proposal: the designer's saved draft of them is done with.
      await tx.query('DELETE FROM studio_drafts WHERE designer_id = $1 AND bundle_id = $2', [author.id, bundleId]);
    });
    return { proposal: { id, status: 'pending' as const, bundleId, version: proposed.bundle.version, risk: diff.risk } };
  }

  async list(status: Proposal['status'] | undefined): Promise<Proposal[]> {
    const { rows } = await this.db.query<ProposalRow>(`${SELECT} WHERE ($1::text IS NULL OR p.decision = $1) ORDER BY p.created_at DESC`, [status ?? null]);
    const titles = new Map((await this.registry.list()).map((v) => [v.bundleId, v.bundle.title]));
    return rows.map((r) => toProposal(r, titles.get(r.bundle_id) ?? r.bundle_id));
  }

  private async row(id: string): Promise<ProposalRow & { files: SourceFile[] }> {
    const { rows } = await this.db.query<ProposalRow & { files: SourceFile[] }>(`${SELECT.replace('p.id,', 'p.id, p.files,')} WHERE p.id = $1`, [id]);
    if (!rows[0]) throw new ProposalNotFoundError();
    return rows[0];
  }

  /** Checks that `reviewer` may decide this proposal: pending, not their own, an admin for delivery changes. */
  private async decidable(id: string, reviewer: User) {
    const row = await this.row(id);
    if (row.decision !== 'pending') throw new ProposalDecidedError(row.decision);
    if (row.author_id === reviewer.id) throw new OwnProposalError();
    if (row.needs_admin && reviewer.role !== 'admin') throw new AdminApprovalRequiredError();
    return row;
  }

  async approve(id: string, principal: Principal, reviewer: User) {
    const row = await this.decidable(id, reviewer);
    const current = await this.registry.current(row.bundle_id);
    if (current.version !== row.against_version) throw new ProposalStaleError(row.against_version, current.version);
    const v = await this.registry.publish(row.bundle_id, row.files, row.author_id);
    await this.db.transaction(async (tx) => {
      await tx.query(`UPDATE publish_proposals SET decision = 'approved', decided_by = $2, decided_at = now() WHERE id = $1`, [id, reviewer.id]);
      await audit(tx, principal, 'studio.approve', `proposal:${id}`, null, { bundleId: row.bundle_id, version: v.version, author: row.author_id, risk: row.risk });
    });
    return { bundleId: v.bundleId, version: v.version, seq: v.seq, publishedAt: v.publishedAt, publishedBy: row.author_id };
  }

  async reject(id: string, reason: string, principal: Principal, reviewer: User): Promise<Proposal> {
    await this.decidable(id, reviewer);
    await this.db.transaction(async (tx) => {
      const { rowCount } = await tx.query(`UPDATE publish_proposals SET decision = 'rejected', decided_by = $2, decided_at = now(), reason = $3 WHERE id = $1 AND decision = 'pending'`, [id, reviewer.id, reason]);
      if (!rowCount) throw new ProposalDecidedError('rejected');
      await audit(tx, principal, 'studio.reject', `proposal:${id}`, reason);
    });
    const row = await this.row(id);
    const titles = new Map((await this.registry.list()).map((v) => [v.bundleId, v.bundle.title]));
    return toProposal(row, titles.get(row.bundle_id) ?? row.bundle_id);
  }
}

function toProposal(r: ProposalRow, bundleTitle: string): Proposal {
  return {
    id: r.id,
    bundleId: r.bundle_id,
    bundleTitle,
    version: r.version,
    against: r.against_version,
    status: r.decision,
    risk: r.risk,
    needsAdmin: r.needs_admin,
    changes: r.changes,
    files: r.files_changed,
    authorId: r.author_id,
    authorName: r.author_name,
    createdAt: r.created_at.toISOString(),
    decidedBy: r.decided_by,
    decidedByName: r.decided_by_name,
    decidedAt: r.decided_at ? r.decided_at.toISOString() : null,
    reason: r.reason,
  };
}
