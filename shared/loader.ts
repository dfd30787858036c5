// Builds the catalogue from file CONTENTS (not paths), so the CLI reads the folder from disk
// and the browser studio passes what is in its editor: the same code checks both.
//
// Steps per file: parse (shared/yaml-source.ts), validate against the file kind's JSON Schema
// (the very schemas editors use through the yaml-language-server modeline), build model
// objects. Entries that fail the schema are left out but remembered as `broken`, so the
// semantic checks in lint.ts do not report every reference to them as unknown too.
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import bundleSchema from '../scenarios/schema/bundle.schema.json' with { type: 'json' };
import calendarSchema from '../scenarios/schema/calendar.schema.json' with { type: 'json' };
import conditionSchema from '../scenarios/schema/condition.schema.json' with { type: 'json' };
import departmentsSchema from '../scenarios/schema/departments.schema.json' with { type: 'json' };
import dictionarySchema from '../scenarios/schema/dictionary.schema.json' with { type: 'json' };
import fieldSchemaSchema from '../scenarios/schema/field-schema.schema.json' with { type: 'json' };
import itemSchema from '../scenarios/schema/item.schema.json' with { type: 'json' };
import materialsSchema from '../scenarios/schema/materials.schema.json' with { type: 'json' };
import regionSchema from '../scenarios/schema/region.schema.json' with { type: 'json' };
import { parseAlternatives } from './alternatives.js';
import { ajvRegExp } from './pattern.js';
import { parseBundleMaterials } from './bundle-materials.js';
import { parseChecks, parseFieldRules } from './field-rules.js';
import type { RegionalImplementation } from './regions.js';
import { parseRegion, parseRegionInfo } from './regions.js';
import type { CalendarFile } from './calendar-file.js';
import { buildCalendarFile } from './calendar-file.js';
import type { Diagnostic } from './diagnostic.js';
import { compareDiagnostics } from './diagnostic.js';
import { enOf, LINT_CODE_ZH, zhOf, type Said } from './lint-messages.js';
import type {
  Answers,
  Bundle,
  BundleExample,
  BundleItem,
  Catalogue,
  DataElement,
  ElementStandard,
  Delivery,
  Department,
  Item,
  ItemField,
  ItemMaterial,
  ItemOutput,
  Material,
  Prefill,
  Profile,
  Ref,
  Rule,
  RuleEvent,
  Section,
  SourceRef,
  TopLevelCondition,
} from './model.js';
import { formMaterialCode, formTitle, localElementId } from './model.js';
import { buildBundleGuide, buildItemGuide } from './guide.js';
import type { PathSegment, SourceFile, YamlLimits, YamlSource } from './yaml-source.js';
import { DEFAULT_LIMITS, parseYaml, pointerToPath } from './yaml-source.js';

export type FileKind = 'dictionary' | 'materials' | 'departments' | 'item' | 'bundle' | 'region' | 'calendar';


const SCHEMA_FILE: Record<FileKind, string> = {
  dictionary: 'dictionary.schema.json',
  materials: 'materials.schema.json',
  departments: 'departments.schema.json',
  item: 'item.schema.json',
  bundle: 'bundle.schema.json',
  region: 'region.schema.json',
  calendar: 'calendar.schema.json',
};

/** The kind of a scenario file from its path; null for files the loader does not read. */
/** Which connector serves which licence type or department: the server reads it, the bundles never do. */
export const CONNECTORS_FILE = 'connectors.yaml';

export function fileKind(path: string): FileKind | null {
  if (!/\.ya?ml$/.test(path)) return null;
  const parts = path.split('/');
  const [first] = parts;
  const base = (parts.at(-1) ?? '').replace(/\.ya?ml$/, '');
  if (parts.length === 1) {
    if (base === 'dictionary' || base === 'materials' || base === 'departments' || base === 'calendar') return base;
    return null;
  }
  if (parts.length === 2) {
    if (first === 'dictionary' || first === 'materials' || first === 'departments') return first;
    if (first === 'items') return 'item';
    if (first === 'bundles') return 'bundle';
    if (first === 'regions') return 'region';
  }
  return null;
}

/** `../schema/item.schema.json` for `items/x.yaml`: what the modeline must say. */
export function expectedSchemaRef(path: string, kind: FileKind): string {
  const depth = path.split('/').length - 1;
  return `${'../'.repeat(depth)}schema/${SCHEMA_FILE[kind]}`;
}

