// The browser's field validator (client/src/components/form/validate.ts, hand-written because
// the CSP forbids Ajv's code generation) against the server's Ajv, on many generated schemas
// built from every keyword and format the scenario field schema allows: both must call the same
// values valid. A keyword added to scenarios/schema/field-schema.schema.json fails this until
// the generator below (and the browser validator) know it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../server/ajv.js';
import { FIELD_FORMATS } from '../../shared/formats.js';
import type { JsonSchema } from '../../shared/model.js';
import { validateValue } from '../../client/src/components/form/validate.js';

const fieldSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../../scenarios/schema/field-schema.schema.json'), 'utf8')) as {
  definitions: { fragment: { properties: Record<string, unknown> } };
};
const KEYWORDS = Object.keys(fieldSchema.definitions.fragment.properties);
/** Annotations: they never make a value invalid. */
const ANNOTATIONS = new Set(['default', 'examples', 'description']);

/** A small deterministic PRNG (mulberry32), so a failure names a case that can be run again. */
function prng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const STRINGS = [
  '', 'a', 'abc', 'ab12', '新生儿', '𠀀𠀀', ' ', '0', '12',
  '2024-02-29', '2023-02-29', '2024-13-01', '2024-2-1', '2024-02-29T10:00:00Z', '2024-02-29 10:00:00+08:00', '2024-02-29T10:00:00', '10:00:00Z', '10:00:00+08:00', '25:00:00Z', '10:00:00',
  'P1D', 'PT1H30M', 'P', 'P1W',
  'https://example.gov.cn/a?b=1#c', 'http://localhost', 'http://10.0.0.1/x', 'ftp://1.2.3.4', 'not a uri', 'mailto:a@b.cn', 'a:b', '//host/path', '/relative/path', '#frag', '{id}', '{+path}/x', '{bad',
  'a@b.cn', 'a@', 'li.ming@example.gov.cn', 'example.com', '-bad-.com', 'a'.repeat(64) + '.cn',
  '192.168.1.1', '256.1.1.1', '::1', '2001:db8::1', '2001:db8:::1',
  '^a+$', '(', '[a-z]', '\\Z', 'f47ac10b-58cc-4372-a567-0e02b2c3d479', 'urn:uuid:f47ac10b-58cc-4372-a567-0e02b2c3d479', 'f47ac10b58cc4372a5670e02b2c3d479',
  '/a/b~1c', '/a/b~2', 'a/b', '0/a', '1#', '01',
  'aGVsbG8=', 'aGVsbG8', 'aGk',
  '#fff', '#ffff', 'red', 'rgb(1, 2, 3)', 'rgb(300,1,1)', 'data:text/plain;base64,aGk=', 'data:,hello',
  '11010519491231002X', '110105194912310020', '91350200776049653M', '91350200776049653B', '13812341234', '1381234123', '100000', '900000',
];
const NUMBERS = [0, 1, -1, 2, 3, 2.5, 0.3, 0.1, 0.7, 1.1, 10, 100, 1e10, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 2 ** 53 + 2, 1.0000001, Number.MAX_VALUE, -0.5];
const OTHERS: unknown[] = [true, false, null, [], [1, 2], [1, 1], [1, 1.0], ['a', 'b'], ['a', 'a'], ['a', 1], [[1], [1]], [{ a: 1, b: 2 }, { b: 2, a: 1 }], [{ a: 1 }, { a: 2 }], ['2024-02-29', 'x'], [0.3, 0.6], {}, { a: 1 }, { b: 2, a: 1 }];
const VALUES: unknown[] = [...STRINGS, ...NUMBERS, ...OTHERS];
const TYPES = ['string', 'number', 'integer', 'boolean', 'array', 'object', 'null'];
const PATTERNS = ['^a', '^[0-9]+$', '\\p{Script=Han}', '^.{2}$', 'b$', '^\\d{4}-\\d{2}-\\d{2}$', '[A-Z]', '^$'];
const BOUNDS = [-1, 0, 1, 2, 2.5, 10, 2 ** 31];
const STEPS = [0.1, 0.5, 1, 2, 3, 0.01, 0.3];

