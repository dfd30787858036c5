// One failing fixture per lint rule: test/fixtures/lint/<case>/ holds the files that replace
// or join those of test/fixtures/lint/base/ (a small, clean scenario folder). Every expected
// diagnostic is written out with its exact file, line and column, checked by reading the
// fixture (the column is where the offending token starts).
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../shared/diagnostic.js';
import { formatDiagnostic } from '../../shared/diagnostic.js';
import { LINT_CODES, check } from '../../shared/lint.js';
import type { SourceFile } from '../../shared/yaml-source.js';
import { FIXTURES, readFolder } from './support.js';

const LINT = join(FIXTURES, 'lint');

function withOverlay(name: string, extra: SourceFile[] = []): SourceFile[] {
  const files = new Map(readFolder(join(LINT, 'base')).map((f) => [f.path, f.text]));
  if (name) for (const f of readFolder(join(LINT, name))) files.set(f.path, f.text);
  for (const f of extra) files.set(f.path, f.text);
  return [...files].map(([path, text]) => ({ path, text }));
}

type Expected = Pick<Diagnostic, 'file' | 'line' | 'col' | 'severity' | 'code'> & { readonly includes?: string };

function expectExactly(diagnostics: readonly Diagnostic[], expected: readonly Expected[]): void {
  const got = diagnostics.map(({ file, line, col, severity, code }) => ({ file, line, col, severity, code }));
  expect(got, diagnostics.map(formatDiagnostic).join('\n')).toEqual(expected.map(({ file, line, col, severity, code }) => ({ file, line, col, severity, code })));
  expected.forEach((e, i) => {
    if (e.includes) expect(diagnostics[i]?.message).toContain(e.includes);
  });
}

const err = (file: string, line: number, col: number, code: string, includes?: string): Expected => ({ file, line, col, severity: 'error', code, ...(includes ? { includes } : {}) });
const warn = (file: string, line: number, col: number, code: string, includes?: string): Expected => ({ file, line, col, severity: 'warning', code, ...(includes ? { includes } : {}) });

