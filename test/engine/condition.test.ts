// The synchronous evaluator (shared/condition.ts) must agree with json-rules-engine itself,
// the reference, on every rule and every material condition of the shipped bundles, for the
// bundles' example answers and for a few hundred generated answer sets per bundle.
import { describe, expect, it } from 'vitest';
import { compileCondition, evaluateCondition, factsOf } from '../../shared/condition.js';
import { conditionProblems } from '../../shared/condition-check.js';
import { evaluate } from '../../shared/evaluate.js';
import type { Answers, Bundle, JsonSchema, Profile, TopLevelCondition } from '../../shared/model.js';
import { engineCondition, firingRules } from '../../shared/rules.js';
import { rng, scenarios } from './support.js';

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

// json-rules-engine's own test cases (test/condition.test.js, engine-operator-map.test.js,
// engine-fact-comparison.test.js, engine-not.test.js, engine-all/any.test.js of the
// CacheControl/json-rules-engine repository) and the decorator examples of its documentation,
// as a table: facts, condition, the engine's documented answer. `inScope: false` marks what the
// format of our scenarios leaves out (JSONPath wildcards, paths without `$`): lint refuses those.
describe("json-rules-engine's own cases", () => {
  type Case = { name: string; facts: Record<string, unknown>; condition: TopLevelCondition; expected: boolean; inScope?: false };
  const fc = (fact: string, operator: string, value: unknown, path?: string): TopLevelCondition => ({
    all: [{ fact, operator, value, ...(path !== undefined ? { path } : {}) }],
  });
  const table: Case[] = [
    { name: 'equal 50 = 50', facts: { age: 50 }, condition: fc('age', 'equal', 50), expected: true },
    { name: 'equal 5 ≠ 50', facts: { age: 5 }, condition: fc('age', 'equal', 50), expected: false },
    { name: 'notEqual 50', facts: { age: 50 }, condition: fc('age', 'notEqual', 50), expected: false },
    { name: 'notEqual 5', facts: { age: 5 }, condition: fc('age', 'notEqual', 50), expected: true },
    { name: 'in [5,10,15,20] with 15', facts: { age: 15 }, condition: fc('age', 'in', [5, 10, 15, 20]), expected: true },
    { name: 'in [5,10,15,20] with 99', facts: { age: 99 }, condition: fc('age', 'in', [5, 10, 15, 20]), expected: false },
    { name: 'notIn with 15', facts: { age: 15 }, condition: fc('age', 'notIn', [5, 10, 15, 20]), expected: false },
    { name: 'notIn with 99', facts: { age: 99 }, condition: fc('age', 'notIn', [5, 10, 15, 20]), expected: true },
    { name: 'contains 10 in [5,10,15]', facts: { age: [5, 10, 15] }, condition: fc('age', 'contains', 10), expected: true },
    { name: 'contains 10 in [1,2,3]', facts: { age: [1, 2, 3] }, condition: fc('age', 'contains', 10), expected: false },
    { name: 'doesNotContain 10 in [5,10,15]', facts: { age: [5, 10, 15] }, condition: fc('age', 'doesNotContain', 10), expected: false },
    { name: 'doesNotContain 10 in [1,2,3]', facts: { age: [1, 2, 3] }, condition: fc('age', 'doesNotContain', 10), expected: true },
    ...([
      ['lessThan', 49, true],
      ['lessThan', 50, false],
      ['lessThan', 51, false],
      ['lessThanInclusive', 49, true],
      ['lessThanInclusive', 50, true],
      ['lessThanInclusive', 51, false],
      ['greaterThan', 51, true],
      ['greaterThan', 49, false],
      ['greaterThan', 50, false],
      ['greaterThanInclusive', 51, true],
      ['greaterThanInclusive', 50, true],
      ['greaterThanInclusive', 49, false],
    ] as const).map(([op, age, expected]) => ({ name: `${op} 50 with ${age}`, facts: { age }, condition: fc('age', op, 50), expected })),
    { name: 'contains on null is false', facts: { age: null }, condition: fc('age', 'contains', 50), expected: false },
    { name: 'doesNotContain on null is false', facts: { age: null }, condition: fc('age', 'doesNotContain', 50), expected: false },
    ...['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'].map((op) => ({ name: `${op} on null is false`, facts: { age: null }, condition: fc('age', op, 50), expected: false })),
    { name: 'lessThan on a non-number is false', facts: { age: 'non-number' }, condition: fc('age', 'lessThan', 50), expected: false },
    { name: 'lessThan on [] is false', facts: { age: [] }, condition: fc('age', 'lessThan', 50), expected: false },
    { name: 'lessThan on {} is false', facts: { age: {} }, condition: fc('age', 'lessThan', 50), expected: false },
    { name: 'path into an array fact', facts: { age: [{ id: 50 }, { id: 60 }] }, condition: fc('age', 'equal', 50, '$[0].id'), expected: true },
    { name: 'path into an array fact, negative', facts: { age: [{ id: 50 }, { id: 60 }] }, condition: fc('age', 'equal', 100, '$[0].id'), expected: false },
    { name: 'path ignored for a non-object fact', facts: { age: 50 }, condition: fc('age', 'equal', 50, '$[0].id'), expected: true },
    { name: 'path ignored for a non-object fact, negative', facts: { age: 50 }, condition: fc('age', 'equal', 100, '$[0].id'), expected: false },
    { name: "the engine's own path '$.[0].id'", facts: { age: [{ id: 50 }] }, condition: fc('age', 'equal', 50, '$.[0].id'), expected: true, inScope: false },
    { name: 'JSONPath wildcard', facts: { users: { phoneNumbers: [{ type: 'iPhone' }, { type: 'home' }] } }, condition: fc('users', 'contains', 'iPhone', '$.phoneNumbers[*].type'), expected: true, inScope: false },
    { name: 'fact to fact: 1 ≤ 2', facts: { height: 1, width: 2 }, condition: fc('height', 'lessThanInclusive', { fact: 'width' }), expected: true },
    { name: 'fact to fact: 2 ≤ 1', facts: { height: 2, width: 1 }, condition: fc('height', 'lessThanInclusive', { fact: 'width' }), expected: false },
    { name: 'fact to fact with paths', facts: { w: { feet: 20 }, h: { meters: 20 } }, condition: fc('w', 'equal', { fact: 'h', path: '$.meters' }, '$.feet'), expected: true },
    { name: 'fact to fact with paths, negative', facts: { w: { feet: 18 }, h: { meters: 20 } }, condition: fc('w', 'equal', { fact: 'h', path: '$.meters' }, '$.feet'), expected: false },
    { name: "fact to fact without '$'", facts: { w: { feet: 20 }, h: { meters: 20 } }, condition: fc('w', 'equal', { fact: 'h', path: '.meters' }, '.feet'), expected: true, inScope: false },
    { name: 'everyFact:someValue:not:greaterThanInclusive odds vs evens', facts: { odds: [1, 3, 5, 7] }, condition: fc('odds', 'everyFact:someValue:not:greaterThanInclusive', [2, 4, 6, 8]), expected: true },
    { name: 'swap:contains', facts: { n: 1 }, condition: fc('n', 'swap:contains', [1, 2, 3]), expected: true },
    { name: 'everyValue:lessThan 25', facts: { p: { age: 25 } }, condition: fc('p', 'everyValue:lessThan', [30, 40, 50], '$.age'), expected: true },
    { name: 'everyValue:lessThan 35', facts: { p: { age: 35 } }, condition: fc('p', 'everyValue:lessThan', [30, 40, 50], '$.age'), expected: false },
    { name: 'someValue:equal pending', facts: { p: { status: 'pending' } }, condition: fc('p', 'someValue:equal', ['active', 'pending', 'approved'], '$.status'), expected: true },
    { name: 'someValue:equal rejected', facts: { p: { status: 'rejected' } }, condition: fc('p', 'someValue:equal', ['active', 'pending', 'approved'], '$.status'), expected: false },
    { name: 'everyFact:someValue:equal all allowed', facts: { p: { tags: ['a', 'c', 'b'] } }, condition: fc('p', 'everyFact:someValue:equal', ['a', 'b', 'c'], '$.tags'), expected: true },
    { name: 'everyFact:someValue:equal one not allowed', facts: { p: { tags: ['a', 'd', 'b'] } }, condition: fc('p', 'everyFact:someValue:equal', ['a', 'b', 'c'], '$.tags'), expected: false },
    { name: 'someFact:everyValue:greaterThan', facts: { p: { scores: [5, 15, 50] } }, condition: fc('p', 'someFact:everyValue:greaterThan', [10, 20, 30], '$.scores'), expected: true },
    { name: 'someFact:everyValue:greaterThan, negative', facts: { p: { scores: [5, 15, 25] } }, condition: fc('p', 'someFact:everyValue:greaterThan', [10, 20, 30], '$.scores'), expected: false },
    { name: 'someFact:greaterThan', facts: { s: [60, 70, 80] }, condition: fc('s', 'someFact:greaterThan', 90), expected: false },
    { name: 'everyFact:everyValue:lessThan', facts: { s: [10, 20, 30] }, condition: fc('s', 'everyFact:everyValue:lessThan', [100, 200, 300]), expected: true },
    { name: 'someFact:someValue:equal', facts: { s: ['basic', 'trial', 'vip'] }, condition: fc('s', 'someFact:someValue:equal', ['premium', 'vip']), expected: true },
    { name: 'someFact on a non-array fact is false', facts: { s: 'vip' }, condition: fc('s', 'someFact:equal', 'vip'), expected: false },
    { name: 'not: age < 50 with 40', facts: { age: 40 }, condition: { not: { fact: 'age', operator: 'lessThan', value: 50 } }, expected: false },
    { name: 'not: age < 50 with 60', facts: { age: 60 }, condition: { not: { fact: 'age', operator: 'lessThan', value: 50 } }, expected: true },
    { name: 'not over any', facts: { age: 60, pts: 5 }, condition: { not: { any: [{ fact: 'age', operator: 'lessThan', value: 50 }, { fact: 'pts', operator: 'greaterThan', value: 10 }] } }, expected: true },
    { name: 'empty all', facts: {}, condition: { all: [] }, expected: true },
    { name: 'empty any', facts: {}, condition: { any: [] }, expected: true },
    { name: 'all: one false', facts: { age: 40, pts: 5 }, condition: { all: [{ fact: 'age', operator: 'lessThan', value: 50 }, { fact: 'pts', operator: 'greaterThan', value: 10 }] }, expected: false },
    { name: 'any: one true', facts: { age: 40, pts: 5 }, condition: { any: [{ fact: 'age', operator: 'lessThan', value: 50 }, { fact: 'pts', operator: 'greaterThan', value: 10 }] }, expected: true },
    { name: 'nested all/any', facts: { age: 40, pts: 1000, gender: 'male', income: 60000 }, condition: { all: [{ fact: 'age', operator: 'lessThan', value: 45 }, { fact: 'pts', operator: 'greaterThanInclusive', value: 1000 }, { any: [{ fact: 'gender', operator: 'equal', value: 'female' }, { fact: 'income', operator: 'greaterThanInclusive', value: 50000 }] }] }, expected: true },
    { name: 'undefined fact (allowUndefinedFacts): notEqual', facts: {}, condition: fc('age', 'notEqual', 50), expected: true },
    { name: 'undefined fact: lessThan is false', facts: {}, condition: fc('age', 'lessThan', 50), expected: false },
    { name: 'undefined fact: notIn', facts: {}, condition: fc('age', 'notIn', [50]), expected: true },
    { name: 'two undefined facts are equal', facts: {}, condition: fc('age', 'equal', { fact: 'width' }), expected: true },
    // engine-all.test.js / engine-not.test.js
    ...([
      [10, true],
      [65, false],
    ] as const).map(([age, expected]) => ({ name: `single all: ${age} < 50`, facts: { age }, condition: fc('age', 'lessThan', 50), expected })),
    ...([
      [30, true],
      [10, false],
      [65, false],
    ] as const).map(([age, expected]) => ({
      name: `all: 21 < ${age} < 50`,
      facts: { age },
      condition: { all: [{ fact: 'age', operator: 'lessThan', value: 50 }, { fact: 'age', operator: 'greaterThan', value: 21 }] },
      expected,
    })),
    ...([
      [10, true],
      [75, false],
    ] as const).map(([age, expected]) => ({ name: `not: ${age} ≥ 50`, facts: { age }, condition: { not: { fact: 'age', operator: 'greaterThanInclusive', value: 50 } }, expected })),
    // engine-fact.test.js: options.allowUndefinedFacts and path
    ...([
      [14, true],
      [75, false],
    ] as const).map(([age, expected]) => ({
      name: `an undefined fact is falsy in any (age ${age})`,
      facts: { age },
      condition: { any: [{ fact: 'age', operator: 'lessThan', value: 50 }, { fact: 'undefined-fact', operator: 'equal', value: true }] },
      expected,
    })),
    ...([
      [14, true],
      [75, false],
    ] as const).map(([age, expected]) => ({ name: `path $.age (${age})`, facts: { data: { age, address: { zip: '80403' } } }, condition: fc('data', 'lessThan', 50, '$.age'), expected })),
    ...([
      [2011, true],
      [2010, false],
    ] as const).map(([year, expected]) => ({
      name: `path $.address.occupantHistory[0].year = ${year}`,
      facts: { data: { address: { occupantHistory: [{ name: 'Joe', year: 2011 }, { name: 'Jane', year: 2013 }] } } },
      condition: fc('data', 'equal', year, '$.address.occupantHistory[0].year'),
      expected,
    })),
    { name: 'invalid object path reads as undefined', facts: { data: { age: 14 } }, condition: fc('data', 'equal', { fact: 'nothing' }, '$.invalid.object[99].path'), expected: true },
    { name: 'path ignored when the fact is not an object', facts: { data: 14 }, condition: fc('data', 'lessThan', 50, '$.age'), expected: true },
    { name: 'path with runtime fact objects', facts: { x: { y: 1 }, a: 2 }, condition: fc('x', 'equal', 1, '$.y'), expected: true },
    { name: 'path to a key with a dot', facts: { data: { address: { 'dot.property': 'v' } } }, condition: fc('data', 'equal', 'v', "$.address.['dot.property']"), expected: true, inScope: false },
    { name: 'wildcard path extracts an array', facts: { data: { address: { currentOccupants: [{ year: 2020 }] } } }, condition: fc('data', 'contains', 2020, '$.address.currentOccupants[*].year'), expected: true, inScope: false },
  ];

  for (const c of table) {
    it(c.name, async () => {
      expect(await engineCondition(c.condition, c.facts)).toBe(c.expected);
      if (c.inScope === false) {
        expect(conditionProblems(c.condition).map((p) => p.message).join('; ')).toMatch(/path .* is not supported/);
        return;
      }
      expect(conditionProblems(c.condition)).toEqual([]);
      expect(evaluateCondition(c.condition, (f) => c.facts[f])).toBe(c.expected);
    });
  }
});

