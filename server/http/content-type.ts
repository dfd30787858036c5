import type { RequestHandler } from 'express';
import { UnsupportedMediaTypeError } from './errors.js';

/**
 * Refuses a request body of any type but the listed ones with 415, instead of letting a parser
 * skip it and a handler see an empty body.
 */
export function requireContentType(allowed: string[]): RequestHandler {
  return (req, _res, next) => {
    const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
    if (!hasBody || req.is(allowed)) return next();
    next(
      new UnsupportedMediaTypeError(
        `不支持的内容类型 ${req.headers['content-type'] ?? '(无)'}，请使用 ${allowed.join(' 或 ')}`,
        `Unsupported Content-Type ${req.headers['content-type'] ?? '(none)'}; use ${allowed.join(' or ')}`,
      ),
    );
  };
}
