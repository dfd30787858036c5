import type { CommitmentService } from './service.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { route, type Route } from '../http/route.js';
import { ApplicationParams, CommitmentBody, CommitmentView } from '../../shared/contracts/applications.js';

/** 告知承诺: the applicant reads the 承诺书 of a draft and signs it (checkbox and the name typed again). */
export function commitmentsRoutes(service: CommitmentService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('citizen', 'clerk')], tags: ['citizen'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/applications/:id/commitment',
      summary: 'The 告知承诺书 this application needs (the materials it replaces, for which items), with its hash and the signature kept, if any',
      description:
        'The text is generated from the applicant, the bundle and the materials waived by commitment in the current answers; when the answers change it, the hash changes and an earlier signature shows `valid: false` (sign again before submitting).',
      params: ApplicationParams,
      responses: { 200: CommitmentView },
      errors: [401, 403, 404],
      handler: async ({ params }, req) => service.describe(currentUser(req.principal), params.id),
    }),
    route({
      ...common,
      method: 'post',
      path: '/applications/:id/commitment',
      summary: "Sign the 告知承诺书: `agreed: true` and the applicant's name typed again exactly; kept with the text's SHA-256 and the time",
      description:
        "422 naming `agreed` when not ticked, `name` when the name is not the applicant's; 409 for an application already submitted, one that needs no commitment, or a `sha256` other than the text's in force. Until signed, submitting is refused with 422 naming `commitment`.",
      params: ApplicationParams,
      body: CommitmentBody,
      bodyRefusal: {
        status: 422,
        message: '签署内容有误',
        messageEn: 'The signature is incomplete',
        fields: {
          agreed: { message: '请勾选“我已阅读并同意”', messageEn: 'tick that you have read and agree' },
          name: { message: '请输入申请人姓名', messageEn: "type the applicant's name" },
          sha256: { message: '应为承诺书的 SHA-256', messageEn: "must be the commitment's SHA-256" },
        },
        unknownKey: { message: '不是签署的字段', messageEn: 'is not a field of a signature' },
        unknownAlone: 'together',
      },
      responses: { 200: CommitmentView },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => service.sign(currentUser(req.principal), params.id, body),
    }),
  ];
}
