import type { DeliveryChannel, DeliveryResult } from './types.js';

/**
 * The built-in inbox: the department's staff read their sub-applications from the database in
 * the web workbench, so once the row is committed it has arrived; there is nothing to send.
 */
export function createInboxChannel(): DeliveryChannel {
  return {
    name: 'inbox',
    deliver(): Promise<DeliveryResult> {
      return Promise.resolve({ ok: true, durationMs: 0, retryable: false });
    },
  };
}
