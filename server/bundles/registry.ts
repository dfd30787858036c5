import { createHash } from 'node:crypto';
import type { Database, Queryable } from '../db/types.js';
import type { Logger } from '../log.js';
import { load } from '../../shared/loader.js';
import { check } from '../../shared/lint.js';
import { hasErrors, formatDiagnostic, type Diagnostic } from '../../shared/diagnostic.js';
import type { Bundle, Catalogue } from '../../shared/model.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';

/** One published, immutable version of a bundle, with the catalogue it was published from. */
export interface BundleVersion {
  bundleId: string;
  version: string;
  seq: number;
  contentHash: string;
  publishedAt: Date;
  catalogue: Catalogue;
  bundle: Bundle;
}

interface VersionRow {
  bundle_id: string;
  version: string;
  seq: number;
  content_hash: string;
  published_at: Date;
}

export function contentHash(files: readonly SourceFile[]): string {
  const h = createHash('sha256');
  for (const f of [...files].sort((a, b) => a.path.localeCompare(b.path))) h.update(f.path).update('\0').update(f.text).update('\0');
  return h.digest('hex');
}

const versionTaken = (version: string) =>
  new ConflictError(`版本 ${version} 已发布，发布新版本须修改 version`, `Version ${version} is already published; give the new one another version`, [
    { path: 'version', message: '已发布的版本不可修改', messageEn: 'published versions are immutable' },
  ]);

/**
 * Published bundle versions live in the database with the scenario files they came from; the
 * catalogue of each file set is loaded once and kept (many versions share one file set).
 */
export class BundleRegistry {
  private readonly catalogues = new Map<string, Promise<Catalogue>>();
  /** Published versions already read, by bundle and version (they never change). */
  private readonly versionsRead = new Map<string, Promise<BundleVersion>>();

  constructor(
    private readonly db: Database,
    private readonly logger: Logger,
  ) {}

