// OpenAPI paths of the ratings module (好差评), spread into server/openapi.ts.
const error = { $ref: '#/components/responses/Error' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));

export const Rating = {
  type: 'object',
  required: ['score', 'comment', 'createdAt'],
  properties: {
    score: { type: 'integer', minimum: 1, maximum: 5, description: '1 非常不满意 · 2 不满意 · 3 基本满意 · 4 满意 · 5 非常满意' },
    comment: { type: ['string', 'null'], maxLength: 500 },
    createdAt: { type: 'string', format: 'date-time' },
  },
};

export const ratingsPaths = {
  '/applications/{id}/rating': {
    post: {
      summary: 'Rate a finished application (好差评), once; the rating then appears as `rating` in GET /applications/{id}',
      description: '409 while a department has not answered yet (status other than completed, partially_completed or rejected) and on a second rating; 422 for a score that is not an integer from 1 to 5 or a comment over 500 characters.',
      security: [{ session: [] }],
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'application id' }],
      requestBody: {
        content: {
          'application/json': {
            schema: { type: 'object', required: ['score'], additionalProperties: false, properties: { score: { type: 'integer', minimum: 1, maximum: 5 }, comment: { type: 'string', maxLength: 500 } } },
          },
        },
      },
      responses: { '201': { description: 'the stored rating', content: { 'application/json': { schema: Rating } } }, ...errors(401, 403, 404, 409, 422) },
    },
  },
};
