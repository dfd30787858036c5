// The statistics API's answers, shared by the server and the dashboard. Every figure is about the
// applications FILED in the period (by their China date), as they stand when asked.
import { Type, type Static } from '@sinclair/typebox';
import { Closed, DateOnly, DateTime, DayUnitSchema, Nullable, PathId, blankIsAbsent } from './common.js';

const int = (description?: string) => Type.Integer(description ? { description } : {});
const numOrNull = (description?: string) => Nullable(Type.Number(description ? { description } : {}));

export const ApplicationCounts = Closed(
  {
    filed: int(),
    completed: int('every item completed'),
    partiallyCompleted: int('every item answered, some completed and some refused'),
    inProgress: int('filed and not yet answered by every department (submitted, in progress, supplement)'),
    rejected: int('every item refused'),
  },
  { description: 'Applications filed in the period (by China date) and where they stand now: filed = completed + partiallyCompleted + inProgress + rejected' },
);
export type ApplicationCounts = Static<typeof ApplicationCounts>;

export const MaterialCounts = Closed(
  {
    separately: int(),
    handedIn: int(),
    waived: Closed({ sharing: int(), bundle: int(), commitment: int(), generated: int() }),
    handedInOnceForSeveral: int(),
    reusedFromArchive: int(),
  },
  { description: "Sums of each filed application's savings snapshot (shared/account.ts)" },
);
export type MaterialCounts = Static<typeof MaterialCounts>;

export const DayFigures = Closed(
  {
    limitSum: numOrNull("Mean over filed applications of the sum of their items' time limits (working days)"),
    criticalPath: numOrNull('Mean over filed applications of the critical path of their limits through the bundle DAG'),
    actualP50: numOrNull('Completed applications: median working days from filing to completion (percentile_disc)'),
    actualP95: numOrNull('Completed applications: 95th percentile of the same'),
    measured: int('Completed applications the percentiles are over'),
  },
  {
    description:
      'Actual times are WORKING days, counted as the limits are (shared/calendar.ts): the day of filing is not counted; weekends and public holidays are not working days, 调休 make-up days are (the chinese-days package and scenarios/calendar.yaml, in the calendar_days table)',
  },
);
export type DayFigures = Static<typeof DayFigures>;

export const RatingFigures = Closed(
  { count: int(), average: numOrNull(), distribution: Closed({ 1: int(), 2: int(), 3: int(), 4: int(), 5: int() }) },
  { description: '好差评 of the applications filed in the period' },
);
export type RatingFigures = Static<typeof RatingFigures>;

export const Headline = Closed(
  {
    bundles: int('Bundles with at least one application filed (X)'),
    applications: int('Applications filed (Y)'),
    materialsOnceOrWaived: int('Materials handed in once for several items, or not handed in at all: waived for any reason or reused from the archive (Z)'),
    materialsNotHandedIn: int('Copies not handed in compared with visiting each department separately'),
    visitsSaved: int('Trips to an office saved (W)'),
  },
  { description: 'The seed report’s terms: 全年 X 个一件事…累计办理 Y 件…Z 份材料实现只提交一次或免于提交…群众少跑 W 次' },
);
export type Headline = Static<typeof Headline>;

export const DepartmentFigures = Closed({
  code: Type.String(),
  name: Type.String(),
  nameEn: Type.String(),
  received: int('sub-applications that reached the department'),
  completed: int(),
  completedOnTime: int("completed before the close of the last working day of the item's limit, or of the bundle's promise when that came first"),
  completedLate: int(),
  rejected: int('refused by the department itself'),
  open: int('received, not completed or refused (including waiting for a supplement)'),
  openOverdue: int('running and past the limit now'),
  overdue: int('completedLate + openOverdue'),
  onTimeRate: numOrNull('completedOnTime / completed, null before anything completed'),
  limitDaysAvg: numOrNull('means over completed items, in working days'),
  actualDaysAvg: numOrNull(),
});
export type DepartmentFigures = Static<typeof DepartmentFigures>;

