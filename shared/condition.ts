// A synchronous evaluator of json-rules-engine's condition format.
//
// Why not json-rules-engine itself on the hot path: it is promise-based (every condition is a
// microtask), so evaluate() could not be synchronous, which is what keeps live evaluation in
// the browser simple (re-run on every keystroke, no stale results). Speed was the other
// concern: the stack notes measured ~650–1,200 runs/s for 20 rules; on our small rule sets the
// engine does better (`npm run bench`: ~9,000–18,000 runs/s for the newborn's five rules
// alone), but a whole synchronous evaluate (rules, material conditions and dispositions) runs
// at 15,000–30,000/s. The FORMAT stays json-rules-engine's, and the tests prove this evaluator
// agrees with the real engine (shared/rules.ts): test/engine/condition.test.ts on every rule and
// condition of the shipped bundles and on the engine's own cases, condition-fuzz.test.ts on
// thousands of random conditions that lint accepts.
//
// Semantics copied from json-rules-engine 7.3:
// - an unknown or unanswered fact is `undefined` (the engine runs with allowUndefinedFacts);
// - `path` applies only when the fact value is a non-null object, otherwise the value itself;
// - `value: {fact: id}` compares with another fact;
// - operators keep the engine's fact-value validators (lessThan & co. require something
//   parseFloat accepts, contains/doesNotContain an array), so `undefined < 3` is false;
// - decorators (`not:`, `someFact:`, `everyFact:`, `someValue:`, `everyValue:`, `swap:`);
// - `all: []` and `any: []` are both true; `any` wins over `all` over `not` when several are
//   present (the schema forbids that anyway).
// Where the engine would throw (e.g. `in` against a non-array), this returns false instead:
// lint rejects such conditions (condition-check.ts), and a live form must not crash on them.
import type { Condition, FactCondition, TopLevelCondition } from './model.js';

export type FactLookup = (factId: string) => unknown;
export type CompiledCondition = (facts: FactLookup) => boolean;

type Evaluator = (factValue: unknown, compareTo: unknown) => boolean;
interface Operator {
  readonly validate: (factValue: unknown) => boolean;
  readonly cb: Evaluator;
}

const always = (): boolean => true;
const isNumberLike = (v: unknown): boolean => Number.parseFloat(v as string).toString() !== 'NaN';
const indexOf = (haystack: unknown, needle: unknown): number =>
  Array.isArray(haystack) || typeof haystack === 'string' ? (haystack as unknown[]).indexOf(needle) : Number.NaN;
// Comparison of unknowns the way JavaScript's `<` does it for the engine.
type Comparable = number | string;

const BASE: Readonly<Record<string, Operator>> = {
  equal: { validate: always, cb: (a, b) => a === b },
  notEqual: { validate: always, cb: (a, b) => a !== b },
  in: { validate: always, cb: (a, b) => indexOf(b, a) > -1 },
  notIn: { validate: always, cb: (a, b) => indexOf(b, a) === -1 },
  contains: { validate: Array.isArray, cb: (a, b) => (a as unknown[]).indexOf(b) > -1 },
  doesNotContain: { validate: Array.isArray, cb: (a, b) => (a as unknown[]).indexOf(b) === -1 },
  lessThan: { validate: isNumberLike, cb: (a, b) => (a as Comparable) < (b as Comparable) },
  lessThanInclusive: { validate: isNumberLike, cb: (a, b) => (a as Comparable) <= (b as Comparable) },
  greaterThan: { validate: isNumberLike, cb: (a, b) => (a as Comparable) > (b as Comparable) },
  greaterThanInclusive: { validate: isNumberLike, cb: (a, b) => (a as Comparable) >= (b as Comparable) },
};

export const OPERATOR_NAMES: readonly string[] = Object.keys(BASE);

type Decorator = { readonly validate: (factValue: unknown) => boolean; readonly cb: (a: unknown, b: unknown, next: Evaluator) => boolean };
const DECORATORS: Readonly<Record<string, Decorator>> = {
  someFact: { validate: Array.isArray, cb: (a, b, next) => (a as unknown[]).some((fv) => next(fv, b)) },
  someValue: { validate: always, cb: (a, b, next) => Array.isArray(b) && b.some((jv) => next(a, jv)) },
  everyFact: { validate: Array.isArray, cb: (a, b, next) => (a as unknown[]).every((fv) => next(fv, b)) },
  everyValue: { validate: always, cb: (a, b, next) => Array.isArray(b) && b.every((jv) => next(a, jv)) },
  swap: { validate: always, cb: (a, b, next) => next(b, a) },
  not: { validate: always, cb: (a, b, next) => !next(a, b) },
};

/** The evaluator of `not:someFact:equal`-style names; null when a part is unknown. */
export function resolveOperator(name: string): Evaluator | null {
  const parts = name.split(':');
  const baseName = parts.pop() ?? '';
  const base = Object.hasOwn(BASE, baseName) ? BASE[baseName] : undefined;
  if (!base) return null;
  let op: Evaluator = (a, b) => base.validate(a) && base.cb(a, b);
  // Decorators apply innermost-last, as the engine's OperatorMap does.
  for (let i = parts.length - 1; i >= 0; i--) {
    const name = parts[i] ?? '';
    const dec = Object.hasOwn(DECORATORS, name) ? DECORATORS[name] : undefined;
    if (!dec) return null;
    const next = op;
    op = (a, b) => dec.validate(a) && dec.cb(a, b, next);
  }
  return op;
}

