// Intersecting the constraints several items put on one data element.
//
// The dictionary gives `child.name` maxLength 50; the police's 出生登记 wants maxLength 20;
// the combined form must satisfy both, so it asks for at most 20. When no value can satisfy
// all of them (string vs integer, disjoint code lists, a minimum above a maximum), that is a
// contradiction: lint reports it as an error naming both sides, and compose never silently
// picks one.
import type { JsonSchema } from './model.js';

export interface ConstraintSource {
  readonly schema: JsonSchema;
  /** Who imposed it, for messages: `the dictionary`, `item "birth-registration" (出生登记)`. */
  readonly label: string;
}

export interface ConstraintConflict {
  readonly keyword: string;
  readonly message: string;
  /** Indices into the sources that clash; the last one is where lint points. */
  readonly sources: readonly number[];
}

export interface Intersection {
  readonly schema: JsonSchema;
  readonly conflicts: readonly ConstraintConflict[];
}

type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object' | 'null';
const ALL_TYPES: readonly JsonType[] = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];

function typesOf(schema: JsonSchema): Set<JsonType> | null {
  const t = schema.type;
  if (t === undefined) return null;
  const list = (Array.isArray(t) ? t : [t]).filter((x): x is JsonType => ALL_TYPES.includes(x as JsonType));
  const set = new Set(list);
  // An integer is a number: {number} ∩ {integer} must leave integer, so number admits it.
  return set;
}

function intersectTypes(a: Set<JsonType>, b: Set<JsonType>): Set<JsonType> {
  const out = new Set<JsonType>();
  for (const t of a) {
    if (b.has(t)) out.add(t);
    else if (t === 'integer' && b.has('number')) out.add('integer');
    else if (t === 'number' && b.has('integer')) out.add('integer');
  }
  return out;
}

interface Labelled {
  readonly const: unknown;
  readonly title?: string;
  readonly titleEn?: string;
}

/** The finite set of values a schema allows, from enum, const or labelled oneOf; null: unbounded. */
function valuesOf(schema: JsonSchema): Labelled[] | null {
  let values: Labelled[] | null = null;
  const narrow = (next: Labelled[]): void => {
    values = values === null ? next : values.filter((v) => next.some((n) => same(n.const, v.const)));
  };
  if (Array.isArray(schema.oneOf)) {
    narrow((schema.oneOf as unknown[]).map((o) => o as Labelled));
  }
  if (Array.isArray(schema.enum)) narrow((schema.enum as unknown[]).map((v) => ({ const: v })));
  if (Object.hasOwn(schema, 'const')) narrow([{ const: schema.const }]);
  return values;
}