export const SeriesPoint = Closed({ ...ApplicationCounts.properties, day: DateOnly(), materialsOnceOrWaived: int(), visitsSaved: int() });
export type SeriesPoint = Static<typeof SeriesPoint>;

export const BundleFigures = Closed({
  id: Type.String(),
  title: Type.String(),
  titleEn: Type.String(),
  applications: ApplicationCounts,
  materialsOnceOrWaived: int(),
  materialsNotHandedIn: int(),
  visitsSaved: int(),
  days: DayFigures,
  promise: Nullable(Closed({ days: Type.Number(), unit: DayUnitSchema }, { description: "the bundle's promised limit (承诺办结时限) in its current version; null when it declares none" })),
  rating: Closed({ count: int(), average: numOrNull() }),
});
export type BundleFigures = Static<typeof BundleFigures>;

const Period = Closed({ from: DateOnly(), to: DateOnly() });

export const StatsReport = Closed({
  period: Period,
  bundle: Nullable(Closed({ id: Type.String(), title: Type.String(), titleEn: Type.String() }, { description: 'the bundle asked about, or null for the overview' })),
  applications: ApplicationCounts,
  materials: MaterialCounts,
  visits: Closed({ separately: int(), bundled: int() }),
  days: DayFigures,
  rating: RatingFigures,
  headline: Headline,
  departments: Type.Array(DepartmentFigures, {
    description:
      "Each department's sub-applications of the applications filed in the period. The limit runs from receipt (re-delivery after a supplement starts it again) to 24:00 China time of its last working day",
  }),
  series: Type.Array(SeriesPoint, { description: 'One point per day that had filings' }),
  bundles: Type.Array(BundleFigures, { description: 'Per bundle (overview only; empty for one bundle)' }),
  sharingCalls: Closed(
    {
      calls: int('calls to the licence library and the data exchange made in the period (form lookups, fetches at submit and by the worker, records)'),
      answered: int('calls the exchange answered (found or not found)'),
      failed: int('calls that failed or were not made (breaker open)'),
      licencesFetched: int('licence files fetched with evidence: the materials waived by data sharing'),
    },
    { description: '数据共享调用: every call is audit-logged in connector_calls' },
  ),
  generatedAt: DateTime(),
});
export type StatsReport = Static<typeof StatsReport>;

export const PublicSummary = Closed({
  year: int(),
  period: Period,
  bundlesLive: int('published bundles (一件事) open to applicants'),
  headline: Headline,
  completed: int(),
  rating: Closed({ count: int(), average: numOrNull(), satisfied: numOrNull('share of ratings of 4 or 5') }),
  bundles: Type.Array(Closed({ id: Type.String(), title: Type.String(), titleEn: Type.String(), applications: int() })),
  generatedAt: DateTime(),
});
export type PublicSummary = Static<typeof PublicSummary>;

export const RegionFigures = Closed(
  {
    code: Type.String(),
    name: Type.String(),
    nameEn: Type.String(),
    standard: Type.Boolean(),
    filed: int(),
    completed: int(),
    materialsNotHandedIn: int('copies not handed in compared with visiting each department separately'),
    visitsSaved: int(),
  },
  { description: 'One region of a bundle; the standard counts the applications filed without a region' },
);
export type RegionFigures = Static<typeof RegionFigures>;

export const PeriodQuery = Type.Object({
  from: Type.Optional(blankIsAbsent(DateOnly({ description: 'First China date of filing (inclusive); default 1 January of `to`’s year' }))),
  to: Type.Optional(blankIsAbsent(DateOnly({ description: 'Last China date of filing (inclusive); default today. At most 3,660 days in all' }))),
});
export const RegionQuery = Type.Object({
  ...PeriodQuery.properties,
  region: Type.Optional(blankIsAbsent(Type.String({ description: 'only this region (a code GET /bundles/{id} lists; unknown: 422)' }))),
});
export const YearQuery = Type.Object({ year: Type.Optional(blankIsAbsent(Type.String({ pattern: '^\\d{4}$', description: 'a year from 2000 to next year; default: the current year (China time)' }))) });
export const StatsBundleParams = Type.Object({ id: PathId('bundle id') });
