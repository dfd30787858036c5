// Semantic checks on a loaded catalogue, on top of JSON Schema validation (loader.ts).
//
// Messages are in English (the CLI is a developer tool, like a compiler) and quote the Chinese
// title of the thing concerned, so a designer recognises it: item "birth-registration"
// (出生登记). Each diagnostic has a stable `code`; test/fixtures/lint/<code>/ holds one failing
// example per code.
import { Ajv } from 'ajv';
import { factsOf } from './condition.js';
import type { FactUse } from './condition.js';
import { conditionProblems } from './condition-check.js';
import type { ConstraintSource } from './constraints.js';
import { intersectSchemas } from './constraints.js';
import { findCycle } from './dag.js';
import type { GuideLintContext } from './guide-lint.js';
import { lintBundleGuide, lintCalendar, lintItemGuides } from './guide-lint.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { compareDiagnostics } from './diagnostic.js';
import { didYouMean, enOf, zhOf, type Said } from './lint-messages.js';
import { CHINESE_FORMATS, FIELD_FORMATS, addFieldFormats } from './formats.js';
import { ajvRegExp, patternProblem } from './pattern.js';
import { checkIdNumber, checkMobile } from './identifiers.js';
import type { LoadResult } from './loader.js';
import { load } from './loader.js';
import type { Bundle, Catalogue, Condition, Item, JsonSchema, SourceRef } from './model.js';
import { FEATURE_LINT_CODES, lintBundleFeatures, lintRegion } from './lint-bundle-features.js';
import type { FeatureLintContext } from './lint-bundle-features.js';
import { planBundle } from './plan.js';
import { standardProblems } from './element-standards.js';
import { resolveRegion } from './regions.js';
import type { PathSegment, SourceFile, YamlLimits } from './yaml-source.js';

