// What every engine function needs to know about a bundle, worked out once per
// (catalogue, bundle) pair and cached: resolved items, the `after:` graph, who produces which
// value or material, which items ask which element, where each element is shown.
//
// Unknown references are skipped here (lint reports them), so the studio can still preview a
// bundle that has errors.
import type { CompiledCondition } from './condition.js';
import { compileCondition } from './condition.js';
import { ancestors, topologicalOrder } from './dag.js';
import type { Bundle, Catalogue, DataElement, Item, ItemField, ItemMaterial, Prefill, Rule } from './model.js';

export const OTHER_SECTION = { id: 'other', title: '其他信息', titleEn: 'Other information' } as const;

export interface PlannedSection {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly elements: readonly string[];
}

export interface FieldUse {
  readonly item: Item;
  readonly field: ItemField;
}

export interface PlannedMaterial {
  readonly material: ItemMaterial;
  readonly test: CompiledCondition | null;
}

export interface BundlePlan {
  readonly bundle: Bundle;
  readonly catalogue: Catalogue;
  /** Known items of the bundle in topological order (cyclic leftovers last, file order). */
  readonly items: readonly Item[];
  readonly byId: ReadonlyMap<string, Item>;
  readonly optional: ReadonlySet<string>;
  readonly preds: ReadonlyMap<string, readonly string[]>;
  readonly ancestors: ReadonlyMap<string, ReadonlySet<string>>;
  readonly elementProducers: ReadonlyMap<string, readonly string[]>;
  readonly materialProducers: ReadonlyMap<string, readonly string[]>;
  readonly fieldsByElement: ReadonlyMap<string, readonly FieldUse[]>;
  /** Bundle-level questions (choices driving rules) that are known elements. */
  readonly questions: readonly string[];
  /** Every element the bundle may show, in section order. */
  readonly elements: readonly DataElement[];
  readonly sectionOf: ReadonlyMap<string, string>;
  /** The designer's sections, then 其他信息 if some element was placed nowhere. */
  readonly sections: readonly PlannedSection[];
  /** Elements placed in no section (they end up in 其他信息). */
  readonly unplaced: readonly string[];
  readonly rules: readonly { readonly rule: Rule; readonly test: CompiledCondition }[];
  readonly materials: ReadonlyMap<string, readonly PlannedMaterial[]>;
  /** Where each element of the bundle is prefilled from (the bundle may override the dictionary). */
  readonly prefill: ReadonlyMap<string, Prefill>;
  /** Prefills that hold only while the answers meet a condition (the bundle's `prefill: {from, when}`). */
  readonly prefillWhen: ReadonlyMap<string, CompiledCondition>;
}

const plans = new WeakMap<Catalogue, WeakMap<Bundle, BundlePlan>>();

export function planBundle(bundle: Bundle, catalogue: Catalogue): BundlePlan {
  let perCatalogue = plans.get(catalogue);
  if (!perCatalogue) {
    perCatalogue = new WeakMap();
    plans.set(catalogue, perCatalogue);
  }
  let plan = perCatalogue.get(bundle);
  if (!plan) {
    plan = build(bundle, catalogue);
    perCatalogue.set(bundle, plan);
  }
  return plan;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function build(bundle: Bundle, catalogue: Catalogue): BundlePlan {
  const byId = new Map<string, Item>();
  const fileOrder: string[] = [];
  const optional = new Set<string>();
  const preds = new Map<string, string[]>();
  for (const bi of bundle.items) {
    const item = catalogue.items.get(bi.item);
    if (!item || byId.has(item.id)) continue;
    byId.set(item.id, item);
    fileOrder.push(item.id);
    if (bi.optional) optional.add(item.id);
  }
  for (const bi of bundle.items) {
    if (!byId.has(bi.item) || preds.has(bi.item)) continue;
    preds.set(
      bi.item,
      bi.after.map((a) => a.ref).filter((a) => byId.has(a) && a !== bi.item),
    );
  }
  const { order, cyclic } = topologicalOrder(fileOrder, preds);
  const items = [...order, ...cyclic].map((id) => byId.get(id) as Item);
  const anc = new Map<string, Set<string>>();
  for (const id of fileOrder) anc.set(id, ancestors(id, preds));

  const elementProducers = new Map<string, string[]>();
  const materialProducers = new Map<string, string[]>();
  const fieldsByElement = new Map<string, FieldUse[]>();
  const materials = new Map<string, PlannedMaterial[]>();
  for (const item of items) {
    for (const o of item.outputs) push(o.kind === 'element' ? elementProducers : materialProducers, o.ref, item.id);
    for (const field of item.fields) {
      if (catalogue.elements.has(field.element)) push(fieldsByElement, field.element, { item, field });
    }
    materials.set(
      item.id,
      item.materials
        .filter((m) => catalogue.materials.has(m.code))
        .map((m) => ({ material: m, test: m.when ? compileCondition(m.when) : null })),
    );
  }

  const questions = bundle.questions.map((q) => q.ref).filter((q) => catalogue.elements.has(q));
  const used = new Set<string>([...questions, ...fieldsByElement.keys()]);

  const sectionOf = new Map<string, string>();
  const sections: PlannedSection[] = [];
  for (const s of bundle.sections) {
    const list: string[] = [];
    for (const ref of s.elements) {
      if (!catalogue.elements.has(ref.ref) || sectionOf.has(ref.ref)) continue;
      sectionOf.set(ref.ref, s.id);
      list.push(ref.ref);
    }
    sections.push({ id: s.id, title: s.title, titleEn: s.titleEn, elements: list });
  }
  // Unplaced elements keep the order in which items (then questions) first ask them.
  const unplaced: string[] = [];
  for (const id of [...fieldsByElement.keys(), ...questions]) {
    if (!sectionOf.has(id) && !unplaced.includes(id)) unplaced.push(id);
  }
  if (unplaced.length > 0) {
    const other = sections.find((s) => s.id === OTHER_SECTION.id);
    if (other) {
      sections[sections.indexOf(other)] = { ...other, elements: [...other.elements, ...unplaced] };
    } else sections.push({ ...OTHER_SECTION, elements: unplaced });
    for (const id of unplaced) sectionOf.set(id, OTHER_SECTION.id);
  }
  const elements: DataElement[] = [];
  for (const s of sections) {
    for (const id of s.elements) {
      const el = catalogue.elements.get(id);
      if (el && used.has(id)) elements.push(el);
    }
  }

  const rules = bundle.rules.map((rule) => ({ rule, test: compileCondition(rule.conditions) }));
  const prefill = new Map<string, Prefill>();
  for (const el of elements) prefill.set(el.id, bundle.prefill.get(el.id)?.prefill ?? el.prefill);
  const prefillWhen = new Map<string, CompiledCondition>();
  for (const [id, p] of bundle.prefill) if (p.when) prefillWhen.set(id, compileCondition(p.when));

  return {
    bundle,
    catalogue,
    items,
    byId,
    optional,
    preds,
    ancestors: anc,
    elementProducers,
    materialProducers,
    fieldsByElement,
    questions,
    elements,
    sectionOf,
    sections,
    unplaced,
    rules,
    materials,
    prefill,
    prefillWhen,
  };
}
