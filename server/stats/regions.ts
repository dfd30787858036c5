// The statistics of one bundle cut by region (shared/regions.ts): how many applications each
// regional implementation (and the standard) filed and completed in the period, and what they
// saved. Read from the applications themselves rather than the daily rollups (which are kept per
// bundle, not per region), through the (bundle_id, region, submitted_at) index of
// 007_regions.sql. A bundle without regions has an empty cut.
import type { Queryable } from '../db/types.js';
import type { RegionFigures } from '../../shared/stats.js';
import type { Period } from './period.js';

const READ_REGIONS = `
  SELECT coalesce(region, '') AS region, count(*)::float8 AS filed,
         count(*) FILTER (WHERE status = 'completed')::float8 AS completed,
         coalesce(sum(coalesce((savings #>> '{materials,separately}')::numeric, 0) - coalesce((savings #>> '{materials,handedIn}')::numeric, 0)), 0)::float8 AS materials_not_handed_in,
         coalesce(sum(coalesce((savings #>> '{visits,separately}')::numeric, 0) - coalesce((savings #>> '{visits,bundled}')::numeric, 0)), 0)::float8 AS visits_saved
    FROM applications
   WHERE bundle_id = $3 AND submitted_at IS NOT NULL AND stats_cst_date(submitted_at) BETWEEN $1::date AND $2::date
     AND ($4::text IS NULL OR coalesce(region, '') = $4::text)
   GROUP BY 1`;

interface Row {
  region: string;
  filed: number;
  completed: number;
  materials_not_handed_in: number;
  visits_saved: number;
}

/**
 * Figures per region of `regions` (the standard first: its code stands for applications filed
 * without a region), every region listed even without applications. `only`: one region's code.
 */
export async function regionFigures(
  db: Queryable,
  bundleId: string,
  period: Period,
  regions: readonly { code: string; name: string; nameEn: string; standard: boolean }[],
  only: string | null = null,
): Promise<RegionFigures[]> {
  if (regions.length === 0) return [];
  const key = (r: { code: string; standard: boolean }): string => (r.standard ? '' : r.code);
  const wanted = only === null ? null : key(regions.find((r) => r.code === only) ?? { code: only, standard: false });
  const { rows } = await db.query<Row>(READ_REGIONS, [period.from, period.to, bundleId, wanted]);
  const byKey = new Map(rows.map((r) => [r.region, r]));
  return regions
    .filter((r) => wanted === null || key(r) === wanted)
    .map((r) => {
      const row = byKey.get(key(r));
      return {
        code: r.code,
        name: r.name,
        nameEn: r.nameEn,
        standard: r.standard,
        filed: row?.filed ?? 0,
        completed: row?.completed ?? 0,
        materialsNotHandedIn: row?.materials_not_handed_in ?? 0,
        visitsSaved: row?.visits_saved ?? 0,
      };
    });
}