export const LINT_CODES = [
  'yaml-syntax',
  'yaml-too-large',
  'yaml-too-deep',
  'yaml-alias-bomb',
  'schema',
  'schema-modeline',
  'unknown-file',
  'file-name',
  'duplicate-id',
  'unknown-element',
  'unknown-material',
  'unknown-department',
  'unknown-item',
  'unknown-fact',
  'invalid-condition',
  'invalid-schema',
  'cycle',
  'unmet-need',
  'constraint-conflict',
  'rule-target',
  'unreachable-item',
  'bundle-order',
  'commitment-not-required',
  'unasked-fact',
  'unplaced-element',
  'invalid-example',
  'unused',
  ...FEATURE_LINT_CODES,
  'calendar',
  'promise',
  'official',
  'on-site',
  'delivery',
  'item-code',
  'audience',
  'element-standard',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

const KNOWN_FORMATS = new Set(FIELD_FORMATS);

/** Closest known id within a small edit distance, for "did you mean". */
function suggest(wrong: string, candidates: Iterable<string>): string {
  return didYouMean(closest(wrong, candidates)).en;
}

function suggestZh(wrong: string, candidates: Iterable<string>): string {
  return didYouMean(closest(wrong, candidates)).zh;
}

function closest(wrong: string, candidates: Iterable<string>): string {
  let best = '';
  let bestD = Math.max(2, Math.floor(wrong.length / 4)) + 1;
  for (const c of candidates) {
    if (c === wrong || Math.abs(c.length - wrong.length) >= bestD) continue;
    const d = distance(wrong, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}

function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min((prev[j] ?? 0) + 1, (cur[j - 1] ?? 0) + 1, (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length] ?? 0;
}

let exampleAjv: Ajv | undefined;
function getExampleAjv(): Ajv {
  if (exampleAjv) return exampleAjv;
  const ajv = new Ajv({ allErrors: false, strict: false, code: { regExp: ajvRegExp } });
  // The definitions the server and the browser check answers with, so an example passes here
  // exactly when an applicant's answer would.
  addFieldFormats(ajv);
  exampleAjv = ajv;
  return ajv;
}

export interface ExampleProblem {
  /** From the example (`answers`, `profile`) to the offending key or value. */
  readonly path: readonly PathSegment[];
  readonly part: 'key' | 'value';
  readonly message: string;
}

// Identity fields the platform's real-name login fills (server/applications/profile.ts).
const IDENTITY_FIELDS = ['name', 'idNumber', 'mobile', 'birthDate', 'gender'];
const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/**
 * What is wrong with an answer set and profile for `bundle`: an example in the bundle file, or
 * the `--answers` file of `scenario stats`. Answers must name data elements and satisfy their
 * constraints (the dictionary's and the bundle's items' together); a profile's identity and
 * shared data must fit the elements they prefill, and its licence codes must be materials.
 */
export function exampleProblems(bundle: Bundle, catalogue: Catalogue, example: { readonly answers: unknown; readonly profile?: unknown }): ExampleProblem[] {
  const { elements, materials } = catalogue;
  const out: ExampleProblem[] = [];
  const plan = planBundle(bundle, catalogue);
  const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
  const validate = (path: PathSegment[], label: string, elementId: string, value: unknown): void => {
    const el = elements.get(elementId);
    if (!el) return;
    const uses = plan.fieldsByElement.get(elementId) ?? [];
    const merged = intersectSchemas([{ schema: el.schema, label: 'the dictionary' }, ...uses.filter((u) => u.field.schema).map((u) => ({ schema: u.field.schema as JsonSchema, label: u.item.id }))]);
    if (merged.conflicts.length > 0) return;
    try {
      const check = getExampleAjv().compile(merged.schema);
      if (!check(value)) out.push({ path, part: 'value', message: `${label} = ${JSON.stringify(value)} ${check.errors?.[0]?.message ?? 'is invalid'}` });
    } catch {
      // An uncompilable schema is reported by invalid-schema already.
    }
  };
  const elementValues = (path: PathSegment[], label: string, values: unknown): void => {
    if (!isObject(values)) {
      out.push({ path, part: 'value', message: `${label} must be an object of element ids to values` });
      return;
    }
    for (const [k, v] of Object.entries(values)) {
      if (!elements.has(k)) out.push({ path: [...path, k], part: 'key', message: `unknown element "${k}"${suggest(k, elements.keys())}` });
      else validate([...path, k], k, k, v);
    }
  };
  const material = (path: PathSegment[], code: unknown): void => {
    if (typeof code !== 'string' || !materials.has(code)) out.push({ path, part: 'value', message: `unknown material "${String(code)}"${typeof code === 'string' ? suggest(code, materials.keys()) : ''}` });
  };

  elementValues(['answers'], 'answers', example.answers);
  const profile = example.profile;
  if (profile === undefined) return out;
  if (!isObject(profile)) return [...out, { path: ['profile'], part: 'value', message: 'profile must be an object (identity, sharing, archive)' }];
  if (profile.identity !== undefined) {
    // Elements prefilled from identity, by identity field (the dictionary's or the bundle's prefill).
    const byField = new Map<string, string[]>();
    const add = (field: string, id: string): void => {
      byField.set(field, [...(byField.get(field) ?? []), id]);
    };
    for (const el of elements.values()) if (el.prefill.kind === 'identity') add(el.prefill.field, el.id);
    for (const [id, p] of bundle.prefill) if (p.prefill.kind === 'identity') add(p.prefill.field, id);
    const known = new Set([...IDENTITY_FIELDS, ...byField.keys()]);
    if (!isObject(profile.identity)) out.push({ path: ['profile', 'identity'], part: 'value', message: 'profile identity must be an object' });
    else {
      for (const [k, v] of Object.entries(profile.identity)) {
        const path: PathSegment[] = ['profile', 'identity', k];
        if (!known.has(k)) {
          out.push({ path, part: 'key', message: `unknown identity field "${k}"; known: ${[...known].join(', ')}${suggest(k, known)}` });
          continue;
        }
        const problem = k === 'idNumber' ? checkIdNumber(String(v)) : k === 'mobile' ? checkMobile(String(v)) : null;
        if (problem) out.push({ path, part: 'value', message: `identity ${k} = ${JSON.stringify(v)}: ${problem.en}` });
        else for (const id of byField.get(k) ?? []) validate(path, `identity ${k}`, id, v);
      }
    }
  }
  if (profile.sharing !== undefined) {
    const sharing = profile.sharing;
    if (!isObject(sharing)) out.push({ path: ['profile', 'sharing'], part: 'value', message: 'profile sharing must be an object (available, unavailable, data)' });
    else {
      for (const key of ['available', 'unavailable'] as const) {
        const list = sharing[key];
        if (list === undefined) continue;
        if (Array.isArray(list)) list.forEach((code: unknown, i) => material(['profile', 'sharing', key, i], code));
        else out.push({ path: ['profile', 'sharing', key], part: 'value', message: `profile sharing ${key} must be a list of material codes` });
      }
      if (sharing.data !== undefined) elementValues(['profile', 'sharing', 'data'], 'profile sharing data', sharing.data);
    }
  }
  if (profile.archive !== undefined) {
    if (!Array.isArray(profile.archive)) out.push({ path: ['profile', 'archive'], part: 'value', message: 'profile archive must be a list of {code, issuedOn?, validUntil?}' });
    else {
      profile.archive.forEach((entry: unknown, i) => {
        const path: PathSegment[] = ['profile', 'archive', i];
        if (!isObject(entry)) {
          out.push({ path, part: 'value', message: 'an archive entry must be an object {code, issuedOn?, validUntil?}' });
          return;
        }
        material([...path, 'code'], entry.code);
        for (const k of ['issuedOn', 'validUntil'] as const) {
          if (entry[k] !== undefined && (typeof entry[k] !== 'string' || !ISO_DATE.test(entry[k]))) out.push({ path: [...path, k], part: 'value', message: `archive ${k} must be a date YYYY-MM-DD` });
        }
      });
    }
  }
  return out;
}

export function lint(catalogue: Catalogue): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (ref: SourceRef, code: LintCode, said: string | Said, severity: Severity = 'error', part: 'key' | 'value' = 'value'): void => {
    const src = catalogue.sources.get(ref.file);
    const pos = src ? src.locate(ref.path, part) : { line: 1, col: 1 };
    const message = enOf(said);
    const key = `${ref.file}:${pos.line}:${pos.col}:${code}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file: ref.file, line: pos.line, col: pos.col, severity, code, message, messageZh: zhOf(code, said) });
  };
  const child = (ref: SourceRef, ...path: PathSegment[]): SourceRef => ({ file: ref.file, path: [...ref.path, ...path] });
  const { elements, materials, departments, items, bundles, broken } = catalogue;
  const FILE_KIND: Record<string, string> = { element: 'dictionary', material: 'materials', department: 'departments' };
  const isBroken = (kind: string, id: string): boolean => broken.has(`${kind}:${id}`) || broken.has(`file:${FILE_KIND[kind] ?? kind}`);
  // With part of the catalogue unreadable, "unused" and "no earlier item produces" would be
  // guesses: those findings wait until the broken files are fixed.
  const incomplete = broken.size > 0;
  const itemName = (item: Item): string => `item "${item.id}" (${item.title})`;
  const bundleName = (b: Bundle): string => `bundle "${b.id}" (${b.title})`;

  const checkElement = (ref: SourceRef, id: string, where: string): boolean => {
    if (elements.has(id)) return true;
    if (!isBroken('element', id)) report(ref, 'unknown-element', { zh: `未知的数据元素“${id}”${suggestZh(id, elements.keys())}`, en: `${where}: unknown data element "${id}"${suggest(id, elements.keys())}` });
    return false;
  };
  const checkMaterial = (ref: SourceRef, code: string, where: string): boolean => {
    if (materials.has(code)) return true;
    if (!isBroken('material', code)) report(ref, 'unknown-material', { zh: `未知的材料“${code}”${suggestZh(code, materials.keys())}`, en: `${where}: unknown material "${code}"${suggest(code, materials.keys())}` });
    return false;
  };
  const checkDepartment = (ref: SourceRef, code: string, where: string): boolean => {
    if (departments.has(code)) return true;
    if (!isBroken('department', code)) report(ref, 'unknown-department', { zh: `未知的部门“${code}”${suggestZh(code, departments.keys())}`, en: `${where}: unknown department "${code}"${suggest(code, departments.keys())}` });
    return false;
  };

  const checkFieldSchema = (ref: SourceRef, schema: JsonSchema, where: string): void => {
    const walk = (s: JsonSchema, path: PathSegment[]): void => {
      if (typeof s.format === 'string' && !KNOWN_FORMATS.has(s.format)) {
        report(child(ref, ...path, 'format'), 'invalid-schema', {
          zh: `未知的格式“${s.format}”；可用：${[...CHINESE_FORMATS].join('、')}、date、date-time、email、uri…`,
          en: `${where}: unknown format "${s.format}"; known: ${[...CHINESE_FORMATS].join(', ')}, date, date-time, email, uri …`,
        });
      }
      if (typeof s.pattern === 'string') {
        const problem = patternProblem(s.pattern);
        if (problem !== null) {
          report(
            child(ref, ...path, 'pattern'),
            'invalid-schema',
            { zh: `pattern 不是有效的 RE2 正则表达式（不支持先行、后行断言和反向引用）：${problem}`, en: `${where}: pattern is not a valid RE2 regular expression (no lookahead, lookbehind or backreference): ${problem}` },
          );
        }
      }
      if (s.items && typeof s.items === 'object') walk(s.items as JsonSchema, [...path, 'items']);
    };
    walk(schema, []);
    const own = intersectSchemas([{ schema, label: 'itself' }]);
    for (const c of own.conflicts) report(ref, 'constraint-conflict', `${where}: ${c.message}`);
  };

  const knownFacts = (fact: string): boolean => fact === 'profile' || elements.has(fact);
  const checkCondition = (condition: Condition, base: SourceRef, where: string): FactUse[] => {
    const uses = factsOf(condition);
    for (const u of uses) {
      const at = child(base, ...u.at);
      if (!knownFacts(u.fact) && !isBroken('element', u.fact)) {
        report(child(at, 'fact'), 'unknown-fact', {
          zh: `未知的条件数据“${u.fact}”：应为数据元素编号或“profile”${suggestZh(u.fact, elements.keys())}`,
          en: `${where}: unknown fact "${u.fact}": facts are data element ids or "profile"${suggest(u.fact, elements.keys())}`,
        });
      }
    }
    for (const p of conditionProblems(condition)) report(child(base, ...p.at), 'invalid-condition', `${where}: ${p.message}`);
    return uses;
  };

  const guideContext: GuideLintContext = { report, checkCondition, checkElement, suggest, suggestZh };
  lintCalendar(catalogue, guideContext);
  lintItemGuides(catalogue, guideContext);

  // Dictionary
  for (const el of elements.values()) {
    const where = el.local ? `field "${el.local.field}" of item "${el.local.item}" (${el.title})` : `element "${el.id}" (${el.title})`;
    checkFieldSchema(child(el.at, 'schema'), el.schema, where);
    if (el.prefill.kind === 'sharing') checkDepartment(child(el.at, 'prefill'), el.prefill.source, `${where} prefill`);
  }
  for (const m of materials.values()) {
    if (m.issuer !== undefined && m.formOf === undefined) checkDepartment(child(m.at, 'issuer'), m.issuer, `material "${m.code}" (${m.title}) issuer`);
  }

  // Items
  for (const item of items.values()) {
    const name = itemName(item);
    checkDepartment(item.departmentAt, item.department, name);
    const fieldElements = new Map<string, string>();
    for (const f of item.fields) {
      if (f.local) continue;
      if (!checkElement(f.at, f.element, `${name} field "${f.name}"`)) continue;
      const other = fieldElements.get(f.element);
      if (other !== undefined) {
        report(f.at, 'duplicate-id', { zh: `事项“${item.title}”的字段“${other}”和“${f.name}”都对应“${f.element}”；同一事实只应询问一次`, en: `${name}: fields "${other}" and "${f.name}" both map to "${f.element}"; a department asks one fact once` }, 'warning');
      }
      fieldElements.set(f.element, f.name);
      if (f.schema) {
        const fieldRef: SourceRef = { file: f.at.file, path: [...f.at.path.slice(0, -1), 'schema'] };
        checkFieldSchema(fieldRef, f.schema, `${name} field "${f.name}"`);
        const el = elements.get(f.element);
        if (el) {
          const x = intersectSchemas([
            { schema: el.schema, label: 'the dictionary' },
            { schema: f.schema, label: name },
          ]);
          for (const c of x.conflicts) report(fieldRef, 'constraint-conflict', `element "${f.element}" (${el.title}): ${c.message}`);
        }
      }
    }
    const required = new Set<string>();
    const codes = new Set<string>();
    for (const m of item.materials) {
      const known = checkMaterial(m.at, m.code, name);
      if (codes.has(m.code)) report(m.at, 'duplicate-id', { zh: `事项“${item.title}”重复列出材料“${m.code}”`, en: `${name}: material "${m.code}" is listed twice` });
      codes.add(m.code);
      if (known) required.add(m.code);
      if (m.when) {
        const whenRef: SourceRef = { file: m.at.file, path: [...m.at.path.slice(0, -1), 'when'] };
        checkCondition(m.when, whenRef, `${name} material "${m.code}" condition`);
      }
    }
    for (const c of item.commitment) {
      if (!checkMaterial(c.at, c.ref, `${name} commitment`)) continue;
      if (!required.has(c.ref)) {
        report(
          c.at,
          'commitment-not-required',
          { zh: `事项“${item.title}”以告知承诺替代“${materials.get(c.ref)?.title ?? c.ref}”，但该事项并不要求这份材料`, en: `${name}: a commitment replaces "${c.ref}" (${materials.get(c.ref)?.title ?? ''}), which the item does not require` },
          'warning',
        );
      }
    }
    for (const n of item.needs) checkElement(n.at, n.ref, `${name} needs`);
    for (const o of item.outputs) {
      if (o.kind === 'element') checkElement(o.at, o.ref, `${name} output`);
      else checkMaterial(o.at, o.ref, `${name} output`);
    }
  }

  const features: FeatureLintContext = {
    catalogue,
    report: (ref, code, message, severity, part) => report(ref, code as LintCode, message, severity, part),
    checkElement,
    checkMaterial,
    checkDepartment,
    checkCondition,
    isBroken,
    suggest,
    suggestZh,
  };

  // Bundles, and each regional implementation merged into its standard: the merged bundle must
  // pass every check a bundle does (its local items' needs, sections, rules…).
  const conflictSeen = new Set<string>();
  const regional: Bundle[] = [];
  for (const b of bundles.values()) {
    for (const code of b.regions?.keys() ?? []) {
      const r = resolveRegion(b, catalogue, code);
      if (r) regional.push(r.bundle);
    }
  }
  // Who applies decides where the home page lists a bundle (个人办事 / 企业办事); without it, under 其他.
  for (const bundle of bundles.values()) {
    if (!bundle.audience) {
      report({ file: bundle.at.file, path: ['id'] }, 'audience', { zh: `一件事“${bundle.title}”没有写明服务对象（audience: person 个人 或 enterprise 企业），首页会把它列在“其他”`, en: `${bundleName(bundle)} does not say who applies (audience: person or enterprise); the home page lists it under 其他` }, 'warning');
    }
  }
  for (const el of elements.values()) {
    for (const said of standardProblems(el)) report({ file: el.at.file, path: [...el.at.path, 'standard', 'ref'] }, 'element-standard', said, 'warning');
  }
  for (const bundle of [...bundles.values(), ...regional]) {
    const bname = bundleName(bundle);
    if (bundle.lead) checkDepartment(bundle.lead.at, bundle.lead.ref, `${bname} lead`);
    const inBundle = new Set<string>();
    for (const bi of bundle.items) {
      if (inBundle.has(bi.item)) report(bi.at, 'duplicate-id', { zh: `一件事“${bundle.title}”重复列出事项“${bi.item}”`, en: `${bname}: item "${bi.item}" is listed twice` });
      inBundle.add(bi.item);
      if (!items.has(bi.item) && !isBroken('item', bi.item)) {
        report(bi.at, 'unknown-item', { zh: `一件事“${bundle.title}”中有未知的事项“${bi.item}”${suggestZh(bi.item, items.keys())}`, en: `${bname}: unknown item "${bi.item}"${suggest(bi.item, items.keys())}` });
      }
    }
    // Suggestions come from the bundle's items that exist: an unknown one (a typo) is reported
    // above, and "did you mean" must not point at it.
    const knownInBundle = [...inBundle].filter((id) => items.has(id));
    for (const bi of bundle.items) {
      for (const a of bi.after) {
        if (!inBundle.has(a.ref)) {
          report(a.at, 'unknown-item', {
            zh: `事项“${bi.item}”排在“${a.ref}”之后，但“${a.ref}”不是本一件事的事项${suggestZh(a.ref, knownInBundle)}`,
            en: `${bname}: item "${bi.item}" comes after "${a.ref}", which is not an item of this bundle${suggest(a.ref, knownInBundle)}`,
          });
        } else if (a.ref === bi.item) report(a.at, 'cycle', { zh: `事项“${bi.item}”排在它自己之后`, en: `${bname}: item "${bi.item}" comes after itself` });
      }
    }
    const plan = planBundle(bundle, catalogue);
    // With an item unreadable or unknown, "no earlier item produces" and "asked by no item"
    // would be echoes of that one error.
    const partial = bundle.items.some((bi) => isBroken('item', bi.item) || !items.has(bi.item));
    const cycle = findCycle(
      plan.items.map((i) => i.id),
      plan.preds,
    );
    if (cycle) {
      // Point at the edge that closes the loop: the first item's `after:` entry naming the last.
      const first = cycle[0] as string;
      const last = cycle[cycle.length - 2] as string;
      const bi = bundle.items.find((b) => b.item === first);
      const edge = bi?.after.find((a) => a.ref === last);
      report(edge?.at ?? bundle.at, 'cycle', { zh: `一件事“${bundle.title}”的 after: 先后关系形成循环：${cycle.join(' → ')}`, en: `${bname}: the after: edges form a cycle ${cycle.join(' → ')}` });
    }

    for (const q of bundle.questions) checkElement(q.at, q.ref, `${bname} question`);
    for (const [elementId, p] of bundle.prefill) {
      if (!checkElement(p.at, elementId, `${bname} prefill`)) continue;
      if (p.prefill.kind === 'sharing') checkDepartment(p.at, p.prefill.source, `${bname} prefill of "${elementId}"`);
      if (p.when) {
        const where = `${bname} prefill of "${elementId}"`;
        for (const u of checkCondition(p.when, child(p.at, 'when'), where)) {
          if (u.fact === elementId) report(child(p.at, 'when', ...u.at, 'fact'), 'field-rule', `${where}: whether the field is prefilled cannot depend on its own value`);
        }
      }
    }

    // Needs: some earlier item (transitively before, via after:) must produce the value.
    for (const item of partial ? [] : plan.items) {
      const bi = bundle.items.find((b) => b.item === item.id);
      if (!bi) continue;
      const before = plan.ancestors.get(item.id) ?? new Set<string>();
      for (const n of item.needs) {
        if (!elements.has(n.ref)) continue;
        const producers = plan.elementProducers.get(n.ref) ?? [];
        if (producers.some((p) => before.has(p))) continue;
        const el = elements.get(n.ref);
        const elsewhere = producers.filter((p) => p !== item.id);
        report(
          bi.at,
          'unmet-need',
          elsewhere.length > 0
            ? {
                zh: `事项“${item.title}”需要“${el?.title ?? n.ref}”（${n.ref}），它由“${elsewhere[0] ?? ''}”产生，但该事项不在其之前：请加上 after: [${elsewhere[0] ?? ''}]`,
                en: `${bname}: ${itemName(item)} needs "${n.ref}" (${el?.title ?? ''}), produced by "${elsewhere[0] ?? ''}", which does not come before it: add after: [${elsewhere[0] ?? ''}]`,
              }
            : {
                zh: `事项“${item.title}”需要“${el?.title ?? n.ref}”（${n.ref}），但本一件事中没有在其之前的事项产生它`,
                en: `${bname}: ${itemName(item)} needs "${n.ref}" (${el?.title ?? ''}), which no earlier item of the bundle produces`,
              },
        );
      }
      // A material another item of the bundle produces, but not before this one.
      for (const pm of plan.materials.get(item.id) ?? []) {
        const producers = (plan.materialProducers.get(pm.material.code) ?? []).filter((p) => p !== item.id);
        if (producers.length > 0 && !producers.some((p) => before.has(p))) {
          report(
            pm.material.at,
            'bundle-order',
            {
              zh: `事项“${item.title}”要求“${materials.get(pm.material.code)?.title ?? pm.material.code}”，本一件事中由“${producers[0] ?? ''}”产生但不在其之前；加上 after: [${producers[0] ?? ''}] 即可直接传递`,
              en: `${bname}: ${itemName(item)} requires "${pm.material.code}" (${materials.get(pm.material.code)?.title ?? ''}), which "${producers[0] ?? ''}" produces in this bundle but not before it; add after: [${producers[0] ?? ''}] to pass it on`,
            },
            'warning',
          );
        }
      }
    }

    // The same element constrained incompatibly by two items of this bundle.
    for (const [elementId, uses] of plan.fieldsByElement) {
      const el = elements.get(elementId);
      if (!el) continue;
      // A field that contradicts the dictionary on its own is reported once, above.
      const constrained = uses.filter(
        (u) => u.field.schema && intersectSchemas([{ schema: el.schema, label: '' }, { schema: u.field.schema, label: '' }]).conflicts.length === 0,
      );
      if (constrained.length < 2) continue;
      const sources: ConstraintSource[] = [
        { schema: el.schema, label: 'the dictionary' },
        ...constrained.map((u) => ({ schema: u.field.schema as JsonSchema, label: itemName(u.item) })),
      ];
      for (const c of intersectSchemas(sources).conflicts) {
        {
          const lastIdx = Math.max(...c.sources);
          const use = constrained[lastIdx - 1];
          if (!use) continue;
          const ref: SourceRef = { file: use.field.at.file, path: [...use.field.at.path.slice(0, -1), 'schema'] };
          const key = `${elementId}:${c.message}`;
          if (conflictSeen.has(key)) continue;
          conflictSeen.add(key);
          report(ref, 'constraint-conflict', `element "${elementId}" (${el.title}) in ${bname}: ${c.message}`);
        }
      }
    }

    // Rules
    const asked = new Set<string>([...plan.fieldsByElement.keys(), ...plan.questions]);
    const includeTargets = new Set<string>();
    bundle.rules.forEach((rule) => {
      const where = `${bname} rule "${rule.name}"`;
      const uses = checkCondition(rule.conditions, child(rule.at, 'conditions'), where);
      for (const u of uses) {
        if (!partial && elements.has(u.fact) && !asked.has(u.fact)) {
          report(
            child(rule.at, 'conditions', ...u.at, 'fact'),
            'unasked-fact',
            { zh: `规则“${rule.name}”读取的“${u.fact}”没有任何事项询问，也不在 questions: 中，因此始终为空`, en: `${where}: fact "${u.fact}" is asked by no item of the bundle and is not in questions:, so it is always empty` },
            'warning',
          );
        }
      }
      const e = rule.event;
      const params = child(rule.at, 'event', 'params');
      if (e.type === 'include-item' || e.type === 'require-material' || (e.type === 'waive-material' && e.params.item !== undefined)) {
        const target = e.params.item ?? '';
        if (!inBundle.has(target)) {
          if (!isBroken('item', target)) {
            report(child(params, 'item'), 'unknown-item', {
              zh: `规则“${rule.name}”指向的事项“${target}”不是本一件事的事项${suggestZh(target, knownInBundle)}`,
              en: `${where}: event names item "${target}", which is not an item of this bundle${suggest(target, knownInBundle)}`,
            });
          }
        } else if (e.type === 'include-item') {
          includeTargets.add(target);
          const group = bundle.alternatives?.find((g) => g.options.some((o) => o.item === target));
          if (group) {
            report(
              child(params, 'item'),
              'rule-target',
              { zh: `规则“${rule.name}”：事项“${target}”由二选一“${group.id}”决定，include-item 规则无法纳入它`, en: `${where}: item "${target}" is chosen by alternatives "${group.id}", so an include-item rule cannot include it` },
              'warning',
            );
          } else if (!plan.optional.has(target)) {
            report(
              child(params, 'item'),
              'rule-target',
              { zh: `规则“${rule.name}”：事项“${target}”不是可选事项，纳入它不起作用；请标记 optional: true`, en: `${where}: item "${target}" is not optional, so including it changes nothing; mark it optional: true` },
              'warning',
            );
          }
        }
      }
      if (e.type === 'require-material' || e.type === 'waive-material') {
        checkMaterial(child(params, 'material'), e.params.material, where);
      }
    });
    bundle.items.forEach((bi) => {
      if (bi.optional && items.has(bi.item) && !includeTargets.has(bi.item)) {
        report(
          bi.at,
          'unreachable-item',
          { zh: `可选事项“${items.get(bi.item)?.title ?? bi.item}”永远不会被纳入：没有 include-item 规则指向它`, en: `${bname}: optional item "${bi.item}" is never included: no include-item rule names it` },
          'warning',
        );
      }
    });
    for (const item of partial ? [] : plan.items) {
      for (const pm of plan.materials.get(item.id) ?? []) {
        if (!pm.material.when) continue;
        for (const u of factsOf(pm.material.when)) {
          if (elements.has(u.fact) && !asked.has(u.fact)) {
            const whenRef: SourceRef = { file: pm.material.at.file, path: [...pm.material.at.path.slice(0, -1), 'when', ...u.at, 'fact'] };
            report(
              whenRef,
              'unasked-fact',
              { zh: `事项“${item.title}”材料“${pm.material.code}”的条件读取“${u.fact}”，但本一件事没有事项询问它`, en: `${bname}: condition of ${itemName(item)} material "${pm.material.code}" reads "${u.fact}", which no item of the bundle asks` },
              'warning',
            );
          }
        }
      }
    }

    lintBundleGuide(bundle, catalogue, inBundle, asked, guideContext);

    // Sections
    const placed = new Map<string, string>();
    for (const s of bundle.sections) {
      for (const ref of s.elements) {
        if (!checkElement(ref.at, ref.ref, `${bname} section "${s.id}"`)) continue;
        const prev = placed.get(ref.ref);
        if (prev !== undefined) {
          report(ref.at, 'duplicate-id', { zh: `数据元素“${ref.ref}”已在分组“${prev}”中；每个数据元素只显示一次`, en: `${bname}: element "${ref.ref}" is already in section "${prev}"; an element is shown once` });
          continue;
        }
        placed.set(ref.ref, s.id);
        if (!partial && !asked.has(ref.ref)) {
          report(
            ref.at,
            'unused',
            { zh: `分组“${s.id}”中的“${elements.get(ref.ref)?.title ?? ref.ref}”（${ref.ref}）没有本一件事的事项询问`, en: `${bname} section "${s.id}": element "${ref.ref}" (${elements.get(ref.ref)?.title ?? ''}) is asked by no item of this bundle` },
            'warning',
          );
        }
      }
    }
    const sectionsAt = child(bundle.at, 'sections');
    for (const id of partial ? [] : plan.unplaced) {
      // A value an item of the bundle produces is normally passed on, not asked.
      if (plan.elementProducers.has(id)) continue;
      report(
        sectionsAt,
        'unplaced-element',
        { zh: `数据元素“${elements.get(id)?.title ?? id}”（${id}）不在任何分组中，将显示在“其他信息”下`, en: `${bname}: element "${id}" (${elements.get(id)?.title ?? ''}) is in no section; it will be shown under 其他信息` },
        'warning',
        'key',
      );
    }

    // Examples: answers and profile name known elements and materials, with valid values.
    for (const [exName, ex] of Object.entries(bundle.examples)) {
      for (const p of exampleProblems(bundle, catalogue, ex)) {
        report(child(bundle.at, 'examples', exName, ...p.path), 'invalid-example', { zh: `示例“${exName}”有误：${p.message}`, en: `${bname} example "${exName}": ${p.message}` }, 'error', p.part);
      }
    }
    lintBundleFeatures(features, bundle, plan, bname);
  }
  for (const impl of catalogue.regions?.values() ?? []) lintRegion(features, impl);

  // Unused catalogue entries
  const usedElements = new Set<string>();
  const usedMaterials = new Set<string>();
  const usedDepartments = new Set<string>();
  const usedItems = new Set<string>();
  for (const item of items.values()) {
    for (const f of item.fields) usedElements.add(f.element);
    for (const n of item.needs) usedElements.add(n.ref);
    for (const o of item.outputs) (o.kind === 'element' ? usedElements : usedMaterials).add(o.ref);
    for (const m of item.materials) {
      usedMaterials.add(m.code);
      if (m.when) for (const u of factsOf(m.when)) usedElements.add(u.fact);
    }
    for (const c of item.commitment) usedMaterials.add(c.ref);
    usedDepartments.add(item.department);
  }
  // What a bundle and a regional implementation both declare.
  const markUsed = (parts: Pick<Bundle, 'items' | 'questions' | 'rules' | 'lead'> & { readonly bundleMaterials?: Bundle['bundleMaterials'] }): void => {
    for (const bi of parts.items) usedItems.add(bi.item);
    for (const q of parts.questions) usedElements.add(q.ref);
    for (const r of parts.rules) {
      for (const u of factsOf(r.conditions)) usedElements.add(u.fact);
      if ('material' in r.event.params) usedMaterials.add(r.event.params.material);
    }
    if (parts.lead) usedDepartments.add(parts.lead.ref);
    for (const row of parts.bundleMaterials ?? []) for (const code of row.codes) usedMaterials.add(code);
  };
  for (const b of bundles.values()) {
    markUsed(b);
    for (const fr of b.fieldRules ?? []) usedElements.add(fr.element);
    for (const c of b.checks ?? []) {
      usedElements.add(c.element);
      if (c.than !== 'today') usedElements.add(c.than.element);
    }
    for (const g of b.alternatives ?? []) for (const o of g.options) for (const u of factsOf(o.when)) usedElements.add(u.fact);
    for (const p of b.prefill.values()) if (p.prefill.kind === 'sharing') usedDepartments.add(p.prefill.source);
  }
  for (const impl of catalogue.regions?.values() ?? []) {
    markUsed(impl);
    for (const [from, to] of impl.departments) usedDepartments.add(from).add(to.code);
  }
  for (const m of materials.values()) if (m.issuer) usedDepartments.add(m.issuer);
  for (const el of elements.values()) if (el.prefill.kind === 'sharing') usedDepartments.add(el.prefill.source);
  if (incomplete) return out.sort(compareDiagnostics);
  for (const el of elements.values()) {
    if (!el.local && !usedElements.has(el.id)) report(el.at, 'unused', { zh: `数据元素“${el.title}”（${el.id}）没有被任何事项、规则或一件事使用`, en: `element "${el.id}" (${el.title}) is used by no item, rule or bundle` }, 'warning', 'key');
  }
  for (const m of materials.values()) {
    if (m.formOf === undefined && !usedMaterials.has(m.code)) report(m.at, 'unused', { zh: `材料“${m.title}”（${m.code}）没有被任何事项要求、产生或替代`, en: `material "${m.code}" (${m.title}) is required, produced or replaced by no item` }, 'warning', 'key');
  }
  for (const d of departments.values()) {
    if (!usedDepartments.has(d.code)) report(d.at, 'unused', { zh: `部门“${d.name}”（${d.code}）既不负责事项，也不出具材料`, en: `department "${d.code}" (${d.name}) owns no item and issues no material` }, 'warning', 'key');
  }
  for (const item of items.values()) {
    if (!usedItems.has(item.id)) report({ file: item.at.file, path: ['id'] }, 'unused', { zh: `事项“${item.title}”（${item.id}）不属于任何一件事`, en: `${itemName(item)} is part of no bundle` }, 'warning');
  }

  return out.sort(compareDiagnostics);
}

/** Load and lint in one go: every diagnostic, sorted by file and position. */
export function check(files: readonly SourceFile[], options: { limits?: YamlLimits } = {}): LoadResult {
  const loaded = load(files, options);
  const diagnostics = [...loaded.diagnostics, ...lint(loaded.catalogue)].sort(compareDiagnostics);
  return { catalogue: loaded.catalogue, diagnostics };
}
