// "Exactly one of" groups of items (`alternatives:`): one registration per entity type, a
// small-eatery or a restaurant licence, a natural or an unnatural death. Each option names an
// item of the bundle and the condition under which the applicant's answers choose it; the item
// is included exactly when its condition holds (it is neither always included nor `optional:`).
//
// Lint proves that every reachable answer set chooses exactly one option per group: the
// conditions may only read facts with a finite set of answers (booleans, `enum`, labelled
// `oneOf`) that the bundle asks itself (`questions:`, so they are always answered and never
// depend on an item of the group), and every combination of those answers is tried. An answer
// set that makes the bundle ineligible (an `ineligible` rule reading only those facts fires)
// cannot be submitted and is not counted as reachable.
import type { CompiledCondition, FactLookup } from './condition.js';
import { compileCondition, factsOf } from './condition.js';
import type { Bundle, Catalogue, JsonSchema, SourceRef, TopLevelCondition } from './model.js';
import type { PathSegment } from './yaml-source.js';
import type { Raw } from './raw.js';
import { asRaw } from './raw.js';

export interface AlternativeOption {
  readonly item: string;
  readonly when: TopLevelCondition;
  readonly at: SourceRef;
}

export interface AlternativeGroup {
  readonly id: string;
  readonly title: string;
  readonly titleEn: string;
  readonly options: readonly AlternativeOption[];
  readonly at: SourceRef;
}


/** `alternatives:` of a bundle file, already valid against bundle.schema.json. */
export function parseAlternatives(file: string, root: Raw): AlternativeGroup[] {
  const list = Array.isArray(root.alternatives) ? root.alternatives : [];
  return list.map((raw: unknown, i: number) => {
    const g = asRaw(raw);
    const options = (Array.isArray(g.options) ? g.options : []).map((o: unknown, j: number) => {
      const e = asRaw(o);
      return { item: typeof e.item === 'string' ? e.item : '', when: e.when as TopLevelCondition, at: { file, path: ['alternatives', i, 'options', j] as PathSegment[] } };
    });
    return {
      id: typeof g.id === 'string' ? g.id : `group${i + 1}`,
      title: typeof g.title === 'string' ? g.title : '',
      titleEn: typeof g.titleEn === 'string' ? g.titleEn : '',
      options,
      at: { file, path: ['alternatives', i] as PathSegment[] },
    };
  });
}

export interface AlternativeChoice {
  readonly group: string;
  readonly chosen: boolean;
  readonly reason: string;
  readonly reasonEn: string;
}

const compiled = new WeakMap<Bundle, readonly { readonly group: AlternativeGroup; readonly option: AlternativeOption; readonly test: CompiledCondition }[]>();
function compiledOf(bundle: Bundle) {
  let c = compiled.get(bundle);
  if (!c) {
    c = (bundle.alternatives ?? []).flatMap((group) => group.options.map((option) => ({ group, option, test: compileCondition(option.when) })));
    compiled.set(bundle, c);
  }
  return c;
}

/** Item id → whether the answers choose it, for every item that is an option of a group. */
export function chooseAlternatives(bundle: Bundle, facts: FactLookup): Map<string, AlternativeChoice> {
  const out = new Map<string, AlternativeChoice>();
  for (const { group, option, test } of compiledOf(bundle)) {
    const chosen = test(facts);
    out.set(option.item, {
      group: group.id,
      chosen,
      ...(chosen
        ? { reason: `根据您的选择办理（${group.title}）`, reasonEn: `chosen by your answers (${group.titleEn})` }
        : { reason: `按您的选择无需办理（${group.title}中的其他情形）`, reasonEn: `not needed for your answers (another case of ${group.titleEn})` }),
    });
  }
  return out;
}

/** Groups whose options the answers do not choose exactly one of: none, or several. */
export function unresolvedAlternatives(bundle: Bundle, facts: FactLookup): { group: AlternativeGroup; chosen: string[] }[] {
  const out: { group: AlternativeGroup; chosen: string[] }[] = [];
  for (const group of bundle.alternatives ?? []) {
    const chosen = compiledOf(bundle)
      .filter((c) => c.group === group && c.test(facts))
      .map((c) => c.option.item);
    if (chosen.length !== 1) out.push({ group, chosen });
  }
  return out;
}

