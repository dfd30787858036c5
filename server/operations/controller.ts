import { Type } from '@sinclair/typebox';
import type { OperationsService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { ONE_PARAMETER, route, type Route } from '../http/route.js';
import { AuditPage, AuditQuery, Delivery, DeliveriesQuery, DepartmentHealth, HealthQuery, MAX_PAGE_SIZE, Retried, RetryParams } from '../../shared/contracts/operations.js';

const TEXT = { message: '应为不超过 200 个字符的文本', messageEn: 'must be text of at most 200 characters' };
const INSTANT = { message: '应为 ISO 8601 日期时间', messageEn: 'must be an ISO 8601 date-time' };
const upTo = (max: number) => ({ message: `应为 1 到 ${max} 的整数`, messageEn: `must be an integer from 1 to ${max}` });
const QUERY_TEXTS = { actor: TEXT, action: TEXT, subject: TEXT, from: INSTANT, to: INSTANT, page: upTo(1_000_000), pageSize: upTo(MAX_PAGE_SIZE), days: upTo(366) };

/** Operators (admins): dead deliveries and their retry, the audit log, delivery health per department. */
export function operationsRoutes(service: OperationsService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('admin')], tags: ['operations'] };
  const invalid = { message: '查询参数无效', messageEn: 'Invalid query parameters', fields: QUERY_TEXTS };
  return [
    route({
      ...common,
      method: 'get',
      path: '/admin/deliveries',
      summary: 'Deliveries in a state (default dead) with every attempt',
      query: DeliveriesQuery,
      queryRefusal: ONE_PARAMETER,
      responses: { 200: Type.Array(Delivery) },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.deliveries(query.state ?? 'dead'),
    }),
    route({
      ...common,
      method: 'post',
      path: '/admin/deliveries/:id/retry',
      summary: 'Queue a dead delivery again',
      params: RetryParams,
      responses: { 200: Retried },
      errors: [401, 403, 404, 409],
      handler: async ({ params }, req) => service.retry(params.id, `admin:${currentUser(req.principal).id}`),
    }),
    route({
      ...common,
      method: 'get',
      path: '/admin/audit',
      summary: 'The audit log of personal-data access (who, what, when, why), newest first, paged (admin)',
      query: AuditQuery,
      queryRefusal: invalid,
      responses: { 200: AuditPage },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.audit(query),
    }),
    route({
      ...common,
      method: 'get',
      path: '/admin/departments',
      summary: 'Per department: delivery success rate over a window, last error, queue depth, oldest queued item, dead and open counts (admin)',
      query: HealthQuery,
      queryRefusal: invalid,
      responses: { 200: Type.Array(DepartmentHealth) },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.departmentDeliveries(query.days),
    }),
  ];
}
