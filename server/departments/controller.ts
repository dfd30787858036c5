import { Type } from '@sinclair/typebox';
import type { RequestHandler } from 'express';
import type { DepartmentService } from './service.js';
import { UnauthorizedError, ForbiddenError } from '../errors.js';
import { ONE_PARAMETER, route, type Route } from '../http/route.js';
import type { Principal } from '../auth/types.js';
import { REASON_REFUSAL } from './errors.js';
import { ActionBody, DepartmentParams, ListQuery, ReadQuery, SubApplication, SubListRow, SubMaterialParams, SubParams } from '../../shared/contracts/departments.js';
import { SubDocumentParams } from '../../shared/contracts/results.js';

/** A department's system (bearer token) or a signed-in staff member of a department. */
const departmentCaller: RequestHandler = (req, _res, next) => {
  const p = req.principal;
  if (!p) throw new UnauthorizedError();
  if (p.kind === 'user' && p.user.role !== 'staff') throw new ForbiddenError('仅限部门工作人员', 'Department staff only');
  next();
};

function principal(p: Principal | undefined): Principal {
  if (!p) throw new UnauthorizedError();
  return p;
}

/** The department API: each department sees and acts on its own sub-applications only. */
export function departmentsRoutes(service: DepartmentService): Route[] {
  const common = { security: 'department' as const, before: [departmentCaller], tags: ['department'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/departments/:code/sub-applications',
      summary: "A department's sub-applications",
      params: DepartmentParams,
      query: ListQuery,
      queryRefusal: ONE_PARAMETER,
      responses: { 200: Type.Array(SubListRow) },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }, req) => service.list(principal(req.principal), params.code, query.status),
    }),
    route({
      ...common,
      method: 'get',
      path: '/sub-applications/:id',
      summary: 'One sub-application (audit-logged with its reason: required of staff, a fixed purpose for a department system)',
      params: SubParams,
      query: ReadQuery,
      queryRefusal: REASON_REFUSAL,
      responses: { 200: SubApplication },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }, req) => service.get(principal(req.principal), params.id, { reason: query.reason, route: 'GET /api/sub-applications/:id' }),
    }),
    route({
      ...common,
      method: 'get',
      path: '/sub-applications/:id/materials/:code',
      summary: 'Download a material of the sub-application (audit-logged with its reason, as a read)',
      params: SubMaterialParams,
      query: ReadQuery,
      queryRefusal: REASON_REFUSAL,
      responses: { 200: { description: 'the file', contentType: 'application/octet-stream', schema: Type.String({ format: 'binary' }) } },
      errors: [400, 401, 403, 404, 503],
      handler: async ({ params, query }, req, res) => {
        const file = await service.material(principal(req.principal), params.id, params.code, { reason: query.reason, route: 'GET /api/sub-applications/:id/materials/:code' });
        res.setHeader('Content-Type', file.mime);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.send(file.data);
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/sub-applications/:id/documents/:docId',
      summary: 'Download a result document (办结文书) attached on completion (audit-logged with its reason, as a read)',
      params: SubDocumentParams,
      query: ReadQuery,
      queryRefusal: REASON_REFUSAL,
      responses: { 200: { description: 'the file', contentType: 'application/octet-stream', schema: Type.String({ format: 'binary' }) } },
      errors: [400, 401, 403, 404],
      handler: async ({ params, query }, req, res) => {
        const file = await service.document(principal(req.principal), params.id, params.docId, { reason: query.reason, route: 'GET /api/sub-applications/:id/documents/:docId' });
        res.setHeader('Content-Type', file.mime);
        res.setHeader('Content-Disposition', `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`);
        res.setHeader('X-Content-Type-Options', 'nosniff');
        res.send(file.data);
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/sub-applications/:id/actions',
      summary: 'Accept, reject, request a supplement, or complete with outputs and result documents (signed when called with a department token)',
      params: SubParams,
      headers: Type.Object(
        Object.fromEntries(['X-Yjs-Timestamp', 'X-Yjs-Nonce', 'X-Yjs-Signature'].map((name) => [name, Type.Optional(Type.String({ description: 'request signature (department token callers)' }))])),
      ),
      body: ActionBody,
      discriminator: {
        property: 'action',
        refusal: { message: 'action 无效', messageEn: 'Invalid action' },
        // A key this action does not take is refused by name, never dropped: a system sending
        // `output` for `outputs` would otherwise believe its result was recorded.
        shape: {
          status: 422,
          message: '填写内容有误',
          messageEn: 'Some values are invalid',
          unknownKey: (b) => ({ message: `不是「${String(b.action)}」操作的字段`, messageEn: `is not a field of the ${String(b.action)} action` }),
        },
      },
      responses: { 200: SubApplication },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => service.act(principal(req.principal), params.id, body),
    }),
  ];
}
