import type { NoticeChannelName } from '../../../shared/notice-templates.js';
import { createSmsSender, type SmsGatewayOptions } from './sms.js';
import type { NoticeSender } from './types.js';

export type NoticeSenders = Partial<Record<Exclude<NoticeChannelName, 'inbox'>, NoticeSender>>;

/**
 * The senders of this process, by channel. A channel without one (no SMS gateway configured)
 * leaves its notices to be parked with that reason, visible to operators.
 */
export function createNoticeSenders(o: { sms?: SmsGatewayOptions | undefined }): NoticeSenders {
  return o.sms ? { sms: createSmsSender(o.sms) } : {};
}