// ---------------------------------------------------------------------------------------------
// JSON Schema validation

type Validators = Record<FileKind, ValidateFunction>;
let validators: Validators | undefined;

function getValidators(): Validators {
  if (validators) return validators;
  // strictRequired is off because `required` inside if/then names properties declared in the
  // sibling `properties`, which Ajv's strict mode cannot see.
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false, strictTypes: false, code: { regExp: ajvRegExp } });
  ajv.addSchema(fieldSchemaSchema, 'field-schema.schema.json');
  ajv.addSchema(conditionSchema, 'condition.schema.json');
  // Regional implementations reuse the bundle's definitions (items, sections, materials).
  ajv.addSchema(bundleSchema, 'bundle.schema.json');
  validators = {
    dictionary: ajv.compile(dictionarySchema),
    materials: ajv.compile(materialsSchema),
    departments: ajv.compile(departmentsSchema),
    item: ajv.compile(itemSchema),
    bundle: ajv.compile(bundleSchema),
    region: ajv.compile(regionSchema),
    calendar: ajv.compile(calendarSchema),
  };
  return validators;
}

function show(value: unknown): string {
  const s = JSON.stringify(value);
  return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[String(seg)];
  }
  return v;
}

function dotted(path: readonly PathSegment[]): string {
  return path.length === 0 ? '(top level)' : path.map((s) => (typeof s === 'number' || /^\d+$/.test(s) ? `[${s}]` : s)).join('.').replace(/\.\[/g, '[');
}

const TYPE_ZH: Record<string, string> = { string: '文本', number: '数字', integer: '整数', boolean: '是/否（true/false）', object: '映射（键: 值）', array: '列表', null: '空值' };

function schemaDiagnostics(source: YamlSource, errors: readonly ErrorObject[]): Diagnostic[] {
  // if/then/else summaries repeat what the branch errors already say.
  const useful = errors.filter((e) => e.keyword !== 'if' && e.keyword !== 'propertyNames');
  const out: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of useful) {
    let path: PathSegment[] = pointerToPath(e.instancePath);
    let part: 'key' | 'value' = 'value';
    let message: string;
    let zh: string;
    const params = e.params as Record<string, unknown>;
    let where = path;
    if (e.propertyName !== undefined) {
      path = [...path, e.propertyName];
      part = 'key';
      message = `name "${e.propertyName}" ${e.message ?? 'is invalid'}`;
      zh = `名称“${e.propertyName}”不合格式（${e.message ?? 'is invalid'}）`;
    } else if (e.keyword === 'additionalProperties') {
      where = path;
      path = [...path, String(params.additionalProperty)];
      part = 'key';
      message = `unknown property "${String(params.additionalProperty)}"`;
      zh = `不认识的属性“${String(params.additionalProperty)}”`;
    } else if (e.keyword === 'required') {
      message = `missing required property "${String(params.missingProperty)}"`;
      zh = `缺少必填属性“${String(params.missingProperty)}”`;
    } else if (e.keyword === 'false schema') {
      part = 'key';
      message = 'property not allowed here';
      zh = '此处不允许该属性';
    } else if (e.keyword === 'enum') {
      const allowed = (params.allowedValues as unknown[] | undefined) ?? [];
      message = `${show(valueAt(source.value, path))} must be one of: ${allowed.map((a) => String(a)).join(', ')}`;
      zh = `${show(valueAt(source.value, path))} 应为以下之一：${allowed.map((a) => String(a)).join('、')}`;
    } else if (e.keyword === 'pattern') {
      message = `${show(valueAt(source.value, path))} must match pattern ${String(params.pattern)}`;
      zh = `${show(valueAt(source.value, path))} 不符合格式 ${String(params.pattern)}`;
    } else if (e.keyword === 'type') {
      message = `must be ${String(params.type)}, not ${show(valueAt(source.value, path))}`;
      zh = `应为 ${TYPE_ZH[String(params.type)] ?? String(params.type)}，而不是 ${show(valueAt(source.value, path))}`;
    } else {
      message = e.message ?? e.keyword;
      zh = `${LINT_CODE_ZH.schema}（${message}）`;
    }
    if (e.propertyName === undefined && e.keyword !== 'additionalProperties') where = path;
    const full = `${dotted(where)}: ${message}`;
    const fullZh = `${dotted(where)}：${zh}`;
    const pos = source.locate(path, part);
    const key = `${pos.line}:${pos.col}:${full}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ file: source.file, line: pos.line, col: pos.col, severity: 'error', code: 'schema', message: full, messageZh: fullZh });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Building

export interface LoadResult {
  readonly catalogue: Catalogue;
  readonly diagnostics: readonly Diagnostic[];
}

export interface LoadOptions {
  readonly limits?: YamlLimits;
}

type Raw = Record<string, unknown>;
const asRaw = (v: unknown): Raw => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Raw) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const strArr = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

function parsePrefill(raw: unknown, elementId: string): Prefill {
  if (typeof raw !== 'string' || raw === 'none') return { kind: 'none' };
  if (raw === 'identity') return { kind: 'identity', field: elementId.split('.').at(-1) ?? elementId };
  if (raw.startsWith('identity:')) return { kind: 'identity', field: raw.slice('identity:'.length) };
  return { kind: 'sharing', source: raw.slice('sharing:'.length) };
}

export function load(files: readonly SourceFile[], options: LoadOptions = {}): LoadResult {
  const limits = options.limits ?? DEFAULT_LIMITS;
  const diagnostics: Diagnostic[] = [];
  const elements = new Map<string, DataElement>();
  const materials = new Map<string, Material>();
  const departments = new Map<string, Department>();
  const items = new Map<string, Item>();
  const bundles = new Map<string, Bundle>();
  const regions = new Map<string, RegionalImplementation>();
  const broken = new Set<string>();
  const sources = new Map<string, YamlSource>();
  let calendar: CalendarFile | undefined;
  const v = getValidators();

  const report = (ref: SourceRef, code: string, message: string | Said, severity: 'error' | 'warning' = 'error', part: 'key' | 'value' = 'value'): void => {
    const src = sources.get(ref.file);
    const pos = src ? src.locate(ref.path, part) : { line: 1, col: 1 };
    diagnostics.push({ file: ref.file, line: pos.line, col: pos.col, severity, code, message: enOf(message), messageZh: zhOf(code, message) });
  };

  // Files in a stable order so "the second definition" is the same on every machine.
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of sorted) {
    const kind = fileKind(f.path);
    if (kind === null) {
      // The operator's connectors (server/connectors/registry.ts checks it): not part of a bundle.
      if (f.path === CONNECTORS_FILE) continue;
      if (/\.ya?ml$/.test(f.path) && !f.path.startsWith('schema/')) {
        diagnostics.push({
          file: f.path,
          line: 1,
          col: 1,
          severity: 'warning',
          code: 'unknown-file',
          message:
            'not a scenario file: expected dictionary.yaml, materials.yaml, departments.yaml (or files under dictionary/, materials/, departments/), items/<id>.yaml, bundles/<id>.yaml or regions/<id>.yaml',
          messageZh: '不是场景文件：应为 dictionary.yaml、materials.yaml、departments.yaml（或 dictionary/、materials/、departments/ 下的文件）、items/<编号>.yaml、bundles/<编号>.yaml 或 regions/<编号>.yaml',
        });
      }
      continue;
    }
    const source = parseYaml(f.path, f.text, limits);
    sources.set(f.path, source);
    diagnostics.push(...source.diagnostics);
    // An unreadable file leaves the catalogue incomplete; lint then holds back the findings
    // that would only be echoes of it (unknown ids it probably defines, "unused" entries).
    const fileId = (f.path.split('/').at(-1) ?? '').replace(/\.ya?ml$/, '');
    if (source.value === undefined) {
      broken.add(kind === 'item' || kind === 'bundle' || kind === 'region' ? `${kind}:${fileId}` : `file:${kind}`);
      continue;
    }

    const expected = expectedSchemaRef(f.path, kind);
    const modeline = /^#\s*yaml-language-server:\s*\$schema=(\S+)/m.exec(f.text.slice(0, 2000));
    if (!modeline || modeline[1] !== expected) {
      diagnostics.push({
        file: f.path,
        line: 1,
        col: 1,
        severity: 'warning',
        code: 'schema-modeline',
        message: `first line should be "# yaml-language-server: $schema=${expected}" so editors validate and autocomplete this file`,
        messageZh: `首行应为“# yaml-language-server: $schema=${expected}”，编辑器才能校验并自动补全此文件`,
      });
    }

    const validate = v[kind];
    const valid = validate(source.value);
    const errors = valid ? [] : (validate.errors ?? []);
    diagnostics.push(...schemaDiagnostics(source, errors));
    const errorPaths = errors.map((e) => pointerToPath(e.instancePath));
    const root = asRaw(source.value);

    if (kind === 'calendar') {
      if (errors.length > 0) broken.add('file:calendar');
      else calendar = buildCalendarFile(f.path, root);
      continue;
    }
    if (kind === 'dictionary' || kind === 'materials' || kind === 'departments') {
      const top = kind === 'dictionary' ? 'elements' : kind;
      const prefix = kind === 'dictionary' ? 'element' : kind === 'materials' ? 'material' : 'department';
      // Errors at the top level (e.g. the map missing) make the whole file unusable.
      if (errorPaths.some((p) => p.length < 2)) {
        broken.add(`file:${kind}`);
        continue;
      }
      const bad = new Set(errorPaths.map((p) => p[1]));
      for (const [id, rawEntry] of Object.entries(asRaw(root[top]))) {
        const at: SourceRef = { file: f.path, path: [top, id] };
        const entry = asRaw(rawEntry);
        if (bad.has(id)) {
          broken.add(`${prefix}:${id}`);
          continue;
        }
        const seen = kind === 'dictionary' ? elements.get(id) : kind === 'materials' ? materials.get(id) : departments.get(id);
        if (seen) {
          report(at, 'duplicate-id', { zh: `“${id}”已在 ${seen.at.file} 中定义`, en: `${prefix} "${id}" is already defined in ${seen.at.file}` }, 'error', 'key');
          continue;
        }
        if (kind === 'dictionary') {
          elements.set(id, {
            id,
            title: str(entry.title) ?? id,
            titleEn: str(entry.titleEn) ?? id,
            ...(str(entry.description) ? { description: str(entry.description) } : {}),
            schema: asRaw(entry.schema),
            sensitive: entry.sensitive === true,
            prefill: parsePrefill(entry.prefill, id),
            ...(entry.standard !== undefined ? { standard: asRaw(entry.standard) as unknown as ElementStandard } : {}),
            at,
          });
        } else if (kind === 'materials') {
          materials.set(id, {
            code: id,
            title: str(entry.title) ?? id,
            titleEn: str(entry.titleEn) ?? id,
            ...(str(entry.description) ? { description: str(entry.description) } : {}),
            ...(str(entry.issuer) ? { issuer: str(entry.issuer) } : {}),
            electronicLicence: entry.electronicLicence === true,
            validityMonths: typeof entry.validityMonths === 'number' ? entry.validityMonths : null,
            physical: entry.physical === true,
            at,
          });
        } else {
          const d = asRaw(entry.delivery);
          const delivery: Delivery =
            d.channel === 'webhook' ? { channel: 'webhook', url: str(d.url) ?? '', secret: str(d.secret) ?? '' } : { channel: 'inbox' };
          const name = str(entry.name) ?? id;
          const nameEn = str(entry.nameEn) ?? id;
          departments.set(id, {
            code: id,
            name,
            nameEn,
            shortName: str(entry.shortName) ?? name,
            shortNameEn: str(entry.shortNameEn) ?? nameEn,
            delivery,
            at,
          });
        }
      }
      continue;
    }

    const id = str(root.id);
    const prefix = kind;
    if (errors.length > 0) {
      broken.add(`${prefix}:${id ?? fileId}`);
      continue;
    }
    if (id === undefined) continue;
    const idAt: SourceRef = { file: f.path, path: ['id'] };
    const base = (f.path.split('/').at(-1) ?? '').replace(/\.ya?ml$/, '');
    if (base !== id) report(idAt, 'file-name', { zh: `编号“${id}”与文件名“${base}”不一致：文件应命名为 ${kind}s/${id}.yaml`, en: `${kind} id "${id}" differs from its file name "${base}": name the file ${kind}s/${id}.yaml` }, 'warning');
    if (kind === 'region') {
      if (!regions.has(id)) regions.set(id, parseRegion(f.path, id, root, bundleParts(f.path, root)));
      else report(idAt, 'duplicate-id', { zh: `地方实施版本“${id}”已在 ${regions.get(id)?.at.file ?? ''} 中定义`, en: `region "${id}" is already defined in ${regions.get(id)?.at.file ?? ''}` });
      continue;
    }
    const existing = kind === 'item' ? items.get(id) : bundles.get(id);
    if (existing) {
      report(idAt, 'duplicate-id', { zh: `“${id}”已在 ${existing.at.file} 中定义`, en: `${kind} "${id}" is already defined in ${existing.at.file}` });
      continue;
    }
    if (kind === 'item') {
      const item = buildItem(f.path, id, root, elements);
      items.set(id, item);
    } else {
      bundles.set(id, buildBundle(f.path, id, root));
    }
  }

  // Local fields are registered after the dictionary so a clash is the dictionary's win; an
  // item-local id contains "/" and can never equal a dictionary id anyway.
  for (const item of items.values()) {
    materials.set(item.formMaterial, {
      code: item.formMaterial,
      title: formTitle(item.title),
      titleEn: `Application form: ${item.titleEn}`,
      issuer: item.department,
      electronicLicence: false,
      validityMonths: null,
      physical: false,
      formOf: item.id,
      at: item.at,
    });
  }

  // Implementations join the standard they extend (lint reports those extending nothing).
  for (const impl of regions.values()) {
    const standard = bundles.get(impl.extends.ref);
    if (!standard) continue;
    const own = new Map(standard.regions ?? []);
    if (!own.has(impl.region.code)) own.set(impl.region.code, impl);
    bundles.set(standard.id, { ...standard, regions: own });
  }

  diagnostics.sort(compareDiagnostics);
  return {
    catalogue: { elements, materials, departments, items, bundles, broken, sources, regions, ...(calendar ? { calendar } : {}) },
    diagnostics,
  };
}

