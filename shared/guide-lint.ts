// Lint rules for what official guides say (shared/guide.ts) and for calendar.yaml: called by
// lint() with its reporting helpers, so positions and "did you mean" work as for every rule.
import type { Severity } from './diagnostic.js';
import type { Said } from './lint-messages.js';
import { checkCalendarFile } from './calendar-file.js';
import type { LintCode } from './lint.js';
import type { Bundle, Catalogue, Condition, SourceRef } from './model.js';

export interface GuideLintContext {
  readonly report: (ref: SourceRef, code: LintCode, message: string | Said, severity?: Severity, part?: 'key' | 'value') => void;
  readonly checkCondition: (condition: Condition, base: SourceRef, where: string) => unknown;
  readonly checkElement: (ref: SourceRef, id: string, where: string) => boolean;
  readonly suggest: (wrong: string, candidates: Iterable<string>) => string;
  readonly suggestZh: (wrong: string, candidates: Iterable<string>) => string;
}

const WHERE_ZH: Record<string, string> = { 'promise excludes': '承诺时限的不计入事项（promise.excludes）', onSite: '到场要求（onSite）' };

const child = (ref: SourceRef, ...path: (string | number)[]): SourceRef => ({ file: ref.file, path: [...ref.path, ...path] });

export function lintCalendar(catalogue: Catalogue, ctx: GuideLintContext): void {
  if (!catalogue.calendar) return;
  for (const f of checkCalendarFile(catalogue.calendar)) ctx.report(f.at, 'calendar', `calendar: ${f.message}`, f.severity);
}

export function lintItemGuides(catalogue: Catalogue, ctx: GuideLintContext): void {
  const codes = new Map<string, string>();
  for (const item of catalogue.items.values()) {
    const g = item.guide;
    if (!g) continue;
    const name = `item "${item.id}" (${item.title})`;
    for (const kind of ['item', 'implementation'] as const) {
      const code = g.codes?.[kind];
      if (code === undefined) continue;
      const key = `${kind}:${code}`;
      const other = codes.get(key);
      // 实施编码 names one implementation of one item; two items with one code is a copy-paste slip.
      if (other !== undefined && kind === 'implementation') {
        ctx.report({ file: item.at.file, path: ['codes', kind] }, 'item-code', { zh: `事项“${item.title}”的实施编码 ${code} 已是事项“${other}”的编码`, en: `${name}: 实施编码 ${code} is already the code of item "${other}"` });
      }
      codes.set(key, item.id);
    }
    if (g.codes?.item && g.codes.implementation && !g.codes.implementation.includes(g.codes.item)) {
      ctx.report({ file: item.at.file, path: ['codes', 'implementation'] }, 'item-code', { zh: `事项“${item.title}”的实施编码 ${g.codes.implementation} 不包含其事项编码 ${g.codes.item}`, en: `${name}: 实施编码 ${g.codes.implementation} does not contain its 事项编码 ${g.codes.item}` }, 'warning');
    }
    const methods = new Set<string>();
    for (const d of g.delivery ?? []) {
      if (methods.has(d.method)) ctx.report(d.at, 'delivery', { zh: `事项“${item.title}”重复列出送达方式“${d.method}”`, en: `${name}: delivery method "${d.method}" is listed twice` });
      methods.add(d.method);
    }
  }
}

