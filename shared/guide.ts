// What official guides (办事指南) say beyond forms and materials, as the scenario files write it:
// codes, sources, the bundle's promised limit, visits, steps (环节), fees, result delivery and
// the published before → after figures. Every key is optional, so files written before these
// keys existed (published versions are immutable) keep loading with the defaults below.
import type { DayUnit } from './calendar.js';
import type { BeforeAfter, Ref, SourceRef, TopLevelCondition } from './model.js';

export type { DayUnit } from './calendar.js';

/** Why a visit to an office remains in the bundle. */
export const ON_SITE_REASONS = ['inspection', 'assessment', 'original', 'signature', 'collect'] as const;
export type OnSiteReason = (typeof ON_SITE_REASONS)[number];
export const ON_SITE_TITLES: Record<OnSiteReason | 'rule', { readonly zh: string; readonly en: string }> = {
  inspection: { zh: '现场核查', en: 'on-site inspection' },
  assessment: { zh: '现场评定', en: 'assessment in person' },
  original: { zh: '交回原件', en: 'surrendering an original' },
  signature: { zh: '窗口签字', en: 'signature at the counter' },
  collect: { zh: '现场领取结果', en: 'collecting the result in person' },
  rule: { zh: '规则要求到场', en: 'a rule requires a visit' },
};

