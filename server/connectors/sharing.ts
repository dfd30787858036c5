/*
 * Data sharing that really happens: at submit every material the evaluation waives by sharing
 * (免提交 · 数据共享) is fetched from the licence library and kept with its evidence; only a
 * fetched licence counts as waived. What the exchange could not answer at submit is fetched by
 * the dispatch worker before any delivery that needs it (a sub-application waits for its
 * fetches); a licence the library turns out not to hold is asked of the applicant once, as a
 * 补正 of the items that need it, and then counts as handed in.
 *
 *   material_fetches  one row per (application, material): pending → fetched | missing → supplied
 */
import type { Database, Queryable } from '../db/types.js';
import type { Logger } from '../log.js';
import type { MaterialStore } from '../materials/store.js';
import type { User } from '../auth/types.js';
import type { BundleVersion } from '../bundles/registry.js';
import type { Evaluation } from '../../shared/evaluate.js';
import { chinaToday } from '../../shared/beijing-time.js';
import { holderFor, licenceKey } from '../applications/profile.js';
import { transition } from '../subapps/transition.js';
import type { SubPayload, SupplementRequest } from '../applications/service.js';
import type { CallContext, ConnectorRegistry, Holder, LicenceRecord } from './types.js';

/** What proves a material was fetched, kept with the application and sent to the department. */
export interface Evidence {
  source: string;
  licenceNumber: string;
  issuer: string;
  issuedOn: string;
  validUntil: string | null;
  sha256: string;
  fetchedAt: string;
}

export interface Fetched {
  evidence: Evidence;
  fields: Record<string, unknown>;
  mime: string;
  size: number;
}

/** What became of one sharing material at submit. */
export type Prefetch = { code: string; type: string; holder: Holder | null; fetched?: Fetched; error?: string };

export interface SharingDeps {
  db: Database;
  store: MaterialStore;
  connectors: ConnectorRegistry;
  logger: Logger;
  /** Longest gap between two fetch attempts of a pending licence. */
  maxGapMs?: number;
  /** First gap; doubles. */
  baseGapMs?: number;
}

/** The licence type behind a material row: itself, or the first alternative a connector serves ("A或B"). */
function licenceType(code: string, connectors: ConnectorRegistry): string {
  const options = code.split('|');
  return options.find((c) => connectors.licenceFor(c)) ?? options[0]!;
}

export function fileNameFor(title: string): string {
  return `${title}（电子证照）.pdf`;
}

type FetchOutcome = { fetched?: Fetched; error?: string; missing?: 'missing' | 'expired' };

/** A fetched licence file to keep among an application's materials. */
interface AttachedFile {
  code: string;
  title: string;
  f: Fetched;
}

/**
 * The statement parts that keep fetched files (the application's id is `$1`; `at` numbers each
 * further value): each file's blob, and the file as the application's material from 'sharing'.
 * The foreign keys are checked when the whole statement ends.
 */
function attachingCtes(files: readonly AttachedFile[], at: (value: unknown) => string): string[] {
  if (!files.length) return [];
  const blobs = files.map(({ f }) => `(${at(f.evidence.sha256)}, ${at(f.size)}::bigint, ${at(f.mime)})`);
  const materials = files.map(({ code, title, f }) => `($1::uuid, ${at(code)}, ${at(f.evidence.sha256)}, ${at(fileNameFor(title))}, 'sharing')`);
  return [
    `b AS (INSERT INTO blobs (sha256, size, mime) VALUES ${blobs.join(', ')} ON CONFLICT (sha256) DO NOTHING)`,
    `m AS (INSERT INTO application_materials (application_id, code, sha256, file_name, source) VALUES ${materials.join(', ')}
       ON CONFLICT (application_id, code) DO UPDATE SET sha256 = EXCLUDED.sha256, file_name = EXCLUDED.file_name, source = 'sharing', uploaded_at = now())`,
  ];
}

