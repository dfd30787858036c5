// evaluate(bundle, catalogue, answers, profile) → which items apply and, for every material,
// whether the applicant hands it in and why not.
//
// Synchronous on purpose: the browser re-runs it on every keystroke and the server runs the
// same code authoritatively on submission (see shared/condition.ts for why not the async
// json-rules-engine on this path).
//
// A material's disposition for one item is the first that applies, in this order:
//   generated  — the item's own application form, produced from the combined form;
//   bundle     — an earlier included item of this bundle produces it (内部流转);
//   sharing    — an electronic licence the exchange can fetch (免提交);
//   reuse      — a still-valid copy in the applicant's archive (一人一档);
//   commitment — the item accepts a signed 告知承诺 instead;
//   upload     — the applicant hands it in.
// The order goes from "the government does everything" to "the applicant does everything":
// sharing beats reuse because a licence fetched at the source is current and needs no file;
// commitment comes after reuse because signing a promise carries legal liability, which an
// applicant should not take on when a valid document is already on file.
// When several items need the same material with different dispositions, the material as
// a whole takes the most demanding one (if one item needs the upload, it is uploaded once and
// serves all).
import { chooseAlternatives } from './alternatives.js';
import { bundleMaterialRows } from './bundle-materials.js';
import { restrict } from './dag.js';
import type { FieldProblem, FieldStates } from './field-rules.js';
import { checkFields, fieldStates } from './field-rules.js';
import type { FactLookup } from './condition.js';
import type { Answers, ArchiveEntry, Bundle, Catalogue, Material, Profile, ReasonParams } from './model.js';
import type { BundlePlan } from './plan.js';
import { planBundle } from './plan.js';
import { chinaToday } from './beijing-time.js';

export type Disposition = 'generated' | 'bundle' | 'sharing' | 'reuse' | 'commitment' | 'upload';
/** Most favourable first. */
export const DISPOSITIONS: readonly Disposition[] = ['generated', 'bundle', 'sharing', 'reuse', 'commitment', 'upload'];

export interface Reason {
  readonly reason: string;
  readonly reasonEn: string;
  /** Name of the rule that said so, when a rule did. */
  readonly rule?: string;
}

export interface ItemDecision extends Reason {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly department: string;
  readonly timeLimitDays: number;
  readonly optional: boolean;
  readonly included: boolean;
}

export interface MaterialNeed extends Reason {
  readonly item: string;
  readonly disposition: Disposition;
  /** Why the item needs it: always, under its `when:` condition, by a bundle rule, or its own form. */
  readonly origin: 'item' | 'condition' | 'rule' | 'form' | 'bundle';
  readonly producedBy?: string;
}

export interface MaterialDecision extends Reason {
  readonly code: string;
  readonly title: string;
  readonly titleEn: string;
  readonly disposition: Disposition;
  /** Included items that need it, in bundle order. */
  readonly items: readonly string[];
  readonly needs: readonly MaterialNeed[];
  readonly producedBy?: string;
  readonly archive?: ArchiveEntry;
  readonly physical: boolean;
  readonly form: boolean;
  /** A material of the bundle as a whole (`materials:` of the bundle), not of one item. */
  readonly bundleLevel?: boolean;
  /** For an "A或B" row: the codes of the alternatives (any one of them will do). */
  readonly alternatives?: readonly string[];
  readonly note?: string;
}

export interface NotRequired extends Reason {
  readonly code: string;
  readonly title: string;
  readonly titleEn: string;
  readonly items: readonly string[];
}

export type PrefillSource = 'identity' | 'sharing';

export interface Evaluation {
  readonly bundle: string;
  readonly version: string;
  readonly eligible: boolean;
  readonly ineligible: readonly Reason[];
  readonly notices: readonly Reason[];
  /** Reasons the applicant must come to a counter, from `require-visit` rules. */
  readonly visits: readonly Reason[];
  /** Every item of the bundle, in topological order, with why it is in or out. */
  readonly items: readonly ItemDecision[];
  /** Ids of the included items, topological order. */
  readonly included: readonly string[];
  /** Included items → the included items they wait for (through excluded ones too). */
  readonly after: Readonly<Record<string, readonly string[]>>;
  readonly materials: readonly MaterialDecision[];
  /** Materials a rule dropped for this situation (e.g. no photo for a child under 7). */
  readonly notRequired: readonly NotRequired[];
  /** Effective element values: the answers, with prefilled values from the profile winning. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Elements filled by the platform (read-only in the form, not asked). */
  readonly prefilled: Readonly<Record<string, PrefillSource>>;
  readonly firedRules: readonly string[];
  /**
   * Fields the bundle's field rules hide or require in this situation. Always set by evaluate();
   * absent from evaluations stored with applications filed before field rules existed.
   */
  readonly fields?: FieldStates;
  /** Cross-field checks that fail (e.g. a birth date in the future); absent like `fields`. */
  readonly problems?: readonly FieldProblem[];
}

