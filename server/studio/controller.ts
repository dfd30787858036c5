import { Type } from '@sinclair/typebox';
import { draftOf, type StudioService } from './service.js';
import type { ProposalService } from './proposals.js';
import type { StudioDraftService } from './drafts.js';
import { currentUser, requireRole } from '../auth/middleware.js';
import { route, type Refusal, type Route } from '../http/route.js';
import { CheckBody, CheckResult, DraftBody, MAX_CHANGED_FILES, MAX_FILE_CHARS, Proposal, SavedDraft, StudioDraft, ProposalParams, ProposalsQuery, Proposed, Published, RejectBody, StudioBundle, StudioParams, VersionFiles, VersionParams } from '../../shared/contracts/studio.js';

/**
 * A draft that is not one is refused naming each part, and any key beside the draft's by name
 * (a misspelt `change` would otherwise lint the published files and look like success).
 */
const DRAFT_REFUSAL: Refusal = {
  message: '草稿格式错误',
  messageEn: 'Malformed draft',
  fields: {
    base: { message: '须指明所依据的已发布版本', messageEn: 'name the published version the edits start from' },
    changes: { message: `应为不超过 ${MAX_CHANGED_FILES} 个文件的数组`, messageEn: `must be an array of at most ${MAX_CHANGED_FILES} files` },
    'changes[*]': { message: '应为 {path, text}', messageEn: 'must be {path, text}' },
    'changes[*].path': { message: '不是场景文件路径（如 bundles/x.yaml、items/x.yaml）', messageEn: 'is not a scenario file path (bundles/x.yaml, items/x.yaml…)' },
    'changes[*].text': { message: `应为不超过 ${MAX_FILE_CHARS} 个字符的文本`, messageEn: `must be text of at most ${MAX_FILE_CHARS} characters` },
    removed: { message: '应为文件路径数组', messageEn: 'must be an array of file paths' },
    'removed[*]': { message: '应为文件路径数组', messageEn: 'must be an array of file paths' },
    answers: { message: '应为以数据元为键的对象', messageEn: 'must be an object keyed by data element id' },
  },
  unknownKey: (_body, path) =>
    path.startsWith('changes[') ? { message: '不是文件的字段（path、text）', messageEn: 'is not a field of a file (path, text)' } : { message: '不是此请求的字段', messageEn: 'is not a field of this request' },
};

/**
 * The designer studio: published versions and their files, live lint and preview of a draft, and
 * reviewed publishing: a designer proposes, another person with the reviewer or admin role approves.
 */
