// The statistics API's answers as types, for the server and the dashboard: declared once, as
// contracts, in shared/contracts/stats.ts.
export type { ApplicationCounts, BundleFigures, DayFigures, DepartmentFigures, Headline, MaterialCounts, PublicSummary, RatingFigures, RegionFigures, SeriesPoint, StatsReport } from './contracts/stats.js';
