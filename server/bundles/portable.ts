import type { BundleVersion } from './registry.js';

/**
 * The part of a published version the browser needs to run the engine itself (compose and
 * evaluate live, as the applicant types): the bundle, its items, the whole dictionary and
 * materials catalogue, and the departments' names. Maps become arrays of values; source
 * positions (`at`) and the departments' delivery settings stay on the server. The client
 * rebuilds the maps (client/src/portal/model.ts); the server still evaluates authoritatively.
 */
export interface PortableModel {
  bundle: unknown;
  items: unknown[];
  elements: unknown[];
  materials: unknown[];
  departments: { code: string; name: string; nameEn: string; shortName: string; shortNameEn: string }[];
}

const withoutPositions = (key: string, value: unknown): unknown => {
  if (key === 'at') return undefined;
  if (value instanceof Map) return [...value.entries()];
  return value;
};

function plain<T>(value: T): unknown {
  return JSON.parse(JSON.stringify(value, withoutPositions)) as unknown;
}

export function portableModel(v: BundleVersion): PortableModel {
  const { bundle, catalogue } = v;
  return {
    // The other regions' implementations are no business of this form (its own are merged in).
    bundle: plain({ ...bundle, regions: undefined }),
    items: bundle.items.map((bi) => catalogue.items.get(bi.item)).filter((i) => i !== undefined).map(plain),
    elements: [...catalogue.elements.values()].map(plain),
    materials: [...catalogue.materials.values()].map(plain),
    departments: [...catalogue.departments.values()].map((d) => ({ code: d.code, name: d.name, nameEn: d.nameEn, shortName: d.shortName, shortNameEn: d.shortNameEn })),
  };
}
