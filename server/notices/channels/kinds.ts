import type { NoticeChannelName } from '../../../shared/notice-templates.js';

/** Who a notice goes to, as far as choosing channels goes. */
export interface Recipient {
  mobile: string | null;
  /** The person's choice (GET/PUT /api/me/notification-settings); on unless turned off. */
  smsOn: boolean;
}

/**
 * What each channel takes, decided when a notice is written (on the change's transaction,
 * without the process's configuration): the senders themselves are in ./registry.ts.
 */
export interface NoticeChannelKind {
  name: NoticeChannelName;
  /** Stored is delivered (the 消息中心 reads the table): written as sent, never claimed. */
  storedIsDelivered: boolean;
  takes(r: Recipient): boolean;
}

export const NOTICE_CHANNEL_KINDS: readonly NoticeChannelKind[] = [
  { name: 'inbox', storedIsDelivered: true, takes: () => true },
  { name: 'sms', storedIsDelivered: false, takes: (r) => r.smsOn && !!r.mobile },
];