interface FetchRow {
  application_id: string;
  code: string;
  holder: Holder | null;
  attempts: number;
  applicant_id: string;
}

export class SharingService {
  constructor(private readonly d: SharingDeps) {}

  /** The sharing materials of an evaluation (the ones that must be fetched to count as waived). */
  sharingMaterials(evaluation: Evaluation): { code: string; title: string }[] {
    return evaluation.materials.filter((m) => m.disposition === 'sharing').map((m) => ({ code: m.code, title: m.title }));
  }

  /**
   * Fetches every sharing material with its file, before the submit transaction (no connection
   * is held while the exchange answers). A failure is not an error: the material stays pending
   * and the dispatch worker fetches it before the delivery that needs it.
   */
  async prefetch(
    user: User,
    applicationId: string,
    v: BundleVersion,
    evaluation: Evaluation,
    data: Readonly<Record<string, unknown>>,
    answered?: ReadonlyMap<string, LicenceRecord | null>,
  ): Promise<Prefetch[]> {
    const context: CallContext = { actor: `citizen:${user.id}`, applicationId, purpose: 'submit' };
    return Promise.all(
      this.sharingMaterials(evaluation).map(async ({ code }): Promise<Prefetch> => {
        const type = licenceType(code, this.d.connectors);
        const holder = holderFor(type, user, data);
        if (!holder) return { code, type, holder: null, error: 'no holder identity to ask the library with' };
        // Already fetched with its file when the profile was read for this submission (one call per licence).
        const key = licenceKey(type, holder);
        const outcome = answered?.has(key) ? await this.keep(answered.get(key) ?? null, this.d.connectors.licenceFor(type)?.connector.id ?? '') : await this.fetchOne(type, holder, context);
        return { code, type, holder, ...outcome };
      }),
    ).then((list) => {
      void v;
      return list;
    });
  }

  /** One fetch with the file; the file is stored by content before anything refers to it. */
  private async fetchOne(type: string, holder: Holder, context: CallContext): Promise<FetchOutcome> {
    const audited = this.d.connectors.licenceFor(type);
    if (!audited) return { missing: 'missing', error: 'no connector serves this licence type' };
    try {
      return await this.keep(await audited.fetch({ type, holder, withFile: true }, context), audited.connector.id);
    } catch (err) {
      return { error: (err as Error).message.slice(0, 500) };
    }
  }

  /** What the library answered for a fetch with the file: the file stored by content, with its evidence. */
  private async keep(found: LicenceRecord | null, source: string): Promise<FetchOutcome> {
    try {
      if (!found) return { missing: 'missing' };
      if (found.validUntil !== null && found.validUntil < chinaToday()) return { missing: 'expired' };
      if (!found.file) return { error: 'the library sent no file' };
      const blob = await this.d.store.put(found.file.data);
      return {
        fetched: {
          evidence: {
            source,
            licenceNumber: found.licenceNumber,
            issuer: found.issuer,
            issuedOn: found.issuedOn,
            validUntil: found.validUntil,
            sha256: blob.sha256,
            fetchedAt: new Date().toISOString(),
          },
          fields: found.fields,
          mime: found.file.contentType,
          size: blob.size,
        },
      };
    } catch (err) {
      return { error: (err as Error).message.slice(0, 500) };
    }
  }