function buildItem(file: string, id: string, root: Raw, elements: Map<string, DataElement>): Item {
  const at = (...path: PathSegment[]): SourceRef => ({ file, path });
  const fields: ItemField[] = [];
  for (const [name, raw] of Object.entries(asRaw(root.fields))) {
    const fieldAt = at('fields', name);
    if (typeof raw === 'string') {
      fields.push({ name, element: raw, required: true, local: false, at: fieldAt });
      continue;
    }
    const entry = asRaw(raw);
    const required = entry.required !== false;
    if (typeof entry.element === 'string') {
      fields.push({
        name,
        element: entry.element,
        ...(entry.schema !== undefined ? { schema: asRaw(entry.schema) } : {}),
        required,
        local: false,
        at: at('fields', name, 'element'),
      });
    } else {
      const elementId = localElementId(id, name);
      elements.set(elementId, {
        id: elementId,
        title: str(entry.title) ?? name,
        titleEn: str(entry.titleEn) ?? name,
        schema: asRaw(entry.schema),
        sensitive: entry.sensitive === true,
        prefill: { kind: 'none' },
        local: { item: id, field: name },
        at: fieldAt,
      });
      fields.push({ name, element: elementId, required, local: true, at: fieldAt });
    }
  }
  const materials: ItemMaterial[] = (Array.isArray(root.materials) ? root.materials : []).map((raw: unknown, i: number) => {
    if (typeof raw === 'string') return { code: raw, at: at('materials', i) };
    const entry = asRaw(raw);
    return {
      code: str(entry.material) ?? '',
      ...(entry.when !== undefined ? { when: entry.when as TopLevelCondition } : {}),
      ...(str(entry.note) ? { note: str(entry.note) } : {}),
      at: at('materials', i, 'material'),
    };
  });
  const refs = (key: string): Ref[] => strArr(root[key]).map((ref, i) => ({ ref, at: at(key, i) }));
  const outputs: ItemOutput[] = (Array.isArray(root.outputs) ? root.outputs : []).map((raw: unknown, i: number) => {
    const entry = asRaw(raw);
    return typeof entry.element === 'string'
      ? { kind: 'element', ref: entry.element, at: at('outputs', i, 'element') }
      : { kind: 'material', ref: str(entry.material) ?? '', at: at('outputs', i, 'material') };
  });
  return {
    id,
    title: str(root.title) ?? id,
    titleEn: str(root.titleEn) ?? id,
    ...(str(root.description) ? { description: str(root.description) } : {}),
    department: str(root.department) ?? '',
    departmentAt: at('department'),
    timeLimitDays: typeof root.timeLimitDays === 'number' ? root.timeLimitDays : 0,
    formMaterial: formMaterialCode(id),
    formGenerated: root.form !== 'upload',
    fields,
    materials,
    commitment: refs('commitment'),
    needs: refs('needs'),
    outputs,
    ...((g) => (g ? { guide: g } : {}))(buildItemGuide(file, root)),
    at: at(),
  };
}

