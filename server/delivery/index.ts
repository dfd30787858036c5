export type { DeliveryChannel, DeliveryRequest, DeliveryResult, DeliveryTarget, WebhookOptions } from './types.js';
export { createChannels, deliverVia, type Channels } from './registry.js';
export { createWebhookChannel, DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_TIMEOUT_MS, USER_AGENT, type WebhookChannel } from './webhook.js';
export { createInboxChannel } from './inbox.js';
export {
  sign,
  verify,
  DEFAULT_TOLERANCE_SECONDS,
  DELIVERY_HEADER,
  IDEMPOTENCY_HEADER,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  type VerifyFailure,
  type VerifyInput,
  type VerifyResult,
} from './signature.js';
