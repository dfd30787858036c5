import { Type } from '@sinclair/typebox';
import type { RoleService } from './service.js';
import { requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { GrantBody, GrantParams, Identity, IdentitiesQuery, RoleGrant } from '../../shared/contracts/roles.js';

/** Administrators grant and revoke roles (audited); the identity provider never grants them. */
export function rolesRoutes(service: RoleService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('admin')], tags: ['operations'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/admin/identities',
      summary: 'People who have signed in, to grant a role to: by name or a whole identifier, identifiers masked (admin)',
      query: IdentitiesQuery,
      queryRefusal: { message: '查询参数无效', messageEn: 'Invalid query parameters', fields: { q: { message: '应为不超过 100 个字符的文本', messageEn: 'must be text of at most 100 characters' } } },
      responses: { 200: Type.Array(Identity) },
      errors: [400, 401, 403],
      handler: async ({ query }) => service.identities(query.q),
    }),
    route({
      ...common,
      method: 'get',
      path: '/admin/role-grants',
      summary: 'Roles granted to identities, newest first (admin)',
      responses: { 200: Type.Array(RoleGrant) },
      errors: [401, 403],
      handler: async () => service.grants(),
    }),
    route({
      ...common,
      method: 'post',
      path: '/admin/role-grants',
      summary: "Grant a role to an identity (replaces its earlier grant; staff need an existing department); audited. Takes effect on the person's next request (admin)",
      body: GrantBody,
      bodyRefusal: {
        message: '授权内容有误',
        messageEn: 'Invalid grant',
        fields: {
          userId: { message: '必填，用户的 id', messageEn: 'required: the user id' },
          role: { message: '应为 staff、designer、reviewer、clerk、admin 之一', messageEn: 'must be one of staff, designer, reviewer, clerk, admin' },
          department: { message: '部门代码', messageEn: 'a department code' },
        },
      },
      responses: { 201: RoleGrant },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ body }, req) => service.grant(req.principal!, body),
    }),
    route({
      ...common,
      method: 'delete',
      path: '/admin/role-grants/:userId',
      summary: "Revoke an identity's granted role; audited. Takes effect on the person's next request (admin)",
      params: GrantParams,
      responses: { 204: { description: 'revoked' } },
      errors: [401, 403, 404, 409],
      handler: async ({ params }, req, res) => {
        await service.revoke(req.principal!, params.userId);
        res.status(204).end();
      },
    }),
  ];
}
