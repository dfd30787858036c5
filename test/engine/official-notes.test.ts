// `official.notes`: where the engine's own counts cannot explain a published figure, the bundle
// says how the guide counted it, and `stats` prints that with the difference (shared/official.ts).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { evaluate } from '../../shared/evaluate.js';
import { check } from '../../shared/lint.js';
import { differences } from '../../shared/official.js';
import { FIXTURES, readFolder } from './support.js';

/** The small lint fixture's bundle with `official:` (and its notes) added. */
function withOfficial(official: string) {
  const files = readFolder(join(FIXTURES, 'lint', 'base')).map((f) =>
    f.path === 'bundles/demo.yaml' ? { ...f, text: f.text.replace('questions: [choice.extra]\n', `questions: [choice.extra]\n${official}`) } : f,
  );
  const { catalogue, diagnostics } = check(files);
  const b = catalogue.bundles.get('demo');
  // A bundle the schema refuses is not built: nothing to count.
  if (!b) return { diagnostics, said: [] };
  const ev = evaluate(b, catalogue, { 'choice.extra': false }, undefined, { today: '2026-11-27' });
  return { diagnostics, said: differences(b, catalogue, ev, account(b, catalogue, ev)) };
}

describe('official.notes', () => {
  it('prints the note with the difference it explains, and nothing for a figure that matches', () => {
    const plain = withOfficial('official:\n  days: { before: 40, after: 2 }\n');
    const noted = withOfficial('official:\n  days: { before: 40, after: 2 }\n  notes:\n    days.before: the guide adds 30 days of public notice it does not itemise\n    days.after: never printed, the engine has no difference here to explain\n');
    expect(noted.diagnostics).toEqual(plain.diagnostics);
    const before = plain.said.find((l) => l.startsWith('days before'));
    expect(before).toBeDefined();
    expect(before).not.toContain('the bundle notes');
    expect(noted.said.find((l) => l.startsWith('days before'))).toBe(`${before}; the bundle notes: the guide adds 30 days of public notice it does not itemise`);
    // Only the differences are printed; a note on a figure the engine matches stays silent.
    expect(noted.said.length).toBe(plain.said.length);
    for (const line of noted.said.filter((l) => !l.startsWith('days before'))) expect(plain.said).toContain(line);
  });

  it('lint warns about a note on a figure the guide does not publish, and refuses an unknown key', () => {
    // The fixture's own finding without notes (a published limit and no promise:) stays as it is.
    const plain = withOfficial('official:\n  days: { before: 40, after: 2 }\n').diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`);
    const unpublished = withOfficial('official:\n  days: { before: 40, after: 2 }\n  notes:\n    visits.before: the guide counts two trips per item\n');
    expect(unpublished.diagnostics.map((d) => `${d.severity} ${d.code}: ${d.message}`)).toEqual([
      ...plain,
      'warning official: bundle "demo" (演示一件事): official.notes explains "visits.before", a figure official: does not publish',
    ]);
    const unknown = withOfficial('official:\n  days: { before: 40, after: 2 }\n  notes:\n    fees.before: x\n');
    expect(unknown.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`)).toEqual(['schema: official.notes: unknown property "fees.before"']);
  });
});
