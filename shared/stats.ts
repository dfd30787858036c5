// The statistics API's answers, shared by the server and the dashboard. Every figure is about the applications FILED in the period (by
// their China date), as they stand when asked; see server/stats/openapi.ts for each definition.

export interface ApplicationCounts {
  filed: number;
  /** Every item completed. */
  completed: number;
  /** Every item answered, some completed and some refused. */
  partiallyCompleted: number;
  /** Every item refused. */
  rejected: number;
  /** Filed and not yet answered by every department (submitted, in progress, supplement). */
  inProgress: number;
}

export interface MaterialCounts {
  separately: number;
  handedIn: number;
  waived: { sharing: number; bundle: number; commitment: number; generated: number };
  handedInOnceForSeveral: number;
  reusedFromArchive: number;
}

export interface DayFigures {
  /** Mean over filed applications of the sum of their items' limits (one department after another). */
  limitSum: number | null;
  /** Mean over filed applications of the critical path of their limits (what the bundle promises). */
  criticalPath: number | null;
  /** Completed applications: working days from filing to completion, median and 95th percentile. */
  actualP50: number | null;
  actualP95: number | null;
  /** How many completed applications the percentiles are over. */
  measured: number;
}

export interface RatingFigures {
  count: number;
  average: number | null;
  distribution: { '1': number; '2': number; '3': number; '4': number; '5': number };
}

/** The seed report's own terms: 全年 X 个一件事…累计办理 Y 件…Z 份材料…群众少跑 W 次. */
export interface Headline {
  /** Bundles with at least one application filed (X). */
  bundles: number;
  /** Applications filed (Y). */
  applications: number;
  /** Materials handed in once for several items, or not handed in at all (Z). */
  materialsOnceOrWaived: number;
  /** Copies not handed in compared with visiting each department separately. */
  materialsNotHandedIn: number;
  /** Trips to an office saved (W). */
  visitsSaved: number;
}

export interface DepartmentFigures {
  code: string;
  name: string;
  nameEn: string;
  /** Sub-applications that reached the department. */
  received: number;
  completed: number;
  /** Completed before the close of the last working day of the item's limit. */
  completedOnTime: number;
  completedLate: number;
  /** Refused by the department itself. */
  rejected: number;
  /** Received and not yet completed or refused (including those waiting for a supplement). */
  open: number;
  /** Open, running (not waiting for the applicant) and past their limit now. */
  openOverdue: number;
  /** completedLate + openOverdue. */
  overdue: number;
  /** completedOnTime / completed, null before anything completed. */
  onTimeRate: number | null;
  /** Means over completed items, in working days. */
  limitDaysAvg: number | null;
  actualDaysAvg: number | null;
}

export interface SeriesPoint extends ApplicationCounts {
  day: string;
  materialsOnceOrWaived: number;
  visitsSaved: number;
}

export interface BundleFigures {
  id: string;
  title: string;
  titleEn: string;
  applications: ApplicationCounts;
  materialsOnceOrWaived: number;
  materialsNotHandedIn: number;
  visitsSaved: number;
  days: DayFigures;
  /** The bundle's promised limit (承诺办结时限) in its current version; null when it declares none. */
  promise: { days: number; unit: 'working' | 'natural' } | null;
  rating: { count: number; average: number | null };
}

/** One region of a bundle (GET /api/stats/bundles/:id/regions); the standard counts applications filed without a region. */
export interface RegionFigures {
  code: string;
  name: string;
  nameEn: string;
  standard: boolean;
  filed: number;
  completed: number;
  /** Copies not handed in compared with visiting each department separately. */
  materialsNotHandedIn: number;
  visitsSaved: number;
}

export interface StatsReport {
  period: { from: string; to: string };
  /** The bundle asked about, or null for the overview. */
  bundle: { id: string; title: string; titleEn: string } | null;
  applications: ApplicationCounts;
  materials: MaterialCounts;
  visits: { separately: number; bundled: number };
  days: DayFigures;
  rating: RatingFigures;
  headline: Headline;
  departments: DepartmentFigures[];
  /** One point per day of the period that had filings. */
  series: SeriesPoint[];
  /** Per bundle (the overview only; empty for one bundle). */
  bundles: BundleFigures[];
  generatedAt: string;
}

export interface PublicSummary {
  year: number;
  period: { from: string; to: string };
  /** Published bundles (一件事) open to applicants. */
  bundlesLive: number;
  headline: Headline;
  completed: number;
  rating: { count: number; average: number | null; satisfied: number | null };
  bundles: { id: string; title: string; titleEn: string; applications: number }[];
  generatedAt: string;
}
