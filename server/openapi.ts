import { Router } from 'express';
import { workbenchPaths } from './workbench/openapi.js';
import { studioPaths } from './studio/openapi.js';
import { operationsPaths } from './operations/openapi.js';
import { ratingsPaths } from './ratings/openapi.js';
import { statsPaths } from './stats/openapi.js';

/**
 * OpenAPI 3.1 description of the HTTP API. Kept by hand beside the controllers; a test checks
 * that every mounted route is described here and every path described here is mounted.
 */
const error = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
const id = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const citizen = [{ session: [] }];
const department = [{ departmentToken: [] }, { session: [] }];

export const openApiDocument = {
  openapi: '3.1.0',
  info: {
    title: '一件事一次办 API',
    version: '0.1.0',
    description:
      'Citizen API (one combined application per life event), department API (each department receives only its own split sub-application) and operator API. ' +
      'Errors: `{"error":{"code","message","messageEn","details":[{"path","message","messageEn"}]}}`, message in Chinese, messageEn in English. ' +
      'State-changing requests made with the session cookie must carry the `X-CSRF-Token` header returned by dev-login or /auth/me.',
  },
  servers: [{ url: '/api' }],
  components: {
    securitySchemes: {
      session: { type: 'apiKey', in: 'cookie', name: 'yjs_sid', description: 'Signed, httpOnly, SameSite=Lax session cookie' },
      departmentToken: {
        type: 'http',
        scheme: 'bearer',
        description:
          "A department back-office system's token. Its state-changing calls also carry X-Yjs-Timestamp, X-Yjs-Nonce (new per request) and " +
          'X-Yjs-Signature: v1=<hex HMAC-SHA256(department secret, "<timestamp>.<nonce>.<METHOD> <path>.<raw body>")>; unsigned, tampered, stale (> 300 s) or replayed calls get 401.',
      },
    },
    responses: {
      Error: { description: 'Error', ...json(ref('Error')) },
    },
    schemas: {
      Error: {
        type: 'object',
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            required: ['code', 'message', 'details'],
            properties: {
              code: { type: 'string' },
              message: { type: 'string', description: 'Chinese' },
              messageEn: { type: 'string' },
              details: { type: 'array', items: { type: 'object', required: ['path', 'message'], properties: { path: { type: 'string' }, message: { type: 'string' }, messageEn: { type: 'string' } } } },
            },
          },
        },
      },
      User: { type: 'object', required: ['id', 'name', 'role'], properties: { id: { type: 'string' }, name: { type: 'string' }, role: { enum: ['citizen', 'staff', 'designer', 'admin'] }, department: { type: 'string' } } },
      Savings: {
        type: 'object',
        description: 'Same shape as `npm run scenario -- stats --json`',
        properties: {
          bundle: { type: 'string' },
          items: { type: 'integer' },
          materials: { type: 'object', properties: { separately: { type: 'integer' }, handedIn: { type: 'integer' }, waived: { type: 'object', properties: { sharing: { type: 'integer' }, bundle: { type: 'integer' }, commitment: { type: 'integer' }, generated: { type: 'integer' } } }, handedInOnceForSeveral: { type: 'integer' }, reusedFromArchive: { type: 'integer' } } },
          fields: { type: 'object', properties: { separately: { type: 'integer' }, asked: { type: 'integer' } } },
          visits: {
            type: 'object',
            properties: {
              separately: { type: 'integer', description: "each included item's own visits (跑动次数)" },
              bundled: { type: 'integer', description: 'trips the remaining on-site needs cost' },
              reasons: { type: 'array', description: 'why a visit remains', items: { type: 'object', required: ['reason', 'title'], properties: { item: { type: 'string' }, reason: { enum: ['inspection', 'assessment', 'original', 'signature', 'collect', 'rule'] }, title: { type: 'string' }, titleEn: { type: 'string' } } } },
            },
          },
          days: {
            type: 'object',
            properties: {
              separately: { type: 'number' },
              criticalPath: { type: 'number' },
              promised: { type: 'object', description: "the bundle's promise (承诺办结时限); without one the critical path, declared false", properties: { value: { type: 'number' }, unit: { enum: ['working', 'natural'] }, declared: { type: 'boolean' }, excludes: { type: 'array', items: { type: 'string' } } } },
            },
          },
          steps: { type: 'object', description: '环节: the items\' own steps vs the bundle\'s flow', properties: { separately: { type: 'integer' }, bundled: { type: 'integer' } } },
          fees: { type: 'object', description: 'yuan: item fees and the chosen delivery options', properties: { total: { type: 'number' }, items: { type: 'array', items: { type: 'object' } } } },
        },
      },
      SubStatus: { enum: ['waiting', 'queued', 'delivered', 'accepted', 'supplement', 'completed', 'rejected', 'dead'] },
      Application: {
        type: 'object',
        required: ['id', 'bundleId', 'version', 'status', 'items'],
        properties: {
          id: { type: 'string', format: 'uuid' },
          bundleId: { type: 'string' },
          version: { type: 'string' },
          region: { type: ['string', 'null'], description: 'the regional implementation it was filed under, null for the standard' },
          status: { enum: ['draft', 'submitted', 'in_progress', 'supplement', 'completed', 'rejected', 'partially_completed'] },
          items: {
            type: 'array',
            items: {
              type: 'object',
              required: ['id', 'itemId', 'department', 'status', 'outputs', 'history'],
              properties: {
                id: { type: 'string', format: 'uuid' },
                itemId: { type: 'string' },
                department: { type: 'string' },
                status: ref('SubStatus'),
                outputs: { type: 'object' },
                supplement: { type: ['object', 'null'] },
                history: { type: 'array', items: { type: 'object', properties: { at: { type: 'string', format: 'date-time' }, status: { type: 'string' }, note: {} } } },
              },
            },
          },
          savings: ref('Savings'),
          promise: { type: ['object', 'null'], description: "the bundle's promised limit: {days, unit: working | natural}", properties: { days: { type: 'number' }, unit: { enum: ['working', 'natural'] } } },
          promisedBy: { type: ['string', 'null'], format: 'date-time', description: 'when the promise runs out for this filing: 24:00 China time of its last day, ISO 8601 with +08:00; null without a promise or before filing' },
          rating: { type: ['object', 'null'], description: '好差评 once finished: {score 1–5, comment, createdAt}; see POST /applications/{id}/rating' },
        },
      },
      Answers: { type: 'object', required: ['answers'], additionalProperties: false, description: 'Any other top-level key is refused with 422 naming it', properties: { answers: { type: 'object', description: 'Values keyed by data element id (`child.name`); item-local fields by `<itemId>/<field>`; null clears a value' } } },
      SubApplication: {
        type: 'object',
        properties: {
          id: { type: 'string', format: 'uuid' },
          itemId: { type: 'string' },
          status: ref('SubStatus'),
          allowedActions: { type: 'array', items: { type: 'string' } },
          fields: { type: 'object', description: "Only this department's fields, under its own field names" },
          materials: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, title: { type: 'string' }, disposition: { type: 'string' }, url: { type: 'string' } } } },
          inputs: { type: 'object', description: 'Results of earlier items this one needs' },
          produces: { type: 'array', items: { type: 'object' } },
        },
      },
      Action: {
        type: 'object',
        required: ['action'],
        additionalProperties: false,
        description: 'accept takes only action; reject also reason; request-supplement reason and missing; complete outputs. Any other key is refused with 422 naming it',
        properties: {
          action: { enum: ['accept', 'reject', 'request-supplement', 'complete'] },
          reason: { type: 'string', description: 'required for reject' },
          missing: { type: 'object', properties: { materials: { type: 'array', items: { type: 'string' } }, fields: { type: 'array', items: { type: 'string' } } }, description: 'for request-supplement: everything missing, at once (一次性告知)' },
          outputs: { type: 'object', description: 'for complete: every output the item declares' },
        },
      },
    },
  },
  paths: {
    ...workbenchPaths,
    ...studioPaths,
    ...operationsPaths,
    ...ratingsPaths,
    ...statsPaths,
    '/health': { get: { summary: 'Liveness and database check', responses: { '200': json({ type: 'object', properties: { status: { const: 'ok' }, db: { enum: ['pglite', 'postgres'] } } }), '503': { description: 'database unavailable' } } } },
    '/openapi.json': { get: { summary: 'This document', responses: { '200': { description: 'OpenAPI 3.1' } } } },
    '/auth/demo-users': { get: { summary: 'Demo users (DEMO mode only; 404 otherwise)', responses: { '200': json({ type: 'array', items: ref('User') }), ...errors(404) } } },
    '/auth/dev-login': {
      post: {
        summary: 'Sign in as a demo user (DEMO mode only)',
        requestBody: json({ type: 'object', required: ['user'], properties: { user: { type: 'string' } } }),
        responses: { '200': json({ type: 'object', properties: { user: ref('User'), csrfToken: { type: 'string' } } }), ...errors(400, 401, 404) },
      },
    },
    '/auth/me': { get: { summary: 'The signed-in user and CSRF token; both null when nobody is signed in', responses: { '200': json({ type: 'object', properties: { user: { oneOf: [ref('User'), { type: 'null' }] }, csrfToken: { type: ['string', 'null'] } } }) } } },
    '/auth/logout': { post: { summary: 'Revoke the session', responses: { '204': { description: 'signed out' } } } },
    '/bundles': { get: { summary: 'Published bundles (一件事), newest versions, with savings previews', responses: { '200': json({ type: 'array', items: { type: 'object' } }) } } },
    '/bundles/{id}': {
      get: {
        summary: 'One bundle: items, departments, materials, savings preview, and its regions (the standard first, then the city or county implementations)',
        parameters: [id('id', 'bundle id')],
        responses: {
          '200': json({ type: 'object', properties: { regions: { type: 'array', items: { type: 'object', required: ['code', 'name'], properties: { code: { type: 'string' }, name: { type: 'string' }, nameEn: { type: 'string' }, standard: { type: 'boolean' } } } } } }),
          ...errors(404),
        },
      },
    },
    '/bundles/{id}/form': {
      get: {
        summary: 'The composed form of the newest version (or of `version`), prefilled from identity and data sharing',
        parameters: [
          id('id', 'bundle id'),
          { name: 'version', in: 'query', required: false, schema: { type: 'string' }, description: 'a published version, e.g. the one a draft was started under' },
          { name: 'region', in: 'query', required: false, schema: { type: 'string' }, description: "a region code of the bundle (GET /bundles/{id} lists them): that implementation's form; absent: the standard" },
        ],
        responses: { '200': json({ type: 'object', required: ['bundleId', 'version', 'schema', 'uiSchema', 'prefill'], properties: { bundleId: { type: 'string' }, version: { type: 'string' }, schema: { type: 'object' }, uiSchema: { type: 'object' }, prefill: { type: 'object' }, region: { type: ['object', 'null'], description: 'the region whose implementation this is, null for a bundle without regions' }, model: { type: 'object', description: 'bundle, items, dictionary, materials and department names, for running the engine in the browser' }, profile: { type: ['object', 'null'], description: "the signed-in citizen's identity and archive (一人一档), null otherwise" } } }), ...errors(404, 422) },
      },
    },
    '/applications': {
      get: { summary: 'My applications', security: citizen, responses: { '200': json({ type: 'array', items: { type: 'object' } }), ...errors(401, 403) } },
      post: {
        summary: 'Start a draft in a region of the bundle, the standard by default (any key but bundleId and region is refused with 422 naming it)',
        security: citizen,
        requestBody: json({ type: 'object', required: ['bundleId'], additionalProperties: false, properties: { bundleId: { type: 'string' }, region: { type: 'string', description: 'a region code the bundle lists (GET /bundles/{id}); an unknown one is refused with 422' } } }),
        responses: { '201': json({ type: 'object', properties: { id: { type: 'string' }, region: { type: ['string', 'null'] } } }), ...errors(400, 401, 403, 404, 422) },
      },
    },
    '/applications/{id}': { get: { summary: 'One of my applications, with each department’s progress', security: citizen, parameters: [id('id', 'application id')], responses: { '200': json(ref('Application')), ...errors(401, 404) } } },
    '/applications/{id}/answers': {
      put: { summary: 'Save the draft; every value present is validated, all failures reported at once', security: citizen, parameters: [id('id', 'application id')], requestBody: json(ref('Answers')), responses: { '200': json({ type: 'object' }), ...errors(400, 401, 404, 409, 422) } },
    },
    '/applications/{id}/evaluation': {
      get: {
        summary: 'Included items, every material with its disposition and reason, and the savings',
        security: citizen,
        parameters: [id('id', 'application id')],
        responses: { '200': json({ type: 'object', properties: { items: { type: 'array' }, materials: { type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, title: { type: 'string' }, disposition: { enum: ['upload', 'reuse', 'sharing', 'bundle', 'commitment', 'generated'] }, reason: { type: 'string' }, items: { type: 'array' } } } }, savings: ref('Savings') } }), ...errors(401, 404) },
      },
    },
    '/applications/{id}/materials/{code}': {
      post: {
        summary: 'Upload a material (PDF, JPEG, PNG or OFD, checked by content); stored once by sha256',
        security: citizen,
        parameters: [id('id', 'application id'), id('code', 'material code')],
        requestBody: { content: { 'multipart/form-data': { schema: { type: 'object', required: ['file'], properties: { file: { type: 'string', format: 'binary' } } } } } },
        responses: { '201': json({ type: 'object', properties: { code: { type: 'string' }, sha256: { type: 'string' }, size: { type: 'integer' } } }), ...errors(400, 401, 404, 409, 413, 415) },
      },
    },
    '/uploads/limits': {
      get: { summary: 'The upload size limit in force (MAX_UPLOAD_BYTES), for checking a file before it is sent; the accepted types are PDF, JPEG, PNG and OFD', responses: { '200': json({ type: 'object', required: ['maxBytes'], additionalProperties: false, properties: { maxBytes: { type: 'integer', minimum: 1 } } }) } },
    },
    '/applications/{id}/submit': {
      post: {
        summary: 'File the application: one transaction for the application, its sub-applications and the savings snapshot. Takes no body: a key sent in one is refused with 422 naming it',
        security: citizen,
        parameters: [id('id', 'application id'), { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 }, description: 'The same key never files twice; a repeat returns the first result' }],
        responses: { '201': json(ref('Application')), '200': { description: 'a repeat of an earlier call with the same Idempotency-Key', ...json(ref('Application')) }, ...errors(401, 404, 409, 422) },
      },
    },
    '/applications/{id}/supplements/{subId}': {
      post: { summary: 'Answer a supplement request (补正): exactly the fields and materials asked for', security: citizen, parameters: [id('id', 'application id'), id('subId', 'sub-application id')], requestBody: json(ref('Answers')), responses: { '200': json(ref('Application')), ...errors(401, 404, 409, 422) } },
    },
    '/departments/{code}/sub-applications': {
      get: { summary: "A department's sub-applications", security: department, parameters: [id('code', 'department code'), { name: 'status', in: 'query', schema: ref('SubStatus') }], responses: { '200': json({ type: 'array', items: { type: 'object' } }), ...errors(400, 401, 404) } },
    },
    '/sub-applications/{id}': { get: { summary: 'One sub-application (audit-logged)', security: department, parameters: [id('id', 'sub-application id'), { name: 'reason', in: 'query', schema: { type: 'string' }, description: 'why it is read, for the audit log' }], responses: { '200': json(ref('SubApplication')), ...errors(401, 404) } } },
    '/sub-applications/{id}/materials/{code}': { get: { summary: 'Download a material of the sub-application (audit-logged)', security: department, parameters: [id('id', 'sub-application id'), id('code', 'material code'), { name: 'reason', in: 'query', schema: { type: 'string' }, description: 'why it is read, for the audit log' }], responses: { '200': { description: 'the file' }, ...errors(401, 404) } } },
    '/sub-applications/{id}/actions': {
      post: {
        summary: 'Accept, reject, request a supplement, or complete with outputs (signed when called with a department token)',
        security: department,
        parameters: [
          id('id', 'sub-application id'),
          ...(['X-Yjs-Timestamp', 'X-Yjs-Nonce', 'X-Yjs-Signature'] as const).map((name) => ({ name, in: 'header', schema: { type: 'string' }, description: 'request signature (department token callers)' })),
        ], requestBody: json(ref('Action')), responses: { '200': json(ref('SubApplication')), ...errors(400, 401, 404, 409, 422) } },
    },
    '/admin/deliveries': { get: { summary: 'Deliveries in a state (default dead) with every attempt', security: citizen, parameters: [{ name: 'state', in: 'query', schema: ref('SubStatus') }], responses: { '200': json({ type: 'array', items: { type: 'object' } }), ...errors(400, 401, 403) } } },
    '/admin/deliveries/{id}/retry': { post: { summary: 'Queue a dead delivery again', security: citizen, parameters: [id('id', 'sub-application id')], responses: { '200': json({ type: 'object' }), ...errors(401, 403, 404, 409) } } },
  },
} as const;

export function openApiRouter(): Router {
  return Router().get('/openapi.json', (_req, res) => {
    res.json(openApiDocument);
  });
}
