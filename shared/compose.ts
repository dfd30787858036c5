// compose(bundle, catalogue, context) → one form for react-jsonschema-form 6.
//
// Shape of the result (documented for the client):
// - `schema` is an object with ONE PROPERTY PER SECTION (a step of the citizen's wizard), each
//   a flat object of fields. A UI can render the whole thing or one section at a time.
// - Field keys are derived from element ids so they are stable across versions and safe for
//   rjsf (no dots, which rjsf would read as paths): `child.name` → `child_name`; an item-local
//   field `birth-registration/hkszd` → `birth_registration__hkszd`. Element ids have no `_`
//   (dotted camelCase), so the mapping is one-to-one; `answersFromFormData` inverts it.
// - Each element appears once, however many items ask for it, with the intersection of all
//   their constraints (shared/constraints.ts).
// - `uiSchema[section][key]['ui:help']` says which departments use it (用于：公安、医保);
//   prefilled fields are `ui:readonly`.
// - Fields whose value an earlier item of the bundle produces (e.g. the child's ID number
//   after 出生登记) are not in the form at all: they are listed in `elements` with
//   `suppliedBy` and travel with the sub-applications instead.
import { intersectSchemas } from './constraints.js';
import type { Evaluation, PrefillSource } from './evaluate.js';
import { evaluate, prefillOf } from './evaluate.js';
import type { Answers, Bundle, Catalogue, JsonSchema, Profile } from './model.js';
import { elementKey } from './model.js';
import { planBundle, type BundlePlan, type FieldUse } from './plan.js';

export type Lang = 'zh' | 'en';

export interface ComposeContext {
  /** Use this evaluation's included items and prefilled values (the live form does). */
  readonly evaluation?: Evaluation;
  /** Or evaluate these answers/profile first. */
  readonly answers?: Answers;
  readonly profile?: Profile;
  /** Or take exactly these items. Without any of the above: every item, optional ones too. */
  readonly items?: readonly string[];
  readonly lang?: Lang;
}

export interface ComposedElement {
  /** Property key in the section object. */
  readonly key: string;
  readonly element: string;
  readonly section: string;
  readonly title: string;
  readonly titleEn: string;
  /** Department codes using it, in bundle order. */
  readonly departments: readonly string[];
  /** Item ids using it. */
  readonly items: readonly string[];
  /** Each using item's own name for the field. */
  readonly fieldNames: Readonly<Record<string, string>>;
  readonly prefill: PrefillSource | null;
  /** Item id whose output supplies the value; such fields are not in the form. */
  readonly suppliedBy: string | null;
  readonly inForm: boolean;
  /** In the form and to be typed by the applicant (not prefilled). */
  readonly asked: boolean;
  /** A bundle-level question (a choice that decides which items apply). */
  readonly question: boolean;
  readonly required: boolean;
  readonly sensitive: boolean;
  readonly local: boolean;
  readonly schema: JsonSchema;
}

export interface ComposedSection {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly keys: readonly string[];
}

export type UiSchema = Record<string, unknown>;

export interface ComposedForm {
  readonly bundle: string;
  readonly version: string;
  readonly included: readonly string[];
  readonly schema: JsonSchema;
  readonly uiSchema: UiSchema;
  readonly elements: readonly ComposedElement[];
  readonly sections: readonly ComposedSection[];
  /** Prefilled values, shaped like the form data (section → key → value). */
  readonly formData: Record<string, Record<string, unknown>>;
}

/** Choice labels in the form's language, for a select and for the items of a multiple choice (the seals to engrave). */
function localise(schema: JsonSchema, lang: Lang): JsonSchema {
  const items = schema.items !== null && typeof schema.items === 'object' && !Array.isArray(schema.items) ? localise(schema.items as JsonSchema, lang) : undefined;
  if (!Array.isArray(schema.oneOf)) return items ? { ...schema, items } : schema;
  const oneOf = (schema.oneOf as { const: unknown; title?: string; titleEn?: string }[]).map((o) => ({
    const: o.const,
    title: lang === 'en' && o.titleEn ? o.titleEn : (o.title ?? String(o.const)),
  }));
  return { ...schema, oneOf, ...(items ? { items } : {}) };
}

/**
 * An element's schema merged with the schemas of the items using it (`intersectSchemas`): the
 * same for the same items, so kept per plan (a version's plan is itself kept) rather than merged
 * again on every compose, which submit, the form and the preview each call.
 */