  /**
   * Parts of the statement that files (server/subapps/transition.ts `file`, the application's id
   * `$1`): one material_fetches row per sharing material (fetched, or pending for the worker), the
   * fetched files among the application's materials.
   */
  recording(v: BundleVersion, prefetched: readonly Prefetch[], at: (value: unknown) => string): string[] {
    if (!prefetched.length) return [];
    const fetches: string[] = [];
    const files: AttachedFile[] = [];
    for (const p of prefetched) {
      const f = p.fetched;
      if (f) files.push({ code: p.code, title: v.catalogue.materials.get(p.type)?.title ?? p.code, f });
      fetches.push(
        `($1::uuid, ${at(p.code)}, ${at(JSON.stringify(p.holder ?? {}))}::jsonb, ${at(f ? 'fetched' : 'pending')}, 1, ${at(f ? null : new Date())}::timestamptz, ${at(p.error ?? null)}, ` +
          `${at(f ? JSON.stringify(f.evidence) : null)}::jsonb, ${at(f ? JSON.stringify(f.fields) : null)}::jsonb, ${at(f?.evidence.sha256 ?? null)})`,
      );
    }
    return [
      ...attachingCtes(files, at),
      `fetches AS (INSERT INTO material_fetches (application_id, code, holder, state, attempts, next_attempt_at, last_error, evidence, fields, sha256)
       VALUES ${fetches.join(', ')}
       ON CONFLICT (application_id, code) DO NOTHING)`,
    ];
  }

  private async attachFile(tx: Queryable, applicationId: string, code: string, title: string, f: Fetched): Promise<void> {
    const params: unknown[] = [applicationId];
    const ctes = attachingCtes([{ code, title, f }], (v) => `$${params.push(v)}`);
    await tx.query(`WITH ${ctes.join(', ')} SELECT 1`, params);
  }

  /** What a department receives for a fetched material: the file, its evidence and its fields. */
  static attachment(title: string, f: Fetched): Record<string, unknown> {
    return { sha256: f.evidence.sha256, fileName: fileNameFor(title), mime: f.mime, evidence: f.evidence, licence: { fields: f.fields } };
  }

  /** Adds the fetched licences to split payloads' materials (before filing). */
  enrich<P extends { materials: { code: string; title: string; disposition: string }[] }>(payload: P, prefetched: readonly Prefetch[]): P {
    const byCode = new Map(prefetched.filter((p) => p.fetched).map((p) => [p.code, p.fetched!]));
    return {
      ...payload,
      materials: payload.materials.map((m) => {
        const f = m.disposition === 'sharing' ? byCode.get(m.code) : undefined;
        return f ? { ...m, ...SharingService.attachment(m.title, f) } : m;
      }),
    };
  }

  /** Waived by sharing counts only what was fetched: the pending ones count when they are. */
  earnedSavings<S>(savings: S, prefetched: readonly Prefetch[]): S {
    const s = savings as { materials?: { waived?: { sharing?: number } } };
    if (!s.materials?.waived) return savings;
    const fetched = prefetched.filter((p) => p.fetched).length;
    return { ...savings, materials: { ...s.materials, waived: { ...s.materials.waived, sharing: fetched } } } as S;
  }

  // --- the dispatch worker's part ----------------------------------------------------------

  /**
   * Fetches the pending licences that are due (claimed with a lease, so two workers never fetch
   * one material twice), then asks the applicant for the ones the library does not hold.
   * Returns how many it handled.
   */
  async runDue(limit = 16, leaseMs = 60_000): Promise<number> {
    const { rows } = await this.d.db.query<FetchRow>(
      `WITH due AS (
         SELECT application_id, code FROM material_fetches
          WHERE state = 'pending' AND next_attempt_at <= now()
          ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       UPDATE material_fetches f SET attempts = f.attempts + 1, next_attempt_at = now() + make_interval(secs => $2::double precision / 1000), updated_at = now()
         FROM due, applications a
        WHERE f.application_id = due.application_id AND f.code = due.code AND a.id = f.application_id
       RETURNING f.application_id, f.code, f.holder, f.attempts, a.applicant_id`,
      [limit, leaseMs],
    );
    await Promise.all(rows.map((row) => this.retry(row)));
    const asked = await this.askMissing();
    return rows.length + asked;
  }