/** The finite set of answers of an element, or null when it has none (free text, numbers…). */
export function finiteDomain(schema: JsonSchema): readonly unknown[] | null {
  if (schema.type === 'boolean') return [true, false];
  if (Array.isArray(schema.enum)) return schema.enum as unknown[];
  if (Array.isArray(schema.oneOf)) {
    const consts = (schema.oneOf as Raw[]).map((o) => asRaw(o));
    if (consts.every((o) => Object.hasOwn(o, 'const'))) return consts.map((o) => o.const);
  }
  if (Object.hasOwn(schema, 'const')) return [schema.const];
  return null;
}

export const MAX_ANSWER_SETS = 100_000;

export type AlternativeFinding =
  | { readonly kind: 'unbounded'; readonly option: AlternativeOption; readonly at: readonly (string | number)[]; readonly fact: string; readonly why: string }
  | { readonly kind: 'unasked'; readonly option: AlternativeOption; readonly at: readonly (string | number)[]; readonly fact: string }
  | { readonly kind: 'too-many'; readonly group: AlternativeGroup; readonly count: number }
  | { readonly kind: 'coverage'; readonly group: AlternativeGroup; readonly answers: Readonly<Record<string, unknown>>; readonly chosen: readonly string[] };

/**
 * Proves a group chooses exactly one option for every reachable answer set, or says why it
 * cannot (a fact with unbounded answers, a fact not asked by the bundle) or where it fails (the
 * first answer set choosing none or several).
 */
export function proveGroup(bundle: Bundle, catalogue: Catalogue, group: AlternativeGroup): AlternativeFinding[] {
  const findings: AlternativeFinding[] = [];
  const domains = new Map<string, readonly unknown[]>();
  const questions = new Set(bundle.questions.map((q) => q.ref));
  for (const option of group.options) {
    if (!option.when) continue;
    for (const use of factsOf(option.when)) {
      const el = catalogue.elements.get(use.fact);
      if (!el) continue; // unknown facts are lint's unknown-fact
      if (use.path !== undefined) {
        findings.push({ kind: 'unbounded', option, at: use.at, fact: use.fact, why: 'a path into the value has no finite set of answers' });
        continue;
      }
      const domain = finiteDomain(el.schema);
      if (domain === null) {
        findings.push({ kind: 'unbounded', option, at: use.at, fact: use.fact, why: 'its answers are not a finite list (a boolean, an enum or labelled oneOf choices)' });
        continue;
      }
      if (!questions.has(use.fact)) {
        findings.push({ kind: 'unasked', option, at: use.at, fact: use.fact });
        continue;
      }
      domains.set(use.fact, domain);
    }
  }
  if (findings.length > 0) return findings;
  const facts = [...domains.keys()];
  const count = facts.reduce((n, f) => n * (domains.get(f)?.length ?? 1), 1);
  if (count > MAX_ANSWER_SETS) return [{ kind: 'too-many', group, count }];
  // Ineligible rules reading only these facts rule answer sets out.
  const blockers = bundle.rules
    .filter((r) => r.event.type === 'ineligible' && factsOf(r.conditions).every((u) => domains.has(u.fact) && u.path === undefined))
    .map((r) => compileCondition(r.conditions));
  const tests = group.options.filter((o) => o.when).map((o) => ({ item: o.item, test: compileCondition(o.when) }));
  const answers: Record<string, unknown> = {};
  const lookup: FactLookup = (id) => answers[id];
  const walk = (i: number): AlternativeFinding | null => {
    if (i === facts.length) {
      if (blockers.some((b) => b(lookup))) return null;
      const chosen = tests.filter((t) => t.test(lookup)).map((t) => t.item);
      return chosen.length === 1 ? null : { kind: 'coverage', group, answers: { ...answers }, chosen };
    }
    const fact = facts[i] as string;
    for (const value of domains.get(fact) ?? []) {
      answers[fact] = value;
      const found = walk(i + 1);
      if (found) return found;
    }
    return null;
  };
  const failure = walk(0);
  return failure ? [failure] : [];
}