export function lintBundleGuide(bundle: Bundle, catalogue: Catalogue, inBundle: ReadonlySet<string>, asked: ReadonlySet<string>, ctx: GuideLintContext): void {
  const g = bundle.guide;
  const bname = `bundle "${bundle.id}" (${bundle.title})`;
  const o = bundle.official;
  const itemRef = (ref: SourceRef, id: string, where: string): boolean => {
    if (inBundle.has(id)) return true;
    ctx.report(ref, 'unknown-item', { zh: `${WHERE_ZH[where] ?? where}：“${id}”不是本一件事的事项${ctx.suggestZh(id, inBundle)}`, en: `${bname} ${where}: "${id}" is not an item of this bundle${ctx.suggest(id, inBundle)}` });
    return false;
  };

  // The promise
  const p = g?.promise;
  if (p) {
    for (const e of p.excludes) itemRef(e.at, e.ref, 'promise excludes');
    if (bundle.items.length > 0 && bundle.items.every((bi) => p.excludes.some((e) => e.ref === bi.item))) {
      ctx.report(child(p.at, 'excludes'), 'promise', { zh: `一件事“${bundle.title}”的所有事项都不计入承诺时限，承诺形同虚设`, en: `${bname}: every item runs outside the promise, so it promises nothing` });
    }
    const promised = o?.promise ?? (o?.days ? { days: o.days.after, unit: p.unit } : undefined);
    if (promised && (promised.days !== p.days || promised.unit !== p.unit)) {
      ctx.report(child(p.at, 'days'), 'promise', { zh: `承诺时限（${p.days} ${p.unit} 日）与办事指南公布的（official: 下 ${promised.days} ${promised.unit} 日）不一致`, en: `${bname}: the promise (${p.days} ${p.unit} days) differs from the published one (${promised.days} ${promised.unit} days under official:)` }, 'warning');
    }
  } else if (o?.promise || o?.days) {
    ctx.report({ file: bundle.at.file, path: ['official'] }, 'promise', { zh: `办事指南公布了承诺时限，但一件事没有声明 promise:，到期日将按各事项时限计算`, en: `${bname}: the guide publishes a promised limit but the bundle declares no promise:, so due dates fall back to the items' limits` }, 'warning', 'key');
  }

  // Published figures that cannot be right as written.
  if (o) {
    for (const k of ['days', 'visits', 'materials', 'steps'] as const) {
      const f = o[k];
      if (f && f.after > f.before) ctx.report({ file: bundle.at.file, path: ['official', k, 'after'] }, 'official', { zh: `公布的 ${k} 从 ${f.before} 增加到 ${f.after}；请核对办事指南（改革前后是否写反？）`, en: `${bname}: official ${k} go up from ${f.before} to ${f.after}; check the guide (before and after swapped?)` }, 'warning');
    }
    if (o.promise && o.days && o.promise.days !== o.days.after) {
      ctx.report({ file: bundle.at.file, path: ['official', 'promise', 'days'] }, 'official', { zh: `公布的承诺时限（${o.promise.days}）与改革后办理天数（${o.days.after}）不一致；办事指南前后矛盾，请在注释中说明一件事依据哪一个`, en: `${bname}: the published promise (${o.promise.days}) and the published days after (${o.days.after}) differ; the guide is inconsistent, say which one the bundle follows in a comment` }, 'warning');
    }
    // A note explains a published figure: one about a figure the guide does not publish explains nothing.
    for (const key of Object.keys(o.notes ?? {})) {
      const figures: Record<string, unknown> = { days: o.days, visits: o.visits, materials: o.materials, steps: o.steps, promise: o.promise };
      const published = figures[key.split('.')[0] ?? ''] !== undefined;
      if (!published) ctx.report({ file: bundle.at.file, path: ['official', 'notes', key] }, 'official', { zh: `official.notes 说明了“${key}”，但 official: 没有公布这个数字`, en: `${bname}: official.notes explains "${key}", a figure official: does not publish` }, 'warning', 'key');
    }
  }

  if (!g) return;
  g.flow.forEach((s) => {
    if (s.when) ctx.checkCondition(s.when, child(s.at, 'when'), `${bname} flow step "${s.title}"`);
  });
  g.onSite.forEach((n) => {
    if (n.item !== undefined) itemRef(child(n.at, 'item'), n.item, 'onSite');
    if (n.when) ctx.checkCondition(n.when, child(n.at, 'when'), `${bname} onSite need "${n.title ?? n.reason}"`);
    if (n.reason === 'collect' && n.item !== undefined && catalogue.items.get(n.item)?.guide?.delivery) {
      ctx.report(child(n.at, 'reason'), 'on-site', { zh: `事项“${n.item}”已列出送达方式，其中已计入现场领取；此到场要求会重复计算`, en: `${bname}: item "${n.item}" lists its delivery options, which already count collecting in person; this need would count it twice` }, 'warning');
    }
  });

  // Delivery: the element that chooses, and the items that offer options.
  const offering = [...inBundle].map((id) => catalogue.items.get(id)).filter((i) => i?.guide?.delivery && i.guide.delivery.length > 0);
  const de = g.deliveryElement;
  if (de) {
    if (ctx.checkElement(de.at, de.ref, `${bname} delivery`)) {
      if (!asked.has(de.ref)) ctx.report(de.at, 'delivery', { zh: `送达方式数据元素“${de.ref}”没有事项询问，也不在 questions: 中，因此总是使用第一种方式`, en: `${bname}: delivery element "${de.ref}" is asked by no item of the bundle and is not in questions:, so the first option is always used` }, 'warning');
      const options = catalogue.elements.get(de.ref)?.schema.oneOf;
      const values = Array.isArray(options) ? new Set((options as { const?: unknown }[]).map((x) => x.const)) : null;
      for (const item of offering) {
        for (const d of item?.guide?.delivery ?? []) {
          if (values && !values.has(d.method)) {
            ctx.report(d.at, 'delivery', {
              zh: `事项“${item?.id ?? ''}”提供的“${d.method}”不是“${de.ref}”的可选值（${[...values].map(String).join('、')}），永远不会被选中`,
              en: `${bname}: item "${item?.id ?? ''}" offers "${d.method}", which "${de.ref}" cannot be answered with (${[...values].map(String).join(', ')}); it is never chosen`,
            }, 'warning');
          }
        }
      }
    }
    if (offering.length === 0) ctx.report(de.at, 'delivery', { zh: `本一件事没有事项列出 delivery: 送达方式，“${de.ref}”选不出任何方式`, en: `${bname}: no item of the bundle lists delivery: options, so "${de.ref}" chooses nothing` }, 'warning');
  } else {
    const several = offering.find((i) => (i?.guide?.delivery?.length ?? 0) > 1);
    if (several) ctx.report({ file: bundle.at.file, path: ['items'] }, 'delivery', { zh: `事项“${several.id}”提供多种送达方式，但一件事没有指定 delivery: 数据元素来选择，因此总是使用第一种`, en: `${bname}: item "${several.id}" offers several delivery options but the bundle names no delivery: element to choose, so the first is always used` }, 'warning', 'key');
  }
}
