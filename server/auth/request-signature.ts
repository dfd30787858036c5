/*
 * Signed department callbacks: how we know a state-changing call to the department API (accept,
 * complete, ask for 补正…) comes from the department's system, unaltered and only once.
 *
 * A bearer token alone proves who may call, but a captured request could be sent again (a second
 * 办结, a second 补正 request) or its body changed in transit. So every non-GET request made with
 * a department token also carries:
 *
 *   Authorization:   Bearer <the department's API token>
 *   X-Yjs-Timestamp: 1767225600            unix seconds when the request was signed
 *   X-Yjs-Nonce:     8f1c…                  16–128 characters [A-Za-z0-9_-], new for EVERY request
 *   X-Yjs-Signature: v1=<lowercase hex HMAC-SHA256>
 *
 * signed with the department's signing secret (the one our webhooks to it are signed with) over
 *
 *   "<timestamp>.<nonce>.<METHOD> <path with query, as sent>.<raw body>"
 *
 * e.g. '1767225600.8f1c….POST /api/sub-applications/3f0c…/actions.{"action":"accept"}'.
 * The method and path are signed so a signature for one sub-application cannot be replayed on
 * another. We refuse the request (401) when a header is missing or malformed, the timestamp is
 * more than 300 seconds from our clock, the HMAC does not match, or the nonce was already used
 * by that department: a retry after a timeout must be signed afresh with a new nonce.
 */
import { randomBytes } from 'node:crypto';
import { DEFAULT_TOLERANCE_SECONDS, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign, verify, type VerifyFailure } from '../delivery/signature.js';

export { SIGNATURE_HEADER, TIMESTAMP_HEADER };
export const NONCE_HEADER = 'X-Yjs-Nonce';
export const NONCE = /^[A-Za-z0-9_-]{16,128}$/;
/** How long a nonce is remembered: past the tolerance both ways, a replay fails on the timestamp. */
export const NONCE_RETENTION_SECONDS = 2 * DEFAULT_TOLERANCE_SECONDS + 60;

function signedPayload(nonce: string, method: string, path: string, rawBody: string | Buffer): Buffer {
  const head = Buffer.from(`${nonce}.${method.toUpperCase()} ${path}.`, 'utf8');
  return Buffer.concat([head, typeof rawBody === 'string' ? Buffer.from(rawBody, 'utf8') : rawBody]);
}

export interface SignRequestInput {
  secret: string;
  method: string;
  /** The path and query string exactly as sent, e.g. `/api/sub-applications/…/actions`. */
  path: string;
  body: string | Buffer;
  /** Unix seconds; defaults to now. */
  timestamp?: number;
  /** Defaults to 16 random bytes, base64url. */
  nonce?: string;
}

/** The three headers a department's system adds to a state-changing call. */
export function signRequest(input: SignRequestInput): Record<string, string> {
  const timestamp = input.timestamp ?? Math.floor(Date.now() / 1000);
  const nonce = input.nonce ?? randomBytes(16).toString('base64url');
  return {
    [TIMESTAMP_HEADER]: String(timestamp),
    [NONCE_HEADER]: nonce,
    [SIGNATURE_HEADER]: sign(input.secret, timestamp, signedPayload(nonce, input.method, input.path, input.body)),
  };
}

export type RequestVerifyFailure = VerifyFailure;

export interface VerifyRequestInput {
  secret: string;
  method: string;
  path: string;
  rawBody: string | Buffer;
  timestamp: string | readonly string[] | undefined;
  nonce: string | readonly string[] | undefined;
  signature: string | readonly string[] | undefined;
  now?: number;
}

/** Checks the signature and the timestamp; whether the nonce is new is the caller's (stateful) check. */
export function verifyRequest(input: VerifyRequestInput): { ok: true; nonce: string } | { ok: false; reason: RequestVerifyFailure } {
  const nonce = input.nonce;
  if (nonce === undefined || (typeof nonce === 'string' && nonce.trim() === '')) return { ok: false, reason: 'missing' };
  if (typeof nonce !== 'string' || !NONCE.test(nonce)) return { ok: false, reason: 'malformed' };
  const result = verify({
    secret: input.secret,
    timestamp: input.timestamp,
    signature: input.signature,
    rawBody: signedPayload(nonce, input.method, input.path, input.rawBody),
    ...(input.now !== undefined ? { now: input.now } : {}),
  });
  return result.ok ? { ok: true, nonce } : result;
}
