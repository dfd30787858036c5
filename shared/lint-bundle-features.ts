// Lint of the bundle features beyond items and rules: field rules and cross-field checks
// (field-rules.ts), "exactly one of" groups (alternatives.ts), bundle-level materials
// (bundle-materials.ts) and regional implementations (regions.ts). Called by lint.ts with its
// reporting helpers, so positions, "did you mean" and de-duplication work the same way.
import { proveGroup } from './alternatives.js';
import type { FactUse } from './condition.js';
import type { Severity } from './diagnostic.js';
import { elementsReadByChecks } from './field-rules.js';
import type { Bundle, Catalogue, Condition, SourceRef } from './model.js';
import type { BundlePlan } from './plan.js';
import type { RegionalImplementation } from './regions.js';
import type { PathSegment } from './yaml-source.js';

export const FEATURE_LINT_CODES = ['field-rule', 'alternative', 'alternative-unbounded', 'alternative-coverage', 'region', 'region-standard'] as const;
export type FeatureLintCode = (typeof FEATURE_LINT_CODES)[number];

export interface FeatureLintContext {
  readonly catalogue: Catalogue;
  report(ref: SourceRef, code: string, message: string, severity?: Severity, part?: 'key' | 'value'): void;
  checkElement(ref: SourceRef, id: string, where: string): boolean;
  checkMaterial(ref: SourceRef, code: string, where: string): boolean;
  checkDepartment(ref: SourceRef, code: string, where: string): boolean;
  checkCondition(condition: Condition, base: SourceRef, where: string): FactUse[];
  isBroken(kind: string, id: string): boolean;
  suggest(wrong: string, candidates: Iterable<string>): string;
}

const child = (ref: SourceRef, ...path: PathSegment[]): SourceRef => ({ file: ref.file, path: [...ref.path, ...path] });
const show = (v: unknown): string => JSON.stringify(v);

function isDateSchema(schema: Readonly<Record<string, unknown>>): boolean {
  return schema.format === 'date' || schema.format === 'date-time';
}

/** Field rules, checks, alternatives and bundle-level materials of one bundle (standard or regional). */
export function lintBundleFeatures(ctx: FeatureLintContext, bundle: Bundle, plan: BundlePlan, bname: string): void {
  const { catalogue, report } = ctx;
  const shown = new Set<string>([...plan.fieldsByElement.keys(), ...plan.questions]);
  const inBundle = new Set(bundle.items.map((i) => i.item));

  // Field rules
  const ruled = new Set<string>();
  for (const rule of bundle.fieldRules ?? []) {
    const at = child(rule.at, 'element');
    const where = `${bname} field rule of "${rule.element}"`;
    if (ruled.has(rule.element)) report(at, 'duplicate-id', `${bname}: "${rule.element}" already has a field rule; write one rule per field`);
    ruled.add(rule.element);
    if (ctx.checkElement(at, rule.element, `${bname} field rule`) && !shown.has(rule.element)) {
      report(at, 'field-rule', `${where}: no item of the bundle asks "${rule.element}" and it is not a question, so the rule changes nothing`);
    }
    if (rule.visible) {
      const uses = ctx.checkCondition(rule.visible, child(rule.at, 'visible'), where);
      for (const u of uses) {
        if (u.fact === rule.element) report(child(rule.at, 'visible', ...u.at, 'fact'), 'field-rule', `${where}: whether the field is shown cannot depend on its own value`);
      }
    }
    if (rule.required !== undefined && typeof rule.required === 'object') ctx.checkCondition(rule.required, child(rule.at, 'required'), where);
  }

  // Checks
  const names = new Set<string>();
  for (const check of bundle.checks ?? []) {
    const where = `${bname} check "${check.name}"`;
    if (names.has(check.name)) report(child(check.at, 'name'), 'duplicate-id', `${bname}: check "${check.name}" is defined twice`);
    names.add(check.name);
    const [own, other] = elementsReadByChecks(check);
    const paths: [string, SourceRef][] = [[own as string, child(check.at, 'element')]];
    if (other !== undefined) paths.push([other, child(check.at, check.operator, 'element')]);
    for (const [id, at] of paths) {
      if (!ctx.checkElement(at, id, where)) continue;
      const el = catalogue.elements.get(id);
      if (!shown.has(id)) report(at, 'field-rule', `${where}: no item of the bundle asks "${id}", so the check never runs`);
      else if (el && !isDateSchema(el.schema)) report(at, 'field-rule', `${where}: "${id}" (${el.title}) is not a date (format: date or date-time); checks compare dates`);
    }
    if (check.when) ctx.checkCondition(check.when, child(check.at, 'when'), where);
  }

  // Alternatives
  const grouped = new Map<string, string>();
  for (const group of bundle.alternatives ?? []) {
    const where = `${bname} alternatives "${group.id}"`;
    for (const option of group.options) {
      const at = child(option.at, 'item');
      if (grouped.has(option.item)) report(at, 'duplicate-id', `${where}: item "${option.item}" is already an option of "${grouped.get(option.item) ?? ''}"; an item is chosen by one group`);
      grouped.set(option.item, group.id);
      if (!inBundle.has(option.item)) {
        if (!ctx.isBroken('item', option.item)) report(at, 'unknown-item', `${where}: item "${option.item}" is not an item of this bundle${ctx.suggest(option.item, [...inBundle].filter((id) => catalogue.items.has(id)))}`);
      } else if (plan.optional.has(option.item)) {
        report(at, 'alternative', `${where}: item "${option.item}" is chosen by this group, so it cannot also be optional: remove optional: true`);
      }
      ctx.checkCondition(option.when, child(option.at, 'when'), where);
    }
    for (const f of proveGroup(bundle, catalogue, group)) {
      if (f.kind === 'unbounded') {
        report(child(f.option.at, 'when', ...f.at, 'fact'), 'alternative-unbounded', `${where}: "${f.fact}" cannot choose an alternative: ${f.why}, so lint cannot prove that every answer chooses exactly one`);
      } else if (f.kind === 'unasked') {
        report(child(f.option.at, 'when', ...f.at, 'fact'), 'alternative', `${where}: "${f.fact}" chooses an alternative but is not in questions:, so it may be left unanswered`);
      } else if (f.kind === 'too-many') {
        report(group.at, 'alternative-unbounded', `${where}: its facts have ${f.count} combinations of answers, more than lint tries; choose with fewer facts`, 'error', 'key');
      } else {
        const answers = Object.entries(f.answers).map(([k, v]) => `${k} = ${show(v)}`).join(', ') || 'no answers';
        const what = f.chosen.length === 0 ? 'chooses none of its items' : `chooses ${f.chosen.map((c) => `"${c}"`).join(' and ')}`;
        report(child(group.at, 'options'), 'alternative-coverage', `${where}: with ${answers} the group ${what}; exactly one must apply`, 'error', 'key');
      }
    }
  }

  // Bundle-level materials
  for (const row of bundle.bundleMaterials ?? []) {
    row.codes.forEach((code, i) => ctx.checkMaterial(row.codes.length > 1 ? child(row.at, i) : row.at, code, `${bname} materials`));
    if (row.when) ctx.checkCondition(row.when, { file: row.at.file, path: [...row.at.path.slice(0, -1), 'when'] }, `${bname} material "${row.codes.join('|')}" condition`);
  }
}

