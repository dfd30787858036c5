/**
 * The SMS gateway connector: one JSON POST per notice, signed as webhooks are
 * (server/delivery/signature.ts: X-Yjs-Timestamp, X-Yjs-Signature `v1=` HMAC-SHA256 over
 * "<timestamp>.<raw body>") with an Idempotency-Key the gateway must honour: we send again
 * whenever we did not see a 2xx, also after a timeout on a request the gateway did take, so a
 * gateway that sends each key once makes every notice one text message.
 *
 *   POST <SMS_GATEWAY_URL>
 *   {"mobile": "13700731003", "text": "【一件事一次办】…", "template": "accepted"}
 *
 * 2xx: accepted for sending. 408, 429, 5xx, a timeout or a network error: retried with backoff.
 * Any other 4xx: parked for an operator (our request or configuration is wrong).
 */
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, sign } from '../../delivery/signature.js';
import type { NoticeResult, NoticeSender, OutgoingNotice } from './types.js';

export interface SmsGatewayOptions {
  url: string;
  secret: string;
  timeoutMs: number;
}

export function createSmsSender(o: SmsGatewayOptions): NoticeSender {
  return {
    name: 'sms',
    async send(n: OutgoingNotice): Promise<NoticeResult> {
      if (!n.mobile) return { ok: false, retryable: false, error: 'the recipient has no mobile number' };
      const body = JSON.stringify({ mobile: n.mobile, text: n.text, template: n.event });
      const timestamp = Math.floor(Date.now() / 1000);
      try {
        const res = await fetch(o.url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            [TIMESTAMP_HEADER]: String(timestamp),
            [SIGNATURE_HEADER]: sign(o.secret, timestamp, body),
            [IDEMPOTENCY_HEADER]: n.idempotencyKey,
          },
          body,
          redirect: 'manual',
          signal: AbortSignal.timeout(o.timeoutMs),
        });
        const text = (await res.text()).slice(0, 200).replace(/\s+/g, ' ');
        if (res.ok) return { ok: true, statusCode: res.status, retryable: false };
        const retryable = res.status >= 500 || res.status === 408 || res.status === 429;
        return { ok: false, statusCode: res.status, retryable, error: `HTTP ${res.status}: ${text}` };
      } catch (err) {
        const e = err as Error & { cause?: { code?: unknown } };
        const error = e.name === 'TimeoutError' ? `no answer within ${o.timeoutMs} ms (timeout)` : `${e.message}${e.cause?.code ? ` (${String(e.cause.code)})` : ''}`;
        return { ok: false, retryable: true, error };
      }
    },
  };
}
