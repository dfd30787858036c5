/** Shapes of the API the portal reads (see /api/openapi.json). */
export interface Savings {
  bundle: string;
  items: number;
  materials: { separately: number; handedIn: number; waived: { sharing: number; bundle: number; commitment: number; generated: number }; handedInOnceForSeveral: number; reusedFromArchive: number };
  fields: { separately: number; asked: number };
  visits: { separately: number; bundled: number };
  days: { separately: number; criticalPath: number };
}

export interface BundleSummary {
  id: string;
  version: string;
  title: string;
  titleEn: string;
  description: string | null;
  departments: { code: string; name: string; nameEn: string }[];
  items: { id: string; title: string; titleEn: string; department: string | null; timeLimitDays: number | null; optional: boolean }[];
  savings: Savings;
}
