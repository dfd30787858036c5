import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';
import { AppError, BadRequestError, NotFoundError, PayloadTooLargeError, UnsupportedMediaTypeError, type ErrorKind } from '../errors.js';

export * from '../errors.js';

/** The one place an error's kind becomes an HTTP status. */
export const HTTP_STATUS: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  validation_failed: 422,
  too_many_requests: 429,
  unavailable: 503,
  internal: 500,
};

export const statusOf = (err: AppError): number => HTTP_STATUS[err.kind];

/** body-parser reports its own failures with a `type`; they are the client's fault, not ours. */
function fromBodyParser(err: { type?: unknown; status?: unknown }): AppError | undefined {
  switch (err.type) {
    case 'entity.parse.failed':
      return new BadRequestError('请求体不是合法的 JSON', 'Request body is not valid JSON');
    case 'entity.too.large':
      return new PayloadTooLargeError();
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new UnsupportedMediaTypeError('不支持的字符编码', 'Unsupported character encoding');
    case 'request.aborted':
      return new BadRequestError('请求被中断', 'Request aborted');
    default:
      return undefined;
  }
}

export function toAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err && typeof err === 'object') return fromBodyParser(err as { type?: unknown });
  return undefined;
}

/**
 * A hostile request can fail in 100,000 places: the body names the first hundred and counts the
 * rest. A hundred, not fewer: an honest submit of a long form lists every missing field and
 * material at once (the review step shows each), and must not lose any.
 */
export const MAX_ERROR_DETAILS = 100;

export function errorBody(err: AppError) {
  const more = err.details.length - MAX_ERROR_DETAILS;
  if (more <= 0) return { error: { code: err.code, message: err.message, messageEn: err.messageEn, details: err.details } };
  const rest = { message: `另有 ${more} 处未列出`, messageEn: `${more} more not listed` };
  return {
    error: {
      code: err.code,
      message: `${err.message}（${rest.message}）`,
      messageEn: `${err.messageEn} (${rest.messageEn})`,
      details: [...err.details.slice(0, MAX_ERROR_DETAILS), { path: '', ...rest }],
    },
  };
}

export const notFoundApi: RequestHandler = () => {
  throw new NotFoundError('接口不存在', 'No such API route');
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = toAppError(err);
    if (known) {
      const status = statusOf(known);
      if (status >= 500) logger.warn({ err, path: req.path }, known.message);
      res.status(status).json(errorBody(known));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody(new AppError('internal', 'internal', '服务器内部错误', 'Internal server error')));
  };
}