/** A regional implementation against the standard it extends. */
export function lintRegion(ctx: FeatureLintContext, impl: RegionalImplementation): void {
  const { catalogue, report } = ctx;
  const where = `region "${impl.id}" (${impl.region.name})`;
  const standard = catalogue.bundles.get(impl.extends.ref);
  if (!standard) {
    if (!ctx.isBroken('bundle', impl.extends.ref)) report(impl.extends.at, 'region', `${where}: extends unknown bundle "${impl.extends.ref}"${ctx.suggest(impl.extends.ref, catalogue.bundles.keys())}`);
    return;
  }
  if (!standard.region) {
    report(impl.extends.at, 'region', `${where}: the standard bundle "${standard.id}" names no region:; give it the province's code and name so applicants can choose between the standard and its implementations`);
  } else if (standard.region.code === impl.region.code) {
    report(child(impl.region.at, 'code'), 'duplicate-id', `${where}: ${impl.region.code} is the standard's own region`);
  }
  if (standard.regions?.get(impl.region.code) !== impl) {
    const other = standard.regions?.get(impl.region.code);
    report(child(impl.region.at, 'code'), 'duplicate-id', `${where}: region ${impl.region.code} is already implemented by "${other?.id ?? ''}"`);
  }
  if (impl.lead) ctx.checkDepartment(impl.lead.at, impl.lead.ref, `${where} lead`);
  for (const [from, to] of impl.departments) {
    ctx.checkDepartment({ file: to.at.file, path: to.at.path }, from, `${where} departments`);
    ctx.checkDepartment(to.at, to.code, `${where} departments`);
  }
  const standardItems = new Map(standard.items.map((bi) => [bi.item, bi]));
  for (const bi of impl.items) {
    if (standardItems.has(bi.item)) {
      report(bi.at, 'region-standard', `${where}: item "${bi.item}" is a standard item; an implementation adds local items and cannot redeclare (or make optional) a standard one`);
    }
  }
  for (const rule of impl.rules) {
    if (rule.event.type === 'ineligible') {
      report(child(rule.at, 'event', 'type'), 'region-standard', `${where}: rule "${rule.name}" refuses applicants the standard accepts; an implementation cannot narrow who may apply`);
    }
  }
  const local = new Set(impl.items.map((i) => i.item));
  for (const [itemId, limit] of impl.limits) {
    const item = catalogue.items.get(itemId);
    if (!standardItems.has(itemId) && !local.has(itemId)) {
      report(limit.at, 'unknown-item', `${where}: limits names "${itemId}", which is not an item of this bundle${ctx.suggest(itemId, [...standardItems.keys(), ...local].filter((id) => catalogue.items.has(id)))}`, 'error', 'key');
      continue;
    }
    if (item && standardItems.has(itemId) && limit.days > item.timeLimitDays) {
      report(limit.at, 'region-standard', `${where}: ${limit.days} working days for "${itemId}" (${item.title}) is longer than the standard's ${item.timeLimitDays}`);
    }
  }
}
