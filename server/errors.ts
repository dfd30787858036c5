/**
 * What can go wrong, as the services say it: a kind (not found, conflict, invalid values…), a
 * stable code, Chinese and English words, and the failing parts. No HTTP here: one mapper
 * (server/http/errors.ts) turns each kind into a status. Feature modules name their own errors
 * on top of these (server/<feature>/errors.ts).
 */

/** One failing part of a request: the JSON path of the field, and why, in Chinese and English. */
export interface ErrorDetail {
  path: string;
  message: string;
  messageEn?: string;
}

export const ERROR_KINDS = [
  'bad_request',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'payload_too_large',
  'unsupported_media_type',
  'validation_failed',
  'too_many_requests',
  'unavailable',
  'internal',
] as const;
export type ErrorKind = (typeof ERROR_KINDS)[number];

/** Every error a client can see. `message` is Chinese (the product's first language), `messageEn` its English. */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
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
    super('bad_request', 'bad_request', message, messageEn, details);
  }
}
export class UnauthorizedError extends AppError {
  constructor(message = '请先登录', messageEn = 'Sign-in required') {
    super('unauthorized', 'unauthorized', message, messageEn);
  }
}
/** A department call whose request signature is missing, malformed, stale, wrong or already used. */
export class SignatureError extends AppError {
  constructor(code: string, message: string, messageEn: string, header: string) {
    super('unauthorized', code, message, messageEn, [{ path: header, message, messageEn }]);
  }
}
export class ForbiddenError extends AppError {
  constructor(message = '无权执行此操作', messageEn = 'Not allowed', details: ErrorDetail[] = []) {
    super('forbidden', 'forbidden', message, messageEn, details);
  }
}
export class NotFoundError extends AppError {
  constructor(message = '未找到', messageEn = 'Not found') {
    super('not_found', 'not_found', message, messageEn);
  }
}
export class ConflictError extends AppError {
  constructor(message: string, messageEn: string, details: ErrorDetail[] = []) {
    super('conflict', 'conflict', message, messageEn, details);
  }
}
export class PayloadTooLargeError extends AppError {
  constructor(message = '请求内容过大', messageEn = 'Payload too large') {
    super('payload_too_large', 'payload_too_large', message, messageEn);
  }
}
export class UnsupportedMediaTypeError extends AppError {
  constructor(message = '不支持的内容类型', messageEn = 'Unsupported media type') {
    super('unsupported_media_type', 'unsupported_media_type', message, messageEn);
  }
}
export class ValidationError extends AppError {
  constructor(details: ErrorDetail[], message = '填写内容有误', messageEn = 'Some values are invalid') {
    super('validation_failed', 'validation_failed', message, messageEn, details);
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(message = '服务暂不可用', messageEn = 'Service unavailable') {
    super('unavailable', 'unavailable', message, messageEn);
  }
}