export interface EvaluateOptions {
  /** ISO date for archive validity; default today in China (UTC+8). */
  readonly today?: string;
}


function addMonths(isoDate: string, months: number): string {
  const d = new Date(`${isoDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(d.getTime())) return '0000-00-00';
  d.setUTCMonth(d.getUTCMonth() + months);
  return d.toISOString().slice(0, 10);
}

/**
 * Which elements the platform fills. Without a profile (previews, statistics) every element
 * with a prefill source counts as prefilled: that is what the platform does for a logged-in
 * applicant. With a profile, only those for which the profile actually has a value; the
 * others are asked like any question.
 */
export function prefillOf(plan: BundlePlan, profile: Profile | undefined, answers: Answers = {}): { prefilled: Record<string, PrefillSource>; values: Record<string, unknown> } {
  const prefilled: Record<string, PrefillSource> = {};
  const values: Record<string, unknown> = {};
  // A conditional prefill reads the applicant's own answers only (never prefilled values), so
  // whether a field is filled cannot depend on what filling it would put there.
  const answered: FactLookup = (id) => (id === 'profile' ? profile : Object.hasOwn(answers, id) ? answers[id] : undefined);
  for (const el of plan.elements) {
    const p = plan.prefill.get(el.id) ?? el.prefill;
    if (p.kind === 'none') continue;
    const when = plan.prefillWhen.get(el.id);
    if (when && !when(answered)) continue;
    if (profile === undefined) {
      prefilled[el.id] = p.kind;
      continue;
    }
    const source = p.kind === 'identity' ? profile.identity : profile.sharing?.data;
    const key = p.kind === 'identity' ? p.field : el.id;
    if (source && Object.hasOwn(source, key) && source[key] !== undefined && source[key] !== null) {
      prefilled[el.id] = p.kind;
      values[el.id] = source[key];
    }
  }
  return { prefilled, values };
}

const TEXT = {
  always: { reason: '本件事必办事项', reasonEn: 'always part of this bundle' },
  // Applicants read this: the rules' own reasons say when the item is done, never their names.
  notChosen: (rules: readonly ReasonParams[]): Reason =>
    rules.length > 0
      ? { reason: `未选择或不符合办理条件（${rules.map((r) => r.reason).join('；')}时办理）`, reasonEn: `not chosen, or its conditions are not met (done when ${rules.map((r) => r.reasonEn).join('; ')})` }
      : { reason: '没有规则纳入此可选事项', reasonEn: 'no rule includes this optional item' },
};

export function evaluate(bundle: Bundle, catalogue: Catalogue, answers: Answers, profile?: Profile, options: EvaluateOptions = {}): Evaluation {
  const plan = planBundle(bundle, catalogue);
  const today = options.today ?? chinaToday();

  // Facts: answers to known elements, overridden by what the platform prefilled.
  const { prefilled, values: prefillValues } = prefillOf(plan, profile, answers);
  const values: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(answers)) {
    if (v !== undefined && catalogue.elements.has(k)) values[k] = v;
  }
  Object.assign(values, prefillValues);
  // A hidden field's value is not used by anything (rules, materials, departments).
  const fields = fieldStates(bundle, (id) => (id === 'profile' ? profile : Object.hasOwn(values, id) ? values[id] : undefined));
  for (const id of fields.hidden) delete values[id];
  const facts: FactLookup = (id) => (id === 'profile' ? profile : Object.hasOwn(values, id) ? values[id] : undefined);

  // Rules
  const includedBy = new Map<string, Reason>();
  const extra = new Map<string, { code: string; reason: Reason }[]>();
  const waived: { code: string; item?: string; reason: Reason }[] = [];
  const ineligible: Reason[] = [];
  const notices: Reason[] = [];
  const visits: Reason[] = [];
  const firedRules: string[] = [];
  for (const { rule, test } of plan.rules) {
    if (!test(facts)) continue;
    firedRules.push(rule.name);
    const e = rule.event;
    const reason: Reason = { reason: e.params.reason, reasonEn: e.params.reasonEn, rule: rule.name };
    switch (e.type) {
      case 'include-item':
        if (!includedBy.has(e.params.item)) includedBy.set(e.params.item, reason);
        break;
      case 'require-material': {
        const list = extra.get(e.params.item) ?? [];
        list.push({ code: e.params.material, reason });
        extra.set(e.params.item, list);
        break;
      }
      case 'waive-material':
        waived.push({ code: e.params.material, ...(e.params.item !== undefined ? { item: e.params.item } : {}), reason });
        break;
      case 'ineligible':
        ineligible.push(reason);
        break;
      case 'require-visit':
        visits.push(reason);
        break;
      case 'notice':
        notices.push(reason);
        break;
    }
  }

  // Items
  const items: ItemDecision[] = [];
  const included: string[] = [];
  const choices = chooseAlternatives(bundle, facts);
  for (const item of plan.items) {
    const optional = plan.optional.has(item.id);
    let decision: Reason;
    let isIn: boolean;
    const choice = choices.get(item.id);
    if (choice) {
      isIn = choice.chosen;
      decision = { reason: choice.reason, reasonEn: choice.reasonEn };
    } else if (!optional) {
      isIn = true;
      decision = TEXT.always;
    } else {
      const by = includedBy.get(item.id);
      isIn = by !== undefined;
      decision =
        by ??
        TEXT.notChosen(plan.rules.filter(({ rule }) => rule.event.type === 'include-item' && rule.event.params.item === item.id).map(({ rule }) => rule.event.params));
    }
    if (isIn) included.push(item.id);
    items.push({
      id: item.id,
      title: item.title,
      titleEn: item.titleEn,
      department: item.department,
      timeLimitDays: item.timeLimitDays,
      optional,
      included: isIn,
      ...decision,
    });
  }
  const after = restrict(included, plan.preds);
  const ancestorsOf = (id: string): Set<string> => {
    const seen = new Set<string>();
    const todo = [...(after.get(id) ?? [])];
    while (todo.length > 0) {
      const n = todo.pop() as string;
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(...(after.get(n) ?? []));
      }
    }
    return seen;
  };

  // Materials
  const archive = new Map<string, ArchiveEntry>();
  for (const entry of profile?.archive ?? []) {
    const m = catalogue.materials.get(entry.code);
    if (!m || archive.has(entry.code)) continue;
    const untilOk = entry.validUntil === undefined || entry.validUntil.slice(0, 10) >= today;
    const ageOk = m.validityMonths === null || entry.issuedOn === undefined || addMonths(entry.issuedOn, m.validityMonths) >= today;
    if (untilOk && ageOk) archive.set(entry.code, entry);
  }
  const sharing = profile?.sharing;
  const shareable = (m: Material): boolean =>
    m.electronicLicence && (sharing?.available ? sharing.available.includes(m.code) : !(sharing?.unavailable ?? []).includes(m.code));

  const needsByCode = new Map<string, MaterialNeed[]>();
  const notRequired = new Map<string, { code: string; title: string; titleEn: string; items: string[]; reason: Reason }>();
  for (const itemId of included) {
    const item = plan.byId.get(itemId);
    if (!item) continue;
    const ancestors = ancestorsOf(itemId);
    const wanted: { code: string; origin: MaterialNeed['origin']; rule?: Reason }[] = [{ code: item.formMaterial, origin: 'form' }];
    for (const pm of plan.materials.get(itemId) ?? []) {
      if (pm.test === null) wanted.push({ code: pm.material.code, origin: 'item' });
      else if (pm.test(facts)) wanted.push({ code: pm.material.code, origin: 'condition' });
    }
    for (const x of extra.get(itemId) ?? []) {
      if (catalogue.materials.has(x.code) && !wanted.some((w) => w.code === x.code)) wanted.push({ code: x.code, origin: 'rule', rule: x.reason });
    }
    for (const w of wanted) {
      const m = catalogue.materials.get(w.code);
      if (!m) continue;
      const waiver = w.origin === 'form' ? undefined : waived.find((x) => x.code === w.code && (x.item === undefined || x.item === itemId));
      if (waiver) {
        const entry = notRequired.get(w.code) ?? { code: w.code, title: m.title, titleEn: m.titleEn, items: [], reason: waiver.reason };
        entry.items.push(itemId);
        notRequired.set(w.code, entry);
        continue;
      }
      const need = decide(plan, m, itemId, ancestors, w.origin, archive, shareable);
      const list = needsByCode.get(w.code) ?? [];
      list.push(w.rule?.rule !== undefined ? { ...need, rule: w.rule.rule } : need);
      needsByCode.set(w.code, list);
    }
  }

  const materials: MaterialDecision[] = [];
  for (const [code, needs] of needsByCode) {
    const m = catalogue.materials.get(code) as Material;
    // The most demanding disposition among the items wins (see the header comment).
    let worst = needs[0] as MaterialNeed;
    for (const n of needs) if (DISPOSITIONS.indexOf(n.disposition) > DISPOSITIONS.indexOf(worst.disposition)) worst = n;
    const entry = worst.disposition === 'reuse' ? archive.get(code) : undefined;
    materials.push({
      code,
      title: m.title,
      titleEn: m.titleEn,
      disposition: worst.disposition,
      reason: worst.reason,
      reasonEn: worst.reasonEn,
      items: [...new Set(needs.map((n) => n.item))],
      needs,
      ...(worst.producedBy !== undefined ? { producedBy: worst.producedBy } : {}),
      ...(entry ? { archive: entry } : {}),
      physical: m.physical,
      form: m.formOf !== undefined,
    });
  }

  // Materials of the bundle as a whole; an item's own need of the same material stands.
  const rows = bundleMaterialRows(bundle, catalogue, facts, (m) => {
    const need = decide(plan, m, '', new Set(), 'bundle', archive, shareable);
    return { disposition: need.disposition === 'upload' || need.disposition === 'sharing' || need.disposition === 'reuse' ? need.disposition : 'upload', reason: need.reason, reasonEn: need.reasonEn };
  });
  for (const row of rows) {
    if (needsByCode.has(row.code)) continue;
    const d = row.decision;
    const needs: MaterialNeed[] = d.disposition === 'generated' ? [] : [{ item: '', disposition: d.disposition, origin: 'bundle', reason: d.reason, reasonEn: d.reasonEn }];
    const entry = d.disposition === 'reuse' ? archive.get(d.material.code) : undefined;
    materials.push({
      code: row.code,
      title: row.title,
      titleEn: row.titleEn,
      disposition: d.disposition,
      reason: d.reason,
      reasonEn: d.reasonEn,
      items: [],
      needs,
      ...(entry ? { archive: entry } : {}),
      physical: row.materials.some((m) => m.physical) && row.materials.length === 1,
      form: false,
      bundleLevel: true,
      ...(row.materials.length > 1 ? { alternatives: row.materials.map((m) => m.code) } : {}),
      ...(row.row.note !== undefined ? { note: row.row.note } : {}),
    });
  }

  return {
    bundle: bundle.id,
    version: bundle.version,
    eligible: ineligible.length === 0,
    ineligible,
    notices,
    visits,
    items,
    included,
    after: Object.fromEntries(after),
    materials,
    notRequired: [...notRequired.values()].map((n) => ({ code: n.code, title: n.title, titleEn: n.titleEn, items: n.items, ...n.reason })),
    values,
    prefilled,
    firedRules,
    fields,
    problems: checkFields(bundle, values, today),
  };
}

function decide(
  plan: BundlePlan,
  m: Material,
  itemId: string,
  ancestors: ReadonlySet<string>,
  origin: MaterialNeed['origin'],
  archive: ReadonlyMap<string, ArchiveEntry>,
  shareable: (m: Material) => boolean,
): MaterialNeed {
  const { catalogue } = plan;
  const item = plan.byId.get(itemId);
  const base = { item: itemId, origin };
  if (origin === 'form' && item?.formGenerated) {
    return { ...base, disposition: 'generated', reason: '由一件事综合申请表自动生成，无需另行填写', reasonEn: 'generated from the combined application form' };
  }
  const producer = (plan.materialProducers.get(m.code) ?? []).find((p) => ancestors.has(p));
  if (producer !== undefined) {
    const p = plan.byId.get(producer);
    const dept = p ? catalogue.departments.get(p.department) : undefined;
    return {
      ...base,
      disposition: 'bundle',
      producedBy: producer,
      reason: `由${dept?.name ?? p?.department ?? ''}办结“${p?.title ?? producer}”后在本件事内部流转`,
      reasonEn: `produced inside this bundle by ${dept?.nameEn ?? p?.department ?? ''} (${p?.titleEn ?? producer})`,
    };
  }
  if (shareable(m)) {
    const issuer = m.issuer ? catalogue.departments.get(m.issuer) : undefined;
    return {
      ...base,
      disposition: 'sharing',
      reason: `${issuer ? `${issuer.name}` : ''}电子证照，经数据共享获取，免提交`,
      reasonEn: `electronic licence${issuer ? ` of the ${issuer.nameEn}` : ''} fetched through data sharing: not handed in`,
    };
  }
  const kept = archive.get(m.code);
  if (kept) {
    const until = kept.validUntil?.slice(0, 10) ?? (m.validityMonths !== null && kept.issuedOn ? addMonths(kept.issuedOn, m.validityMonths) : undefined);
    return {
      ...base,
      disposition: 'reuse',
      reason: `已在您的材料库（一人一档）中${until ? `，有效期至 ${until}` : ''}，直接复用`,
      reasonEn: `reused from your archive${until ? `, valid until ${until}` : ''}`,
    };
  }
  if (item?.commitment.some((c) => c.ref === m.code)) {
    return { ...base, disposition: 'commitment', reason: '以签署的告知承诺书代替，免提交', reasonEn: 'replaced by your signed commitment (告知承诺): not handed in' };
  }
  return {
    ...base,
    disposition: 'upload',
    reason: m.physical ? '需提交，原件须到窗口交回' : '需上传',
    reasonEn: m.physical ? 'must be handed in: the original is surrendered at a counter' : 'must be uploaded',
  };
}
