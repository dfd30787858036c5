// Lint rules for what official guides say (shared/guide.ts) and for calendar.yaml: called by
// lint() with its reporting helpers, so positions and "did you mean" work as for every rule.
import type { Severity } from './diagnostic.js';
import { checkCalendarFile } from './calendar-file.js';
import type { LintCode } from './lint.js';
import type { Bundle, Catalogue, Condition, SourceRef } from './model.js';

export interface GuideLintContext {
  readonly report: (ref: SourceRef, code: LintCode, message: string, severity?: Severity, part?: 'key' | 'value') => void;
  readonly checkCondition: (condition: Condition, base: SourceRef, where: string) => unknown;
  readonly checkElement: (ref: SourceRef, id: string, where: string) => boolean;
  readonly suggest: (wrong: string, candidates: Iterable<string>) => string;
}

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
        ctx.report({ file: item.at.file, path: ['codes', kind] }, 'item-code', `${name}: 实施编码 ${code} is already the code of item "${other}"`);
      }
      codes.set(key, item.id);
    }
    if (g.codes?.item && g.codes.implementation && !g.codes.implementation.includes(g.codes.item)) {
      ctx.report({ file: item.at.file, path: ['codes', 'implementation'] }, 'item-code', `${name}: 实施编码 ${g.codes.implementation} does not contain its 事项编码 ${g.codes.item}`, 'warning');
    }
    const methods = new Set<string>();
    for (const d of g.delivery ?? []) {
      if (methods.has(d.method)) ctx.report(d.at, 'delivery', `${name}: delivery method "${d.method}" is listed twice`);
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
    ctx.report(ref, 'unknown-item', `${bname} ${where}: "${id}" is not an item of this bundle${ctx.suggest(id, inBundle)}`);
    return false;
  };

  // The promise
  const p = g?.promise;
  if (p) {
    for (const e of p.excludes) itemRef(e.at, e.ref, 'promise excludes');
    if (bundle.items.length > 0 && bundle.items.every((bi) => p.excludes.some((e) => e.ref === bi.item))) {
      ctx.report(child(p.at, 'excludes'), 'promise', `${bname}: every item runs outside the promise, so it promises nothing`);
    }
    const promised = o?.promise ?? (o?.days ? { days: o.days.after, unit: p.unit } : undefined);
    if (promised && (promised.days !== p.days || promised.unit !== p.unit)) {
      ctx.report(child(p.at, 'days'), 'promise', `${bname}: the promise (${p.days} ${p.unit} days) differs from the published one (${promised.days} ${promised.unit} days under official:)`, 'warning');
    }
  } else if (o?.promise || o?.days) {
    ctx.report({ file: bundle.at.file, path: ['official'] }, 'promise', `${bname}: the guide publishes a promised limit but the bundle declares no promise:, so due dates fall back to the items' limits`, 'warning', 'key');
  }

  // Published figures that cannot be right as written.
  if (o) {
    for (const k of ['days', 'visits', 'materials', 'steps'] as const) {
      const f = o[k];
      if (f && f.after > f.before) ctx.report({ file: bundle.at.file, path: ['official', k, 'after'] }, 'official', `${bname}: official ${k} go up from ${f.before} to ${f.after}; check the guide (before and after swapped?)`, 'warning');
    }
    if (o.promise && o.days && o.promise.days !== o.days.after) {
      ctx.report({ file: bundle.at.file, path: ['official', 'promise', 'days'] }, 'official', `${bname}: the published promise (${o.promise.days}) and the published days after (${o.days.after}) differ; the guide is inconsistent, say which one the bundle follows in a comment`, 'warning');
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
      ctx.report(child(n.at, 'reason'), 'on-site', `${bname}: item "${n.item}" lists its delivery options, which already count collecting in person; this need would count it twice`, 'warning');
    }
  });

  // Delivery: the element that chooses, and the items that offer options.
  const offering = [...inBundle].map((id) => catalogue.items.get(id)).filter((i) => i?.guide?.delivery && i.guide.delivery.length > 0);
  const de = g.deliveryElement;
  if (de) {
    if (ctx.checkElement(de.at, de.ref, `${bname} delivery`)) {
      if (!asked.has(de.ref)) ctx.report(de.at, 'delivery', `${bname}: delivery element "${de.ref}" is asked by no item of the bundle and is not in questions:, so the first option is always used`, 'warning');
      const options = catalogue.elements.get(de.ref)?.schema.oneOf;
      const values = Array.isArray(options) ? new Set((options as { const?: unknown }[]).map((x) => x.const)) : null;
      for (const item of offering) {
        for (const d of item?.guide?.delivery ?? []) {
          if (values && !values.has(d.method)) {
            ctx.report(d.at, 'delivery', `${bname}: item "${item?.id ?? ''}" offers "${d.method}", which "${de.ref}" cannot be answered with (${[...values].map(String).join(', ')}); it is never chosen`, 'warning');
          }
        }
      }
    }
    if (offering.length === 0) ctx.report(de.at, 'delivery', `${bname}: no item of the bundle lists delivery: options, so "${de.ref}" chooses nothing`, 'warning');
  } else {
    const several = offering.find((i) => (i?.guide?.delivery?.length ?? 0) > 1);
    if (several) ctx.report({ file: bundle.at.file, path: ['items'] }, 'delivery', `${bname}: item "${several.id}" offers several delivery options but the bundle names no delivery: element to choose, so the first is always used`, 'warning', 'key');
  }
}
