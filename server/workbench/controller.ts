import type { WorkbenchService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { UnauthorizedError } from '../errors.js';
import { REASON_REFUSAL } from '../departments/errors.js';
import { ONE_PARAMETER, route, type Route } from '../http/route.js';
import { Inbox, InboxQuery, SubDetail, WorkbenchParams, WorkbenchReadQuery } from '../../shared/contracts/workbench.js';

/** The department workbench's reads; actions go through the department API (POST /sub-applications/:id/actions). */
export function workbenchRoutes(service: WorkbenchService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('staff')], tags: ['workbench'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/workbench/inbox',
      summary: "The signed-in staff member's department inbox, most urgent first, with time limits in working days",
      query: InboxQuery,
      queryRefusal: {
        ...ONE_PARAMETER,
        fields: {
          item: { message: '应为事项编码', messageEn: 'must be an item id' },
          overdue: { message: '应为 true 或 false', messageEn: 'must be true or false' },
          number: { message: '应为办件编号（最多 20 位数字，可只填末几位）', messageEn: 'must be an application number (up to 20 digits, or its last digits)' },
        },
      },
      responses: { 200: Inbox },
      errors: [400, 401, 403, 404],
      handler: async ({ query }, req) => service.inbox(currentUser(req.principal), query),
    }),
    route({
      ...common,
      method: 'get',
      path: '/workbench/sub-applications/:id',
      summary: 'One sub-application for the workbench (audit-logged with the reason given): the department API view plus English labels, bundle version and the clock',
      params: WorkbenchParams,
      query: WorkbenchReadQuery,
      queryRefusal: REASON_REFUSAL,
      responses: { 200: SubDetail },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }, req) => {
        if (!req.principal) throw new UnauthorizedError();
        return service.detail(req.principal, params.id, query.reason);
      },
    }),
  ];
}
