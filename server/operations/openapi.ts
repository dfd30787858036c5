// OpenAPI paths of the operator console's reads; spread into server/openapi.ts.
const error = { $ref: '#/components/responses/Error' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const session = [{ session: [] }];
const query = (name: string, schema: object, description?: string) => ({ name, in: 'query', schema, ...(description ? { description } : {}) });

export const operationsPaths = {
  '/admin/audit': {
    get: {
      summary: 'The audit log of personal-data access (who, what, when, why), newest first, paged (admin)',
      security: session,
      parameters: [
        query('actor', { type: 'string' }, 'user id, or department:<code> for a system'),
        query('action', { type: 'string' }, 'read-sub-application, download-material…'),
        query('subject', { type: 'string' }, 'sub-application id'),
        query('from', { type: 'string', format: 'date-time' }),
        query('to', { type: 'string', format: 'date-time' }, 'exclusive'),
        query('page', { type: 'integer', minimum: 1 }),
        query('pageSize', { type: 'integer', minimum: 1, maximum: 200 }),
      ],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            total: { type: 'integer' },
            page: { type: 'integer' },
            pageSize: { type: 'integer' },
            rows: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' }, at: { type: 'string', format: 'date-time' }, actorId: { type: 'string' }, actorRole: { type: 'string' }, action: { type: 'string' }, subject: { type: 'string' }, itemId: { type: ['string', 'null'] }, department: { type: ['string', 'null'] }, reason: { type: ['string', 'null'] }, details: {} } } },
          },
        }),
        ...errors(400, 401, 403),
      },
    },
  },
  '/admin/departments': {
    get: {
      summary: 'Per department: delivery success rate over a window, last error, queue depth, oldest queued item, dead and open counts (admin)',
      security: session,
      parameters: [query('days', { type: 'integer', minimum: 1, maximum: 366 }, 'window of the success rate, default 7')],
      responses: { '200': json({ type: 'array', items: { type: 'object', properties: { code: { type: 'string' }, name: { type: 'string' }, channel: { enum: ['webhook', 'inbox', null] }, attempts: { type: 'integer' }, successRate: { type: ['number', 'null'] }, lastError: { type: ['object', 'null'] }, queueDepth: { type: 'integer' }, oldestQueued: { type: ['object', 'null'] }, dead: { type: 'integer' }, waiting: { type: 'integer' }, open: { type: 'integer' } } } }), ...errors(400, 401, 403) },
    },
  },
} as const;
