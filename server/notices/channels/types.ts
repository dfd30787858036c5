import type { NoticeChannelName } from '../../../shared/notice-templates.js';

/** One notice as a sending channel gets it: who, what text, and the key that makes it once. */
export interface OutgoingNotice {
  /** The same on every attempt of one notice (and after an operator's retry): the gateway sends a key once. */
  idempotencyKey: string;
  /** The recipient's mobile (SMS); null when they have none any more. */
  mobile: string | null;
  /** The rendered text (Chinese), without ids. */
  text: string;
  /** The event, for the gateway's statistics (template code). */
  event: string;
}

export interface NoticeResult {
  ok: boolean;
  statusCode?: number;
  /** Short, never a secret. */
  error?: string;
  /** false: trying again cannot help (parked at once for an operator; nothing is dropped). */
  retryable: boolean;
}

/** A channel the notice worker sends through; `inbox` has none (stored is delivered). */
export interface NoticeSender {
  readonly name: Exclude<NoticeChannelName, 'inbox'>;
  send(notice: OutgoingNotice): Promise<NoticeResult>;
}
