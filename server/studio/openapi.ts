// OpenAPI paths of the designer studio; spread into server/openapi.ts.
const error = { $ref: '#/components/responses/Error' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const session = [{ session: [] }];
const path = (name: string, description: string) => ({ name, in: 'path', required: true, schema: { type: 'string' }, description });
const file = { type: 'object', required: ['path', 'text'], properties: { path: { type: 'string', description: 'relative to the scenarios folder, e.g. items/birth-registration.yaml' }, text: { type: 'string' } } };
const draft = {
  type: 'object',
  required: ['base'],
  additionalProperties: false,
  description: 'Any other key is refused with 422 naming it',
  properties: {
    base: { type: 'string', description: 'the published version the edits start from' },
    changes: { type: 'array', items: file, description: 'files replaced or added' },
    removed: { type: 'array', items: { type: 'string' }, description: 'paths removed' },
  },
};
const diagnostic = { type: 'object', properties: { file: { type: 'string' }, line: { type: 'integer' }, col: { type: 'integer' }, severity: { enum: ['error', 'warning'] }, code: { type: 'string' }, message: { type: 'string' } } };

export const studioPaths = {
  '/studio/bundles': {
    get: { summary: 'Every bundle with all its published versions, their items and application counts (designer)', security: session, responses: { '200': json({ type: 'array', items: { type: 'object' } }), ...errors(401, 403) } },
  },
  '/studio/bundles/{id}/versions/{version}/files': {
    get: {
      summary: 'The scenario files a published version was published from (designer)',
      security: session,
      parameters: [path('id', 'bundle id'), path('version', 'published version')],
      responses: { '200': json({ type: 'object', properties: { bundleId: { type: 'string' }, version: { type: 'string' }, files: { type: 'array', items: file } } }), ...errors(401, 403, 404) },
    },
  },
  '/studio/bundles/{id}/check': {
    post: {
      summary: 'Lint a draft (the CLI’s check on the base version’s files with the edits applied) and, when clean, preview it for the given answers: composed form, evaluation, savings (designer)',
      security: session,
      parameters: [path('id', 'bundle id')],
      requestBody: json({ ...draft, properties: { ...draft.properties, answers: { type: 'object', description: 'answers keyed by data element id' }, lang: { enum: ['zh', 'en'] } } }),
      responses: {
        '200': json({ type: 'object', properties: { bundle: { type: ['object', 'null'] }, errors: { type: 'integer' }, warnings: { type: 'integer' }, diagnostics: { type: 'array', items: diagnostic }, preview: { type: ['object', 'null'], properties: { form: { type: 'object' }, evaluation: { type: 'object' }, savings: { $ref: '#/components/schemas/Savings' } } } } }),
        ...errors(400, 401, 403, 404, 422),
      },
    },
  },
  '/studio/bundles/{id}/versions': {
    post: {
      summary: 'Publish the draft as a new immutable version; refused (422, file:line:col details) when it does not lint, 409 when its version is already published (designer)',
      security: session,
      parameters: [path('id', 'bundle id')],
      requestBody: json(draft),
      responses: { '201': json({ type: 'object', properties: { bundleId: { type: 'string' }, version: { type: 'string' }, seq: { type: 'integer' }, publishedAt: { type: 'string', format: 'date-time' } } }), ...errors(400, 401, 403, 404, 409, 422) },
    },
  },
} as const;