export function studioRoutes(service: StudioService, proposals: ProposalService, drafts: StudioDraftService): Route[] {
  const common = { security: 'session' as const, before: [requireRole('designer')], tags: ['studio'] };
  const reviewers = { security: 'session' as const, before: [requireRole('reviewer', 'admin')], tags: ['studio'] };
  return [
    route({
      ...common,
      method: 'get',
      path: '/studio/bundles',
      summary: 'Every bundle with all its published versions, their items and application counts (designer)',
      responses: { 200: Type.Array(StudioBundle) },
      errors: [401, 403],
      handler: () => service.bundles(),
    }),
    route({
      ...common,
      method: 'get',
      path: '/studio/bundles/:id/versions/:version/files',
      summary: 'The scenario files a published version was published from (designer)',
      params: VersionParams,
      responses: { 200: VersionFiles },
      errors: [401, 403, 404],
      handler: async ({ params }) => ({ bundleId: params.id, version: params.version, files: await service.versionFiles(params.id, params.version) }),
    }),
    route({
      ...common,
      method: 'post',
      path: '/studio/bundles/:id/check',
      summary: 'Lint a draft (the CLI’s check on the base version’s files with the edits applied) and, when clean, preview it for the given answers: composed form, evaluation, savings (designer)',
      params: StudioParams,
      body: CheckBody,
      bodyRefusal: DRAFT_REFUSAL,
      responses: { 200: CheckResult },
      errors: [400, 401, 403, 404, 422],
      handler: async ({ params, body }) => service.check(params.id, draftOf(body), body.answers ?? {}, body.lang ?? 'zh'),
    }),
    route({
      ...common,
      method: 'get',
      path: '/studio/bundles/:id/draft',
      summary: "The signed-in designer's saved draft of the bundle (null when none); other designers' drafts are never shown (designer)",
      params: StudioParams,
      responses: { 200: SavedDraft },
      errors: [401, 403],
      handler: async ({ params }, req) => ({ draft: await drafts.get(currentUser(req.principal).id, params.id) }),
    }),
    route({
      ...common,
      method: 'put',
      path: '/studio/bundles/:id/draft',
      summary: "Save the signed-in designer's draft of the bundle (replaces the earlier one); 404 when the base is not a published version, 413 when the changed files together are too large (designer)",
      params: StudioParams,
      body: DraftBody,
      bodyRefusal: DRAFT_REFUSAL,
      responses: { 200: StudioDraft },
      errors: [400, 401, 403, 404, 413, 422],
      handler: async ({ params, body }, req) => drafts.save(currentUser(req.principal).id, params.id, draftOf(body)),
    }),
    route({
      ...common,
      method: 'delete',
      path: '/studio/bundles/:id/draft',
      summary: "Discard the signed-in designer's saved draft of the bundle (designer)",
      params: StudioParams,
      responses: { 204: { description: 'discarded (or there was none)' } },
      errors: [401, 403],
      handler: async ({ params }, req, res) => {
        await drafts.discard(currentUser(req.principal).id, params.id);
        res.status(204).end();
      },
    }),
    route({
      ...common,
      method: 'post',
      path: '/studio/bundles/:id/versions',
      summary: 'Propose the draft as a new version (四眼原则): it is published only when another person with the reviewer or admin role approves it; the designer\'s saved draft of the bundle is removed. Refused (422, file:line:col details) when it does not lint, 409 when its version is already published (designer)',
      params: StudioParams,
      body: DraftBody,
      bodyRefusal: DRAFT_REFUSAL,
      responses: { 202: Proposed },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => proposals.propose(params.id, draftOf(body), req.principal!, currentUser(req.principal)),
    }),
    route({
      security: 'session',
      before: [requireRole('designer', 'reviewer', 'admin')],
      tags: ['studio'],
      method: 'get',
      path: '/studio/proposals',
      summary: 'Publishing proposals, newest first, each with its semantic diff against the version current when proposed and its risk (designer, reviewer, admin)',
      query: ProposalsQuery,
      responses: { 200: Type.Array(Proposal) },
      errors: [400, 401, 403],
      handler: ({ query }) => proposals.list(query.status),
    }),
    route({
      ...reviewers,
      method: 'post',
      path: '/studio/proposals/:id/approve',
      summary: "Approve a pending proposal and publish it as the new immutable version; 403 for its author and, when it changes departments' delivery, for anyone but an admin; 409 when decided already or another version was published since (reviewer, admin)",
      params: ProposalParams,
      responses: { 200: Published },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params }, req) => proposals.approve(params.id, req.principal!, currentUser(req.principal)),
    }),
    route({
      ...reviewers,
      method: 'post',
      path: '/studio/proposals/:id/reject',
      summary: 'Reject a pending proposal with a reason; 403 for its author, 409 when decided already (reviewer, admin)',
      params: ProposalParams,
      body: RejectBody,
      bodyRefusal: { message: '须填写驳回理由', messageEn: 'Give a reason for the rejection', fields: { reason: { message: '须填写驳回理由', messageEn: 'give a reason' } } },
      responses: { 200: Proposal },
      errors: [400, 401, 403, 404, 409, 422],
      handler: async ({ params, body }, req) => proposals.reject(params.id, body.reason.trim(), req.principal!, currentUser(req.principal)),
    }),
  ];
}
