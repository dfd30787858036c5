// The synchronous evaluator (shared/condition.ts) must agree with json-rules-engine itself,
// the reference, on every rule and every material condition of the shipped bundles, for the
// bundles' example answers and for a few hundred generated answer sets per bundle.
import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, factsOf } from '../../shared/condition.js';
import { evaluate } from '../../shared/evaluate.js';
import type { Answers, Bundle, JsonSchema, Profile, TopLevelCondition } from '../../shared/model.js';
import { engineCondition, firingRules } from '../../shared/rules.js';
import { scenarios } from './support.js';

// A small deterministic generator (mulberry32) so a failure reproduces.
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a |= 0;
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Candidate values for a fact: its allowed values, values near every threshold, and junk. */
function pool(schema: JsonSchema | undefined, literals: unknown[]): unknown[] {
  const values: unknown[] = [undefined, null, '', 0, 'x', ...literals];
  if (schema) {
    if (schema.type === 'boolean') values.push(true, false, 'true');
    if (Array.isArray(schema.enum)) values.push(...(schema.enum as unknown[]));
    if (Array.isArray(schema.oneOf)) values.push(...(schema.oneOf as { const: unknown }[]).map((o) => o.const).slice(0, 8));
    if (schema.type === 'integer' || schema.type === 'number') values.push(-1, 1, 11, 12, 13, 36, '12', 12.5);
  }
  for (const l of literals) {
    if (typeof l === 'number') values.push(l - 1, l + 1, String(l));
    if (Array.isArray(l)) values.push(...(l as unknown[]));
  }
  return values;
}

function conditionsOf(b: Bundle): TopLevelCondition[] {
  const { catalogue } = scenarios();
  const out: TopLevelCondition[] = b.rules.map((r) => r.conditions);
  for (const bi of b.items) for (const m of catalogue.items.get(bi.item)?.materials ?? []) if (m.when) out.push(m.when);
  return out;
}

function answerSets(b: Bundle, count: number, seed: number): Answers[] {
  const { catalogue } = scenarios();
  const conditions = conditionsOf(b);
  const facts = new Map<string, unknown[]>();
  for (const c of conditions) {
    for (const u of factsOf(c)) {
      const list = facts.get(u.fact) ?? [];
      if (u.value !== undefined && !(u.value !== null && typeof u.value === 'object' && 'fact' in u.value)) list.push(u.value);
      facts.set(u.fact, list);
    }
  }
  const pools = [...facts].map(([fact, literals]) => [fact, pool(catalogue.elements.get(fact)?.schema, literals)] as const);
  const random = rng(seed);
  const sets: Answers[] = Object.values(b.examples).map((e) => e.answers);
  for (let i = 0; i < count; i++) {
    const answers: Record<string, unknown> = {};
    for (const [fact, values] of pools) {
      const v = values[Math.floor(random() * values.length)];
      if (v !== undefined) answers[fact] = v;
    }
    sets.push(answers);
  }
  return sets;
}

describe('synchronous conditions agree with json-rules-engine', () => {
  for (const id of ['newborn', 'business-startup', 'simple-deregistration', 'unemployment']) {
    it(`every rule and material condition of ${id}`, async () => {
      const { catalogue } = scenarios();
      const b = catalogue.bundles.get(id) as Bundle;
      const conditions = conditionsOf(b);
      expect(conditions.length).toBeGreaterThan(0);
      let compared = 0;
      let held = 0;
      for (const answers of answerSets(b, 150, id.length)) {
        const ev = evaluate(b, catalogue, answers);
        // The engine sees the same facts the evaluation used.
        expect(ev.firedRules).toEqual(await firingRules(b.rules, ev.values));
        for (const c of conditions) {
          const mine = evaluateCondition(c, (f) => ev.values[f]);
          expect(mine).toBe(await engineCondition(c, ev.values));
          compared++;
          if (mine) held++;
        }
      }
      // The generated sets exercise both outcomes.
      expect(held).toBeGreaterThan(0);
      expect(held).toBeLessThan(compared);
    });
  }
});

