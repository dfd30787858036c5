// 办结结果文书: the files a department attaches when it completes an item (a certificate, a
// decision). Checked by content like an applicant's upload, kept in the material store by sha256,
// listed with the item for its department and for the applicant.
import { randomUUID } from 'node:crypto';
import type { Queryable } from '../db/types.js';
import type { MaterialStore } from '../materials/store.js';
import { sniffType } from '../materials/sniff.js';
import { displayName } from '../materials/upload.js';
import { ValidationError, type ErrorDetail } from '../errors.js';
import { acceptedLabels, formatBytes } from '../../shared/uploads.js';
import { MAX_RESULT_DOCUMENTS, MAX_RESULT_DOCUMENTS_BYTES, MAX_RESULT_TITLE, type ResultDocument } from '../../shared/contracts/results.js';
import { ResultDocumentNotFoundError } from './errors.js';

export interface PreparedDocument {
  readonly title: string;
  readonly fileName: string;
  readonly mime: string;
  readonly data: Buffer;
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
// Checked before the query: PostgreSQL refuses a malformed uuid with an error, not an empty answer.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const isUuid = (id: string): boolean => UUID.test(id);

/**
 * The documents of a completion, each decoded and judged by its first bytes; every problem is
 * refused at once (422), naming the document and the part: `documents[1].content`.
 */
export function prepareDocuments(given: unknown): PreparedDocument[] {
  if (given === undefined) return [];
  const details: ErrorDetail[] = [];
  if (!Array.isArray(given)) throw new ValidationError([{ path: 'documents', message: '应为文书列表', messageEn: 'must be a list of documents' }]);
  if (given.length > MAX_RESULT_DOCUMENTS) {
    throw new ValidationError([{ path: 'documents', message: `一次最多附 ${MAX_RESULT_DOCUMENTS} 份文书`, messageEn: `at most ${MAX_RESULT_DOCUMENTS} documents` }]);
  }
  const labels = acceptedLabels();
  const out: PreparedDocument[] = [];
  given.forEach((raw: unknown, i) => {
    const d = (raw ?? {}) as Record<string, unknown>;
    const title = typeof d.title === 'string' ? d.title.trim() : '';
    if (!title || title.length > MAX_RESULT_TITLE) {
      details.push({ path: `documents[${i}].title`, message: `须填写文书名称（不超过 ${MAX_RESULT_TITLE} 个字）`, messageEn: `give the document a title (at most ${MAX_RESULT_TITLE} characters)` });
    }
    const content = typeof d.content === 'string' ? d.content : '';
    const data = content.length % 4 === 0 && BASE64.test(content) ? Buffer.from(content, 'base64') : null;
    if (!data || data.length === 0) {
      details.push({ path: `documents[${i}].content`, message: '文件内容应为 base64 编码且不能为空', messageEn: 'the file must be base64 and not empty' });
      return;
    }
    const type = sniffType(data);
    if (!type) {
      details.push({
        path: `documents[${i}].content`,
        message: `文件内容不是 ${labels.zh}（按文件内容判断，与文件名无关）`,
        messageEn: `the content is not ${labels.en} (judged by the content, not the file name)`,
      });
      return;
    }
    out.push({ title, fileName: displayName(typeof d.fileName === 'string' ? d.fileName : `${title}.${type.ext}`), mime: type.mime, data });
  });
  const total = out.reduce((n, d) => n + d.data.length, 0);
  if (total > MAX_RESULT_DOCUMENTS_BYTES) {
    const limit = formatBytes(MAX_RESULT_DOCUMENTS_BYTES);
    details.push({ path: 'documents', message: `办结文书合计不能超过 ${limit.zh}`, messageEn: `the documents may be at most ${limit.en} together` });
  }
  if (details.length) throw new ValidationError(details, '办结文书有误', 'A result document is invalid');
  return out;
}

export interface StoredDocument extends Omit<PreparedDocument, 'data'> {
  readonly sha256: string;
  readonly size: number;
}

/** Before the completion's transaction: bytes stored twice are stored once, and unused ones harm nothing. */
export async function storeDocuments(store: MaterialStore, docs: readonly PreparedDocument[]): Promise<StoredDocument[]> {
  const out: StoredDocument[] = [];
  for (const d of docs) {
    const blob = await store.put(d.data);
    out.push({ title: d.title, fileName: d.fileName, mime: d.mime, sha256: blob.sha256, size: blob.size });
  }
  return out;
}

/** Inside the completion's transaction: the documents belong to the item from now on. */
export async function recordDocuments(tx: Queryable, sub: { id: string; applicationId: string }, actor: string, docs: readonly StoredDocument[]): Promise<void> {
  const { rows } = await tx.query<{ n: number }>('SELECT coalesce(max(position), -1)::int + 1 AS n FROM result_documents WHERE sub_application_id = $1', [sub.id]);
  let position = rows[0]?.n ?? 0;
  for (const d of docs) {
    await tx.query('INSERT INTO blobs (sha256, size, mime) VALUES ($1, $2, $3) ON CONFLICT (sha256) DO NOTHING', [d.sha256, d.size, d.mime]);
    await tx.query(
      `INSERT INTO result_documents (id, sub_application_id, application_id, position, title, file_name, mime, size, sha256, created_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
      [randomUUID(), sub.id, sub.applicationId, position++, d.title, d.fileName, d.mime, d.size, d.sha256, actor],
    );
  }
}

type DocumentRow = { id: string; sub_application_id: string; application_id: string; title: string; file_name: string; mime: string; size: number; sha256: string; created_at: Date };

const SELECT = 'SELECT id, sub_application_id, application_id, title, file_name, mime, size, sha256, created_at FROM result_documents';

/** Each sub-application's documents in the order attached, with the link its reader downloads from. */
export async function documentsOf(db: Queryable, where: { applicationId: string } | { subId: string }, url: (row: DocumentRow) => string): Promise<Map<string, ResultDocument[]>> {
  const { rows } =
    'applicationId' in where
      ? await db.query<DocumentRow>(`${SELECT} WHERE application_id = $1 ORDER BY sub_application_id, position`, [where.applicationId])
      : await db.query<DocumentRow>(`${SELECT} WHERE sub_application_id = $1 ORDER BY position`, [where.subId]);
  const out = new Map<string, ResultDocument[]>();
  for (const r of rows) {
    const doc: ResultDocument = { id: r.id, title: r.title, fileName: r.file_name, mime: r.mime, size: Number(r.size), createdAt: r.created_at.toISOString(), url: url(r) };
    out.set(r.sub_application_id, [...(out.get(r.sub_application_id) ?? []), doc]);
  }
  return out;
}

export const applicantUrl = (r: { application_id: string; id: string }): string => `/api/applications/${r.application_id}/documents/${r.id}`;
export const departmentUrl = (r: { sub_application_id: string; id: string }): string => `/api/sub-applications/${r.sub_application_id}/documents/${r.id}`;

/** One document of one of the applicant's applications; another person's is "not found". */
export async function applicantDocument(db: Queryable, applicantId: string, applicationId: string, docId: string): Promise<DocumentRow> {
  if (!isUuid(applicationId) || !isUuid(docId)) throw new ResultDocumentNotFoundError();
  const { rows } = await db.query<DocumentRow>(
    `SELECT d.id, d.sub_application_id, d.application_id, d.title, d.file_name, d.mime, d.size, d.sha256, d.created_at
       FROM result_documents d JOIN applications a ON a.id = d.application_id
      WHERE d.id = $1 AND d.application_id = $2 AND a.applicant_id = $3`,
    [docId, applicationId, applicantId],
  );
  if (!rows[0]) throw new ResultDocumentNotFoundError();
  return rows[0];
}

/** One document of a sub-application the caller may already see (checked by the caller). */
export async function subDocument(db: Queryable, subId: string, docId: string): Promise<DocumentRow> {
  if (!isUuid(docId)) throw new ResultDocumentNotFoundError();
  const { rows } = await db.query<DocumentRow>(`${SELECT} WHERE id = $1 AND sub_application_id = $2`, [docId, subId]);
  if (!rows[0]) throw new ResultDocumentNotFoundError();
  return rows[0];
}
