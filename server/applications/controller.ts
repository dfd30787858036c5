import { Type } from '@sinclair/typebox';
import type { ApplicationService } from './service.js';
import type { RatingService } from '../ratings/service.js';
import type { CounterService } from '../counter/service.js';
import { ApplicantError, NotAClerkError } from '../counter/errors.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { parseUpload } from '../materials/upload.js';
import type { UploadLimits } from '../../shared/uploads.js';
import { route, type Refusal, type Route } from '../http/route.js';
import {
  AnswersBody,
  ApplicationDetail,
  ApplicationParams,
  ApplicationSummary,
  CreateBody,
  Created,
  MaterialParams,
  MAX_COMMENT,
  Rating,
  RatingBody,
  Saved,
  ServerEvaluation,
  SubmitBody,
  Authorised,
  SubmitHeaders,
  SupplementParams,
  UploadForm,
  UploadLimitsSchema,
  UploadResult,
} from '../../shared/contracts/applications.js';

const ANSWERS_REFUSAL: Refusal = {
  message: '请求体应为 {"answers": {…}}',
  messageEn: 'The body must be {"answers": {…}}',
  fields: { answers: { message: '应为对象', messageEn: 'must be an object' }, step: { message: '应为填写步骤的名称', messageEn: 'must name a step of the form' } },
};

/** The citizen's side: drafts, answers, materials, submission, progress, supplements and the rating. */
/** How a rating body is refused: the application's 好差评 and an item's 一事一评 alike. */
const RATING_REFUSAL = {
  status: 422,
  message: '评价内容有误',
  messageEn: 'The rating is invalid',
  fields: {
    score: { message: '评分应为 1–5 的整数', messageEn: 'must be an integer from 1 to 5' },
    comment: { message: '评价内容应为文本', messageEn: 'must be a string' },
    'comment:maxLength': { message: `评价内容最多 ${MAX_COMMENT} 个字`, messageEn: `must have at most ${MAX_COMMENT} characters` },
  },
  unknownKey: { message: '不是评价的字段', messageEn: 'is not a field of a rating' },
  unknownAlone: 'together',
} as const;

/**
 * `counter`: filing for the person in front of a clerk (server/counter/). The applicant and the
 * clerk who filed for them use the same routes: who may act on which application is decided in
 * one place (./acting.ts).
 */