// ---------------------------------------------------------------------------------------------
// Paths: the subset of JSONPath that means the same to jsonpath-plus (the engine's resolver)
// and to this walk. Keys are restricted so that none is JSONPath syntax: jsonpath-plus reads
// `$.$`, `$['*']`, `$['..']`, `$['a,b']`, `$['1:2']`, `$['@string()']` … as operators even in
// quotes, and `$['a.b']`, `$['~']`, `$['%@%']` are rewritten by its tokenizer.

const PATH_RE = /^\$(?:\.[A-Za-z_][\w]*|\[\d+\]|\['[\p{L}\p{N}_-]+'\])*$/u;
const PATH_PART_RE = /\.([A-Za-z_][\w]*)|\[(\d+)\]|\['([\p{L}\p{N}_-]+)'\]/gu;

export function isSupportedPath(path: string): boolean {
  return PATH_RE.test(path);
}

function compilePath(path: string): (value: unknown) => unknown {
  if (!isSupportedPath(path)) return () => undefined;
  const parts: string[] = [];
  for (const m of path.slice(1).matchAll(PATH_PART_RE)) parts.push(m[1] ?? m[2] ?? m[3] ?? '');
  return (value) => {
    let v: unknown = value;
    for (const p of parts) {
      // jsonpath-plus follows a key when `val && Object.hasOwn(val, key)`: so into a non-empty
      // string too (`$.s.length`, `$.s[0]`), but not into '', 0 or false.
      if (!v || !Object.hasOwn(v as object, p)) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

// ---------------------------------------------------------------------------------------------

function isFactCondition(c: Condition): c is FactCondition {
  return Object.hasOwn(c, 'fact');
}

function compileFactRead(fact: string, path: string | undefined): (facts: FactLookup) => unknown {
  if (path === undefined || path === '') return (facts) => facts(fact);
  const resolve = compilePath(path);
  return (facts) => {
    const v = facts(fact);
    return v !== null && typeof v === 'object' ? resolve(v) : v;
  };
}

function compileNode(c: Condition): CompiledCondition {
  if (isFactCondition(c)) {
    const op = resolveOperator(c.operator);
    if (!op) return () => false;
    const left = compileFactRead(c.fact, c.path);
    const v = c.value;
    if (v !== null && typeof v === 'object' && Object.hasOwn(v, 'fact')) {
      const ref = v as { fact: string; path?: string };
      const right = compileFactRead(ref.fact, ref.path);
      return (facts) => op(left(facts), right(facts));
    }
    return (facts) => op(left(facts), v);
  }
  if ('any' in c && Array.isArray(c.any)) {
    const parts = c.any.map(compileNode);
    return (facts) => parts.length === 0 || parts.some((p) => p(facts));
  }
  if ('all' in c && Array.isArray(c.all)) {
    const parts = c.all.map(compileNode);
    return (facts) => parts.every((p) => p(facts));
  }
  if ('not' in c && c.not !== undefined) {
    const inner = compileNode(c.not);
    return (facts) => !inner(facts);
  }
  return () => false;
}

const cache = new WeakMap<object, CompiledCondition>();

/** Compiles once per condition object; later calls are a WeakMap lookup. */
export function compileCondition(condition: TopLevelCondition): CompiledCondition {
  let compiled = cache.get(condition);
  if (!compiled) {
    compiled = compileNode(condition);
    cache.set(condition, compiled);
  }
  return compiled;
}

export function evaluateCondition(condition: TopLevelCondition, facts: FactLookup): boolean {
  return compileCondition(condition)(facts);
}

export interface FactUse {
  readonly fact: string;
  readonly path?: string;
  /** Path from the condition root to the object naming the fact (for positions). */
  readonly at: readonly (string | number)[];
  readonly operator?: string;
  readonly value?: unknown;
}

/** Every fact a condition reads, with where it is written, for lint. */
export function factsOf(condition: Condition, at: readonly (string | number)[] = []): FactUse[] {
  const out: FactUse[] = [];
  const walk = (c: Condition, here: readonly (string | number)[]): void => {
    if (c === null || typeof c !== 'object') return;
    if (isFactCondition(c)) {
      out.push({ fact: c.fact, ...(c.path !== undefined ? { path: c.path } : {}), at: here, operator: c.operator, value: c.value });
      const v = c.value;
      if (v !== null && typeof v === 'object' && Object.hasOwn(v, 'fact')) {
        const ref = v as { fact: unknown; path?: unknown };
        if (typeof ref.fact === 'string') {
          out.push({ fact: ref.fact, ...(typeof ref.path === 'string' ? { path: ref.path } : {}), at: [...here, 'value'] });
        }
      }
      return;
    }
    if ('all' in c && Array.isArray(c.all)) c.all.forEach((s, i) => walk(s, [...here, 'all', i]));
    if ('any' in c && Array.isArray(c.any)) c.any.forEach((s, i) => walk(s, [...here, 'any', i]));
    if ('not' in c && c.not !== undefined) walk(c.not, [...here, 'not']);
  };
  walk(condition, at);
  return out;
}
