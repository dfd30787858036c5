// A published version seen from one region: the standard bundle with that region's
// implementation merged in (shared/regions.ts). Kept per version and region, since versions are
// immutable; every path that judges an application goes through here with its recorded region.
import { regionsOf, resolveRegion } from '../../shared/regions.js';
import { ValidationError } from '../errors.js';
import type { BundleVersion } from './registry.js';

const cache = new WeakMap<BundleVersion['bundle'], Map<string, BundleVersion>>();

/** The version for `region` (null: the standard); undefined for a code the bundle does not have. */
export function regionalVersion(v: BundleVersion, region: string | null | undefined): BundleVersion | undefined {
  if (region === null || region === undefined || region === '') return v;
  let perBundle = cache.get(v.bundle);
  if (!perBundle) {
    perBundle = new Map();
    cache.set(v.bundle, perBundle);
  }
  const hit = perBundle.get(region);
  if (hit) return hit;
  const r = resolveRegion(v.bundle, v.catalogue, region);
  if (!r) return undefined;
  const out: BundleVersion = { ...v, bundle: r.bundle, catalogue: r.catalogue };
  perBundle.set(region, out);
  return out;
}

/** Like regionalVersion, refusing an unknown code with 422 naming `path` and the known ones. */
export function requireRegion(v: BundleVersion, region: string | null | undefined, path = 'region'): BundleVersion {
  const out = regionalVersion(v, region);
  if (out) return out;
  const known = regionsOf(v.bundle).map((r) => `${r.code}（${r.name}）`);
  throw new ValidationError([
    {
      path,
      message: known.length > 0 ? `本事项没有此地区的实施版本，可选：${known.join('、')}` : '本事项不分地区办理',
      messageEn: known.length > 0 ? `this bundle has no implementation for this region; choose one of ${regionsOf(v.bundle).map((r) => r.code).join(', ')}` : 'this bundle has no regional versions',
    },
  ]);
}

/** `regions` of the bundle API: the standard first, then the implementations. */
export function regionList(v: BundleVersion): { code: string; name: string; nameEn: string; standard: boolean }[] {
  return regionsOf(v.bundle);
}