// What a 2,000-condition differential fuzz found before condition-check.ts: each is refused by
// lint now (the engine throws on it), or evaluated as the engine does.
describe('conditions the engine cannot evaluate are refused', () => {
  const refused: [string, TopLevelCondition, RegExp][] = [
    ['someValue: with a scalar', { all: [{ fact: 'a', operator: 'someValue:equal', value: 3 }] }, /"someValue:" needs a list as value/],
    ['everyValue: with a fact reference', { all: [{ fact: 'a', operator: 'everyValue:equal', value: { fact: 'b' } }] }, /gets the value of fact "b"/],
    ['swap:in', { all: [{ fact: 'a', operator: 'swap:in', value: ['x'] }] }, /gets the value of fact "a"/],
    ['in against a fact reference', { all: [{ fact: 'a', operator: 'in', value: { fact: 'b' } }] }, /"in" needs a list, but gets the value of fact "b"/],
    ['not:in against a fact reference', { all: [{ fact: 'a', operator: 'not:in', value: { fact: 'b' } }] }, /gets the value of fact "b"/],
    ['someValue:in with a list of scalars', { all: [{ fact: 'a', operator: 'someValue:in', value: [1, 2] }] }, /needs a list as value/],
    ["$['*']", { all: [{ fact: 'a', path: "$['*']", operator: 'equal', value: 1 }] }, /not supported/],
    ['$.$', { all: [{ fact: 'a', path: '$.$', operator: 'equal', value: 1 }] }, /not supported/],
    ["$['..']", { all: [{ fact: 'a', path: "$['..']", operator: 'equal', value: 1 }] }, /not supported/],
    ["$['a.b']", { all: [{ fact: 'a', operator: 'equal', value: { fact: 'b', path: "$['a.b']" } }] }, /not supported/],
    ['a reference naming no fact', { all: [{ fact: 'a', operator: 'equal', value: { fact: 3 } }] }, /must name a fact/],
    ['a reference with a non-string path', { all: [{ fact: 'a', operator: 'equal', value: { fact: 'b', path: 5 } }] }, /not supported/],
    ['an unknown operator', { all: [{ fact: 'a', operator: 'startsWith', value: 'x' }] }, /unknown operator/],
  ];
  for (const [name, condition, message] of refused) {
    it(name, async () => {
      expect(conditionProblems(condition).map((p) => p.message).join('; ')).toMatch(message);
    });
  }

  it('the engine does throw on them when a fact is unanswered', async () => {
    for (const [, condition] of refused.slice(0, 5)) await expect(engineCondition(condition, { a: 1 })).rejects.toThrow();
  });

  it('still accepted: in with a list, swap:contains, someFact:in, someValue:in with lists, everyValue: with an empty list', () => {
    for (const operator of ['in', 'not:notIn', 'swap:contains', 'someFact:in', 'everyFact:not:in']) {
      expect(conditionProblems({ all: [{ fact: 'a', operator, value: [1, 2] }] })).toEqual([]);
    }
    expect(conditionProblems({ all: [{ fact: 'a', operator: 'someValue:in', value: [[1], ['x']] }] })).toEqual([]);
    expect(conditionProblems({ all: [{ fact: 'a', operator: 'everyValue:equal', value: [] }] })).toEqual([]);
  });

  it('a path into a string reads as the engine reads it', async () => {
    const facts = { o: { s: 'abc', e: '' } };
    for (const [path, value] of [
      ['$.s.length', 3],
      ['$.s[0]', 'a'],
      ["$['s']['1']", 'b'],
      ['$.e.length', undefined],
    ] as const) {
      const condition: TopLevelCondition = { all: [{ fact: 'o', path, operator: 'equal', value: value ?? null }] };
      expect(conditionProblems(condition)).toEqual([]);
      expect(evaluateCondition(condition, (f) => (f === 'o' ? facts.o : undefined))).toBe(await engineCondition(condition, facts));
      expect(evaluateCondition(condition, (f) => (f === 'o' ? facts.o : undefined))).toBe(value !== undefined);
    }
  });
});