/** What a bundle and a regional implementation both declare, read the same way. */
function bundleParts(file: string, root: Raw) {
  const at = (...path: PathSegment[]): SourceRef => ({ file, path });
  const items: BundleItem[] = (Array.isArray(root.items) ? root.items : []).map((raw: unknown, i: number) => {
    const entry = asRaw(raw);
    return {
      item: str(entry.item) ?? '',
      after: strArr(entry.after).map((ref, j) => ({ ref, at: at('items', i, 'after', j) })),
      optional: entry.optional === true,
      at: at('items', i, 'item'),
    };
  });
  const rules: Rule[] = (Array.isArray(root.rules) ? root.rules : []).map((raw: unknown, i: number) => {
    const entry = asRaw(raw);
    return {
      name: str(entry.name) ?? `rule ${i + 1}`,
      ...(typeof entry.priority === 'number' ? { priority: entry.priority } : {}),
      conditions: entry.conditions as TopLevelCondition,
      event: entry.event as RuleEvent,
      at: at('rules', i),
    };
  });
  const sections: Section[] = (Array.isArray(root.sections) ? root.sections : []).map((raw: unknown, i: number) => {
    const entry = asRaw(raw);
    return {
      id: str(entry.id) ?? `section${i + 1}`,
      title: str(entry.title) ?? '',
      titleEn: str(entry.titleEn) ?? '',
      elements: strArr(entry.elements).map((ref, j) => ({ ref, at: at('sections', i, 'elements', j) })),
      at: at('sections', i),
    };
  });
  return {
    items,
    questions: strArr(root.questions).map((ref, i) => ({ ref, at: at('questions', i) })),
    rules,
    sections,
    bundleMaterials: parseBundleMaterials(file, root),
  };
}