  private async retry(row: FetchRow): Promise<void> {
    const type = licenceType(row.code, this.d.connectors);
    const holder = row.holder && (row.holder.idNumber || row.holder.creditCode) ? row.holder : null;
    const outcome = holder
      ? await this.fetchOne(type, holder, { actor: 'system:dispatch', applicationId: row.application_id, purpose: 'dispatch' })
      : { missing: 'missing' as const };
    const title = await this.titleOf(row.application_id, type);
    await this.d.db.transaction(async (tx) => {
      const still = await tx.query(`SELECT 1 FROM material_fetches WHERE application_id = $1 AND code = $2 AND state = 'pending' AND attempts = $3 FOR UPDATE`, [row.application_id, row.code, row.attempts]);
      if (!still.rowCount) return;
      if (outcome.fetched) {
        const f = outcome.fetched;
        await this.attachFile(tx, row.application_id, row.code, title, f);
        await tx.query(
          `UPDATE material_fetches SET state = 'fetched', evidence = $3, fields = $4, sha256 = $5, next_attempt_at = NULL, last_error = NULL, updated_at = now() WHERE application_id = $1 AND code = $2`,
          [row.application_id, row.code, JSON.stringify(f.evidence), JSON.stringify(f.fields), f.evidence.sha256],
        );
        await patchPayloads(tx, row.application_id, row.code, SharingService.attachment(title, f));
        await bumpSavings(tx, row.application_id, '{materials,waived,sharing}');
      } else if ('missing' in outcome && outcome.missing) {
        await tx.query(
          `UPDATE material_fetches SET state = 'missing', next_attempt_at = NULL, last_error = $3, updated_at = now() WHERE application_id = $1 AND code = $2`,
          [row.application_id, row.code, outcome.missing === 'expired' ? '电子证照已过期 / the licence has expired' : '电子证照库中未查到 / not in the licence library'],
        );
      } else {
        const gap = Math.min(this.d.maxGapMs ?? 300_000, (this.d.baseGapMs ?? 1000) * 2 ** Math.min(20, row.attempts - 1));
        await tx.query(
          `UPDATE material_fetches SET next_attempt_at = now() + make_interval(secs => $3::double precision / 1000), last_error = $4, updated_at = now() WHERE application_id = $1 AND code = $2`,
          [row.application_id, row.code, gap * (0.8 + Math.random() * 0.4), outcome.error ?? 'fetch failed'],
        );
      }
    });
    if (!outcome.fetched && !('missing' in outcome && outcome.missing)) this.d.logger.warn({ application: row.application_id, material: row.code, attempts: row.attempts, error: outcome.error }, 'sharing: licence fetch failed; will retry');
  }

  private async titleOf(applicationId: string, code: string): Promise<string> {
    const { rows } = await this.d.db.query<{ title: string | null }>(
      `SELECT m->>'title' AS title FROM sub_applications s, jsonb_array_elements(s.payload->'materials') m
        WHERE s.application_id = $1 AND m->>'code' = $2 LIMIT 1`,
      [applicationId, code],
    );
    return rows[0]?.title ?? code;
  }

  /**
   * 补正 for a licence the library does not hold: every queued item that needs it is asked for
   * it (once; an item still waiting for earlier ones is asked when it is released).
   */
  private async askMissing(): Promise<number> {
    const { rows } = await this.d.db.query<{ id: string; application_id: string; codes: string[]; reasons: string[] }>(
      `SELECT s.id, s.application_id, array_agg(f.code ORDER BY f.code) AS codes, array_agg(coalesce(f.last_error, '') ORDER BY f.code) AS reasons
         FROM material_fetches f
         JOIN sub_applications s ON s.application_id = f.application_id AND s.status = 'queued'
              AND s.payload->'materials' @> jsonb_build_array(jsonb_build_object('code', f.code, 'disposition', 'sharing'))
        WHERE f.state = 'missing'
        GROUP BY s.id, s.application_id
        LIMIT 50`,
    );
    for (const r of rows) {
      await this.d.db.transaction(async (tx) => {
        await transition(tx, {
          transition: 'ask',
          id: r.id,
          applicationId: r.application_id,
          actor: 'system:sharing',
          supplement: {
            reason: `电子证照库中未能获取以下材料，请上传：${r.reasons.map((why, i) => `${r.codes[i]}（${why.split(' / ')[0] || '未查到'}）`).join('、')}`,
            materials: r.codes,
            fields: [],
            elements: [],
            requestedAt: new Date().toISOString(),
          },
          note: { materials: r.codes, reason: 'licence not obtainable through data sharing' },
        });
      });
    }
    return rows.length;
  }

