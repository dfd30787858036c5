// The guide's figures for one evaluated application: the bundle's promise, visits with the
// reasons one remains, steps (环节) and fees. account.ts folds them into the savings account,
// so `stats`, the savings snapshot of each filing and the statistics count the same way.
//
// Definitions:
// - visits.separately: each included item's own trips (`visits:`, default 1); a bundle none of
//   whose items declares visits counts one trip per distinct department, as before these keys.
// - visits.reasons: every on-site need that remains: the bundle's `onSite:` needs that apply
//   (their item included, their `when:` true), originals to surrender (materials marked
//   `physical` that are handed in), `require-visit` rules, and results collected in person
//   (the delivery option chosen has visits).
// - visits.bundled: trips those needs cost: everything at the counter when filing (originals,
//   signatures, rules) is one trip; collecting results is one trip (统一出件); each inspection
//   and each assessment is a trip of its own.
// - steps.separately: each included item's own 环节 (`steps:`, default 1); steps.bundled: the
//   bundle's `flow:` steps that apply, 1 (one application) without a flow.
// - fees.total: the included items' fees plus the chosen delivery options' fees, in yuan.
// - days.promised: the bundle's own promise (承诺办结时限) with its unit; without one, the
//   critical path in working days, marked `declared: false`.
import type { DayUnit } from './calendar.js';
import { compileCondition } from './condition.js';
import type { Evaluation } from './evaluate.js';
import type { DeliveryMethod, OnSiteReason } from './guide.js';
import { ON_SITE_TITLES } from './guide.js';
import type { Bundle, Catalogue, Item } from './model.js';

export interface VisitReason {
  readonly item?: string;
  readonly reason: OnSiteReason | 'rule';
  readonly title: string;
  readonly titleEn: string;
}

export interface GuideFigures {
  readonly promised: { readonly value: number; readonly unit: DayUnit; readonly declared: boolean; readonly excludes: string[] };
  readonly visits: { readonly separately: number; readonly bundled: number; readonly reasons: VisitReason[] };
  readonly steps: { readonly separately: number; readonly bundled: number };
  readonly fees: { readonly total: number; readonly items: { readonly item: string; readonly fee: number; readonly delivery?: DeliveryMethod }[] };
}

/** The delivery option an item uses for this application: the one answered, else its first. */
export function chosenDelivery(bundle: Bundle, item: Item, values: Readonly<Record<string, unknown>>) {
  const options = item.guide?.delivery ?? [];
  const element = bundle.guide?.deliveryElement?.ref;
  const answer = element !== undefined ? values[element] : undefined;
  return options.find((o) => o.method === answer) ?? options[0];
}

export function guideFigures(bundle: Bundle, catalogue: Catalogue, evaluation: Evaluation, criticalPath: number): GuideFigures {
  const included = evaluation.included.map((id) => catalogue.items.get(id)).filter((i): i is Item => i !== undefined);
  const inBundle = new Set(evaluation.included);
  const facts = (id: string): unknown => (Object.hasOwn(evaluation.values, id) ? evaluation.values[id] : undefined);
  const g = bundle.guide;

  const declaresVisits = included.some((i) => i.guide?.visits !== undefined);
  const separately = declaresVisits ? included.reduce((n, i) => n + (i.guide?.visits ?? 1), 0) : new Set(included.map((i) => i.department)).size;

  const reasons: VisitReason[] = [];
  const titled = (reason: OnSiteReason | 'rule', item: string | undefined, what: string, whatEn: string): VisitReason => ({
    ...(item !== undefined ? { item } : {}),
    reason,
    title: what ? `${ON_SITE_TITLES[reason].zh}：${what}` : ON_SITE_TITLES[reason].zh,
    titleEn: whatEn ? `${ON_SITE_TITLES[reason].en}: ${whatEn}` : ON_SITE_TITLES[reason].en,
  });
  for (const need of g?.onSite ?? []) {
    if (need.item !== undefined && !inBundle.has(need.item)) continue;
    if (need.when && !compileCondition(need.when)(facts)) continue;
    reasons.push(titled(need.reason, need.item, need.title ?? '', need.titleEn ?? ''));
  }
  for (const m of evaluation.materials) {
    if (m.physical && m.disposition === 'upload') reasons.push(titled('original', m.items[0], m.title, m.titleEn));
  }
  for (const v of evaluation.visits) reasons.push(titled('rule', undefined, v.reason, v.reasonEn));
  const fees: { item: string; fee: number; delivery?: DeliveryMethod }[] = [];
  for (const item of included) {
    const d = chosenDelivery(bundle, item, evaluation.values);
    if (d && d.visits > 0) reasons.push(titled('collect', item.id, item.title, item.titleEn));
    const fee = (item.guide?.fee ?? 0) + (d?.fee ?? 0);
    fees.push({ item: item.id, fee, ...(d ? { delivery: d.method } : {}) });
  }
  const counter = reasons.some((r) => r.reason === 'original' || r.reason === 'signature' || r.reason === 'rule');
  const collect = reasons.some((r) => r.reason === 'collect');
  const bundled = (counter ? 1 : 0) + (collect ? 1 : 0) + reasons.filter((r) => r.reason === 'inspection' || r.reason === 'assessment').length;

  const flow = (g?.flow ?? []).filter((s) => !s.when || compileCondition(s.when)(facts));
  const promise = g?.promise;
  return {
    promised: promise
      ? { value: promise.days, unit: promise.unit, declared: true, excludes: promise.excludes.map((e) => e.ref).filter((id) => inBundle.has(id)) }
      : { value: criticalPath, unit: 'working', declared: false, excludes: [] },
    visits: { separately, bundled, reasons },
    steps: { separately: included.reduce((n, i) => n + (i.guide?.steps ?? 1), 0), bundled: g && g.flow.length > 0 ? flow.length : 1 },
    fees: { total: fees.reduce((n, f) => n + f.fee, 0), items: fees },
  };
}
