import { Type } from '@sinclair/typebox';
import type { NoticeService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { ONE_PARAMETER, route, type Route } from '../http/route.js';
import {
  NoticeRetried,
  NoticeRetryParams,
  NotificationParams,
  NotificationSettings,
  NotificationSettingsBody,
  NotificationsPage,
  NotificationsQuery,
  ParkedNotice,
  ParkedNoticesQuery,
  Unread,
} from '../../shared/contracts/notices.js';

/** The applicant's 消息中心 and SMS choice; the operators' parked notices and their retry. */
export function noticesRoutes(service: NoticeService): Route[] {
  const mine = { security: 'session' as const, before: [requireRole('citizen')], tags: ['notices'] };
  const ops = { security: 'session' as const, before: [requireRole('admin')], tags: ['operations'] };
  return [
    route({
      ...mine,
      method: 'get',
      path: '/me/notifications',
      summary: 'My in-site messages (消息中心), newest first, paged, with the unread count',
      query: NotificationsQuery,
      queryRefusal: ONE_PARAMETER,
      responses: { 200: NotificationsPage },
      errors: [400, 401, 403],
      handler: async ({ query }, req) => service.list(currentUser(req.principal), query),
    }),
    route({
      ...mine,
      method: 'post',
      path: '/me/notifications/read-all',
      summary: 'Mark all my messages read',
      responses: { 200: Unread },
      errors: [401, 403],
      handler: async (_input, req) => service.markAllRead(currentUser(req.principal)),
    }),
    route({
      ...mine,
      method: 'post',
      path: '/me/notifications/:id/read',
      summary: 'Mark one of my messages read (another person’s is 404)',
      params: NotificationParams,
      responses: { 200: Unread },
      errors: [401, 403, 404],
      handler: async ({ params }, req) => service.markRead(currentUser(req.principal), params.id),
    }),
    route({
      ...mine,
      method: 'get',
      path: '/me/notification-settings',
      summary: 'Whether I get SMS besides in-site messages, and the (masked) mobile they go to',
      responses: { 200: NotificationSettings },
      errors: [401, 403],
      handler: async (_input, req) => service.settings(currentUser(req.principal)),
    }),
    route({
      ...mine,
      method: 'put',
      path: '/me/notification-settings',
      summary: 'Turn SMS on or off (in-site messages always)',
      body: NotificationSettingsBody,
      bodyRefusal: { message: '设置无效', messageEn: 'Invalid settings', fields: { sms: { message: '应为 true 或 false', messageEn: 'must be true or false' } } },
      responses: { 200: NotificationSettings },
      errors: [400, 401, 403, 422],
      handler: async ({ body }, req) => service.saveSettings(currentUser(req.principal), body),
    }),
    route({
      ...ops,
      method: 'get',
      path: '/admin/notices',
      summary: 'Notices to applicants in a state (default dead: parked after their retry budget), with the last error',
      query: ParkedNoticesQuery,
      queryRefusal: ONE_PARAMETER,
      responses: { 200: Type.Array(ParkedNotice) },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.parked(query.state ?? 'dead'),
    }),
    route({
      ...ops,
      method: 'post',
      path: '/admin/notices/:id/retry',
      summary: 'Send a parked notice again, with a fresh budget of attempts (still one message: same idempotency key)',
      params: NoticeRetryParams,
      responses: { 200: NoticeRetried },
      errors: [401, 403, 404, 409],
      handler: async ({ params }) => service.retry(params.id),
    }),
  ];
}
