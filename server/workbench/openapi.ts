// OpenAPI paths of the department workbench; spread into server/openapi.ts.
const error = { $ref: '#/components/responses/Error' };
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const session = [{ session: [] }];

const clock = {
  dueDate: { type: ['string', 'null'], format: 'date', description: 'last working day of the time limit (China time); null while the clock is stopped (补正)' },
  dueAt: { type: ['string', 'null'], format: 'date-time', description: "the close of the due day: the item's own limit, or the bundle's promise when that comes first" },
  promisedBy: { type: ['string', 'null'], format: 'date-time', description: "when the bundle's promise runs out; null for items outside it" },
  overdue: { type: 'boolean', description: '超期: the time limit in working days has run out (督办)' },
  workingDaysLeft: { type: ['integer', 'null'], description: 'working days left after today (0: due today); negative when overdue; null unless the department holds it' },
  completedLate: { type: 'boolean', description: 'completed after the due day' },
};

export const workbenchPaths = {
  '/workbench/inbox': {
    get: {
      summary: "The signed-in staff member's department inbox, most urgent first, with time limits in working days",
      security: session,
      parameters: [
        { name: 'status', in: 'query', schema: { enum: ['open', 'all', 'queued', 'delivered', 'accepted', 'supplement', 'completed', 'rejected'] }, description: 'default open (delivered or accepted: waiting for the department)' },
        { name: 'item', in: 'query', schema: { type: 'string' }, description: 'item (事项) id' },
        { name: 'overdue', in: 'query', schema: { enum: ['true', 'false'] } },
      ],
      responses: {
        '200': json({
          type: 'object',
          properties: {
            department: { type: 'string' },
            items: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' }, titleEn: { type: 'string' } } } },
            overdueCount: { type: 'integer' },
            rows: { type: 'array', items: { type: 'object', properties: { id: { type: 'string', format: 'uuid' }, itemId: { type: 'string' }, itemTitle: { type: 'string' }, status: { $ref: '#/components/schemas/SubStatus' }, version: { type: 'string' }, receivedAt: { type: 'string', format: 'date-time' }, timeLimitDays: { type: 'number' }, ...clock } } },
          },
        }),
        ...errors(400, 401, 403, 404),
      },
    },
  },
  '/workbench/sub-applications/{id}': {
    get: {
      summary: 'One sub-application for the workbench (audit-logged with the reason given): the department API view plus English labels, bundle version and the clock',
      security: session,
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' } },
        { name: 'reason', in: 'query', required: true, schema: { type: 'string', maxLength: 200 }, description: 'why personal data is opened, e.g. 审核办理; written to the audit log' },
      ],
      responses: { '200': json({ allOf: [{ $ref: '#/components/schemas/SubApplication' }, { type: 'object', properties: { bundle: { type: 'object' }, fieldLabelsEn: { type: 'object' }, sensitiveFields: { type: 'array', items: { type: 'string' } }, ...clock } }] }), ...errors(400, 401, 403, 404) },
    },
  },
} as const;
