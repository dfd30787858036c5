// OpenAPI paths of the statistics module, spread into server/openapi.ts.

const error = { $ref: '#/components/responses/Error' };
const json = (schema: object) => ({ content: { 'application/json': { schema } } });
const errors = (...codes: number[]) => Object.fromEntries(codes.map((c) => [String(c), error]));
const session = [{ session: [] }];
const int = { type: 'integer' };
const numOrNull = { type: ['number', 'null'] };
const obj = (properties: Record<string, object>, description?: string) => ({ type: 'object', required: Object.keys(properties), properties, ...(description ? { description } : {}) });

const applications = obj(
  { filed: int, completed: int, partiallyCompleted: int, inProgress: int, rejected: int },
  'Applications filed in the period (by China date) and where they stand now: filed = completed + partiallyCompleted + inProgress + rejected',
);
const days = obj(
  {
    limitSum: { ...numOrNull, description: "Mean over filed applications of the sum of their items' time limits (working days)" },
    criticalPath: { ...numOrNull, description: 'Mean over filed applications of the critical path of their limits through the bundle DAG' },
    actualP50: { ...numOrNull, description: 'Completed applications: median working days from filing to completion (percentile_disc)' },
    actualP95: { ...numOrNull, description: 'Completed applications: 95th percentile of the same' },
    measured: { ...int, description: 'Completed applications the percentiles are over' },
  },
  'Actual times are WORKING days, counted as the limits are (shared/calendar.ts): the day of filing is not counted; weekends and public holidays are not working days, 调休 make-up days are (the chinese-days package and scenarios/calendar.yaml, in the calendar_days table)',
);
const headline = obj(
  {
    bundles: { ...int, description: 'Bundles with at least one application filed (X)' },
    applications: { ...int, description: 'Applications filed (Y)' },
    materialsOnceOrWaived: { ...int, description: 'Materials handed in once for several items, or not handed in at all: waived for any reason or reused from the archive (Z)' },
    materialsNotHandedIn: { ...int, description: 'Copies not handed in compared with visiting each department separately' },
    visitsSaved: { ...int, description: 'Trips to an office saved (W)' },
  },
  'The seed report’s terms: 全年 X 个一件事…累计办理 Y 件…Z 份材料实现只提交一次或免于提交…群众少跑 W 次',
);
const report = obj({
  period: obj({ from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } }),
  bundle: { type: ['object', 'null'] },
  applications,
  materials: obj({
    separately: int,
    handedIn: int,
    waived: obj({ sharing: int, bundle: int, commitment: int, generated: int }),
    handedInOnceForSeveral: int,
    reusedFromArchive: int,
  }, "Sums of each filed application's savings snapshot (shared/account.ts)"),
  visits: obj({ separately: int, bundled: int }),
  days,
  rating: obj({ count: int, average: numOrNull, distribution: obj({ 1: int, 2: int, 3: int, 4: int, 5: int }) }, '好差评 of the applications filed in the period'),
  headline,
  departments: {
    type: 'array',
    description: "Each department's sub-applications of the applications filed in the period. The limit runs from receipt (re-delivery after a supplement starts it again) to 24:00 China time of its last working day",
    items: obj({
      code: { type: 'string' },
      name: { type: 'string' },
      nameEn: { type: 'string' },
      received: int,
      completed: int,
      completedOnTime: { ...int, description: "Completed before the close of the last working day of the item's limit, or of the bundle's promise when that came first" },
      completedLate: int,
      rejected: { ...int, description: 'refused by the department itself' },
      open: { ...int, description: 'received, not completed or refused (including waiting for a supplement)' },
      openOverdue: { ...int, description: 'running and past the limit now' },
      overdue: { ...int, description: 'completedLate + openOverdue' },
      onTimeRate: numOrNull,
      limitDaysAvg: numOrNull,
      actualDaysAvg: numOrNull,
    }),
  },
  series: { type: 'array', description: 'One point per day that had filings', items: { type: 'object', properties: { day: { type: 'string', format: 'date' }, filed: int, completed: int, materialsOnceOrWaived: int, visitsSaved: int } } },
  bundles: { type: 'array', description: 'Per bundle (overview only)', items: { type: 'object' } },
  generatedAt: { type: 'string', format: 'date-time' },
});
const period = [
  { name: 'from', in: 'query', schema: { type: 'string', format: 'date' }, description: 'First China date of filing (inclusive); default 1 January of `to`’s year' },
  { name: 'to', in: 'query', schema: { type: 'string', format: 'date' }, description: 'Last China date of filing (inclusive); default today. At most 3,660 days in all' },
];

export const statsPaths = {
  '/stats/overview': {
    get: { summary: 'What the reform saved, over every bundle (admins and designers)', security: session, parameters: period, responses: { '200': json(report), ...errors(400, 401, 403) } },
  },
  '/stats/bundles/{id}': {
    get: {
      summary: 'The same figures for one bundle (admins and designers)',
      security: session,
      parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'bundle id' }, ...period],
      responses: { '200': json(report), ...errors(400, 401, 403, 404) },
    },
  },
  '/stats/bundles/{id}/regions': {
    get: {
      summary: 'One bundle cut by region: the standard (applications filed without a region) and each city or county implementation; empty for a bundle without regions',
      security: session,
      parameters: [
        { name: 'id', in: 'path', required: true, schema: { type: 'string' }, description: 'bundle id' },
        ...period,
        { name: 'region', in: 'query', required: false, schema: { type: 'string' }, description: 'only this region (a code GET /bundles/{id} lists; unknown: 422)' },
      ],
      responses: {
        '200': json({
          type: 'array',
          items: {
            type: 'object',
            required: ['code', 'name', 'standard', 'filed', 'completed', 'materialsNotHandedIn', 'visitsSaved'],
            properties: {
              code: { type: 'string' },
              name: { type: 'string' },
              nameEn: { type: 'string' },
              standard: { type: 'boolean' },
              filed: { type: 'number' },
              completed: { type: 'number' },
              materialsNotHandedIn: { type: 'number', description: 'copies not handed in compared with visiting each department separately' },
              visitsSaved: { type: 'number' },
            },
          },
        }),
        ...errors(400, 401, 403, 404, 422),
      },
    },
  },
  '/public/summary': {
    get: {
      summary: 'Headline numbers of a year for anyone: no sign-in, no personal data',
      parameters: [{ name: 'year', in: 'query', schema: { type: 'integer' }, description: 'default: the current year (China time)' }],
      responses: {
        '200': json(obj({
          year: int,
          period: obj({ from: { type: 'string', format: 'date' }, to: { type: 'string', format: 'date' } }),
          bundlesLive: int,
          headline,
          completed: int,
          rating: obj({ count: int, average: numOrNull, satisfied: { ...numOrNull, description: 'share of ratings of 4 or 5' } }),
          bundles: { type: 'array', items: obj({ id: { type: 'string' }, title: { type: 'string' }, titleEn: { type: 'string' }, applications: int }) },
          generatedAt: { type: 'string', format: 'date-time' },
        })),
        ...errors(400),
      },
    },
  },
};
