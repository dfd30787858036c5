import { createInboxChannel } from './inbox.js';
import { createWebhookChannel, type WebhookChannel } from './webhook.js';
import type { DeliveryChannel, DeliveryRequest, DeliveryResult, WebhookOptions } from './types.js';

export interface Channels extends Record<'webhook' | 'inbox', DeliveryChannel> {
  readonly webhook: WebhookChannel;
  readonly inbox: DeliveryChannel;
}

/** One channel of each kind; create them once per process so webhook connections are reused. */
export function createChannels(options?: WebhookOptions): Channels {
  return { webhook: createWebhookChannel(options), inbox: createInboxChannel() };
}

/** Delivers through the channel the request's target names. */
export function deliverVia(
  channels: Record<'webhook' | 'inbox', DeliveryChannel>,
  req: DeliveryRequest,
  signal?: AbortSignal,
): Promise<DeliveryResult> {
  return channels[req.target.channel].deliver(req, signal);
}