const CASES: Record<string, readonly Expected[]> = {
  // `fields: { xm: …` is never closed; the parser notices at the next key, line 8.
  'yaml-syntax': [err('items/register.yaml', 8, 1, 'yaml-syntax', 'Flow map')],
  // Line 3 is `nested: ` + 70 '['; the 65th bracket (past the limit of 64) is column 8 + 65.
  'yaml-too-deep': [err('items/register.yaml', 3, 73, 'yaml-too-deep', 'limit is 64')],
  'yaml-alias-bomb': [err('items/register.yaml', 1, 1, 'yaml-alias-bomb', 'billion laughs')],
  // `timeLimitDays: two days`: the value starts at column 16.
  schema: [err('items/register.yaml', 6, 16, 'schema', 'timeLimitDays: must be number')],
  'schema-modeline': [warn('materials.yaml', 1, 1, 'schema-modeline', '$schema=schema/materials.schema.json')],
  'unknown-file': [warn('notes.yaml', 1, 1, 'unknown-file')],
  // items/registration.yaml declares `id: register-item` (value at 2:5) and no bundle uses it.
  'file-name': [warn('items/registration.yaml', 2, 5, 'file-name', 'items/register-item.yaml'), warn('items/registration.yaml', 2, 5, 'unused')],
  // materials/extra.yaml redefines idCard: the key at 3:3.
  'duplicate-id': [err('materials/extra.yaml', 3, 3, 'duplicate-id', 'already defined in materials.yaml')],
  // `  nl: person.agee`: the value at 10:7. person.age is then used nowhere (two warnings).
  'unknown-element': [
    warn('bundles/demo.yaml', 24, 56, 'unused', 'person.age'),
    warn('dictionary.yaml', 13, 3, 'unused', 'person.age'),
    err('items/followup.yaml', 10, 7, 'unknown-element', 'did you mean "person.age"'),
  ],
  'unknown-material': [err('items/followup.yaml', 12, 5, 'unknown-material', 'did you mean "certificate"')],
  'unknown-department': [
    warn('departments.yaml', 7, 3, 'unused', 'health'),
    err('items/followup.yaml', 5, 13, 'unknown-department', 'did you mean "health"'),
  ],
  // `  - item: payment` on line 11.
  'unknown-item': [err('bundles/demo.yaml', 11, 11, 'unknown-item', '"payment"')],
  // `        - { fact: choice.extr, …`: the fact name at column 19.
  'unknown-fact': [err('bundles/demo.yaml', 16, 19, 'unknown-fact', 'did you mean "choice.extra"')],
  // `{ fact: pet.kind, operator: in, value: dog }`: the value `dog` at column 50.
  'invalid-condition': [err('items/register.yaml', 16, 50, 'invalid-condition', 'needs a list')],
  // `schema: { type: string, format: cn-name }`: the format value at column 37.
  'invalid-schema': [err('dictionary.yaml', 6, 37, 'invalid-schema', 'unknown format "cn-name"')],
  // register after followup (8:13) and followup after register.
  cycle: [err('bundles/demo.yaml', 8, 13, 'cycle', 'register → followup → register')],
  // followup lost its `after: [register]` but still needs result.code and the certificate.
  'unmet-need': [
    err('bundles/demo.yaml', 8, 11, 'unmet-need', 'add after: [register]'),
    warn('items/followup.yaml', 12, 5, 'bundle-order', 'certificate'),
  ],
  'bundle-order': [warn('items/followup.yaml', 12, 5, 'bundle-order', 'add after: [register]')],
  // incompatible types: followup's `xm` schema { type: integer } against the dictionary's string
  'constraint-conflict': [err('items/followup.yaml', 8, 39, 'constraint-conflict', 'type integer from item "followup"')],
  // disjoint enums between two items: register wants [cat], followup (line 11) wants [dog]
  'constraint-conflict-enum': [err('items/followup.yaml', 11, 36, 'constraint-conflict', 'share nothing with ["cat"]')],
  // min above max between two items: register maxLength 10, followup minLength 20 (line 8)
  'constraint-conflict-range': [err('items/followup.yaml', 8, 39, 'constraint-conflict', 'minLength 20 from item "followup" (后续事项) is above maxLength 10')],
  // the rule now includes `register`, which is always included; followup is then unreachable
  'rule-target': [
    warn('bundles/demo.yaml', 8, 11, 'unreachable-item'),
    warn('bundles/demo.yaml', 19, 23, 'rule-target', 'not optional'),
  ],
  'unreachable-item': [warn('bundles/demo.yaml', 8, 11, 'unreachable-item', 'no include-item rule')],
  'commitment-not-required': [warn('items/register.yaml', 18, 5, 'commitment-not-required', '"certificate"')],
  // choice.extra is no longer in questions:, so the rule reads an empty fact.
  'unasked-fact': [warn('bundles/demo.yaml', 15, 19, 'unasked-fact', 'choice.extra')],
  // person.age is in no section: reported at the `sections:` key.
  'unplaced-element': [warn('bundles/demo.yaml', 20, 1, 'unplaced-element', '其他信息')],
  // examples.default.answers.pet.kind: fish (value at 29:17)
  'invalid-example': [err('bundles/demo.yaml', 29, 17, 'invalid-example', 'pet.kind = "fish"')],
  unused: [warn('materials.yaml', 15, 3, 'unused', 'passport')],
  // `    element: person.name` (27:14) of a date check: the name is no date.
  'field-rule': [err('bundles/demo.yaml', 27, 14, 'field-rule', 'is not a date')],
  // pet.kind chooses register or followup but is not a question (the facts at 31:31 and 33:31);
  // the include-item rule for followup (19:23) can no longer include it.
  alternative: [
    warn('bundles/demo.yaml', 19, 23, 'rule-target', 'chosen by alternatives "kind"'),
    err('bundles/demo.yaml', 31, 31, 'alternative', 'not in questions:'),
    err('bundles/demo.yaml', 33, 31, 'alternative', 'not in questions:'),
  ],
  // person.age (an integer) cannot be enumerated.
  'alternative-unbounded': [
    warn('bundles/demo.yaml', 19, 23, 'rule-target'),
    err('bundles/demo.yaml', 31, 31, 'alternative-unbounded', 'not a finite list'),
    err('bundles/demo.yaml', 33, 31, 'alternative-unbounded', 'not a finite list'),
  ],
  // Both options hold for a cat (and none for a dog): reported at `options:` (29:5) with the first failing answers.
  'alternative-coverage': [
    warn('bundles/demo.yaml', 19, 23, 'rule-target'),
    err('bundles/demo.yaml', 29, 5, 'alternative-coverage', 'with pet.kind = "cat" the group chooses "register" and "followup"'),
  ],
  // `extends: dem` (value at 3:10).
  region: [err('regions/demo-north.yaml', 3, 10, 'region', 'did you mean "demo"')],
  // `  register: 5` (value at 7:13) is longer than the standard's 2 working days.
  'region-standard': [err('regions/demo-north.yaml', 7, 13, 'region-standard', "longer than the standard's 2")],
  // calendar.yaml: Saturday 2 October 2027 both a day of 国庆节 (3:5) and a make-up working day (5:5)
  calendar: [err('calendar.yaml', 5, 5, 'calendar', 'also listed as a day off ("国庆节")')],
  // `promise: { …, excludes: [register, followup] }`: the list at 12:46
  promise: [err('bundles/demo.yaml', 12, 46, 'promise', 'every item runs outside the promise')],
  // `official:` (12:1) with days 2 → 5 (the `after` value at 13:29) and no promise:
  official: [
    warn('bundles/demo.yaml', 12, 1, 'promise', 'declares no promise:'),
    warn('bundles/demo.yaml', 13, 29, 'official', 'go up from 2 to 5'),
  ],
  // `- { reason: collect, item: register }` while register lists delivery options
  'on-site': [warn('bundles/demo.yaml', 13, 15, 'on-site', 'count it twice')],
  // `delivery: { element: pet.kind }` and no item lists delivery options
  delivery: [warn('bundles/demo.yaml', 12, 22, 'delivery', 'chooses nothing')],
  // both items give the same 实施编码; register (sorted after followup) is reported
  'item-code': [err('items/register.yaml', 7, 26, 'item-code', 'already the code of item "followup"')],
  // the bundle without `audience:`: reported at its id (2:5)
  audience: [warn('bundles/demo.yaml', 2, 5, 'audience', 'does not say who applies')],
  // pet.kind cites the sex code table GB/T 2261.1 with cat/dog; the 公民身份号码 citation is right
  'element-standard': [warn('dictionary.yaml', 22, 22, 'element-standard', '"cat", "dog" are not codes of GB/T 2261.1-2003')],
};