  /**
   * The applicant handed in a licence the library did not hold (answering the 补正): it now counts
   * as handed in, and every other item that waits for it goes on with the uploaded file.
   */
  async supplied(tx: Queryable, applicationId: string, codes: readonly string[], file: (code: string) => { sha256: string; file_name: string; mime: string } | undefined): Promise<string[]> {
    const { rows } = await tx.query<{ code: string }>(
      `UPDATE material_fetches SET state = 'supplied', updated_at = now() WHERE application_id = $1 AND code = ANY($2::text[]) AND state = 'missing' RETURNING code`,
      [applicationId, codes],
    );
    for (const { code } of rows) {
      const f = file(code);
      if (!f) continue;
      await patchPayloads(tx, applicationId, code, { disposition: 'upload', sha256: f.sha256, fileName: f.file_name, mime: f.mime });
      await bumpSavings(tx, applicationId, '{materials,handedIn}');
    }
    // The other items the system asked for these licences go on with the same file: asked once.
    const asked = await tx.query<{ id: string; payload: SubPayload; supplement: SupplementRequest }>(
      `SELECT s.id, s.payload, s.supplement FROM sub_applications s
        WHERE s.application_id = $1 AND s.status = 'supplement'
          AND (SELECT e.actor FROM sub_application_events e WHERE e.sub_application_id = s.id ORDER BY e.id DESC LIMIT 1) = 'system:sharing'
        FOR UPDATE`,
      [applicationId],
    );
    const done = await tx.query<{ code: string }>(`SELECT code FROM material_fetches WHERE application_id = $1 AND state = 'supplied'`, [applicationId]);
    const supplied = new Set(done.rows.map((r) => r.code));
    for (const sub of asked.rows) {
      if (!sub.supplement.materials.every((c) => supplied.has(c))) continue;
      await transition(tx, {
        transition: 'resubmit', id: sub.id, applicationId, actor: 'system:sharing', payload: sub.payload,
        note: { supplied: { fields: [], materials: sub.supplement.materials } },
      });
    }
    return rows.map((r) => r.code);
  }
}

/**
 * Adds `extra` to the material `code` of the application's items not yet delivered (they wait
 * for it), in one statement per call so a concurrent release's write is never lost.
 */
async function patchPayloads(tx: Queryable, applicationId: string, code: string, extra: Record<string, unknown>): Promise<void> {
  await tx.query(
    `UPDATE sub_applications s SET payload = jsonb_set(s.payload, '{materials}', (
        SELECT coalesce(jsonb_agg(CASE WHEN m->>'code' = $2 AND m->>'disposition' = 'sharing' THEN m || $3::jsonb ELSE m END ORDER BY ord), '[]'::jsonb)
          FROM jsonb_array_elements(s.payload->'materials') WITH ORDINALITY AS e(m, ord))), updated_at = now()
      WHERE s.application_id = $1 AND s.payload->'materials' @> jsonb_build_array(jsonb_build_object('code', $2::text))`,
    [applicationId, code, JSON.stringify(extra)],
  );
}

async function bumpSavings(tx: Queryable, applicationId: string, path: string): Promise<void> {
  await tx.query(
    `UPDATE applications SET savings = jsonb_set(savings, $2::text[], to_jsonb(coalesce((savings #>> $2::text[])::int, 0) + 1)) WHERE id = $1 AND savings IS NOT NULL`,
    [applicationId, path],
  );
}
