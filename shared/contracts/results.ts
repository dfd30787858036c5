// 办结结果文书: files a department attaches when it completes an item, for the applicant to download.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, PathId, Uuid } from './common.js';

/** How many result documents one completion may attach; their bytes travel in the JSON body (1 MB). */
export const MAX_RESULT_DOCUMENTS = 5;
export const MAX_RESULT_TITLE = 100;
/** The files of one completion together: base64 makes them a third larger, inside the 1 MB JSON body. */
export const MAX_RESULT_DOCUMENTS_BYTES = 700 * 1024;

export const ResultDocumentInput = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: MAX_RESULT_TITLE, pattern: '\\S', description: 'what it is, as the applicant reads it (e.g. 出生医学证明)' }),
    fileName: Type.String({ minLength: 1, maxLength: 200, description: 'the file name shown and offered on download' }),
    content: Type.String({ minLength: 1, contentEncoding: 'base64', description: 'the file, base64: PDF, JPEG, PNG or OFD, checked by its content; the whole request is at most 1 MB' }),
  },
  { additionalProperties: false },
);
export type ResultDocumentInput = Static<typeof ResultDocumentInput>;

export const ResultDocument = Closed({
  id: Uuid(),
  title: Type.String(),
  fileName: Type.String(),
  mime: Type.String(),
  size: Type.Integer({ description: 'bytes' }),
  createdAt: DateTime(),
  url: Type.String({ description: 'where the reader downloads it (the applicant: their application; staff: the sub-application, audit-logged)' }),
});
export type ResultDocument = Static<typeof ResultDocument>;

export const ApplicationDocumentParams = Type.Object({ id: PathId('application id'), docId: PathId('result document id') });
export const SubDocumentParams = Type.Object({ id: PathId('sub-application id'), docId: PathId('result document id') });