export function applicationsRoutes(service: ApplicationService, ratings: RatingService, maxUploadBytes: number, counter?: CounterService): Route[] {
  const citizen = requireRole('citizen', 'clerk');
  const common = { security: 'session' as const, before: [citizen], tags: ['citizen'] };
  // 好差评 is the applicant's own word: a clerk does not rate.
  const rating = { ...common, before: [requireRole('citizen')] };

  return [
    route({
      ...common,
      method: 'post',
      path: '/applications',
      summary: 'Start a draft in a region of the bundle, the standard by default (any key but bundleId, region and applicant is refused with 422 naming it)',
      body: CreateBody,
      bodyRefusal: {
        message: '请指定一件事',
        messageEn: 'Say which bundle to apply for',
        fields: {
          bundleId: { message: '必填', messageEn: 'required' },
          'applicant.idNumber': { message: '应为申请人的公民身份号码', messageEn: "must be the applicant's ID number" },
          'applicant.name': { message: '应为申请人的姓名', messageEn: "must be the applicant's name" },
          'applicant.mobile': { message: '应为申请人的手机号码', messageEn: "must be the applicant's mobile number" },
          'applicant.company.creditCode': { message: '应为企业的统一社会信用代码', messageEn: "must be the company's credit code" },
        },
      },
      responses: { 201: Created },
      description:
        'A citizen holds at most MAX_DRAFTS_PER_CITIZEN drafts (default 20): one more is refused with 409 `conflict` until one is submitted or deleted. A clerk (综合窗口) files for the person in front of them with `applicant` (公民身份号码 and name, checked against the identity library; 422 naming the field otherwise); the draft is the applicant\'s, the clerk and window are recorded on it. A citizen sending `applicant` is refused with 403.',
      errors: [400, 401, 403, 404, 409, 422, 503],
      handler: async ({ body }, req) => {
        const actor = currentUser(req.principal);
        if (body.applicant !== undefined && actor.role !== 'clerk') throw new NotAClerkError();
        if (actor.role === 'clerk' && (body.applicant === undefined || !counter)) throw new ApplicantError('applicant', '请先核验申请人身份（公民身份号码和姓名）', "identify the applicant first (ID number and name)");
        const app = body.applicant !== undefined && counter ? await counter.file(req.principal!, actor, { ...body, applicant: body.applicant }) : await service.create(actor, body.bundleId, body.region);
        return { id: app.id, bundleId: app.bundle_id, version: app.version, region: app.region, status: app.status, answers: app.answers };
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/applications',
      summary: 'My applications (a clerk: those they filed at the counter)',
      responses: { 200: Type.Array(ApplicationSummary) },
      errors: [401, 403],
      handler: async (_input, req) => service.list(currentUser(req.principal)),
    }),
    route({
      ...common,
      method: 'get',
      path: '/applications/:id',
      summary: 'One of my applications, with each department’s progress',
      params: ApplicationParams,
      responses: { 200: ApplicationDetail },
      errors: [401, 403, 404],
      handler: async ({ params }, req) => service.detail(currentUser(req.principal), params.id),
    }),
    route({
      ...common,
      method: 'delete',
      path: '/applications/:id',
      summary: 'Delete one of my drafts with its links to uploaded materials (the stored files, shared by content, stay)',
      description: '409 for an application already submitted; 404 for one that is not mine.',
      params: ApplicationParams,
      responses: { 204: { description: 'deleted' } },
      errors: [401, 403, 404, 409],
      handler: async ({ params }, req, res) => {
        await service.deleteDraft(currentUser(req.principal), params.id);
        res.status(204).end();
      },
    }),
    route({
      ...common,
      method: 'put',
      path: '/applications/:id/answers',
      summary: 'Save the draft; every value present is validated, all failures reported at once',
      description: 'The answers object is described by `answersSchema` in GET /bundles/{id}/form.',
      params: ApplicationParams,
      body: AnswersBody,
      bodyRefusal: ANSWERS_REFUSAL,
      responses: { 200: Saved },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => {
        const app = await service.saveAnswers(currentUser(req.principal), params.id, body.answers, body.step);
        return { id: app.id, status: app.status, answers: app.answers, updatedAt: app.updated_at };
      },
    }),
    route({
      ...common,
      method: 'get',
      path: '/applications/:id/evaluation',
      summary: 'Included items, every material with its disposition and reason, and the savings',
      params: ApplicationParams,
      responses: { 200: ServerEvaluation },
      errors: [401, 403, 404],
      handler: async ({ params }, req) => service.evaluation(currentUser(req.principal), params.id),
    }),
    route({
      method: 'get',
      path: '/uploads/limits',
      summary: 'The upload size limit in force (MAX_UPLOAD_BYTES), for checking a file before it is sent; the accepted types are PDF, JPEG, PNG and OFD',
      responses: { 200: UploadLimitsSchema },
      handler: async (): Promise<UploadLimits> => ({ maxBytes: maxUploadBytes }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/applications/:id/materials/:code',
      summary: 'Upload a material (PDF, JPEG, PNG or OFD, checked by content); stored once by sha256',
      before: [citizen, parseUpload({ maxBytes: maxUploadBytes })],
      params: MaterialParams,
      upload: { contentType: 'multipart/form-data', schema: UploadForm },
      responses: { 201: UploadResult },
      errors: [400, 401, 403, 404, 409, 413, 415, 503],
      handler: async ({ params }, req) => service.upload(currentUser(req.principal), params.id, params.code, req.upload!),
    }),
    route({
      ...common,
      method: 'post',
      path: '/applications/:id/authorisation',
      summary: 'Authorise (授权) fetching the applicant\'s electronic licences and records through data sharing for this application; kept once with its time',
      description: 'Required before submitting when a material is waived by data sharing (422 naming `authorisation` otherwise). A repeat keeps the first time. 409 once filed.',
      params: ApplicationParams,
      body: SubmitBody,
      responses: { 200: Authorised },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params }, req) => service.authorise(currentUser(req.principal), params.id),
    }),
    route({
      ...common,
      method: 'post',
      path: '/applications/:id/submit',
      summary: 'File the application: one transaction for the application, its sub-applications and the savings snapshot. Takes no body: a key sent in one is refused with 422 naming it',
      params: ApplicationParams,
      headers: SubmitHeaders,
      body: SubmitBody,
      responses: { 201: ApplicationDetail, 200: { description: 'a repeat of an earlier call with the same Idempotency-Key', schema: ApplicationDetail } },
      errors: [400, 401, 403, 404, 409, 422, 503],
      handler: async ({ params }, req, res) => {
        const { created, application } = await service.submit(currentUser(req.principal), params.id, req.get('Idempotency-Key'));
        res.status(created ? 201 : 200).json(application);
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/applications/:id/supplements/:subId',
      summary: 'Answer a supplement request (补正): exactly the fields and materials asked for',
      params: SupplementParams,
      body: AnswersBody,
      bodyRefusal: ANSWERS_REFUSAL,
      responses: { 200: ApplicationDetail },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => service.answerSupplement(currentUser(req.principal), params.id, params.subId, body.answers),
    }),
    route({
      ...rating,
      method: 'post',
      path: '/applications/:id/rating',
      summary: 'Rate a finished application (好差评), once; the rating then appears as `rating` in GET /applications/{id}',
      description:
        '409 while a department has not answered yet (status other than completed, partially_completed or rejected) and on a second rating; 422 for a score that is not an integer from 1 to 5 or a comment over 500 characters.',
      params: ApplicationParams,
      body: RatingBody,
      bodyRefusal: RATING_REFUSAL,
      responses: { 201: { description: 'the stored rating', schema: Rating } },
      errors: [401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => ratings.rate(currentUser(req.principal), params.id, body),
    }),
    route({
      ...rating,
      method: 'post',
      path: '/applications/:id/items/:subId/rating',
      summary: 'Rate one department\'s item once it has answered (一事一评), once; it then appears as the item\'s `rating` in GET /applications/{id}',
      description: '409 while the department has not answered the item (completed or rejected) and on a second rating; 404 for an item of another application; 422 as for the application\'s rating.',
      params: SupplementParams,
      body: RatingBody,
      bodyRefusal: RATING_REFUSAL,
      responses: { 201: { description: 'the stored rating', schema: Rating } },
      errors: [401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => ratings.rateItem(currentUser(req.principal), params.id, params.subId, body),
    }),
  ];
}
