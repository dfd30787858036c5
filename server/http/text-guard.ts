import type { RequestHandler } from 'express';
import { BadRequestError, type ErrorDetail } from './errors.js';

/**
 * A NUL character, or a UTF-16 surrogate without its other half (with the `u` flag a proper pair
 * is one code point and does not match). PostgreSQL can store neither in `text` or `jsonb`: the
 * query fails, and a request that reached it would end as a 500 instead of a client error.
 */
const UNSTORABLE = /[\0\ud800-\udfff]/u;
const UNSTORABLE_ALL = /[\0\ud800-\udfff]/gu;
/** A hostile body may hold thousands of such strings; naming the first few is enough. */
const MAX_DETAILS = 20;

/** Where the problem is, fit to be shown (and stored in a log) itself. */
function printable(path: string): string {
  return path.replace(UNSTORABLE_ALL, '\ufffd');
}

function detail(path: string): ErrorDetail {
  return { path: printable(path), message: '不能包含 NUL 字符或不成对的 UTF-16 代理项', messageEn: 'must not contain a NUL character or an unpaired UTF-16 surrogate' };
}

function keyPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** Every string (and object key) in a parsed JSON body or query, depth-first; iterative like json-depth.ts. */
function findUnstorable(root: unknown, details: ErrorDetail[]): void {
  const stack: [unknown, string][] = [[root, '']];
  while (stack.length && details.length < MAX_DETAILS) {
    const [value, path] = stack.pop()!;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) details.push(detail(path));
    } else if (Array.isArray(value)) {
      value.forEach((v, i) => stack.push([v, `${path}[${i}]`]));
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        const at = keyPath(path, k);
        if (UNSTORABLE.test(k)) details.push(detail(at));
        else stack.push([v, at]);
      }
    }
  }
}

/**
 * Refuses, with 400 naming the place, a request whose URL path is not valid percent-encoding, or
 * whose path, query parameters or JSON body carry text the database cannot hold (see UNSTORABLE). Runs after the JSON parser and the depth
 * limit, before authentication and every handler.
 */
export const refuseUnstorableText: RequestHandler = (req, _res, next) => {
  const details: ErrorDetail[] = [];
  let decodedPath: string;
  try {
    decodedPath = decodeURIComponent(req.path);
  } catch {
    // Left to the router, `%E0%A4%A` in a parameter is a URIError: a 500 with a stack in the log.
    throw new BadRequestError('请求路径中有无效的百分号编码', 'The request path has a malformed percent-escape', [{ path: 'url', message: '百分号编码无效', messageEn: 'malformed percent-escape' }]);
  }
  if (UNSTORABLE.test(decodedPath)) details.push(detail('url'));
  findUnstorable(req.query, details);
  if (req.body !== undefined) findUnstorable(req.body, details);
  if (details.length) {
    throw new BadRequestError(
      '请求中含有无法保存的字符（NUL 或不成对的 UTF-16 代理项）',
      'The request contains characters that cannot be stored (NUL or an unpaired UTF-16 surrogate)',
      details.slice(0, MAX_DETAILS),
    );
  }
  next();
};
