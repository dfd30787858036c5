import type { RequestHandler } from 'express';
import multer from 'multer';
import {
  BadRequestError,
  PayloadTooLargeError,
  UnsupportedMediaTypeError,
  type AppError,
  type ErrorDetail,
} from '../errors.js';
import { sniffType } from './sniff.js';
import { ACCEPTED_TYPES, DEFAULT_MAX_UPLOAD_BYTES, formatBytes, type AcceptedMime } from '../../shared/uploads.js';

export { DEFAULT_MAX_UPLOAD_BYTES, formatBytes };

/** One uploaded material, checked by content, not yet stored. */
export interface UploadedMaterial {
  data: Buffer;
  /** Not computed here: the store hashes the bytes when they are put, and its digest is the one to keep. */
  sha256?: never;
  /** The client's file name, for display only: never a path, never a storage key. */
  originalName: string;
  mime: AcceptedMime;
  ext: string;
  size: number;
}

declare global {
  // Express's own augmentation point for request properties (as @types/multer does for req.file).
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** Set by parseUpload() once a request carried exactly one acceptable file. */
      upload?: UploadedMaterial;
    }
  }
}

export const UPLOAD_FIELD = 'file';
/** Text fields an upload may carry beside the file (a material code, say), and how big each may be. */
export const MAX_UPLOAD_FIELDS = 20;
export const MAX_UPLOAD_FIELD_BYTES = 16 * 1024;
const MAX_DISPLAY_NAME = 200;

export interface ParseUploadOptions {
  /** Largest file accepted, in bytes; DEFAULT_MAX_UPLOAD_BYTES when omitted. */
  maxBytes?: number;
}

const ACCEPTED_LABELS = ACCEPTED_TYPES.map((t) => t.label);

function fileDetail(message: string, messageEn: string, path = UPLOAD_FIELD): ErrorDetail {
  return { path, message, messageEn };
}

/** errors.ts's 413 and 415 take no details; these add one so a client can point at the file field. */
class FileTooLargeError extends PayloadTooLargeError {
  override readonly details: ErrorDetail[];
  constructor(message: string, messageEn: string, details: ErrorDetail[]) {
    super(message, messageEn);
    this.details = details;
  }
}
class FileTypeError extends UnsupportedMediaTypeError {
  override readonly details: ErrorDetail[];
  constructor(message: string, messageEn: string, details: ErrorDetail[]) {
    super(message, messageEn);
    this.details = details;
  }
}

function missingFile(): AppError {
  return new BadRequestError(
    `请以 multipart/form-data 格式上传文件，字段名为 ${UPLOAD_FIELD}`,
    `Upload the file as multipart/form-data in the field "${UPLOAD_FIELD}"`,
    [fileDetail('缺少文件', 'No file was sent')],
  );
}

function tooLarge(maxBytes: number): AppError {
  const limit = formatBytes(maxBytes);
  return new FileTooLargeError(`文件超过 ${limit.zh} 的大小上限`, `The file is larger than the ${limit.en} limit`, [
    fileDetail(`文件不能超过 ${limit.zh}`, `The file may be at most ${limit.en}`),
  ]);
}

function unacceptedType(): AppError {
  const zh = ACCEPTED_LABELS.join('、');
  const en = ACCEPTED_LABELS.join(', ');
  return new FileTypeError(
    `不支持的文件类型，仅接受 ${zh} 文件（按文件内容判断，与文件名无关）`,
    `Unsupported file type: only ${en} files are accepted (judged by the content, not the file name)`,
    [fileDetail(`文件内容不是 ${zh}`, `The content is not ${en}`)],
  );
}