const merges = new WeakMap<BundlePlan, Map<string, JsonSchema>>();

function mergedSchema(plan: BundlePlan, el: BundlePlan['elements'][number], uses: readonly FieldUse[]): JsonSchema {
  let known = merges.get(plan);
  if (!known) merges.set(plan, (known = new Map()));
  const key = `${el.id}\u0000${uses.map((u) => u.item.id).join('\u0000')}`;
  let merged = known.get(key);
  if (!merged) {
    merged = intersectSchemas([
      { schema: el.schema, label: 'the dictionary' },
      ...uses.filter((u) => u.field.schema).map((u) => ({ schema: u.field.schema as JsonSchema, label: `item "${u.item.id}"` })),
    ]).schema;
    known.set(key, merged);
  }
  return merged;
}

/** Form schemas composed so far per plan, by the shape of the form (language, fields asked, required). */
const shapes = new WeakMap<BundlePlan, Map<string, JsonSchema>>();

export function compose(bundle: Bundle, catalogue: Catalogue, context: ComposeContext = {}): ComposedForm {
  const plan = planBundle(bundle, catalogue);
  const lang = context.lang ?? 'zh';
  let evaluation = context.evaluation;
  if (!evaluation && !context.items && (context.answers !== undefined || context.profile !== undefined)) {
    evaluation = evaluate(bundle, catalogue, context.answers ?? {}, context.profile);
  }
  const includedIds = context.items ?? evaluation?.included ?? plan.items.map((i) => i.id);
  const included = new Set(includedIds);
  const prefill = evaluation ? { prefilled: evaluation.prefilled, values: evaluation.values } : prefillOf(plan, context.profile);
  const questions = new Set(plan.questions);
  // Field rules (shared/field-rules.ts) apply to a form composed for a situation; the form of
  // every item (no evaluation) shows every field with the items' own required flags.
  const hidden = new Set(evaluation?.fields?.hidden ?? []);
  const decided = new Set(evaluation?.fields?.decided ?? []);
  const requiredByRule = new Set(evaluation?.fields?.required ?? []);

  // An item's ancestors among the included items, for "an earlier item supplies this value".
  const afterIncluded = evaluation?.after;
  const ancestorsOf = (id: string): ReadonlySet<string> => {
    if (!afterIncluded) return plan.ancestors.get(id) ?? new Set();
    const seen = new Set<string>();
    const todo = [...(afterIncluded[id] ?? [])];
    while (todo.length > 0) {
      const n = todo.pop() as string;
      if (!seen.has(n)) {
        seen.add(n);
        todo.push(...(afterIncluded[n] ?? []));
      }
    }
    return seen;
  };

  const elements: ComposedElement[] = [];
  const sectionProps = new Map<string, { properties: Record<string, JsonSchema>; required: string[]; ui: Record<string, unknown>; keys: string[] }>();
  const formData: Record<string, Record<string, unknown>> = {};

  for (const el of plan.elements) {
    const uses = (plan.fieldsByElement.get(el.id) ?? []).filter((u) => included.has(u.item.id));
    const question = questions.has(el.id);
    if ((uses.length === 0 && !question) || hidden.has(el.id)) continue;

    // Supplied when every using item has an included ancestor producing it.
    const producers = (plan.elementProducers.get(el.id) ?? []).filter((p) => included.has(p));
    let suppliedBy: string | null = null;
    if (!question && producers.length > 0) {
      const per = uses.map((u) => producers.find((p) => ancestorsOf(u.item.id).has(p)));
      if (per.every((p) => p !== undefined)) suppliedBy = per[0] ?? null;
    }

    const merged = mergedSchema(plan, el, uses);
    const departments: string[] = [];
    for (const u of uses) if (!departments.includes(u.item.department)) departments.push(u.item.department);
    const section = plan.sectionOf.get(el.id) ?? 'other';
    const key = elementKey(el.id);
    const source = prefill.prefilled[el.id] ?? null;
    const inForm = suppliedBy === null;
    const required = decided.has(el.id) ? requiredByRule.has(el.id) : question || uses.some((u) => u.field.required);
    const fieldNames: Record<string, string> = {};
    for (const u of uses) fieldNames[u.item.id] = u.field.name;
    elements.push({
      key,
      element: el.id,
      section,
      title: el.title,
      titleEn: el.titleEn,
      departments,
      items: uses.map((u) => u.item.id),
      fieldNames,
      prefill: source,
      suppliedBy,
      inForm,
      asked: inForm && source === null,
      question,
      required,
      sensitive: el.sensitive,
      local: el.local !== undefined,
      schema: merged,
    });
    if (!inForm) continue;

    let s = sectionProps.get(section);
    if (!s) {
      s = { properties: {}, required: [], ui: {}, keys: [] };
      sectionProps.set(section, s);
    }
    s.properties[key] = { ...localise(merged, lang), title: lang === 'en' ? el.titleEn : el.title };
    if (required) s.required.push(key);
    s.keys.push(key);
    const names = departments.map((d) => {
      const dept = catalogue.departments.get(d);
      return lang === 'en' ? (dept?.shortNameEn ?? d) : (dept?.shortName ?? d);
    });
    const help =
      names.length > 0
        ? lang === 'en'
          ? `Used by: ${names.join(', ')}`
          : `用于：${names.join('、')}`
        : lang === 'en'
          ? 'Decides which services apply'
          : '用于：确定需办理的事项';
    const ui: Record<string, unknown> = { 'ui:help': help };
    if (source !== null) ui['ui:readonly'] = true;
    s.ui[key] = ui;
    if (source !== null && prefill.values[el.id] !== undefined) {
      (formData[section] ??= {})[key] = prefill.values[el.id];
    }
  }

  const properties: Record<string, JsonSchema> = {};
  const uiSchema: UiSchema = {};
  const sections: ComposedSection[] = [];
  const requiredSections: string[] = [];
  for (const sec of plan.sections) {
    const s = sectionProps.get(sec.id);
    if (!s) continue;
    const title = lang === 'en' ? sec.titleEn : sec.title;
    properties[sec.id] = {
      type: 'object',
      title,
      properties: s.properties,
      ...(s.required.length > 0 ? { required: s.required } : {}),
    };
    if (s.required.length > 0) requiredSections.push(sec.id);
    uiSchema[sec.id] = { 'ui:order': [...s.keys, '*'], ...s.ui };
    sections.push({ id: sec.id, title: sec.title, titleEn: sec.titleEn, keys: s.keys });
  }
  uiSchema['ui:order'] = [...sections.map((s) => s.id), '*'];

  // The same fields asked of the same items, required the same way, give the same schema object
  // (a field's schema merges the constraints of the items using it): a validator compiled for it
  // is found by identity (server/applications/validation.ts), not by its text.
  const shape = `${lang}\u0001${[...included].sort().join(',')}\u0001${sections.map((sec) => `${sec.id}:${sec.keys.join(',')}|${sectionProps.get(sec.id)!.required.join(',')}`).join(';')}`;
  let known = shapes.get(plan);
  if (!known) shapes.set(plan, (known = new Map()));
  let schema = known.get(shape);
  if (!schema) {
    // Bounded: a bundle whose situations make very many shapes starts its memory afresh.
    if (known.size >= 256) known.clear();
    schema = {
      type: 'object',
      title: lang === 'en' ? bundle.titleEn : bundle.title,
      properties,
      ...(requiredSections.length > 0 ? { required: requiredSections } : {}),
    };
    known.set(shape, schema);
  }

  return {
    bundle: bundle.id,
    version: bundle.version,
    included: includedIds,
    schema,
    uiSchema,
    elements,
    sections,
    formData,
  };
}

/** rjsf form data (section → key → value) → answers keyed by element id. */
export function answersFromFormData(form: ComposedForm, formData: unknown): Record<string, unknown> {
  const answers: Record<string, unknown> = {};
  if (formData === null || typeof formData !== 'object') return answers;
  const data = formData as Record<string, unknown>;
  for (const el of form.elements) {
    if (!el.inForm) continue;
    const section = data[el.section];
    if (section === null || typeof section !== 'object') continue;
    const v = (section as Record<string, unknown>)[el.key];
    if (v !== undefined) answers[el.element] = v;
  }
  return answers;
}

/** Answers keyed by element id → rjsf form data. */
export function formDataFromAnswers(form: ComposedForm, answers: Answers): Record<string, Record<string, unknown>> {
  const data: Record<string, Record<string, unknown>> = {};
  for (const el of form.elements) {
    if (!el.inForm || !Object.hasOwn(answers, el.element)) continue;
    (data[el.section] ??= {})[el.key] = answers[el.element];
  }
  return data;
}
