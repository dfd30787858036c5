// Semantic checks on a loaded catalogue, on top of JSON Schema validation (loader.ts).
//
// Messages are in English (the CLI is a developer tool, like a compiler) and quote the Chinese
// title of the thing concerned, so a designer recognises it: item "birth-registration"
// (出生登记). Each diagnostic has a stable `code`; test/fixtures/lint/<code>/ holds one failing
// example per code.
import { Ajv } from 'ajv';
import { factsOf, isSupportedPath, resolveOperator } from './condition.js';
import type { FactUse } from './condition.js';
import type { ConstraintSource } from './constraints.js';
import { intersectSchemas } from './constraints.js';
import { findCycle } from './dag.js';
import type { GuideLintContext } from './guide-lint.js';
import { lintBundleGuide, lintCalendar, lintItemGuides } from './guide-lint.js';
import type { Diagnostic, Severity } from './diagnostic.js';
import { compareDiagnostics } from './diagnostic.js';
import { CHINESE_FORMATS, addChineseFormats } from './formats.js';
import type { LoadResult } from './loader.js';
import { load } from './loader.js';
import type { Bundle, Catalogue, Condition, Item, JsonSchema, SourceRef } from './model.js';
import { planBundle } from './plan.js';
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
  'calendar',
  'promise',
  'official',
  'on-site',
  'delivery',
  'item-code',
] as const;
export type LintCode = (typeof LINT_CODES)[number];

// Formats the browser's validator (@rjsf/validator-ajv8 with ajv-formats) knows, plus ours.
const KNOWN_FORMATS = new Set<string>([
  ...CHINESE_FORMATS,
  'date',
  'time',
  'date-time',
  'duration',
  'uri',
  'uri-reference',
  'uri-template',
  'url',
  'email',
  'hostname',
  'ipv4',
  'ipv6',
  'regex',
  'uuid',
  'json-pointer',
  'relative-json-pointer',
  'byte',
  'int32',
  'int64',
  'float',
  'double',
  'password',
  'binary',
  'data-url',
  'color',
]);

