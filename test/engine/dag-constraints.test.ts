// The graph and constraint helpers on their own.
import { describe, expect, it } from 'vitest';
import { intersectSchemas } from '../../shared/constraints.js';
import { ancestors, criticalPath, findCycle, restrict, topologicalOrder } from '../../shared/dag.js';

const preds = new Map<string, string[]>([
  ['a', []],
  ['b', ['a']],
  ['c', ['a']],
  ['d', ['b', 'c']],
  ['e', []],
]);
const weight: Record<string, number> = { a: 3, b: 5, c: 1, d: 2, e: 9 };

describe('dag', () => {
  it('orders topologically, taking the first ready node in the given order', () => {
    expect(topologicalOrder(['a', 'b', 'c', 'd', 'e'], preds)).toEqual({ order: ['a', 'b', 'c', 'd', 'e'], cyclic: [] });
  });

  it('finds the critical path by weight', () => {
    // a 3 → b 5 → d 2 = 10, longer than e alone (9)
    expect(criticalPath(['a', 'b', 'c', 'd', 'e'], preds, (n) => weight[n] ?? 0)).toEqual({ length: 10, path: ['a', 'b', 'd'] });
  });

  it('reports a cycle in execution order', () => {
    const cyclic = new Map([...preds, ['a', ['d']]]);
    expect(findCycle(['a', 'b', 'c', 'd', 'e'], cyclic)).toEqual(['a', 'b', 'd', 'a']);
    expect(topologicalOrder(['a', 'b', 'c', 'd', 'e'], cyclic).cyclic).toEqual(['a', 'b', 'c', 'd']);
    expect(findCycle(['a', 'b', 'c', 'd', 'e'], preds)).toBeNull();
  });

  it('keeps the chain around dropped nodes', () => {
    expect(ancestors('d', preds)).toEqual(new Set(['a', 'b', 'c']));
    // without b and c, d still waits for a
    expect(restrict(['a', 'd', 'e'], preds)).toEqual(new Map([['a', []], ['d', ['a']], ['e', []]]));
  });
});

describe('intersectSchemas', () => {
  const dict = { label: 'the dictionary' };
  it('takes the tightest bounds and keeps every pattern', () => {
    const r = intersectSchemas([
      { ...dict, schema: { type: 'string', minLength: 1, maxLength: 50, pattern: '^\\S' } },
      { label: 'A', schema: { maxLength: 20 } },
      { label: 'B', schema: { minLength: 2, maxLength: 30, pattern: '\\S$' } },
    ]);
    expect(r.conflicts).toEqual([]);
    expect(r.schema).toEqual({ type: 'string', minLength: 2, maxLength: 20, pattern: '^\\S', allOf: [{ pattern: '\\S$' }] });
  });

  it('narrows labelled choices and keeps their labels', () => {
    const r = intersectSchemas([
      { ...dict, schema: { type: 'string', oneOf: [{ const: '1', title: '男' }, { const: '2', title: '女' }, { const: '9', title: '未说明' }] } },
      { label: 'A', schema: { enum: ['1', '2'] } },
    ]);
    expect(r.schema).toEqual({ type: 'string', oneOf: [{ const: '1', title: '男' }, { const: '2', title: '女' }] });
  });

  it('integer within number is integer; string vs integer is a conflict', () => {
    expect(intersectSchemas([{ ...dict, schema: { type: 'number' } }, { label: 'A', schema: { type: 'integer' } }]).schema).toEqual({ type: 'integer' });
    expect(intersectSchemas([{ ...dict, schema: { type: 'string' } }, { label: 'A', schema: { type: 'integer' } }]).conflicts.map((c) => c.message)).toEqual([
      'type integer from A is incompatible with type string from the dictionary',
    ]);
  });

  it('reports disjoint value sets, inverted bounds, different formats and empty enums', () => {
    const msgs = (...schemas: Record<string, unknown>[]): string[] =>
      intersectSchemas(schemas.map((schema, i) => ({ schema, label: i === 0 ? 'the dictionary' : `item ${i}` }))).conflicts.map((c) => c.message);
    expect(msgs({ enum: ['a', 'b'] }, { enum: ['c'] })).toEqual(['allowed values ["c"] from item 1 share nothing with ["a", "b"] from the dictionary']);
    expect(msgs({ minimum: 10 }, { maximum: 5 })).toEqual(['minimum 10 from the dictionary is above maximum 5 from item 1']);
    expect(msgs({ exclusiveMinimum: 5 }, { maximum: 5 })).toEqual(['exclusiveMinimum 5 from the dictionary is above maximum 5 from item 1']);
    expect(msgs({ format: 'cn-mobile' }, { format: 'date' })).toEqual(['format "date" from item 1 differs from format "cn-mobile" from the dictionary']);
    expect(msgs({ type: 'string', enum: ['long value'] }, { maxLength: 3 })).toEqual(['none of the allowed values ["long value"] satisfies the other constraints']);
  });
});
