import type { Database } from '../db/types.js';
import type { StudioService, Draft } from './service.js';
import { DraftTooLargeError } from './errors.js';
import { MAX_DRAFT_CHARS, type StudioDraft } from '../../shared/contracts/studio.js';

type DraftRow = { bundle_id: string; base: string; changes: { path: string; text: string }[]; removed: string[]; saved_at: Date };

const toDraft = (r: DraftRow): StudioDraft => ({
  bundleId: r.bundle_id,
  base: r.base,
  changes: r.changes.map((c) => ({ path: c.path, text: c.text })),
  removed: r.removed,
  savedAt: r.saved_at.toISOString(),
});

/**
 * Designers' unpublished edits, kept on the server: the studio saves them a moment after each
 * pause in typing and offers them back when the designer opens the bundle again. Each designer
 * sees only their own; proposing the edits for publishing removes the draft (proposals.ts).
 */
export class StudioDraftService {
  constructor(
    private readonly db: Database,
    private readonly studio: StudioService,
  ) {}

  async get(designerId: string, bundleId: string): Promise<StudioDraft | null> {
    const { rows } = await this.db.query<DraftRow>('SELECT bundle_id, base, changes, removed, saved_at FROM studio_drafts WHERE designer_id = $1 AND bundle_id = $2', [designerId, bundleId]);
    return rows[0] ? toDraft(rows[0]) : null;
  }

  /** Replaces the designer's draft of the bundle; 404 when the base is no published version of it. */
  async save(designerId: string, bundleId: string, draft: Draft): Promise<StudioDraft> {
    const chars = draft.changes.reduce((n, f) => n + f.text.length + f.path.length, 0);
    if (chars > MAX_DRAFT_CHARS) throw new DraftTooLargeError(chars, MAX_DRAFT_CHARS);
    await this.studio.versionFiles(bundleId, draft.base);
    const { rows } = await this.db.query<DraftRow>(
      `INSERT INTO studio_drafts (designer_id, bundle_id, base, changes, removed, chars, saved_at) VALUES ($1, $2, $3, $4, $5, $6, now())
       ON CONFLICT (designer_id, bundle_id) DO UPDATE SET base = EXCLUDED.base, changes = EXCLUDED.changes, removed = EXCLUDED.removed, chars = EXCLUDED.chars, saved_at = EXCLUDED.saved_at
       RETURNING bundle_id, base, changes, removed, saved_at`,
      [designerId, bundleId, draft.base, JSON.stringify(draft.changes), JSON.stringify(draft.removed), chars],
    );
    return toDraft(rows[0]!);
  }

  async discard(designerId: string, bundleId: string): Promise<void> {
    await this.db.query('DELETE FROM studio_drafts WHERE designer_id = $1 AND bundle_id = $2', [designerId, bundleId]);
  }
}