/** Multer's own codes (and busboy's parse errors) as the project's typed errors. */
function fromMulter(err: unknown, maxBytes: number): AppError {
  if (!(err instanceof multer.MulterError)) {
    // Everything else multer passes on comes from busboy reading the body (no boundary, a truncated
    // or malformed part, the client going away): the request's fault, never the server's.
    return new BadRequestError('上传内容格式错误', 'Malformed multipart/form-data body', [
      fileDetail('无法读取上传内容', 'The upload could not be read'),
    ]);
  }
  const field = err.field ?? UPLOAD_FIELD;
  switch (err.code) {
    case 'LIMIT_FILE_SIZE':
      return tooLarge(maxBytes);
    case 'LIMIT_FILE_COUNT':
      return new BadRequestError('每次只能上传一个文件', 'Upload one file at a time', [
        fileDetail('只能包含一个文件', 'Only one file may be sent'),
      ]);
    case 'LIMIT_UNEXPECTED_FILE':
      return field === UPLOAD_FIELD
        ? new BadRequestError('每次只能上传一个文件', 'Upload one file at a time', [
            fileDetail('只能包含一个文件', 'Only one file may be sent'),
          ])
        : new BadRequestError(
            `文件只能放在字段 ${UPLOAD_FIELD} 中`,
            `Files are only accepted in the field "${UPLOAD_FIELD}"`,
            [fileDetail(`不接受字段 ${field} 中的文件`, `No file is accepted in the field "${field}"`, field)],
          );
    case 'LIMIT_FIELD_VALUE': {
      const limit = formatBytes(MAX_UPLOAD_FIELD_BYTES);
      return new BadRequestError('表单字段过长', 'A form field is too long', [
        fileDetail(`不能超过 ${limit.zh}`, `May be at most ${limit.en}`, field),
      ]);
    }
    case 'LIMIT_FIELD_COUNT':
    case 'LIMIT_PART_COUNT':
      // No one field is at fault: the detail points at the form as a whole (the empty path).
      return new BadRequestError(
        `表单字段过多（最多 ${MAX_UPLOAD_FIELDS} 个）`,
        `Too many form fields (at most ${MAX_UPLOAD_FIELDS})`,
        [fileDetail(`最多 ${MAX_UPLOAD_FIELDS} 个字段`, `At most ${MAX_UPLOAD_FIELDS} fields`, '')],
      );
    default:
      // Field names too long, nested too deep, missing or unparsable: all malformed forms.
      return new BadRequestError('表单字段格式错误', `Malformed form field (${err.code})`, [
        fileDetail('字段格式错误', 'Malformed field', err.field ?? ''),
      ]);
  }
}

/**
 * The client's file name made fit to show back to the user: path parts and control characters
 * (NUL included) removed, bidirectional overrides too (they can make `gpj.exe` read as `exe.jpg`),
 * at most 200 characters, `file` when nothing is left.
 */
export function displayName(raw: string | undefined): string {
  const cleaned = (raw ?? '')
    .normalize('NFC')
    .replace(/[\p{Cc}\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu, '')
    .split(/[/\\]/)
    .pop()!
    .trim();
  // By code point, so a name is never cut inside a surrogate pair (emoji, rare CJK characters).
  const name = Array.from(cleaned).slice(0, MAX_DISPLAY_NAME).join('').trim();
  return name === '' || name === '.' || name === '..' ? 'file' : name;
}

/**
 * Parses a multipart/form-data request carrying exactly one file in the field `file` and sets
 * `req.upload`; any failure goes to next() as a typed error (400, 413 or 415). Files are buffered in
 * memory, so `maxBytes` is also the memory one request can take.
 */
export function parseUpload({ maxBytes = DEFAULT_MAX_UPLOAD_BYTES }: ParseUploadOptions = {}): RequestHandler {
  if (!Number.isSafeInteger(maxBytes) || maxBytes <= 0) {
    throw new TypeError(`parseUpload: maxBytes must be a positive integer, got ${maxBytes}`);
  }
  const multipart = multer({
    storage: multer.memoryStorage(),
    limits: {
      // multer stops buffering once a file passes this and drains the rest, so the 413 still reaches the client.
      fileSize: maxBytes,
      // One file is taken; room for a second lets multer name the field it came in (a second `file`
      // or an `attachment`) instead of busboy stopping at the count with no field to name. Any
      // further file part is refused before a byte of it is buffered.
      files: 2,
      fields: MAX_UPLOAD_FIELDS,
      fieldSize: MAX_UPLOAD_FIELD_BYTES,
      fieldNameSize: 100,
      fieldNestingDepth: 2,
      fieldArrayIndexLimit: MAX_UPLOAD_FIELDS,
      parts: MAX_UPLOAD_FIELDS + 1,
      headerPairs: 20,
    },
    // The name is sanitised by displayName(); kept whole here so an odd name (`..`, `a/`) is cleaned
    // for display instead of making busboy drop the file as if none had been sent.
    preservePath: true,
    // Browsers send file names as raw UTF-8; busboy's latin1 default would garble every Chinese name.
    defParamCharset: 'utf8',
  }).single(UPLOAD_FIELD);

  return (req, res, next) => {
    if (!req.is('multipart/form-data')) return next(missingFile());
    multipart(req, res, (err?: unknown) => {
      if (err) return next(fromMulter(err, maxBytes));
      const file = req.file;
      // The raw client name stays out of reach of later handlers: req.upload is the only way on.
      req.file = undefined;
      if (!file) return next(missingFile());
      if (file.size === 0) {
        return next(
          new BadRequestError('上传的文件是空的', 'The uploaded file is empty', [
            fileDetail('文件为空', 'The file is empty'),
          ]),
        );
      }
      const type = sniffType(file.buffer);
      if (!type) return next(unacceptedType());
      req.upload = {
        data: file.buffer,
        originalName: displayName(file.originalname),
        mime: type.mime,
        ext: type.ext,
        size: file.size,
      };
      next();
    });
  };
}
