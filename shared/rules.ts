// json-rules-engine, the reference implementation of the rule format.
//
// The engine's own evaluation stays available for two reasons: it is the oracle that
// shared/condition.ts is tested against, and a server may re-run a bundle's rules through it
// when it wants the upstream library's verdict. It is asynchronous and slower, so compose,
// evaluate and the browser use the synchronous evaluator.
import { Engine } from 'json-rules-engine';
import type { RuleProperties } from 'json-rules-engine';
import type { Rule, RuleEvent, TopLevelCondition } from './model.js';

export type FactValues = Readonly<Record<string, unknown>>;

function engineFor(rules: readonly { name: string; priority?: number; conditions: TopLevelCondition; event: RuleEvent | { type: string } }[]): Engine {
  // allowUndefinedFacts: an unanswered question is `undefined`, not an error.
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const r of rules) {
    // The engine's types describe conditions more loosely than ours; the shapes are the same
    // json documents, and the JSON round trip keeps the engine from touching our objects.
    engine.addRule(JSON.parse(JSON.stringify({ name: r.name, priority: r.priority ?? 1, conditions: r.conditions, event: r.event })) as RuleProperties);
  }
  return engine;
}

function definedFacts(facts: FactValues): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) if (v !== undefined) out[k] = v;
  return out;
}

/** Names of the rules whose conditions hold, in the bundle's order. */
export async function firingRules(rules: readonly Rule[], facts: FactValues): Promise<string[]> {
  const engine = engineFor(rules);
  const { results } = await engine.run(definedFacts(facts));
  const fired = new Set(results.map((r) => r.name));
  return rules.map((r) => r.name).filter((n) => fired.has(n));
}

/** One condition through the engine: a throwaway rule with a marker event. */
export async function engineCondition(condition: TopLevelCondition, facts: FactValues): Promise<boolean> {
  const engine = engineFor([{ name: 'condition', conditions: condition, event: { type: 'holds' } }]);
  const { events } = await engine.run(definedFacts(facts));
  return events.length > 0;
}
