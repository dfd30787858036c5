/*
 * Webhook signatures: how a department's back office knows a sub-application comes from us.
 *
 * Every webhook is an HTTP POST with a JSON body and these headers:
 *
 *   X-Yjs-Timestamp: 1767225600                 unix time in seconds when the attempt was signed
 *   X-Yjs-Signature: v1=5257a869e7ecebed…        lowercase hex HMAC-SHA256, 64 characters
 *   Idempotency-Key: 3f0c…                        the same for every attempt of one delivery
 *   X-Yjs-Delivery:  <sub-application id>
 *
 * To verify, a department:
 *   1. takes the raw request body exactly as received, as bytes, BEFORE any JSON parsing
 *      (re-serialising parsed JSON changes spacing and key order and breaks the signature);
 *   2. builds the signed payload: the timestamp header's digits, a full stop, the raw body:
 *        signed = "<X-Yjs-Timestamp>" + "." + rawBody
 *   3. computes HMAC-SHA256(key = the department's signing secret as UTF-8, message = signed)
 *      as lowercase hex;
 *   4. compares it in constant time with each `v1=` value of X-Yjs-Signature (the header may
 *      hold several, comma-separated, while a secret is being rotated; any one matching is
 *      enough; entries of other schemes are ignored);
 *   5. refuses the request when the timestamp is more than 300 seconds from its own clock, in
 *      either direction: a captured request cannot be replayed later;
 *   6. processes each Idempotency-Key at most once, answering a repeat with the first answer
 *      (2xx), because we retry whenever we did not see a 2xx, including after a timeout on a
 *      request the department did process.
 *
 * A 2xx answer means "received"; the result of the case comes later through the department
 * API. A 408, 429 or 5xx answer, a timeout or a refused connection make us retry with backoff;
 * any other 4xx stops delivery for an operator to look at.
 *
 * Example (secret "whsec_test", timestamp 1767225600, body {"a":1}):
 *   HMAC-SHA256("whsec_test", '1767225600.{"a":1}')
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const TIMESTAMP_HEADER = 'X-Yjs-Timestamp';
export const SIGNATURE_HEADER = 'X-Yjs-Signature';
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
/** Carries the sub-application id. */
export const DELIVERY_HEADER = 'X-Yjs-Delivery';

export const SIGNATURE_SCHEME = 'v1';
export const DEFAULT_TOLERANCE_SECONDS = 300;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
// Ten digits last until the year 2286; twelve leaves room without allowing absurd numbers.
const TIMESTAMP = /^\d{1,12}$/;

function hmacHex(secret: string, timestamp: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(`${timestamp}.`, 'utf8').update(rawBody).digest('hex');
}

/**
 * The X-Yjs-Signature value for `rawBody` signed at `timestamp` (unix seconds): `v1=<hex>`.
 * @throws RangeError for an empty secret or a timestamp that is not a non-negative integer:
 *   both are configuration bugs, and signing with them would only produce refused requests.
 */
export function sign(secret: string, timestamp: number, rawBody: string | Buffer): string {
  if (!secret) throw new RangeError('sign: the signing secret is empty');
  if (!Number.isSafeInteger(timestamp) || timestamp < 0) {
    throw new RangeError(`sign: timestamp must be a non-negative integer of unix seconds, got ${timestamp}`);
  }
  return `${SIGNATURE_SCHEME}=${hmacHex(secret, String(timestamp), rawBody)}`;
}

export type VerifyFailure = 'missing' | 'malformed' | 'expired' | 'mismatch';
export type VerifyResult = { ok: true } | { ok: false; reason: VerifyFailure };

export interface VerifyInput {
  secret: string;
  /** The X-Yjs-Timestamp header as received (Express gives string | string[] | undefined). */
  timestamp: string | readonly string[] | undefined | null;
  /** The X-Yjs-Signature header as received. */
  signature: string | readonly string[] | undefined | null;
  rawBody: string | Buffer;
  toleranceSeconds?: number;
  /** The verifier's clock, unix seconds; defaults to now. */
  now?: number;
}

type Header = { value: string } | 'missing' | 'repeated';

function header(raw: string | readonly string[] | undefined | null): Header {
  const values = (Array.isArray(raw) ? raw : raw == null ? [] : [raw]).map((v) => v.trim()).filter(Boolean);
  if (values.length === 0) return 'missing';
  // A repeated header is ambiguous (which one was signed?): it is malformed, never guessed at.
  if (values.length > 1) return 'repeated';
  return { value: values[0] ?? '' };
}

/** The `v1=` candidates of a signature header, or null when the header is not well formed. */
function v1Candidates(header: string): string[] | null {
  const found: string[] = [];
  for (const part of header.split(',')) {
    const entry = part.trim();
    const eq = entry.indexOf('=');
    if (eq <= 0) return null;
    const scheme = entry.slice(0, eq);
    const value = entry.slice(eq + 1);
    if (scheme !== SIGNATURE_SCHEME) continue;
    if (!HEX_SHA256.test(value)) return null;
    found.push(value);
  }
  return found.length ? found : null;
}

/**
 * Checks a received webhook. The order of the checks decides the reason: a header absent →
 * `missing`; present but not of the documented shape → `malformed`; too far from `now` →
 * `expired`; otherwise no `v1` value equals our HMAC → `mismatch`.
 */
export function verify(input: VerifyInput): VerifyResult {
  const { secret, rawBody, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS } = input;
  if (!secret) throw new RangeError('verify: the signing secret is empty');
  const ts = header(input.timestamp);
  const sig = header(input.signature);
  if (ts === 'missing' || sig === 'missing') return { ok: false, reason: 'missing' };
  if (ts === 'repeated' || sig === 'repeated') return { ok: false, reason: 'malformed' };
  const timestamp = ts.value;
  if (!TIMESTAMP.test(timestamp)) return { ok: false, reason: 'malformed' };
  const candidates = v1Candidates(sig.value);
  if (!candidates) return { ok: false, reason: 'malformed' };

  const now = input.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > toleranceSeconds) return { ok: false, reason: 'expired' };

  const expected = Buffer.from(hmacHex(secret, timestamp, rawBody), 'hex');
  // Compare against every candidate without stopping early, so timing says nothing about which matched.
  let matched = false;
  for (const candidate of candidates) {
    if (timingSafeEqual(expected, Buffer.from(candidate, 'hex'))) matched = true;
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}