export const DELIVERY_METHODS = ['mail', 'pickup', 'electronic'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

export interface Source {
  readonly url: string;
  readonly title?: string;
}

export interface DeliveryOption {
  readonly method: DeliveryMethod;
  /** Yuan the applicant pays for this way of receiving the result (postage is usually free). */
  readonly fee: number;
  /** Trips it costs: collecting in person is one, mail and electronic licences none. */
  readonly visits: number;
  readonly at: SourceRef;
}

export interface ItemGuide {
  /** 事项编码 (basic code of the item in the national catalogue) and 实施编码 (this region's implementation). */
  readonly codes?: { readonly item?: string; readonly implementation?: string };
  /** Trips to an office when applied for alone (跑动次数); 0 when already online-only. */
  readonly visits?: number;
  /** 环节 when applied for alone, e.g. 受理、审查、决定、送达 (names, or only a count). */
  readonly steps?: number;
  readonly stepNames?: readonly string[];
  /** Yuan charged for the item itself (most are free). */
  readonly fee?: number;
  /** How results can reach the applicant; the first is the default. */
  readonly delivery?: readonly DeliveryOption[];
}

export interface OnSiteNeed {
  readonly reason: OnSiteReason;
  readonly item?: string;
  readonly title?: string;
  readonly titleEn?: string;
  readonly when?: TopLevelCondition;
  readonly at: SourceRef;
}

export interface FlowStep {
  readonly title: string;
  readonly titleEn: string;
  readonly when?: TopLevelCondition;
  readonly at: SourceRef;
}

export interface BundlePromise {
  readonly days: number;
  readonly unit: DayUnit;
  /** Items that run outside the promise on their own limits (e.g. making a card takes longer). */
  readonly excludes: readonly Ref[];
  readonly at: SourceRef;
}

/** A published figure, as `official.notes` names it. */
export type OfficialFigure = 'days.before' | 'days.after' | 'visits.before' | 'visits.after' | 'materials.before' | 'materials.after' | 'steps.before' | 'steps.after' | 'promise';

export interface Official {
  readonly source?: string;
  /** How the guide counted a figure the engine's own counts cannot explain, in the designer's words. */
  readonly notes?: Readonly<Partial<Record<OfficialFigure, string>>>;
  readonly days?: BeforeAfter;
  readonly visits?: BeforeAfter;
  readonly materials?: BeforeAfter;
  readonly steps?: BeforeAfter;
  /** 承诺办结时限 as published. */
  readonly promise?: { readonly days: number; readonly unit: DayUnit };
}

export interface BundleGuide {
  /** The national or provincial theme code (主题编码) and this region's implementation code. */
  readonly codes?: { readonly theme?: string; readonly implementation?: string };
  readonly sources: readonly Source[];
  readonly promise?: BundlePromise;
  /** The bundle's own flow as the applicant sees it (一表申请 → 统一办结): its steps after. */
  readonly flow: readonly FlowStep[];
  /** On-site needs that remain in the bundle, with their reasons. */
  readonly onSite: readonly OnSiteNeed[];
  /** The element whose answer chooses how results are delivered (e.g. delivery.method). */
  readonly deliveryElement?: Ref;
}

type Raw = Record<string, unknown>;
const asRaw = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const arr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function codesOf<K extends string>(raw: unknown, keys: readonly K[]): Partial<Record<K, string>> | undefined {
  if (raw === undefined) return undefined;
  const r = asRaw(raw);
  const out: Partial<Record<K, string>> = {};
  for (const k of keys) {
    const v = r[k];
    // A code written without quotes is read as a number by YAML; it is still the same code.
    if (typeof v === 'string' || typeof v === 'number') out[k] = String(v);
  }
  return out;
}

export function buildItemGuide(file: string, root: Raw): ItemGuide | undefined {
  const codes = codesOf(root.codes, ['item', 'implementation'] as const);
  const steps = Array.isArray(root.steps) ? root.steps.filter((s): s is string => typeof s === 'string') : undefined;
  const delivery = root.delivery === undefined
    ? undefined
    : arr(root.delivery).map((raw, i): DeliveryOption => {
        const e = asRaw(raw);
        const method = (str(e.method) ?? 'mail') as DeliveryMethod;
        return { method, fee: num(e.fee) ?? 0, visits: num(e.visits) ?? (method === 'pickup' ? 1 : 0), at: { file, path: ['delivery', i, 'method'] } };
      });
  const guide: ItemGuide = {
    ...(codes ? { codes } : {}),
    ...(num(root.visits) !== undefined ? { visits: num(root.visits) } : {}),
    ...(steps ? { steps: steps.length, stepNames: steps } : num(root.steps) !== undefined ? { steps: num(root.steps) } : {}),
    ...(num(root.fee) !== undefined ? { fee: num(root.fee) } : {}),
    ...(delivery ? { delivery } : {}),
  };
  return Object.keys(guide).length > 0 ? guide : undefined;
}

export function buildBundleGuide(file: string, root: Raw): BundleGuide {
  const at = (...path: (string | number)[]): SourceRef => ({ file, path });
  const codes = codesOf(root.codes, ['theme', 'implementation'] as const);
  const p = root.promise === undefined ? undefined : asRaw(root.promise);
  const deliveryElement = str(asRaw(root.delivery).element);
  return {
    ...(codes ? { codes } : {}),
    sources: arr(root.sources).map((raw) => {
      const e = asRaw(raw);
      return { url: str(e.url) ?? '', ...(str(e.title) ? { title: str(e.title) } : {}) };
    }),
    ...(p
      ? {
          promise: {
            days: num(p.days) ?? 0,
            unit: p.unit === 'natural' ? 'natural' : 'working',
            excludes: arr(p.excludes).flatMap((ref, i) => (typeof ref === 'string' ? [{ ref, at: at('promise', 'excludes', i) }] : [])),
            at: at('promise'),
          },
        }
      : {}),
    flow: arr(root.flow).map((raw, i) => {
      const e = asRaw(raw);
      return {
        title: str(e.title) ?? '',
        titleEn: str(e.titleEn) ?? str(e.title) ?? '',
        ...(e.when !== undefined ? { when: e.when as TopLevelCondition } : {}),
        at: at('flow', i),
      };
    }),
    onSite: arr(root.onSite).map((raw, i) => {
      const e = asRaw(raw);
      return {
        reason: (str(e.reason) ?? 'signature') as OnSiteReason,
        ...(str(e.item) ? { item: str(e.item) } : {}),
        ...(str(e.title) ? { title: str(e.title) } : {}),
        ...(str(e.titleEn) ? { titleEn: str(e.titleEn) } : {}),
        ...(e.when !== undefined ? { when: e.when as TopLevelCondition } : {}),
        at: at('onSite', i),
      };
    }),
    ...(deliveryElement ? { deliveryElement: { ref: deliveryElement, at: at('delivery', 'element') } } : {}),
  };
}