type Generator = (r: () => number, depth: number) => unknown;
const pick = <T,>(r: () => number, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const some = <T,>(r: () => number, list: readonly T[], n: number): T[] => Array.from({ length: n }, () => pick(r, list));

const GENERATORS: Record<string, Generator> = {
  type: (r) => (r() < 0.75 ? pick(r, TYPES) : [...new Set(some(r, TYPES, 2 + Math.floor(r() * 2)))]),
  // Ajv refuses a schema whose enum repeats an item.
  enum: (r) => [...new Map(some(r, VALUES, 1 + Math.floor(r() * 4)).map((v) => [JSON.stringify(v), v])).values()],
  const: (r) => pick(r, VALUES),
  oneOf: (r) => some(r, [...STRINGS.slice(0, 12), ...NUMBERS.slice(0, 8), true, false], 1 + Math.floor(r() * 4)).map((c, i) => ({ const: c, title: `选项${i}` })),
  minLength: (r) => Math.floor(r() * 5),
  maxLength: (r) => Math.floor(r() * 5),
  pattern: (r) => pick(r, PATTERNS),
  format: (r) => pick(r, FIELD_FORMATS),
  minimum: (r) => pick(r, BOUNDS),
  maximum: (r) => pick(r, BOUNDS),
  exclusiveMinimum: (r) => pick(r, BOUNDS),
  exclusiveMaximum: (r) => pick(r, BOUNDS),
  multipleOf: (r) => pick(r, STEPS),
  minItems: (r) => Math.floor(r() * 3),
  maxItems: (r) => Math.floor(r() * 3),
  uniqueItems: (r) => r() < 0.7,
  items: (r, depth) => fragment(r, depth + 1),
  default: (r) => pick(r, VALUES),
  examples: (r) => some(r, VALUES, 2),
  description: () => '说明',
};

function fragment(r: () => number, depth = 0): JsonSchema {
  const usable = KEYWORDS.filter((k) => depth < 2 || k !== 'items');
  const schema: Record<string, unknown> = {};
  for (const k of some(r, usable, 1 + Math.floor(r() * 3))) schema[k] = GENERATORS[k]!(r, depth);
  return schema as JsonSchema;
}

/** Schemas of one keyword each (every format among them), then random combinations. */
function schemas(): JsonSchema[] {
  const r = prng(20261203);
  const out: JsonSchema[] = FIELD_FORMATS.flatMap((format) => [{ format }, { type: 'string', format }, { type: 'array', items: { format } }] as JsonSchema[]);
  for (const k of KEYWORDS) for (let i = 0; i < 12; i++) out.push({ [k]: GENERATORS[k]!(r, 0) } as JsonSchema);
  for (let i = 0; i < 600; i++) out.push(fragment(r));
  return out;
}

describe('the browser validator agrees with Ajv', () => {
  it('has a generator for every keyword the field schema allows', () => {
    expect(KEYWORDS.filter((k) => !GENERATORS[k])).toEqual([]);
    expect(KEYWORDS.filter((k) => !ANNOTATIONS.has(k)).length).toBeGreaterThanOrEqual(17);
  });

  it('on every generated schema and value', () => {
    const ajv = createAjv();
    const disagreements: string[] = [];
    let checked = 0;
    let invalid = 0;
    for (const schema of schemas()) {
      const server = ajv.compile(schema as object);
      for (const value of VALUES) {
        const ajvValid = server(value) as boolean;
        const browserValid = validateValue(schema, value) === null;
        checked++;
        if (!ajvValid) invalid++;
        if (ajvValid !== browserValid) disagreements.push(`${JSON.stringify(schema)} ${JSON.stringify(value)}: Ajv ${ajvValid ? 'valid' : 'invalid'}, browser ${browserValid ? 'valid' : 'invalid'}`);
      }
    }
    expect(disagreements.slice(0, 30)).toEqual([]);
    // The cases are not all trivially valid (or invalid): both answers occur in numbers.
    expect(invalid).toBeGreaterThan(checked / 5);
    expect(checked - invalid).toBeGreaterThan(checked / 10);
  });

  it('every field format refuses something and accepts something', () => {
    const ajv = createAjv();
    // password and binary are hints that check nothing; float and double accept every number JSON can carry.
    for (const format of FIELD_FORMATS.filter((f) => !['password', 'binary', 'float', 'double'].includes(f))) {
      const validate = ajv.compile({ format });
      const results = VALUES.map((v) => validate(v));
      expect(results, format).toContain(true);
      expect(results, format).toContain(false);
    }
  });
});