describe('operator semantics match the engine on edge cases', () => {
  const profile: Profile = { identity: { name: '张三', age: 40 }, archive: [{ code: 'photo' }] };
  const facts: Record<string, unknown> = {
    'a.n': 12,
    'a.s': '12',
    'a.str': 'abc',
    'a.list': ['x', 'y'],
    'a.bool': false,
    'a.null': null,
    'a.obj': { deep: { v: 3 }, arr: [5, 6] },
    'b.n': 12,
    profile,
  };
  const cases: [string, TopLevelCondition][] = [];
  const ops = ['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
  const values: unknown[] = [12, '12', 11, 13, 'x', ['x', 12], [], null, true, false, 'ab', { fact: 'b.n' }, { fact: 'missing' }];
  const factIds = ['a.n', 'a.s', 'a.str', 'a.list', 'a.bool', 'a.null', 'missing'];
  for (const fact of factIds) {
    for (const operator of ops) {
      for (const value of values) {
        // The engine throws for `in`/`notIn` against a non-list; lint forbids those.
        if ((operator === 'in' || operator === 'notIn') && !Array.isArray(value) && typeof value !== 'string' && !(value !== null && typeof value === 'object')) continue;
        if ((operator === 'in' || operator === 'notIn') && value !== null && typeof value === 'object' && !Array.isArray(value)) continue;
        cases.push([`${fact} ${operator} ${JSON.stringify(value)}`, { all: [{ fact, operator, value }] }]);
      }
    }
  }
  cases.push(
    ['path into an object fact', { all: [{ fact: 'a.obj', path: '$.deep.v', operator: 'equal', value: 3 }] }],
    ['path with an index', { all: [{ fact: 'a.obj', path: '$.arr[1]', operator: 'greaterThan', value: 5 }] }],
    ['path on a scalar returns the scalar', { all: [{ fact: 'a.n', path: '$.x', operator: 'equal', value: 12 }] }],
    ['missing path', { all: [{ fact: 'a.obj', path: '$.nope.v', operator: 'equal', value: 3 }] }],
    ['profile fact', { all: [{ fact: 'profile', path: '$.identity.age', operator: 'greaterThanInclusive', value: 40 }] }],
    ['profile with bracket path', { all: [{ fact: 'profile', path: "$['identity']['name']", operator: 'equal', value: '张三' }] }],
    ['not', { not: { fact: 'a.n', operator: 'equal', value: 12 } }],
    ['nested any/all/not', { any: [{ all: [{ fact: 'a.bool', operator: 'equal', value: true }] }, { not: { any: [{ fact: 'a.s', operator: 'equal', value: 12 }] } }] }],
    ['empty all', { all: [] }],
    ['empty any', { any: [] }],
    ['decorator not:', { all: [{ fact: 'a.n', operator: 'not:equal', value: 12 }] }],
    ['decorator someFact:', { all: [{ fact: 'a.list', operator: 'someFact:equal', value: 'y' }] }],
    ['decorator everyFact:', { all: [{ fact: 'a.list', operator: 'everyFact:in', value: ['x', 'y'] }] }],
    ['decorator someValue:', { all: [{ fact: 'a.str', operator: 'someValue:equal', value: ['q', 'abc'] }] }],
    ['decorator everyValue:', { all: [{ fact: 'a.n', operator: 'everyValue:greaterThan', value: [1, 2] }] }],
    ['decorator swap:', { all: [{ fact: 'a.str', operator: 'swap:in', value: ['abc'] }] }],
    ['two decorators', { all: [{ fact: 'a.list', operator: 'not:someFact:equal', value: 'z' }] }],
    ['fact-to-fact with path', { all: [{ fact: 'a.n', operator: 'equal', value: { fact: 'a.obj', path: '$.arr[0]' } }] }],
  );

  for (const [name, condition] of cases) {
    it(name, async () => {
      const expected = await engineCondition(condition, facts);
      expect(compileCondition(condition)((f) => facts[f])).toBe(expected);
    });
  }
});
