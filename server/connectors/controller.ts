import { Type } from '@sinclair/typebox';
import { requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { ConnectorCall, ConnectorHealthRow, ConnectorsQuery } from '../../shared/contracts/connectors.js';
import type { ConnectorsService } from './service.js';

/** Operators (admins): the connectors' health, calls, success rate and latency, and the newest calls. */
export function connectorsRoutes(service: ConnectorsService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('admin')], tags: ['operations'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/admin/connectors',
      summary: 'Per connector (licence library, data exchange): its health check now, calls over a window, success rate, average and p95 latency, last error (admin)',
      query: ConnectorsQuery,
      queryRefusal: { message: '查询参数无效', messageEn: 'Invalid query parameters', fields: { days: { message: '应为 1 到 366 的整数', messageEn: 'must be an integer from 1 to 366' } } },
      responses: { 200: Type.Array(ConnectorHealthRow) },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.health(query.days),
    }),
    route({
      ...common,
      method: 'get',
      path: '/admin/connector-calls',
      summary: 'The newest 100 calls to the exchange: who, which licence type or department, whose (masked), for which application, outcome, latency (admin)',
      responses: { 200: Type.Array(ConnectorCall) },
      errors: [401, 403],
      handler: async () => service.calls(),
    }),
  ];
}