  /**
   * Publishes every bundle of the folder whose version is not published yet. A published version
   * whose files changed without a new `version:` keeps its published content, with a warning:
   * versions are immutable.
   */
  async publishFolder(files: readonly SourceFile[]): Promise<{ published: string[]; diagnostics: readonly Diagnostic[] }> {
    // The same full lint as the CLI and the studio: schema validity alone would let an unknown
    // item or a cycle through.
    const { catalogue, diagnostics } = check(files);
    if (hasErrors(diagnostics)) {
      this.logger.error({ errors: diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic) }, 'scenario files do not lint: nothing published');
      return { published: [], diagnostics };
    }
    const hash = contentHash(files);
    const published: string[] = [];
    for (const bundle of catalogue.bundles.values()) {
      const outcome = await this.db.transaction((tx) => this.insertVersion(tx, bundle, files, hash, null));
      if (outcome === 'inserted') published.push(`${bundle.id}@${bundle.version}`);
      if (outcome === 'changed') {
        this.logger.warn({ bundle: bundle.id, version: bundle.version }, 'scenario files changed but this version is already published; raise `version:` to publish the change');
      }
    }
    this.catalogues.set(hash, Promise.resolve(catalogue));
    return { published, diagnostics };
  }

  /**
   * The bundle a designer's files would publish, refused as publishing would refuse it: files
   * that do not lint (422), no such bundle in them (404), a version already published (409).
   */
  async validate(bundleId: string, files: readonly SourceFile[]): Promise<{ catalogue: Catalogue; bundle: Bundle }> {
    // check(), not load(): a designer's files must pass the whole lint (unknown items, cycles…), not only the schemas.
    const { catalogue, diagnostics } = check(files);
    if (hasErrors(diagnostics)) {
      throw new ValidationError(
        diagnostics.filter((d) => d.severity === 'error').map((d) => ({ path: `${d.file}:${d.line}:${d.col}`, message: d.messageZh, messageEn: d.message })),
        '场景文件未通过检查，不能发布',
        'The scenario files do not lint; nothing was published',
      );
    }
    const bundle = catalogue.bundles.get(bundleId);
    if (!bundle) throw new NotFoundError(`文件中没有一件事 ${bundleId}`, `No bundle ${bundleId} in the files`);
    const { rows } = await this.db.query('SELECT 1 FROM bundle_versions WHERE bundle_id = $1 AND version = $2', [bundleId, bundle.version]);
    if (rows.length > 0) throw versionTaken(bundle.version);
    return { catalogue, bundle };
  }

  /** Publishes one bundle from files a reviewer approved (the studio). Refuses files that do not lint. */
  async publish(bundleId: string, files: readonly SourceFile[], by: string): Promise<BundleVersion> {
    const { catalogue, bundle } = await this.validate(bundleId, files);
    const hash = contentHash(files);
    const outcome = await this.db.transaction((tx) => this.insertVersion(tx, bundle, files, hash, by));
    if (outcome !== 'inserted') throw versionTaken(bundle.version);
    this.catalogues.set(hash, Promise.resolve(catalogue));
    return this.get(bundleId, bundle.version);
  }

  private async insertVersion(tx: Queryable, bundle: Bundle, files: readonly SourceFile[], hash: string, by: string | null): Promise<'inserted' | 'same' | 'changed'> {
    // Serialises publishers of one bundle so `seq` stays gapless and unique.
    await tx.query(`SELECT pg_advisory_xact_lock(hashtext('yijianshi.publish:' || $1))`, [bundle.id]);
    const existing = await tx.query<{ content_hash: string }>('SELECT content_hash FROM bundle_versions WHERE bundle_id = $1 AND version = $2', [bundle.id, bundle.version]);
    const row = existing.rows[0];
    if (row) return row.content_hash === hash ? 'same' : 'changed';
    await tx.query(
      `INSERT INTO bundle_versions (bundle_id, version, seq, content_hash, title, files, published_by)
       VALUES ($1, $2, (SELECT COALESCE(max(seq), 0) + 1 FROM bundle_versions WHERE bundle_id = $1), $3, $4, $5, $6)`,
      [bundle.id, bundle.version, hash, bundle.title, JSON.stringify(files), by],
    );
    return 'inserted';
  }

  private async catalogueFor(hash: string): Promise<Catalogue> {
    let c = this.catalogues.get(hash);
    if (!c) {
      c = this.db
        .query<{ files: SourceFile[] }>('SELECT files FROM bundle_versions WHERE content_hash = $1 LIMIT 1', [hash])
        .then(({ rows }) => {
          if (!rows[0]) throw new Error(`no published files with hash ${hash}`);
          return load(rows[0].files).catalogue;
        });
      c.catch(() => this.catalogues.delete(hash));
      this.catalogues.set(hash, c);
    }
    return c;
  }

  private async toVersion(row: VersionRow): Promise<BundleVersion> {
    const catalogue = await this.catalogueFor(row.content_hash);
    const bundle = catalogue.bundles.get(row.bundle_id);
    if (!bundle) throw new Error(`published files of ${row.bundle_id}@${row.version} do not contain it`);
    return { bundleId: row.bundle_id, version: row.version, seq: row.seq, contentHash: row.content_hash, publishedAt: row.published_at, catalogue, bundle };
  }

  /** The newest published version of every bundle. */
  async list(): Promise<BundleVersion[]> {
    const { rows } = await this.db.query<VersionRow>(
      `SELECT DISTINCT ON (bundle_id) bundle_id, version, seq, content_hash, published_at
         FROM bundle_versions ORDER BY bundle_id, seq DESC`,
    );
    return Promise.all(rows.map((r) => this.toVersion(r)));
  }

  async current(bundleId: string): Promise<BundleVersion> {
    const { rows } = await this.db.query<VersionRow>(
      'SELECT bundle_id, version, seq, content_hash, published_at FROM bundle_versions WHERE bundle_id = $1 ORDER BY seq DESC LIMIT 1',
      [bundleId],
    );
    if (!rows[0]) throw new NotFoundError(`没有这个一件事：${bundleId}`, `No such bundle: ${bundleId}`);
    return this.toVersion(rows[0]);
  }

  /**
   * Published versions are immutable, so a version once read is kept (a failed read is not):
   * every submission, application detail and department read asked for the same row again.
   */
  async get(bundleId: string, version: string): Promise<BundleVersion> {
    const key = `${bundleId}\0${version}`;
    let v = this.versionsRead.get(key);
    if (!v) {
      v = this.read(bundleId, version);
      v.catch(() => this.versionsRead.delete(key));
      this.versionsRead.set(key, v);
    }
    return v;
  }

  private async read(bundleId: string, version: string): Promise<BundleVersion> {
    const { rows } = await this.db.query<VersionRow>(
      'SELECT bundle_id, version, seq, content_hash, published_at FROM bundle_versions WHERE bundle_id = $1 AND version = $2',
      [bundleId, version],
    );
    if (!rows[0]) throw new NotFoundError(`没有这个版本：${bundleId}@${version}`, `No such bundle version: ${bundleId}@${version}`);
    return this.toVersion(rows[0]);
  }

  async versions(bundleId: string): Promise<{ version: string; seq: number; publishedAt: Date; publishedBy: string | null }[]> {
    const { rows } = await this.db.query<{ version: string; seq: number; published_at: Date; published_by: string | null }>(
      'SELECT version, seq, published_at, published_by FROM bundle_versions WHERE bundle_id = $1 ORDER BY seq',
      [bundleId],
    );
    return rows.map((r) => ({ version: r.version, seq: r.seq, publishedAt: r.published_at, publishedBy: r.published_by }));
  }
}