function same(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

function show(values: readonly Labelled[]): string {
  const shown = values.slice(0, 6).map((v) => JSON.stringify(v.const));
  return `[${shown.join(', ')}${values.length > 6 ? ', …' : ''}]`;
}

function jsonType(v: unknown): JsonType {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v as JsonType;
}

interface Bound {
  value: number;
  from: number;
}

export function intersectSchemas(sources: readonly ConstraintSource[]): Intersection {
  const conflicts: ConstraintConflict[] = [];
  const out: Record<string, unknown> = {};

  // Annotations: the first source that says something wins (the dictionary comes first).
  for (const key of ['description', 'default', 'examples']) {
    const s = sources.find((x) => x.schema[key] !== undefined);
    if (s) out[key] = s.schema[key];
  }

  // type
  let types: Set<JsonType> | null = null;
  let typeFrom = -1;
  sources.forEach((s, i) => {
    const t = typesOf(s.schema);
    if (!t) return;
    if (types === null) {
      types = t;
      typeFrom = i;
      return;
    }
    const both = intersectTypes(types, t);
    if (both.size === 0) {
      conflicts.push({
        keyword: 'type',
        message: `type ${[...t].join('|')} from ${s.label} is incompatible with type ${[...types].join('|')} from ${sources[typeFrom]?.label ?? '?'}`,
        sources: [typeFrom, i],
      });
    } else {
      types = both;
      typeFrom = i;
    }
  });
  const finalTypes = types as Set<JsonType> | null;
  if (finalTypes) out.type = finalTypes.size === 1 ? [...finalTypes][0] : [...finalTypes];

  // Finite value sets (enum / const / labelled oneOf)
  let values: Labelled[] | null = null;
  let valuesFrom = -1;
  let labelled = false;
  sources.forEach((s, i) => {
    const v = valuesOf(s.schema);
    if (v === null) return;
    if (Array.isArray(s.schema.oneOf)) labelled = true;
    if (values === null) {
      values = v;
      valuesFrom = i;
      return;
    }
    const prev: Labelled[] = values;
    const both = prev.filter((p) => v.some((n) => same(n.const, p.const)));
    if (both.length === 0) {
      conflicts.push({
        keyword: 'enum',
        message: `allowed values ${show(v)} from ${s.label} share nothing with ${show(prev)} from ${sources[valuesFrom]?.label ?? '?'}`,
        sources: [valuesFrom, i],
      });
    } else {
      // Keep labels from whichever source has them.
      values = both.map((p) => (p.title !== undefined ? p : (v.find((n) => same(n.const, p.const)) ?? p)));
      valuesFrom = i;
    }
  });

  // Numeric and length bounds: the tightest of each wins; then min must not exceed max.
  const lower = (key: string): Bound | undefined => {
    let b: Bound | undefined;
    sources.forEach((s, i) => {
      const v = s.schema[key];
      if (typeof v === 'number' && (b === undefined || v > b.value)) b = { value: v, from: i };
    });
    return b;
  };
  const upper = (key: string): Bound | undefined => {
    let b: Bound | undefined;
    sources.forEach((s, i) => {
      const v = s.schema[key];
      if (typeof v === 'number' && (b === undefined || v < b.value)) b = { value: v, from: i };
    });
    return b;
  };
  const pair = (minKey: string, maxKey: string, strict: boolean, minB = lower(minKey), maxB = upper(maxKey)): void => {
    if (minB) out[minKey] = minB.value;
    if (maxB) out[maxKey] = maxB.value;
    if (minB && maxB && (strict ? minB.value >= maxB.value : minB.value > maxB.value)) {
      conflicts.push({
        keyword: minKey,
        message: `${minKey} ${minB.value} from ${sources[minB.from]?.label ?? '?'} is above ${maxKey} ${maxB.value} from ${sources[maxB.from]?.label ?? '?'}`,
        sources: [Math.min(minB.from, maxB.from), Math.max(minB.from, maxB.from)],
      });
    }
  };
  pair('minLength', 'maxLength', false);
  pair('minItems', 'maxItems', false);
  const minimum = lower('minimum');
  const maximum = upper('maximum');
  const exMin = lower('exclusiveMinimum');
  const exMax = upper('exclusiveMaximum');
  pair('minimum', 'maximum', false, minimum, maximum);
  pair('exclusiveMinimum', 'exclusiveMaximum', true, exMin, exMax);
  pair('minimum', 'exclusiveMaximum', true, minimum, exMax);
  pair('exclusiveMinimum', 'maximum', true, exMin, maximum);

  // format: one element has one format; two different ones cannot both be meant.
  let format: { value: string; from: number } | undefined;
  sources.forEach((s, i) => {
    const f = s.schema.format;
    if (typeof f !== 'string') return;
    if (format === undefined) format = { value: f, from: i };
    else if (format.value !== f) {
      conflicts.push({
        keyword: 'format',
        message: `format "${f}" from ${s.label} differs from format "${format.value}" from ${sources[format.from]?.label ?? '?'}`,
        sources: [format.from, i],
      });
    }
  });
  if (format) out.format = format.value;

  // Patterns and multipleOf cannot be merged into one keyword; JSON Schema's allOf keeps all.
  const allOf: Record<string, unknown>[] = [];
  for (const key of ['pattern', 'multipleOf']) {
    const distinct: unknown[] = [];
    for (const s of sources) {
      const v = s.schema[key];
      if (v !== undefined && !distinct.some((d) => same(d, v))) distinct.push(v);
    }
    if (distinct.length >= 1) out[key] = distinct[0];
    for (const extra of distinct.slice(1)) allOf.push({ [key]: extra });
  }
  if (allOf.length > 0) out.allOf = allOf;

  if (sources.some((s) => s.schema.uniqueItems === true)) out.uniqueItems = true;

  const itemSchemas = sources
    .map((s, i) => ({ s, i }))
    .filter(({ s }) => s.schema.items !== null && typeof s.schema.items === 'object' && !Array.isArray(s.schema.items));
  if (itemSchemas.length > 0) {
    const inner = intersectSchemas(itemSchemas.map(({ s }) => ({ schema: s.schema.items as JsonSchema, label: s.label })));
    out.items = inner.schema;
    for (const c of inner.conflicts) {
      conflicts.push({ keyword: `items.${c.keyword}`, message: `items: ${c.message}`, sources: c.sources.map((k) => itemSchemas[k]?.i ?? k) });
    }
  }

  // The value set must survive the other constraints, or nothing can be entered.
  const finalValues = values as Labelled[] | null;
  if (finalValues) {
    const fits = finalValues.filter((v) => {
      const c = v.const;
      if (finalTypes && !finalTypes.has(jsonType(c)) && !(jsonType(c) === 'integer' && finalTypes.has('number'))) return false;
      if (typeof c === 'string') {
        const len = Array.from(c).length;
        if (typeof out.minLength === 'number' && len < out.minLength) return false;
        if (typeof out.maxLength === 'number' && len > out.maxLength) return false;
      }
      if (typeof c === 'number') {
        if (typeof out.minimum === 'number' && c < out.minimum) return false;
        if (typeof out.maximum === 'number' && c > out.maximum) return false;
      }
      return true;
    });
    if (fits.length === 0 && conflicts.length === 0) {
      conflicts.push({
        keyword: 'enum',
        message: `none of the allowed values ${show(finalValues)} satisfies the other constraints`,
        sources: [valuesFrom],
      });
    }
    const kept = fits.length > 0 ? fits : finalValues;
    if (labelled && kept.every((v) => v.title !== undefined)) out.oneOf = kept.map((v) => ({ ...v }));
    else if (kept.length === 1 && sources.some((s) => Object.hasOwn(s.schema, 'const'))) out.const = kept[0]?.const;
    else out.enum = kept.map((v) => v.const);
  }

  return { schema: out, conflicts };
}
