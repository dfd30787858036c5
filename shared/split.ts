// split(bundle, catalogue, answers, evaluation) → one sub-application per included item.
//
// Data minimisation is the point: each department receives only the fields ITS item declares,
// under ITS own field names, and only the materials ITS item needs. A value an earlier item
// will produce (e.g. the child's ID number from 出生登记) is listed as pending, to be merged
// in by the dispatcher when that item completes.
import type { Disposition, Evaluation } from './evaluate.js';
import type { Answers, ArchiveEntry, Bundle, Catalogue } from './model.js';
import { planBundle } from './plan.js';

export interface SubMaterial {
  readonly code: string;
  readonly title: string;
  readonly titleEn: string;
  readonly disposition: Disposition;
  readonly reason: string;
  readonly reasonEn: string;
  readonly producedBy?: string;
  /** For `reuse`: the archived copy (content address) to attach. */
  readonly archive?: ArchiveEntry;
}

export interface PendingField {
  /** The item's own field name. */
  readonly field: string;
  readonly element: string;
  /** Item whose output supplies it. */
  readonly from: string;
}

export interface SubApplication {
  readonly bundle: string;
  readonly version: string;
  readonly itemId: string;
  readonly title: string;
  readonly titleEn: string;
  readonly department: string;
  readonly timeLimitDays: number;
  /** Included items that must complete first. */
  readonly after: readonly string[];
  /** Field values by the item's own field names; unanswered optional fields are absent. */
  readonly fields: Readonly<Record<string, unknown>>;
  readonly pending: readonly PendingField[];
  readonly materials: readonly SubMaterial[];
  /** What this item will report back on completion. */
  readonly outputs: readonly { readonly kind: 'element' | 'material'; readonly ref: string }[];
}

export function split(bundle: Bundle, catalogue: Catalogue, answers: Answers, evaluation: Evaluation): SubApplication[] {
  const plan = planBundle(bundle, catalogue);
  const out: SubApplication[] = [];
  const ancestorsOf = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [...(evaluation.after[id] ?? [])];
    while (todo.length > 0) {
      const n = todo.pop() as string;
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(...(evaluation.after[n] ?? []));
      }
    }
    return seen;
  };
  for (const itemId of evaluation.included) {
    const item = plan.byId.get(itemId);
    if (!item) continue;
    const ancestors = ancestorsOf(itemId);
    const fields: Record<string, unknown> = {};
    const pending: PendingField[] = [];
    for (const f of item.fields) {
      const producer = (plan.elementProducers.get(f.element) ?? []).find((p) => ancestors.has(p));
      if (producer !== undefined) {
        pending.push({ field: f.name, element: f.element, from: producer });
        continue;
      }
      const value = Object.hasOwn(evaluation.values, f.element)
        ? evaluation.values[f.element]
        : Object.hasOwn(answers, f.element)
          ? answers[f.element]
          : undefined;
      if (value !== undefined) fields[f.name] = value;
    }
    const materials: SubMaterial[] = [];
    for (const m of evaluation.materials) {
      const need = m.needs.find((n) => n.item === itemId);
      if (!need) continue;
      materials.push({
        code: m.code,
        title: m.title,
        titleEn: m.titleEn,
        disposition: need.disposition,
        reason: need.reason,
        reasonEn: need.reasonEn,
        ...(need.producedBy !== undefined ? { producedBy: need.producedBy } : {}),
        ...(need.disposition === 'reuse' && m.archive ? { archive: m.archive } : {}),
      });
    }
    // In the item's own order: its form, its list, then anything a rule added.
    const order = [item.formMaterial, ...item.materials.map((m) => m.code)];
    const rank = (code: string): number => (order.includes(code) ? order.indexOf(code) : order.length);
    materials.sort((a, b) => rank(a.code) - rank(b.code));
    out.push({
      bundle: bundle.id,
      version: bundle.version,
      itemId,
      title: item.title,
      titleEn: item.titleEn,
      department: item.department,
      timeLimitDays: item.timeLimitDays,
      after: evaluation.after[itemId] ?? [],
      fields,
      pending,
      materials,
      outputs: item.outputs.map((o) => ({ kind: o.kind, ref: o.ref })),
    });
  }
  return out;
}
