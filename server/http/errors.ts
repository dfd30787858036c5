import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../log.js';

/** One failing part of a request: the JSON path of the field, and why, in Chinese and English. */
export interface ErrorDetail {
  path: string;
  message: string;
  messageEn?: string;
}

/**
 * Every error a client can see. `message` is Chinese (the product's first language), `messageEn`
 * its English; the status code lives here and nowhere else.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly messageEn: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message = '请求格式错误', messageEn = 'Malformed request', details: ErrorDetail[] = []) {
    super(400, 'bad_request', message, messageEn, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = '请先登录', messageEn = 'Sign-in required') {
    super(401, 'unauthorized', message, messageEn);
  }
}
/** A department call whose request signature is missing, malformed, stale, wrong or already used. */
export class SignatureError extends AppError {
  constructor(code: string, message: string, messageEn: string, header: string) {
    super(401, code, message, messageEn, [{ path: header, message, messageEn }]);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = '无权执行此操作', messageEn = 'Not allowed', details: ErrorDetail[] = []) {
    super(403, 'forbidden', message, messageEn, details);
  }
}
export class NotFoundError extends AppError {
  constructor(message = '未找到', messageEn = 'Not found') {
    super(404, 'not_found', message, messageEn);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, messageEn: string, details: ErrorDetail[] = []) {
    super(409, 'conflict', message, messageEn, details);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = '请求内容过大', messageEn = 'Payload too large') {
    super(413, 'payload_too_large', message, messageEn);
  }
}
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = '不支持的内容类型', messageEn = 'Unsupported media type') {
    super(415, 'unsupported_media_type', message, messageEn);
  }
}
export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = '填写内容有误', messageEn = 'Some values are invalid') {
    super(422, 'validation_failed', message, messageEn, details);
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(message = '服务暂不可用', messageEn = 'Service unavailable') {
    super(503, 'unavailable', message, messageEn);
  }
}

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

export function errorBody(err: AppError) {
  return { error: { code: err.code, message: err.message, messageEn: err.messageEn, details: err.details } };
}

export const notFoundApi: RequestHandler = () => {
  throw new NotFoundError('接口不存在', 'No such API route');
};

export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) return next(err);
    const known = toAppError(err);
    if (known) {
      if (known.status >= 500) logger.warn({ err, path: req.path }, known.message);
      res.status(known.status).json(errorBody(known));
      return;
    }
    logger.error({ err, method: req.method, path: req.path }, 'unhandled error');
    res.status(500).json(errorBody(new AppError(500, 'internal', '服务器内部错误', 'Internal server error')));
  };
}