/** Closest known id within a small edit distance, for "did you mean". */
function suggest(wrong: string, candidates: Iterable<string>): string {
  let best = '';
  let bestD = Math.max(2, Math.floor(wrong.length / 4)) + 1;
  for (const c of candidates) {
    if (Math.abs(c.length - wrong.length) >= bestD) continue;
    const d = distance(wrong, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best ? ` (did you mean "${best}"?)` : '';
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
  const ajv = new Ajv({ allErrors: false, strict: false });
  addChineseFormats(ajv);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  for (const f of KNOWN_FORMATS) if (!(CHINESE_FORMATS as readonly string[]).includes(f) && f !== 'date') ajv.addFormat(f, true);
  exampleAjv = ajv;
  return ajv;
}

export function lint(catalogue: Catalogue): Diagnostic[] {
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  const report = (ref: SourceRef, code: LintCode, message: string, severity: Severity = 'error', part: 'key' | 'value' = 'value'): void => {
    const src = catalogue.sources.get(ref.file);
    const pos = src ? src.locate(ref.path, part) : { line: 1, col: 1 };
    const key = `${ref.file}:${pos.line}:${pos.col}:${code}:${message}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push({ file: ref.file, line: pos.line, col: pos.col, severity, code, message });
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
    if (!isBroken('element', id)) report(ref, 'unknown-element', `${where}: unknown data element "${id}"${suggest(id, elements.keys())}`);
    return false;
  };
  const checkMaterial = (ref: SourceRef, code: string, where: string): boolean => {
    if (materials.has(code)) return true;
    if (!isBroken('material', code)) report(ref, 'unknown-material', `${where}: unknown material "${code}"${suggest(code, materials.keys())}`);
    return false;
  };
  const checkDepartment = (ref: SourceRef, code: string, where: string): boolean => {
    if (departments.has(code)) return true;
    if (!isBroken('department', code)) report(ref, 'unknown-department', `${where}: unknown department "${code}"${suggest(code, departments.keys())}`);
    return false;
  };

  const checkFieldSchema = (ref: SourceRef, schema: JsonSchema, where: string): void => {
    const walk = (s: JsonSchema, path: PathSegment[]): void => {
      if (typeof s.format === 'string' && !KNOWN_FORMATS.has(s.format)) {
        report(child(ref, ...path, 'format'), 'invalid-schema', `${where}: unknown format "${s.format}"; known: ${[...CHINESE_FORMATS].join(', ')}, date, date-time, email, uri …`);
      }
      if (typeof s.pattern === 'string') {
        try {
          new RegExp(s.pattern, 'u');
        } catch (e) {
          report(child(ref, ...path, 'pattern'), 'invalid-schema', `${where}: pattern is not a valid regular expression: ${e instanceof Error ? e.message : String(e)}`);
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
        report(child(at, 'fact'), 'unknown-fact', `${where}: unknown fact "${u.fact}": facts are data element ids or "profile"${suggest(u.fact, elements.keys())}`);
      }
      if (u.path !== undefined && !isSupportedPath(u.path)) {
        report(child(at, 'path'), 'invalid-condition', `${where}: path "${u.path}" is not supported; write $.a.b or $.a[0]`);
      }
      if (u.operator !== undefined) {
        if (resolveOperator(u.operator) === null) {
          report(child(at, 'operator'), 'invalid-condition', `${where}: unknown operator "${u.operator}"`);
        } else {
          const base = u.operator.split(':').at(-1) ?? '';
          const isRef = u.value !== null && typeof u.value === 'object' && Object.hasOwn(u.value, 'fact');
          if ((base === 'in' || base === 'notIn') && !isRef && !Array.isArray(u.value)) {
            report(child(at, 'value'), 'invalid-condition', `${where}: operator "${u.operator}" needs a list as value`);
          }
        }
      }
    }
    return uses;
  };

  const guideContext: GuideLintContext = { report, checkCondition, checkElement, suggest };
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
        report(f.at, 'duplicate-id', `${name}: fields "${other}" and "${f.name}" both map to "${f.element}"; a department asks one fact once`, 'warning');
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
      if (codes.has(m.code)) report(m.at, 'duplicate-id', `${name}: material "${m.code}" is listed twice`);
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
        report(c.at, 'commitment-not-required', `${name}: a commitment replaces "${c.ref}" (${materials.get(c.ref)?.title ?? ''}), which the item does not require`, 'warning');
      }
    }
    for (const n of item.needs) checkElement(n.at, n.ref, `${name} needs`);
    for (const o of item.outputs) {
      if (o.kind === 'element') checkElement(o.at, o.ref, `${name} output`);
      else checkMaterial(o.at, o.ref, `${name} output`);
    }
  }

  // Bundles
  const conflictSeen = new Set<string>();
  for (const bundle of bundles.values()) {
    const bname = bundleName(bundle);
    if (bundle.lead) checkDepartment(bundle.lead.at, bundle.lead.ref, `${bname} lead`);
    const inBundle = new Set<string>();
    for (const bi of bundle.items) {
      if (inBundle.has(bi.item)) report(bi.at, 'duplicate-id', `${bname}: item "${bi.item}" is listed twice`);
      inBundle.add(bi.item);
      if (!items.has(bi.item) && !isBroken('item', bi.item)) {
        report(bi.at, 'unknown-item', `${bname}: unknown item "${bi.item}"${suggest(bi.item, items.keys())}`);
      }
    }
    for (const bi of bundle.items) {
      for (const a of bi.after) {
        if (!inBundle.has(a.ref)) {
          report(a.at, 'unknown-item', `${bname}: item "${bi.item}" comes after "${a.ref}", which is not an item of this bundle${suggest(a.ref, inBundle)}`);
        } else if (a.ref === bi.item) report(a.at, 'cycle', `${bname}: item "${bi.item}" comes after itself`);
      }
    }
    const plan = planBundle(bundle, catalogue);
    const partial = bundle.items.some((bi) => isBroken('item', bi.item));
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
      report(edge?.at ?? bundle.at, 'cycle', `${bname}: the after: edges form a cycle ${cycle.join(' → ')}`);
    }

    for (const q of bundle.questions) checkElement(q.at, q.ref, `${bname} question`);
    for (const [elementId, p] of bundle.prefill) {
      if (!checkElement(p.at, elementId, `${bname} prefill`)) continue;
      if (p.prefill.kind === 'sharing') checkDepartment(p.at, p.prefill.source, `${bname} prefill of "${elementId}"`);
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
            ? `${bname}: ${itemName(item)} needs "${n.ref}" (${el?.title ?? ''}), produced by "${elsewhere[0] ?? ''}", which does not come before it: add after: [${elsewhere[0] ?? ''}]`
            : `${bname}: ${itemName(item)} needs "${n.ref}" (${el?.title ?? ''}), which no earlier item of the bundle produces`,
        );
      }
      // A material another item of the bundle produces, but not before this one.
      for (const pm of plan.materials.get(item.id) ?? []) {
        const producers = (plan.materialProducers.get(pm.material.code) ?? []).filter((p) => p !== item.id);
        if (producers.length > 0 && !producers.some((p) => before.has(p))) {
          report(
            pm.material.at,
            'bundle-order',
            `${bname}: ${itemName(item)} requires "${pm.material.code}" (${materials.get(pm.material.code)?.title ?? ''}), which "${producers[0] ?? ''}" produces in this bundle but not before it; add after: [${producers[0] ?? ''}] to pass it on`,
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
          report(child(rule.at, 'conditions', ...u.at, 'fact'), 'unasked-fact', `${where}: fact "${u.fact}" is asked by no item of the bundle and is not in questions:, so it is always empty`, 'warning');
        }
      }
      const e = rule.event;
      const params = child(rule.at, 'event', 'params');
      if (e.type === 'include-item' || e.type === 'require-material' || (e.type === 'waive-material' && e.params.item !== undefined)) {
        const target = e.params.item ?? '';
        if (!inBundle.has(target)) {
          if (!isBroken('item', target)) {
            report(child(params, 'item'), 'unknown-item', `${where}: event names item "${target}", which is not an item of this bundle${suggest(target, inBundle)}`);
          }
        } else if (e.type === 'include-item') {
          includeTargets.add(target);
          if (!plan.optional.has(target)) {
            report(child(params, 'item'), 'rule-target', `${where}: item "${target}" is not optional, so including it changes nothing; mark it optional: true`, 'warning');
          }
        }
      }
      if (e.type === 'require-material' || e.type === 'waive-material') {
        checkMaterial(child(params, 'material'), e.params.material, where);
      }
    });
    bundle.items.forEach((bi) => {
      if (bi.optional && items.has(bi.item) && !includeTargets.has(bi.item)) {
        report(bi.at, 'unreachable-item', `${bname}: optional item "${bi.item}" is never included: no include-item rule names it`, 'warning');
      }
    });
    for (const item of partial ? [] : plan.items) {
      for (const pm of plan.materials.get(item.id) ?? []) {
        if (!pm.material.when) continue;
        for (const u of factsOf(pm.material.when)) {
          if (elements.has(u.fact) && !asked.has(u.fact)) {
            const whenRef: SourceRef = { file: pm.material.at.file, path: [...pm.material.at.path.slice(0, -1), 'when', ...u.at, 'fact'] };
            report(whenRef, 'unasked-fact', `${bname}: condition of ${itemName(item)} material "${pm.material.code}" reads "${u.fact}", which no item of the bundle asks`, 'warning');
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
          report(ref.at, 'duplicate-id', `${bname}: element "${ref.ref}" is already in section "${prev}"; an element is shown once`);
          continue;
        }
        placed.set(ref.ref, s.id);
        if (!partial && !asked.has(ref.ref)) {
          report(ref.at, 'unused', `${bname} section "${s.id}": element "${ref.ref}" (${elements.get(ref.ref)?.title ?? ''}) is asked by no item of this bundle`, 'warning');
        }
      }
    }
    const sectionsAt = child(bundle.at, 'sections');
    for (const id of partial ? [] : plan.unplaced) {
      // A value an item of the bundle produces is normally passed on, not asked.
      if (plan.elementProducers.has(id)) continue;
      report(sectionsAt, 'unplaced-element', `${bname}: element "${id}" (${elements.get(id)?.title ?? ''}) is in no section; it will be shown under 其他信息`, 'warning', 'key');
    }

    // Examples: answers name known elements and satisfy their constraints.
    for (const [exName, ex] of Object.entries(bundle.examples)) {
      for (const [k, v] of Object.entries(ex.answers)) {
        const ref = child(bundle.at, 'examples', exName, 'answers', k);
        if (!elements.has(k)) {
          report(ref, 'invalid-example', `${bname} example "${exName}": unknown element "${k}"${suggest(k, elements.keys())}`, 'error', 'key');
          continue;
        }
        const el = elements.get(k);
        if (!el) continue;
        const uses = plan.fieldsByElement.get(k) ?? [];
        const merged = intersectSchemas([{ schema: el.schema, label: 'the dictionary' }, ...uses.filter((u) => u.field.schema).map((u) => ({ schema: u.field.schema as JsonSchema, label: u.item.id }))]);
        if (merged.conflicts.length > 0) continue;
        try {
          const validate = getExampleAjv().compile(merged.schema);
          if (!validate(v)) {
            const e = validate.errors?.[0];
            report(ref, 'invalid-example', `${bname} example "${exName}": ${k} = ${JSON.stringify(v)} ${e?.message ?? 'is invalid'}`);
          }
        } catch {
          // An uncompilable schema is reported by invalid-schema already.
        }
      }
    }
  }

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
  for (const b of bundles.values()) {
    for (const bi of b.items) usedItems.add(bi.item);
    for (const q of b.questions) usedElements.add(q.ref);
    for (const r of b.rules) {
      for (const u of factsOf(r.conditions)) usedElements.add(u.fact);
      if ('material' in r.event.params) usedMaterials.add(r.event.params.material);
    }
    if (b.lead) usedDepartments.add(b.lead.ref);
    for (const p of b.prefill.values()) if (p.prefill.kind === 'sharing') usedDepartments.add(p.prefill.source);
  }
  for (const m of materials.values()) if (m.issuer) usedDepartments.add(m.issuer);
  for (const el of elements.values()) if (el.prefill.kind === 'sharing') usedDepartments.add(el.prefill.source);
  if (incomplete) return out.sort(compareDiagnostics);
  for (const el of elements.values()) {
    if (!el.local && !usedElements.has(el.id)) report(el.at, 'unused', `element "${el.id}" (${el.title}) is used by no item, rule or bundle`, 'warning', 'key');
  }
  for (const m of materials.values()) {
    if (m.formOf === undefined && !usedMaterials.has(m.code)) report(m.at, 'unused', `material "${m.code}" (${m.title}) is required, produced or replaced by no item`, 'warning', 'key');
  }
  for (const d of departments.values()) {
    if (!usedDepartments.has(d.code)) report(d.at, 'unused', `department "${d.code}" (${d.name}) owns no item and issues no material`, 'warning', 'key');
  }
  for (const item of items.values()) {
    if (!usedItems.has(item.id)) report({ file: item.at.file, path: ['id'] }, 'unused', `${itemName(item)} is part of no bundle`, 'warning');
  }

  return out.sort(compareDiagnostics);
}

/** Load and lint in one go: every diagnostic, sorted by file and position. */
export function check(files: readonly SourceFile[], options: { limits?: YamlLimits } = {}): LoadResult {
  const loaded = load(files, options);
  const diagnostics = [...loaded.diagnostics, ...lint(loaded.catalogue)].sort(compareDiagnostics);
  return { catalogue: loaded.catalogue, diagnostics };
}
