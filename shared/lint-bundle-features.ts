// Lint of the bundle features beyond items and rules: field rules and cross-field checks
// (field-rules.ts), "exactly one of" groups (alternatives.ts), bundle-level materials
// (bundle-materials.ts) and regional implementations (regions.ts). Called by lint.ts with its
// reporting helpers, so positions, "did you mean" and de-duplication work the same way.
import type { Said } from './lint-messages.js';
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
  report(ref: SourceRef, code: string, message: string | Said, severity?: Severity, part?: 'key' | 'value'): void;
  checkElement(ref: SourceRef, id: string, where: string): boolean;
  checkMaterial(ref: SourceRef, code: string, where: string): boolean;
  checkDepartment(ref: SourceRef, code: string, where: string): boolean;
  checkCondition(condition: Condition, base: SourceRef, where: string): FactUse[];
  isBroken(kind: string, id: string): boolean;
  suggest(wrong: string, candidates: Iterable<string>): string;
  suggestZh(wrong: string, candidates: Iterable<string>): string;
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
    if (ruled.has(rule.element)) report(at, 'duplicate-id', { zh: `“${rule.element}”已有字段规则；每个字段只写一条规则`, en: `${bname}: "${rule.element}" already has a field rule; write one rule per field` });
    ruled.add(rule.element);
    if (ctx.checkElement(at, rule.element, `${bname} field rule`) && !shown.has(rule.element)) {
      report(at, 'field-rule', { zh: `“${rule.element}”的字段规则不起作用：本一件事没有事项询问它，它也不是 questions: 中的问题`, en: `${where}: no item of the bundle asks "${rule.element}" and it is not a question, so the rule changes nothing` });
    }
    if (rule.visible) {
      const uses = ctx.checkCondition(rule.visible, child(rule.at, 'visible'), where);
      for (const u of uses) {
        if (u.fact === rule.element) report(child(rule.at, 'visible', ...u.at, 'fact'), 'field-rule', { zh: `“${rule.element}”是否显示不能取决于它自己的值`, en: `${where}: whether the field is shown cannot depend on its own value` });
      }
    }
    if (rule.required !== undefined && typeof rule.required === 'object') ctx.checkCondition(rule.required, child(rule.at, 'required'), where);
  }

  // Checks
  const names = new Set<string>();
  for (const check of bundle.checks ?? []) {
    const where = `${bname} check "${check.name}"`;
    if (names.has(check.name)) report(child(check.at, 'name'), 'duplicate-id', { zh: `校验“${check.name}”重复定义`, en: `${bname}: check "${check.name}" is defined twice` });
    names.add(check.name);
    const [own, other] = elementsReadByChecks(check);
    const paths: [string, SourceRef][] = [[own as string, child(check.at, 'element')]];
    if (other !== undefined) paths.push([other, child(check.at, check.operator, 'element')]);
    for (const [id, at] of paths) {
      if (!ctx.checkElement(at, id, where)) continue;
      const el = catalogue.elements.get(id);
      if (!shown.has(id)) report(at, 'field-rule', { zh: `校验“${check.name}”永远不会执行：本一件事没有事项询问“${id}”`, en: `${where}: no item of the bundle asks "${id}", so the check never runs` });
      else if (el && !isDateSchema(el.schema)) report(at, 'field-rule', { zh: `校验“${check.name}”：“${el.title}”（${id}）不是日期（format: date 或 date-time），校验只比较日期`, en: `${where}: "${id}" (${el.title}) is not a date (format: date or date-time); checks compare dates` });
    }
    if (check.when) ctx.checkCondition(check.when, child(check.at, 'when'), where);
  }

  // Alternatives
  const grouped = new Map<string, string>();
  for (const group of bundle.alternatives ?? []) {
    const where = `${bname} alternatives "${group.id}"`;
    for (const option of group.options) {
      const at = child(option.at, 'item');
      if (grouped.has(option.item)) report(at, 'duplicate-id', {
          zh: `二选一“${group.id}”：事项“${option.item}”已是“${grouped.get(option.item) ?? ''}”的选项；一个事项只能由一组选择`,
          en: `${where}: item "${option.item}" is already an option of "${grouped.get(option.item) ?? ''}"; an item is chosen by one group`,
        });
      grouped.set(option.item, group.id);
      if (!inBundle.has(option.item)) {
        if (!ctx.isBroken('item', option.item)) report(at, 'unknown-item', {
            zh: `二选一“${group.id}”：事项“${option.item}”不是本一件事的事项${ctx.suggestZh(option.item, [...inBundle].filter((id) => catalogue.items.has(id)))}`,
            en: `${where}: item "${option.item}" is not an item of this bundle${ctx.suggest(option.item, [...inBundle].filter((id) => catalogue.items.has(id)))}`,
          });
      } else if (plan.optional.has(option.item)) {
        report(at, 'alternative', { zh: `二选一“${group.id}”：事项“${option.item}”由本组选择，不能同时是可选事项：请删除 optional: true`, en: `${where}: item "${option.item}" is chosen by this group, so it cannot also be optional: remove optional: true` });
      }
      ctx.checkCondition(option.when, child(option.at, 'when'), where);
    }
    for (const f of proveGroup(bundle, catalogue, group)) {
      if (f.kind === 'unbounded') {
        report(child(f.option.at, 'when', ...f.at, 'fact'), 'alternative-unbounded', `${where}: "${f.fact}" cannot choose an alternative: ${f.why}, so lint cannot prove that every answer chooses exactly one`);
      } else if (f.kind === 'unasked') {
        report(child(f.option.at, 'when', ...f.at, 'fact'), 'alternative', { zh: `二选一“${group.id}”：“${f.fact}”用于选择，但不在 questions: 中，可能无人回答`, en: `${where}: "${f.fact}" chooses an alternative but is not in questions:, so it may be left unanswered` });
      } else if (f.kind === 'too-many') {
        report(group.at, 'alternative-unbounded', { zh: `二选一“${group.id}”的条件有 ${f.count} 种答案组合，超出检查能力；请用更少的数据来选择`, en: `${where}: its facts have ${f.count} combinations of answers, more than lint tries; choose with fewer facts` }, 'error', 'key');
      } else {
        const answers = Object.entries(f.answers).map(([k, v]) => `${k} = ${show(v)}`).join(', ') || 'no answers';
        const what = f.chosen.length === 0 ? 'chooses none of its items' : `chooses ${f.chosen.map((c) => `"${c}"`).join(' and ')}`;
        const whatZh = f.chosen.length === 0 ? '一个事项也没有选中' : `同时选中了 ${f.chosen.map((c) => `“${c}”`).join('和')}`;
        report(child(group.at, 'options'), 'alternative-coverage', { zh: `二选一“${group.id}”：当 ${answers === 'no answers' ? '没有任何回答' : answers} 时${whatZh}；必须恰好选中一项`, en: `${where}: with ${answers} the group ${what}; exactly one must apply` }, 'error', 'key');
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
    if (!ctx.isBroken('bundle', impl.extends.ref)) report(impl.extends.at, 'region', {
        zh: `地方实施版本“${impl.region.name}”扩展了未知的一件事“${impl.extends.ref}”${ctx.suggestZh(impl.extends.ref, catalogue.bundles.keys())}`,
        en: `${where}: extends unknown bundle "${impl.extends.ref}"${ctx.suggest(impl.extends.ref, catalogue.bundles.keys())}`,
      });
    return;
  }
  if (!standard.region) {
    report(impl.extends.at, 'region', {
      zh: `标准一件事“${standard.title}”没有声明 region:；请填写省级行政区划代码和名称，申请人才能在标准版本和地方实施版本之间选择`,
      en: `${where}: the standard bundle "${standard.id}" names no region:; give it the province's code and name so applicants can choose between the standard and its implementations`,
    });
  } else if (standard.region.code === impl.region.code) {
    report(child(impl.region.at, 'code'), 'duplicate-id', { zh: `${impl.region.code} 是标准版本自己的地区`, en: `${where}: ${impl.region.code} is the standard's own region` });
  }
  if (standard.regions?.get(impl.region.code) !== impl) {
    const other = standard.regions?.get(impl.region.code);
    report(child(impl.region.at, 'code'), 'duplicate-id', { zh: `地区 ${impl.region.code} 已由“${other?.id ?? ''}”实施`, en: `${where}: region ${impl.region.code} is already implemented by "${other?.id ?? ''}"` });
  }
  if (impl.lead) ctx.checkDepartment(impl.lead.at, impl.lead.ref, `${where} lead`);
  for (const [from, to] of impl.departments) {
    ctx.checkDepartment({ file: to.at.file, path: to.at.path }, from, `${where} departments`);
    ctx.checkDepartment(to.at, to.code, `${where} departments`);
  }
  const standardItems = new Map(standard.items.map((bi) => [bi.item, bi]));
  for (const bi of impl.items) {
    if (standardItems.has(bi.item)) {
      report(bi.at, 'region-standard', { zh: `事项“${bi.item}”是标准事项；地方实施版本只能增加本地事项，不能重新声明标准事项（或将其改为可选）`, en: `${where}: item "${bi.item}" is a standard item; an implementation adds local items and cannot redeclare (or make optional) a standard one` });
    }
  }
  for (const rule of impl.rules) {
    if (rule.event.type === 'ineligible') {
      report(child(rule.at, 'event', 'type'), 'region-standard', { zh: `规则“${rule.name}”拒绝了标准版本受理的申请人；地方实施版本不能缩小申请范围`, en: `${where}: rule "${rule.name}" refuses applicants the standard accepts; an implementation cannot narrow who may apply` });
    }
  }
  const local = new Set(impl.items.map((i) => i.item));
  for (const [itemId, limit] of impl.limits) {
    const item = catalogue.items.get(itemId);
    if (!standardItems.has(itemId) && !local.has(itemId)) {
      report(
        limit.at,
        'unknown-item',
        {
          zh: `limits 中的“${itemId}”不是本一件事的事项${ctx.suggestZh(itemId, [...standardItems.keys(), ...local].filter((id) => catalogue.items.has(id)))}`,
          en: `${where}: limits names "${itemId}", which is not an item of this bundle${ctx.suggest(itemId, [...standardItems.keys(), ...local].filter((id) => catalogue.items.has(id)))}`,
        },
        'error',
        'key',
      );
      continue;
    }
    if (item && standardItems.has(itemId) && limit.days > item.timeLimitDays) {
      report(limit.at, 'region-standard', { zh: `“${item.title}”的 ${limit.days} 个工作日长于标准版本的 ${item.timeLimitDays} 个工作日`, en: `${where}: ${limit.days} working days for "${itemId}" (${item.title}) is longer than the standard's ${item.timeLimitDays}` });
    }
  }
}
