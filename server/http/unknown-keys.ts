import { ValidationError, type ErrorDetail } from './errors.js';

function isObject(body: unknown): body is Record<string, unknown> {
  return typeof body === 'object' && body !== null && !Array.isArray(body);
}

/**
 * The keys of a JSON object beside the ones a route takes, each named (under `prefix`, e.g.
 * `changes[0].`). A key the route does not take is refused, never silently dropped: a careless
 * client would otherwise believe it had been applied.
 */
export function unknownKeys(
  body: unknown,
  allowed: readonly string[],
  prefix = '',
  why = { message: '不是此请求的字段', messageEn: 'is not a field of this request' },
): ErrorDetail[] {
  if (!isObject(body)) return [];
  return Object.keys(body)
    .filter((k) => !allowed.includes(k))
    .map((k) => ({ path: `${prefix}${k}`, ...why }));
}

/** 422 naming every unknown key, as for an unknown answer or rating field. */
export function refuseUnknownKeys(details: ErrorDetail[]): void {
  if (details.length) throw new ValidationError(details, '请求中有无法识别的字段', 'The request has fields this route does not take');
}
