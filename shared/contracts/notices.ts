// Notices to applicants: the 消息中心 (in-site messages), the SMS choice, and, for operators,
// the notices that could not be sent.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateTime, Nullable, PathId, StringEnum, Uuid, blankIsAbsent } from './common.js';
import { NOTICE_CHANNELS, NOTICE_EVENTS } from '../notice-templates.js';

export const NoticeEvent = StringEnum(NOTICE_EVENTS);
export const NoticeChannel = StringEnum(NOTICE_CHANNELS);
export const MAX_NOTICE_PAGE_SIZE = 100;

export const NotificationsQuery = Type.Object({
  page: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: 1_000_000, description: 'default 1' }))),
  pageSize: Type.Optional(blankIsAbsent(Type.Integer({ minimum: 1, maximum: MAX_NOTICE_PAGE_SIZE, description: 'default 20' }))),
});
export type NotificationsQuery = Static<typeof NotificationsQuery>;

export const Notification = Closed({
  id: Uuid(),
  event: NoticeEvent,
  title: Type.String(),
  titleEn: Type.String(),
  body: Type.String({ description: 'Chinese; personal data masked, times in Beijing time' }),
  bodyEn: Type.String(),
  applicationId: Nullable(Uuid({ description: 'to link the application page' })),
  createdAt: DateTime(),
  read: Type.Boolean(),
});
export type Notification = Static<typeof Notification>;

export const NotificationsPage = Closed({
  total: Type.Integer(),
  unread: Type.Integer(),
  page: Type.Integer(),
  pageSize: Type.Integer(),
  rows: Type.Array(Notification),
});
export type NotificationsPage = Static<typeof NotificationsPage>;

export const NotificationParams = Type.Object({ id: PathId('notification id') });
export const Unread = Closed({ unread: Type.Integer() });
export type Unread = Static<typeof Unread>;

export const NotificationSettings = Closed({
  sms: Type.Boolean({ description: 'SMS on (in-site messages always)' }),
  mobile: Nullable(Type.String({ description: 'where SMS go, masked (137****1003); null: no mobile, in-site only' })),
});
export type NotificationSettings = Static<typeof NotificationSettings>;
export const NotificationSettingsBody = Closed({ sms: Type.Boolean() });

export const ParkedNoticesQuery = Type.Object({ state: Type.Optional(StringEnum(['queued', 'sent', 'dead'] as const, { description: 'default dead' })) });
export const ParkedNotice = Closed({
  id: Uuid(),
  event: NoticeEvent,
  channel: NoticeChannel,
  state: StringEnum(['queued', 'sent', 'dead'] as const),
  recipient: Type.String({ description: 'masked name' }),
  mobile: Nullable(Type.String({ description: 'masked' })),
  summary: Type.String({ description: 'what the notice says, as sent' }),
  attempts: Type.Integer(),
  lastError: Nullable(Type.String({ description: 'masked like a log line' })),
  createdAt: DateTime(),
  updatedAt: DateTime(),
});
export type ParkedNotice = Static<typeof ParkedNotice>;
export const NoticeRetryParams = Type.Object({ id: PathId('notice id') });
export const NoticeRetried = Closed({ id: Uuid(), state: Type.Literal('queued') });
