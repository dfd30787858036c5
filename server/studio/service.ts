import { createHash } from 'node:crypto';
import type { Database } from '../db/types.js';
import type { BundleRegistry } from '../bundles/registry.js';
import { NotFoundError } from '../errors.js';
import type { DraftBody } from '../../shared/contracts/studio.js';
import { check } from '../../shared/lint.js';
import { hasErrors, type Diagnostic } from '../../shared/diagnostic.js';
import { compose, type Lang } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import type { Catalogue } from '../../shared/model.js';

/** A designer's edits against a published version: files replaced or added, files removed. */
export interface Draft {
  base: string;
  changes: SourceFile[];
  removed: string[];
}

const short = (text: string) => createHash('sha256').update(text).digest('hex').slice(0, 12);

/** The body as the route checked it (shared/contracts/studio.ts DraftBody), absent lists empty. */
export function draftOf(body: DraftBody): Draft {
  return { base: body.base, changes: body.changes ?? [], removed: body.removed ?? [] };
}

function bundleInfo(catalogue: Catalogue, bundleId: string) {
  const b = catalogue.bundles.get(bundleId);
  return b ? { id: b.id, title: b.title, titleEn: b.titleEn, version: b.version, file: b.at.file } : null;
}

/**
 * The designer studio's server side. The lint runs here, not in the browser: shared/loader.ts
 * compiles the scenario JSON Schemas with Ajv, which generates code with `new Function`, and the
 * CSP (script-src 'self', no 'unsafe-eval') forbids that in the page. Same check(), same messages.
 */
export class StudioService {
  /** Published versions are immutable, so their files can be kept once read. */
  private readonly files = new Map<string, Promise<SourceFile[]>>();

  constructor(
    private readonly db: Database,
    private readonly registry: BundleRegistry,
  ) {}

  /** Every bundle with every published version, its items and how many applications each version has. */
  async bundles() {
    const current = await this.registry.list();
    const { rows: counts } = await this.db.query<{ bundle_id: string; version: string; submitted: string; drafts: string }>(
      `SELECT bundle_id, version, count(*) FILTER (WHERE submitted_at IS NOT NULL) AS submitted, count(*) FILTER (WHERE submitted_at IS NULL) AS drafts
         FROM applications GROUP BY bundle_id, version`,
    );
    const { rows: people } = await this.db.query<{ id: string; name: string }>('SELECT id, name FROM users WHERE id IN (SELECT published_by FROM bundle_versions)');
    const names = new Map(people.map((p) => [p.id, p.name]));
    const out = [];
    for (const v of current) {
      const versions = [];
      for (const meta of await this.registry.versions(v.bundleId)) {
        const version = await this.registry.get(v.bundleId, meta.version);
        const files = new Map((await this.versionFiles(v.bundleId, meta.version)).map((f) => [f.path, f.text]));
        const count = counts.find((c) => c.bundle_id === v.bundleId && c.version === meta.version);
        versions.push({
          version: meta.version,
          seq: meta.seq,
          publishedAt: meta.publishedAt,
          publishedBy: meta.publishedBy,
          publishedByName: meta.publishedBy ? (names.get(meta.publishedBy) ?? null) : null,
          applications: Number(count?.submitted ?? 0),
          drafts: Number(count?.drafts ?? 0),
          bundleFile: version.bundle.at.file,
          items: version.bundle.items.map((bi) => {
            const item = version.catalogue.items.get(bi.item);
            const file = item?.at.file ?? null;
            return {
              id: bi.item,
              title: item?.title ?? bi.item,
              titleEn: item?.titleEn ?? bi.item,
              department: item?.department ?? null,
              departmentName: item ? (version.catalogue.departments.get(item.department)?.name ?? item.department) : null,
              departmentNameEn: item ? (version.catalogue.departments.get(item.department)?.nameEn ?? item.department) : null,
              timeLimitDays: item?.timeLimitDays ?? null,
              optional: bi.optional,
              file,
              // Lets the studio show in which version an item's file last changed.
              hash: file ? short(files.get(file) ?? '') : null,
            };
          }),
        });
      }
      out.push({ id: v.bundleId, title: v.bundle.title, titleEn: v.bundle.titleEn, audience: v.bundle.audience ?? null, current: v.version, versions });
    }
    return out;
  }

  async versionFiles(bundleId: string, version: string): Promise<SourceFile[]> {
    const key = `${bundleId}@${version}`;
    let p = this.files.get(key);
    if (!p) {
      p = this.db.query<{ files: SourceFile[] }>('SELECT files FROM bundle_versions WHERE bundle_id = $1 AND version = $2', [bundleId, version]).then(({ rows }) => {
        if (!rows[0]) throw new NotFoundError(`没有这个版本：${bundleId}@${version}`, `No such bundle version: ${bundleId}@${version}`);
        return rows[0].files.map((f) => ({ path: f.path, text: f.text }));
      });
      p.catch(() => this.files.delete(key));
      this.files.set(key, p);
    }
    return p;
  }

  /** The base version's files with the draft applied, sorted by path like the CLI reads a folder. */
  async draftFiles(bundleId: string, draft: Draft): Promise<SourceFile[]> {
    const byPath = new Map((await this.versionFiles(bundleId, draft.base)).map((f) => [f.path, f]));
    for (const p of draft.removed) byPath.delete(p);
    for (const f of draft.changes) byPath.set(f.path, f);
    return [...byPath.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Lints the draft and, when it is clean, previews the bundle as the citizen would get it for
   * the given answers: the composed form, the evaluation (items, materials and why) and savings.
   */
  async check(bundleId: string, draft: Draft, answers: Record<string, unknown>, lang: Lang) {
    const files = await this.draftFiles(bundleId, draft);
    const { catalogue, diagnostics } = check(files);
    const errors = diagnostics.filter((d) => d.severity === 'error').length;
    const bundle = catalogue.bundles.get(bundleId);
    let preview = null;
    if (bundle && !hasErrors(diagnostics)) {
      const evaluation = evaluate(bundle, catalogue, answers);
      const form = compose(bundle, catalogue, { evaluation, lang });
      preview = {
        form: { schema: form.schema, uiSchema: form.uiSchema, sections: form.sections, elements: form.elements, included: form.included },
        evaluation: {
          eligible: evaluation.eligible,
          ineligible: evaluation.ineligible,
          notices: evaluation.notices,
          visits: evaluation.visits,
          items: evaluation.items,
          materials: evaluation.materials.map((m) => ({ code: m.code, title: m.title, titleEn: m.titleEn, disposition: m.disposition, reason: m.reason, reasonEn: m.reasonEn, items: m.items, form: m.form })),
          notRequired: evaluation.notRequired,
          firedRules: evaluation.firedRules,
        },
        savings: account(bundle, catalogue, evaluation),
        official: bundle.official ?? null,
        examples: bundle.examples,
        departments: Object.fromEntries([...catalogue.departments.values()].map((d) => [d.code, { name: d.name, nameEn: d.nameEn, shortName: d.shortName, shortNameEn: d.shortNameEn }])),
      };
    }
    return {
      bundle: bundleInfo(catalogue, bundleId),
      files: files.length,
      errors,
      warnings: diagnostics.length - errors,
      diagnostics: diagnostics satisfies readonly Diagnostic[],
      preview,
    };
  }

  async publish(bundleId: string, draft: Draft, by: string) {
    const files = await this.draftFiles(bundleId, draft);
    const v = await this.registry.publish(bundleId, files, by);
    return { bundleId: v.bundleId, version: v.version, seq: v.seq, publishedAt: v.publishedAt, publishedBy: by };
  }
}
