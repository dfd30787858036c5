// Regional versions of a bundle (省级统筹, 标准一致): the province writes the standard bundle
// (`bundles/<id>.yaml`, with `region:` naming the province) and each city or county writes an
// implementation (`regions/<id>.yaml`, `extends: <bundle id>`) that can only ADD to it: its own
// lead department, local items (with their questions, rules and sections), shorter limits for
// standard items, standard departments handled by a local department (with its own delivery),
// and bundle-level materials. Nothing of the standard can be removed, so an implementation
// keeps every standard item by construction; lint refuses what would still weaken it (a
// standard item redeclared, e.g. as optional, a limit longer than the standard's, an
// `ineligible` rule refusing applicants the standard accepts), and checks
// the merged bundle like any other (needs, order, sections, rules).
//
// `resolveRegion` merges an implementation into the standard and returns the bundle and
// catalogue the engine runs on; the bundle keeps the standard's id (applications are filed
// under the bundle, with the region recorded beside it).
import type { Bundle, BundleItem, Catalogue, Item, Ref, Rule, Section, SourceRef } from './model.js';
import type { BundleMaterial } from './bundle-materials.js';
import type { PathSegment } from './yaml-source.js';
import type { Raw } from './raw.js';
import { asRaw } from './raw.js';

export interface RegionInfo {
  /** Administrative division code (GB/T 2260), e.g. 430100. */
  readonly code: string;
  readonly name: string;
  readonly nameEn: string;
  readonly at: SourceRef;
}

export interface RegionalImplementation {
  readonly id: string;
  /** The standard bundle it implements. */
  readonly extends: Ref;
  readonly region: RegionInfo;
  readonly lead?: Ref;
  readonly items: readonly BundleItem[];
  readonly questions: readonly Ref[];
  readonly rules: readonly Rule[];
  readonly sections: readonly Section[];
  /** Item id → the local limit in working days (no longer than the standard's). */
  readonly limits: ReadonlyMap<string, { readonly days: number; readonly at: SourceRef }>;
  /** Standard department code → the local department that handles its cases here. */
  readonly departments: ReadonlyMap<string, { readonly code: string; readonly at: SourceRef }>;
  readonly bundleMaterials: readonly BundleMaterial[];
  readonly at: SourceRef;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function parseRegionInfo(file: string, raw: unknown, path: PathSegment[]): RegionInfo {
  const r = asRaw(raw);
  return { code: str(r.code) ?? '', name: str(r.name) ?? '', nameEn: str(r.nameEn) ?? str(r.name) ?? '', at: { file, path } };
}

/**
 * A `regions/<id>.yaml` file, already valid against region.schema.json. Items, rules, sections
 * and materials are read by the bundle's own readers (`parts`), so they mean the same thing.
 */
export function parseRegion(
  file: string,
  id: string,
  root: Raw,
  parts: { items: BundleItem[]; questions: Ref[]; rules: Rule[]; sections: Section[]; bundleMaterials: BundleMaterial[] },
): RegionalImplementation {
  const at = (...path: PathSegment[]): SourceRef => ({ file, path });
  return {
    id,
    extends: { ref: str(root.extends) ?? '', at: at('extends') },
    region: parseRegionInfo(file, root.region, ['region']),
    ...(str(root.lead) ? { lead: { ref: str(root.lead) ?? '', at: at('lead') } } : {}),
    ...parts,
    limits: new Map(Object.entries(asRaw(root.limits)).map(([item, days]) => [item, { days: typeof days === 'number' ? days : 0, at: at('limits', item) }])),
    departments: new Map(Object.entries(asRaw(root.departments)).map(([from, to]) => [from, { code: str(to) ?? '', at: at('departments', from) }])),
    at: at(),
  };
}

/** The regions a bundle has: its own (the standard's) first, then the implementations by code. */
export function regionsOf(bundle: Bundle): { code: string; name: string; nameEn: string; standard: boolean }[] {
  const out: { code: string; name: string; nameEn: string; standard: boolean }[] = [];
  if (bundle.region) out.push({ code: bundle.region.code, name: bundle.region.name, nameEn: bundle.region.nameEn, standard: true });
  const impls = [...(bundle.regions?.values() ?? [])].sort((a, b) => (a.region.code < b.region.code ? -1 : a.region.code > b.region.code ? 1 : 0));
  for (const r of impls) out.push({ code: r.region.code, name: r.region.name, nameEn: r.region.nameEn, standard: false });
  return out;
}

function mergeSections(standard: readonly Section[], local: readonly Section[]): Section[] {
  const out = standard.map((s) => ({ ...s, elements: [...s.elements] }));
  for (const s of local) {
    const same = out.find((o) => o.id === s.id);
    if (same) same.elements.push(...s.elements);
    else out.push({ ...s, elements: [...s.elements] });
  }
  return out;
}

const resolved = new WeakMap<Catalogue, WeakMap<RegionalImplementation, { bundle: Bundle; catalogue: Catalogue }>>();

/**
 * The bundle and catalogue of one region: the standard itself for its own code (or no code),
 * the merged implementation otherwise, null for a code the bundle does not have.
 */
export function resolveRegion(bundle: Bundle, catalogue: Catalogue, code: string | null | undefined): { bundle: Bundle; catalogue: Catalogue } | null {
  if (code === null || code === undefined || code === '' || code === bundle.region?.code) return { bundle, catalogue };
  const impl = bundle.regions?.get(code);
  if (!impl) return null;
  let perCatalogue = resolved.get(catalogue);
  if (!perCatalogue) {
    perCatalogue = new WeakMap();
    resolved.set(catalogue, perCatalogue);
  }
  const hit = perCatalogue.get(impl);
  if (hit) return hit;

  const itemIds = new Set([...bundle.items.map((i) => i.item), ...impl.items.map((i) => i.item)]);
  const items = new Map(catalogue.items);
  for (const id of itemIds) {
    const item = catalogue.items.get(id);
    if (!item) continue;
    const limit = impl.limits.get(id);
    const dept = impl.departments.get(item.department);
    if (!limit && !dept) continue;
    const local: Item = { ...item, ...(limit ? { timeLimitDays: limit.days } : {}), ...(dept ? { department: dept.code } : {}) };
    items.set(id, local);
  }
  const regional: Bundle = {
    ...bundle,
    ...(impl.lead ? { lead: impl.lead } : {}),
    items: [...bundle.items, ...impl.items],
    questions: [...bundle.questions, ...impl.questions],
    rules: [...bundle.rules, ...impl.rules],
    sections: mergeSections(bundle.sections, impl.sections),
    bundleMaterials: [...(bundle.bundleMaterials ?? []), ...impl.bundleMaterials],
    region: impl.region,
    regions: new Map(),
  };
  const bundles = new Map(catalogue.bundles);
  bundles.set(bundle.id, regional);
  const out = { bundle: regional, catalogue: { ...catalogue, items, bundles } };
  perCatalogue.set(impl, out);
  return out;
}
