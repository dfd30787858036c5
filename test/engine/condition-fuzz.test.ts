// Differential fuzz: thousands of random conditions and fact sets within the condition
// grammar. Whatever lint accepts (the JSON Schema editors use, then condition-check.ts), the
// synchronous evaluator and json-rules-engine 7.3 answer alike, and the engine never throws.
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import conditionSchema from '../../scenarios/schema/condition.schema.json' with { type: 'json' };
import { evaluateCondition } from '../../shared/condition.js';
import { conditionProblems } from '../../shared/condition-check.js';
import type { TopLevelCondition } from '../../shared/model.js';
import { engineCondition } from '../../shared/rules.js';
import { rng } from './support.js';

// Conditions are generated until this many pass lint (about half do); the cap keeps a broken
// generator from looping.
const ACCEPTED = 2_000;
const CAP = 10_000;
const FACT_SETS = 3;

// The same options as shared/loader.ts, on the definition rules and material conditions use.
const ajv = new Ajv({ allErrors: false, strict: true, strictRequired: false, strictTypes: false });
ajv.addSchema(conditionSchema, 'condition.schema.json');
const schemaAccepts = ajv.compile({ $ref: 'condition.schema.json#/definitions/topLevel' });

const lintAccepts = (c: unknown): boolean => schemaAccepts(c) && conditionProblems(c as TopLevelCondition).length === 0;

const FACTS = ['a', 'b', 's', 'obj', 'list', 'missing', 'profile'];
// Keys that are plain, that JSONPath reads as syntax, or that its tokenizer rewrites.
const KEYS = ['a', 's', 'n', 'list', '0', '1', 'length', 'x-y', '姓名', '*', '$', '..', '@string()', 'a,b', '1:2', '~', 'a.b', '^', ''];
const BASES = ['equal', 'notEqual', 'in', 'notIn', 'contains', 'doesNotContain', 'lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive'];
const DECORATORS = ['not', 'swap', 'someFact', 'everyFact', 'someValue', 'everyValue'];
const SCALARS: unknown[] = [0, 1, 12, -1, 3.5, '12', '12abc', 'x', 'abc', 'a', '', true, false, null];

function generator(seed: number) {
  const random = rng(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const chance = (p: number): boolean => random() < p;

  const segment = (): string => {
    const key = pick(KEYS);
    const r = random();
    if (r < 0.4) return `.${key}`;
    if (r < 0.6) return `[${pick([0, 1, 2, 10])}]`;
    return `['${key}']`;
  };
  const path = (): string => {
    if (chance(0.05)) return pick(['', 'a.b', '$..a', '$[*]', '$.a[-1]', "$['a']['b'", '$.*', '.a']);
    let p = '$';
    const n = Math.floor(random() * 3);
    for (let i = 0; i < n; i++) p += segment();
    return p;
  };

  const factValue = (depth: number): unknown => {
    const r = random();
    if (r < 0.45 || depth > 1) return pick(SCALARS);
    if (r < 0.7) return Array.from({ length: Math.floor(random() * 4) }, () => factValue(depth + 1));
    const o: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 4); i > 0; i--) o[pick(KEYS)] = factValue(depth + 1);
    return o;
  };
  const facts = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of FACTS) if (f !== 'missing' && chance(0.8)) out[f] = factValue(0);
    return out;
  };

  const literal = (depth: number): unknown => {
    const r = random();
    if (r < 0.5 || depth > 1) return pick(SCALARS);
    if (r < 0.9) return Array.from({ length: Math.floor(random() * 4) }, () => literal(depth + 1));
    return { a: 1 };
  };
  const value = (): unknown => {
    const r = random();
    if (r < 0.2) {
      const ref: Record<string, unknown> = { fact: pick(FACTS) };
      if (chance(0.4)) ref.path = path();
      if (chance(0.03)) ref.fact = pick<unknown>([3, null, '']);
      if (chance(0.03)) ref.path = 5;
      return ref;
    }
    return literal(0);
  };
  const operator = (): string => {
    const parts: string[] = [];
    for (let n = Math.floor(random() * 3); n > 0; n--) parts.push(pick(DECORATORS));
    parts.push(chance(0.02) ? 'startsWith' : pick(BASES));
    return parts.join(':');
  };

  const leaf = (): Record<string, unknown> => {
    const c: Record<string, unknown> = { fact: pick(FACTS), operator: operator(), value: value() };
    if (chance(0.35)) c.path = path();
    return c;
  };
  const node = (depth: number): Record<string, unknown> => {
    const r = random();
    if (depth > 0 && (r < 0.6 || depth > 2)) return leaf();
    const kind = depth === 0 ? pick(['all', 'any', 'not']) : pick(['all', 'any', 'not']);
    if (kind === 'not') return { not: node(depth + 1) };
    return { [kind]: Array.from({ length: Math.floor(random() * 4) }, () => node(depth + 1)) };
  };
  return { condition: (): Record<string, unknown> => node(0), facts };
}

describe('random conditions: the evaluator agrees with json-rules-engine wherever lint accepts', () => {
  it(`${ACCEPTED} accepted conditions × ${FACT_SETS} fact sets`, async () => {
    const gen = generator(20_241_203);
    const mismatches: string[] = [];
    let accepted = 0;
    let held = 0;
    let compared = 0;
    let refusedEngineThrows = 0;
    let generated = 0;
    while (accepted < ACCEPTED && generated < CAP) {
      generated++;
      const condition = gen.condition();
      const ok = lintAccepts(condition);
      if (ok) accepted++;
      for (let j = 0; j < FACT_SETS; j++) {
        const facts = gen.facts();
        // The engine gets its own copy, so no object is shared with the condition by accident.
        const engine = await engineCondition(structuredClone(condition) as unknown as TopLevelCondition, structuredClone(facts)).then(
          (r) => ({ r }),
          (e: unknown) => ({ error: e instanceof Error ? e.message : String(e) }),
        );
        if (!ok) {
          if ('error' in engine) refusedEngineThrows++;
          continue;
        }
        const mine = evaluateCondition(condition as unknown as TopLevelCondition, (f) => (Object.hasOwn(facts, f) ? facts[f] : undefined));
        compared++;
        if (mine) held++;
        if ('error' in engine || engine.r !== mine) {
          mismatches.push(`${JSON.stringify(condition)} with ${JSON.stringify(facts)}: engine ${'error' in engine ? `throws ${engine.error}` : engine.r}, evaluator ${mine}`);
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    // The generator reaches both sides of lint and both outcomes.
    expect(accepted).toBe(ACCEPTED);
    expect(generated).toBeGreaterThan(ACCEPTED);
    expect(refusedEngineThrows).toBeGreaterThan(0);
    expect(held).toBeGreaterThan(compared * 0.1);
    expect(held).toBeLessThan(compared * 0.9);
  });
});