describe('lint fixtures', () => {
  it('the base fixture is clean', () => {
    expect(check(withOverlay('')).diagnostics).toEqual([]);
  });

  it('every fixture folder has a case and every case a folder', () => {
    const folders = readdirSync(LINT).filter((n) => n !== 'base').sort();
    expect(folders).toEqual(Object.keys(CASES).sort());
  });

  it('every lint code has at least one case (yaml-too-large is generated below)', () => {
    const covered = new Set(Object.values(CASES).flatMap((c) => c.map((e) => e.code)));
    covered.add('yaml-too-large');
    expect(LINT_CODES.filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const [name, expected] of Object.entries(CASES)) {
    it(name, () => {
      expectExactly(check(withOverlay(name)).diagnostics, expected);
    });
  }

  it('every finding of every fixture has a Chinese message as well as the English one', () => {
    const han = /[\u4e00-\u9fff]/;
    for (const name of Object.keys(CASES)) {
      for (const d of check(withOverlay(name)).diagnostics) {
        expect(d.message, `${name}: ${formatDiagnostic(d)}`).not.toBe('');
        expect(d.messageZh, `${name}: ${formatDiagnostic(d)}`).toMatch(han);
      }
    }
  });

  it('speaks Chinese about the common findings: an unknown element, with the suggestion', () => {
    const d = check(withOverlay('unknown-element')).diagnostics.find((x) => x.code === 'unknown-element');
    expect(d?.messageZh).toBe('未知的数据元素“person.agee”（是否应为“person.age”？）');
    expect(d?.message).toContain('unknown data element "person.agee"');
  });

  it('yaml-too-large: a file over 1,000,000 characters is refused before parsing', () => {
    const huge = `# yaml-language-server: $schema=../schema/item.schema.json\nid: register\ndescription: "${'x'.repeat(1_000_000)}"\n`;
    expectExactly(check(withOverlay('', [{ path: 'items/register.yaml', text: huge }])).diagnostics, [
      err('items/register.yaml', 1, 1, 'yaml-too-large', 'limit is 1000000'),
    ]);
  });

  // Patterns run on RE2 (shared/pattern.ts): what it cannot compile is refused where it is written.
  describe('invalid-schema: a pattern RE2 cannot compile', () => {
    const base = readFolder(join(LINT, 'base')).find((f) => f.path === 'dictionary.yaml')!.text;
    const withNamePattern = (pattern: string): SourceFile[] => {
      const line = '    schema: { type: string, minLength: 1, maxLength: 50 }';
      expect(base.split('\n')[5]).toBe(line);
      return withOverlay('', [{ path: 'dictionary.yaml', text: base.replace(line, `    schema: { type: string, maxLength: 50, pattern: ${JSON.stringify(pattern)} }`) }]);
    };
    // `    schema: { type: string, maxLength: 50, pattern: ` is 52 characters: the value at 6:53.
    it.each([
      ['a lookahead', '^(?=.*[0-9])[a-z0-9]+$', '(?='],
      ['a lookbehind', '(?<=a)b', '(?<='],
      ['a backreference', '^(a)\\1$', '\\1'],
    ])('%s', (_what, pattern, shown) => {
      expectExactly(check(withNamePattern(pattern)).diagnostics, [err('dictionary.yaml', 6, 53, 'invalid-schema', 'not a valid RE2 regular expression')]);
      expect(check(withNamePattern(pattern)).diagnostics[0]?.message).toContain(shown);
    });

    it("accepts today's JavaScript spellings, translated once: \\uXXXX, \\u{…}, \\p{Script=Han}, named groups", () => {
      for (const pattern of ['^([\\u4e00-\\u9fa5]+·?)+$', '^\\u{4e00}', '^\\p{Script=Han}+$', '^(?<code>[A-Z]{2})$']) {
        expect(check(withNamePattern(pattern)).diagnostics, pattern).toEqual([]);
      }
    });
  });
});
