// What a condition must look like for json-rules-engine 7.3 to evaluate it for every answer set.
//
// The engine throws, rather than answering false, when an operator meets a value it cannot
// handle: `in`/`notIn` call `value.indexOf`, `someValue:`/`everyValue:` call `value.some`/`every`.
// A fact's value is never known in advance (an unanswered question is `undefined`), so a list
// must be a literal wherever the engine needs one: never the value of another fact (`{fact}`),
// and never the fact itself moved there by `swap:`. The evaluator (condition.ts) answers false
// where the engine would throw, so everything refused here is also where the two could differ;
// test/engine/condition-fuzz.test.ts checks that nothing accepted here does.
import { isSupportedPath, resolveOperator } from './condition.js';
import type { Condition } from './model.js';

export interface ConditionProblem {
  /** From the condition root to the offending key, for positions. */
  readonly at: readonly (string | number)[];
  readonly message: string;
}

const PATH_HINT = 'write $.a.b or $.a[0] (keys: letters, digits, _ and -)';

/** One side of an operator as far as lint can know it: a literal, or some fact's value. */
type Side = { readonly known: true; readonly value: unknown } | { readonly known: false; readonly fact: string };

const isRef = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && Object.hasOwn(v, 'fact');

function unknownList(operator: string, part: string, side: { fact: string }): string {
  return `operator "${operator}": ${part} needs a list, but gets the value of fact "${side.fact}", which may be unanswered or not a list (json-rules-engine fails on it); write the list as value`;
}

/**
 * Why the engine could throw for `operator` (decorators outermost first, the base last) with
 * fact side `a` and value side `b`; null when it cannot. Mirrors the engine's decorators:
 * someFact/everyFact only run on an array fact (their validator), someValue/everyValue iterate
 * the value unguarded, swap exchanges the sides.
 */
function whyThrows(operator: string, chain: readonly string[], a: Side, b: Side): string | null {
  const [head, ...rest] = chain;
  if (rest.length === 0) {
    if (head !== 'in' && head !== 'notIn') return null;
    if (!b.known) return unknownList(operator, `"${head}"`, b);
    return Array.isArray(b.value) ? null : `operator "${operator}" needs a list as value`;
  }
  switch (head) {
    case 'not':
      return whyThrows(operator, rest, a, b);
    case 'swap':
      return whyThrows(operator, rest, b, a);
    case 'someFact':
    case 'everyFact': {
      if (!a.known) return whyThrows(operator, rest, a, b);
      if (!Array.isArray(a.value)) return null;
      for (const v of a.value as unknown[]) {
        const why = whyThrows(operator, rest, { known: true, value: v }, b);
        if (why) return why;
      }
      return null;
    }
    case 'someValue':
    case 'everyValue': {
      if (!b.known) return unknownList(operator, `"${head}:"`, b);
      if (!Array.isArray(b.value)) return `operator "${operator}": "${head}:" needs a list as value`;
      for (const v of b.value as unknown[]) {
        const why = whyThrows(operator, rest, a, { known: true, value: v });
        if (why) return why;
      }
      return null;
    }
    default:
      return null;
  }
}

/** Every reason json-rules-engine could not evaluate this condition; empty when it always can. */
export function conditionProblems(condition: Condition): ConditionProblem[] {
  const out: ConditionProblem[] = [];
  const walk = (c: Condition, here: readonly (string | number)[]): void => {
    if (c === null || typeof c !== 'object') return;
    if (Object.hasOwn(c, 'fact')) {
      const f = c as { fact: unknown; operator?: unknown; value?: unknown; path?: unknown };
      if (f.path !== undefined && (typeof f.path !== 'string' || !isSupportedPath(f.path))) {
        out.push({ at: [...here, 'path'], message: `path ${JSON.stringify(f.path)} is not supported; ${PATH_HINT}` });
      }
      let b: Side = { known: true, value: f.value };
      if (isRef(f.value)) {
        const ref = f.value;
        if (typeof ref.fact !== 'string' || ref.fact === '') {
          out.push({ at: [...here, 'value', 'fact'], message: `value {fact: …} must name a fact, not ${JSON.stringify(ref.fact)}` });
        }
        if (ref.path !== undefined && (typeof ref.path !== 'string' || !isSupportedPath(ref.path))) {
          out.push({ at: [...here, 'value', 'path'], message: `path ${JSON.stringify(ref.path)} is not supported; ${PATH_HINT}` });
        }
        b = { known: false, fact: String(ref.fact) };
      }
      if (typeof f.operator !== 'string') return;
      if (resolveOperator(f.operator) === null) {
        out.push({ at: [...here, 'operator'], message: `unknown operator "${f.operator}"` });
        return;
      }
      const why = whyThrows(f.operator, f.operator.split(':'), { known: false, fact: String(f.fact) }, b);
      if (why) out.push({ at: [...here, 'value'], message: why });
      return;
    }
    if ('all' in c && Array.isArray(c.all)) c.all.forEach((s, i) => walk(s, [...here, 'all', i]));
    if ('any' in c && Array.isArray(c.any)) c.any.forEach((s, i) => walk(s, [...here, 'any', i]));
    if ('not' in c && c.not !== undefined) walk(c.not, [...here, 'not']);
  };
  walk(condition, []);
  return out;
}
