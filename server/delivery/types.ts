/**
 * The delivery channels that carry one split sub-application to a department's back office.
 * The outbox worker calls `deliver` once per attempt and decides from the result whether to
 * retry (with backoff), or to park the row as dead for an operator.
 */

export interface DeliveryRequest {
  subApplicationId: string;
  /** Department code, e.g. `police`. */
  department: string;
  /**
   * Stable across the attempts of one delivery round, so a department that already processed
   * an attempt whose answer we never saw can recognise the retry. A new round (e.g. after a
   * supplement) gets a new key.
   */
  idempotencyKey: string;
  /** JSON-serialisable payload, already split: only that department's fields. */
  body: unknown;
  target: DeliveryTarget;
}

export type DeliveryTarget = { channel: 'webhook'; url: string; secret: string } | { channel: 'inbox' };

export interface DeliveryResult {
  /** true = delivered (a 2xx answer for webhooks). */
  ok: boolean;
  statusCode?: number;
  /** Short and human-readable; never a secret, never more than 500 characters of a response body. */
  error?: string;
  durationMs: number;
  /**
   * false when trying again cannot help: the department answered a 4xx other than 408/429
   * (it understood the request and refused it, so our payload or configuration is wrong),
   * the target URL is not http(s), or the payload cannot be serialised. The worker parks such
   * a row as dead at once, for an operator; nothing is ever dropped.
   */
  retryable: boolean;
}

export interface DeliveryChannel {
  readonly name: 'webhook' | 'inbox';
  deliver(req: DeliveryRequest, signal?: AbortSignal): Promise<DeliveryResult>;
}

export interface WebhookOptions {
  /**
   * Longest silence tolerated on the connection, in ms: connecting, waiting for the response
   * headers, and between chunks of the response body. Default 10 000.
   */
  timeoutMs?: number;
  /**
   * Overall deadline for one attempt, in ms, however the time is spent (a server trickling one
   * byte per second never trips `timeoutMs`). Default three times `timeoutMs`.
   */
  deadlineMs?: number;
  /** Response bytes read at most; past that the socket is destroyed. Default 64 KiB. */
  maxResponseBytes?: number;
  /** Reuse connections to the same department. Default true. */
  keepAlive?: boolean;
}