function buildBundle(file: string, id: string, root: Raw): Bundle {
  const at = (...path: PathSegment[]): SourceRef => ({ file, path });
  const { items, questions, rules, sections, bundleMaterials } = bundleParts(file, root);
  const examples: Record<string, BundleExample> = {};
  for (const [name, raw] of Object.entries(asRaw(root.examples))) {
    const entry = asRaw(raw);
    examples[name] = {
      ...(str(entry.description) ? { description: str(entry.description) } : {}),
      answers: asRaw(entry.answers) as Answers,
      ...(entry.profile !== undefined ? { profile: asRaw(entry.profile) as Profile } : {}),
    };
  }
  const official = root.official !== undefined ? (asRaw(root.official) as Bundle['official']) : undefined;
  return {
    id,
    title: str(root.title) ?? id,
    titleEn: str(root.titleEn) ?? id,
    version: str(root.version) ?? '0',
    ...(str(root.description) ? { description: str(root.description) } : {}),
    ...(root.audience === 'person' || root.audience === 'enterprise' ? { audience: root.audience } : {}),
    ...(str(root.lead) ? { lead: { ref: str(root.lead) ?? '', at: at('lead') } } : {}),
    items,
    questions,
    prefill: new Map(
      Object.entries(asRaw(root.prefill)).map(([elementId, p]) => {
        // A string, or { from, when } for a prefill that holds only in some situations.
        const conditional = typeof p === 'object' && p !== null && !Array.isArray(p) ? asRaw(p) : null;
        const prefill = parsePrefill(conditional ? conditional.from : p, elementId);
        const when = conditional?.when as TopLevelCondition | undefined;
        return [elementId, { prefill, ...(when ? { when } : {}), at: at('prefill', elementId) }];
      }),
    ),
    rules,
    sections,
    examples,
    ...(official ? { official } : {}),
    ...(root.fieldRules !== undefined ? { fieldRules: parseFieldRules(file, root) } : {}),
    ...(root.checks !== undefined ? { checks: parseChecks(file, root) } : {}),
    ...(root.alternatives !== undefined ? { alternatives: parseAlternatives(file, root) } : {}),
    ...(bundleMaterials.length > 0 ? { bundleMaterials } : {}),
    ...(root.region !== undefined ? { region: parseRegionInfo(file, root.region, ['region']) } : {}),
    guide: buildBundleGuide(file, root),
    at: at(),
  };
}
