// What official guides say beyond forms and materials (shared/guide.ts): the bundle's promise,
// each item's visits and steps, the on-site needs that remain and why, fees and delivery, and
// the engine's figures next to the published ones with the reason for each difference.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { evaluate } from '../../shared/evaluate.js';
import { formatDiagnostic } from '../../shared/diagnostic.js';
import { check } from '../../shared/lint.js';
import type { Answers, Catalogue } from '../../shared/model.js';
import { differences } from '../../shared/official.js';
import { afterSupplement, promisedBy, withinPromise } from '../../shared/promise.js';
import { FIXTURES, bundle, readFolder, scenarios } from './support.js';

const TODAY = '2026-11-27';

function figures(catalogue: Catalogue, id: string, answers: Answers) {
  const b = catalogue.bundles.get(id)!;
  const ev = evaluate(b, catalogue, answers, undefined, { today: TODAY });
  const a = account(b, catalogue, ev);
  return { a, differences: differences(b, catalogue, ev, a) };
}

/** The small lint fixture with guide keys added to its bundle and items. */
function demo(bundleExtra: string, registerExtra = '', followupExtra = '', expectedLint: readonly string[] = []): Catalogue {
  const files = new Map(readFolder(join(FIXTURES, 'lint', 'base')).map((f) => [f.path, f.text]));
  files.set('bundles/demo.yaml', (files.get('bundles/demo.yaml') ?? '').replace('questions: [choice.extra]\n', `questions: [choice.extra]\n${bundleExtra}`));
  files.set('items/register.yaml', (files.get('items/register.yaml') ?? '').replace('timeLimitDays: 2\n', `timeLimitDays: 2\n${registerExtra}`));
  files.set('items/followup.yaml', (files.get('items/followup.yaml') ?? '').replace('timeLimitDays: 3\n', `timeLimitDays: 3\n${followupExtra}`));
  const { catalogue, diagnostics } = check([...files].map(([path, text]) => ({ path, text })));
  if (diagnostics.map((d) => d.code).join() !== expectedLint.join()) throw new Error(diagnostics.map(formatDiagnostic).join('\n'));
  return catalogue;
}

describe('the shipped bundles', () => {
  const newborn = { 'applicant.relation': 'mother', 'mother.ethnicity': '01', 'father.ethnicity': '01', 'parents.married': true, 'choice.socialSecurityCard': true, 'card.withPhoto': false, 'choice.maternityReimbursement': false, 'choice.parentingGuidance': false };

  it('newborn: a promise of 5 working days the card runs outside, one step, nothing left on site when the card is mailed', () => {
    const { a } = figures(scenarios().catalogue, 'newborn', { ...newborn, 'delivery.method': 'mail' });
    expect(a.days).toEqual({ separately: 47, criticalPath: 46, promised: { value: 5, unit: 'working', declared: true, excludes: ['social-security-card'] } });
    expect(a.visits).toEqual({ separately: 4, bundled: 0, reasons: [] });
    expect(a.steps).toEqual({ separately: 5, bundled: 1 });
    expect(a.fees.total).toBe(0);
    expect(a.fees.items.find((f) => f.item === 'social-security-card')).toEqual({ item: 'social-security-card', fee: 0, delivery: 'mail' });
  });

  it('newborn: collecting the card at the counter is the one visit left, with its reason', () => {
    const { a } = figures(scenarios().catalogue, 'newborn', { ...newborn, 'delivery.method': 'pickup' });
    expect(a.visits).toEqual({ separately: 4, bundled: 1, reasons: [{ item: 'social-security-card', reason: 'collect', title: '现场领取结果：社会保障卡申领', titleEn: 'collecting the result in person: Social security card' }] });
  });

  it('unemployment: the guide’s visits and steps are those of the eight items it lists', () => {
    const b = bundle('unemployment');
    const { differences: diffs } = figures(scenarios().catalogue, 'unemployment', b.examples.default!.answers);
    expect(diffs.find((d) => d.startsWith('steps before'))).toContain('the guide counts the 8 items that state their steps');
    expect(diffs.find((d) => d.startsWith('visits before'))).toContain('the guide counts the 8 items that state their visits');
    expect(diffs.find((d) => d.startsWith('days before'))).toContain('the longest chain of limits (the critical path, 20)');
    // the guide publishes only its materials totals: the note says so where no count explains the second one
    expect(diffs.find((d) => d.startsWith('materials after'))).toMatch(/^materials after: engine 1, official 2 \(\+1\): no combination of .* explains it; handed in: 近期免冠彩色照片; the bundle notes: The guide publishes only its totals/);
    expect(diffs.filter((d) => d.includes('the bundle notes:')).map((d) => d.split(':')[0])).toEqual(['materials after']);
  });

  it('every bundle declares a promise, sources with public URLs and its flow', () => {
    for (const b of scenarios().catalogue.bundles.values()) {
      expect(b.guide?.promise, b.id).toBeDefined();
      expect(b.guide?.sources.length, b.id).toBeGreaterThan(0);
      for (const s of b.guide?.sources ?? []) expect(s.url, b.id).toMatch(/^https?:\/\/[^\s]+$/);
      expect(b.guide?.flow.length, b.id).toBeGreaterThan(0);
      // the published promise where a guide publishes figures (个人身后一件事 has none found: its
      // promise is the product's own, its critical path, and it has no official: block)
      if (b.official !== undefined) expect(b.official.promise, b.id).toEqual({ days: b.guide?.promise?.days, unit: b.guide?.promise?.unit });
    }
  });
});

describe('visits, steps and fees', () => {
  it('counts each item’s own visits and steps, and each on-site need that applies', () => {
    const catalogue = demo(
      `onSite:
  - { reason: inspection, item: register, title: 场所核查, titleEn: premises inspection }
  - { reason: assessment, item: followup, title: 评定 }
  - reason: signature
    when:
      all:
        - { fact: pet.kind, operator: equal, value: dog }
flow:
  - { title: 申请, titleEn: Apply }
  - title: 复核
    when:
      all:
        - { fact: choice.extra, operator: equal, value: true }
`,
      'visits: 2\nsteps: [受理, 审查, 决定]\nfee: 30\n',
      'visits: 0\n',
    );
    const cat = figures(catalogue, 'demo', { 'pet.kind': 'cat', 'choice.extra': false }).a;
    // followup is not included: its assessment lapses with it; no dog, no signature
    expect(cat.visits).toEqual({ separately: 2, bundled: 1, reasons: [{ item: 'register', reason: 'inspection', title: '现场核查：场所核查', titleEn: 'on-site inspection: premises inspection' }] });
    expect(cat.steps).toEqual({ separately: 3, bundled: 1 });
    expect(cat.fees).toEqual({ total: 30, items: [{ item: 'register', fee: 30 }] });

    const dog = figures(catalogue, 'demo', { 'pet.kind': 'dog', 'choice.extra': true }).a;
    // inspection and assessment are trips of their own; the signature is one counter trip
    expect(dog.visits.reasons.map((r) => r.reason)).toEqual(['inspection', 'assessment', 'signature']);
    expect(dog.visits).toMatchObject({ separately: 2, bundled: 3 });
    // register 3 + followup 1 (no steps declared); both flow steps apply
    expect(dog.steps).toEqual({ separately: 4, bundled: 2 });
  });

  it('counts a pickup as the collection trip and a mail fee as a fee', () => {
    const files = new Map(readFolder(join(FIXTURES, 'lint', 'base')).map((f) => [f.path, f.text]));
    files.set('dictionary/delivery.yaml', `# yaml-language-server: $schema=../schema/dictionary.schema.json
elements:
  result.delivery:
    title: 领取方式
    titleEn: Delivery
    schema:
      type: string
      oneOf:
        - { const: mail, title: 邮寄, titleEn: Mail }
        - { const: pickup, title: 自取, titleEn: Pickup }
`);
    files.set('bundles/demo.yaml', (files.get('bundles/demo.yaml') ?? '').replace('questions: [choice.extra]\n', 'questions: [choice.extra, result.delivery]\ndelivery: { element: result.delivery }\n').replace('choice.extra]\n', 'choice.extra, result.delivery]\n'));
    files.set('items/register.yaml', (files.get('items/register.yaml') ?? '').replace('timeLimitDays: 2\n', 'timeLimitDays: 2\ndelivery:\n  - { method: mail, fee: 12 }\n  - { method: pickup }\n'));
    const { catalogue, diagnostics } = check([...files].map(([path, text]) => ({ path, text })));
    expect(diagnostics).toEqual([]);
    const mail = figures(catalogue, 'demo', { 'result.delivery': 'mail' }).a;
    expect(mail.fees).toEqual({ total: 12, items: [{ item: 'register', fee: 12, delivery: 'mail' }] });
    expect(mail.visits.bundled).toBe(0);
    const pickup = figures(catalogue, 'demo', { 'result.delivery': 'pickup' }).a;
    expect(pickup.fees.total).toBe(0);
    expect(pickup.visits).toMatchObject({ bundled: 1, reasons: [{ item: 'register', reason: 'collect' }] });
    // unanswered: the first option
    expect(figures(catalogue, 'demo', {}).a.fees.items[0]).toEqual({ item: 'register', fee: 12, delivery: 'mail' });
  });
});

describe('the promise', () => {
  const catalogue = demo('promise: { days: 10, unit: natural, excludes: [followup] }\nofficial:\n  promise: { days: 10, unit: natural }\n  steps: { before: 2, after: 1 }\n');
  const b = catalogue.bundles.get('demo')!;

  it('is reported with its unit, and the items it leaves out', () => {
    expect(figures(catalogue, 'demo', { 'choice.extra': true }).a.days.promised).toEqual({ value: 10, unit: 'natural', declared: true, excludes: ['followup'] });
  });

  it('runs out at 24:00 China time of its last day, natural days counted straight through', () => {
    expect(promisedBy(b, new Date('2026-09-30T02:00:00Z'))?.toISOString()).toBe('2026-10-10T16:00:00.000Z');
    expect(withinPromise(b, 'register')).toBe(true);
    expect(withinPromise(b, 'followup')).toBe(false);
  });

  it('without one, the critical path stands in and nothing is promised', () => {
    const plain = demo('');
    expect(figures(plain, 'demo', {}).a.days.promised).toEqual({ value: 2, unit: 'working', declared: false, excludes: [] });
    expect(promisedBy(plain.bundles.get('demo')!, new Date())).toBeNull();
    expect(withinPromise(plain.bundles.get('demo')!, 'register')).toBe(false);
  });
});

describe('engine and official figures side by side', () => {
  const catalogue = demo('promise: { days: 4, unit: natural }\nofficial:\n  promise: { days: 4, unit: natural }\n  steps: { before: 2, after: 1 }\n  days: { before: 5, after: 4 }\n');

  it('says nothing where they agree and gives the reason where they differ', () => {
    // followup included: steps 2 → 1 and limits 2 + 3 as published
    expect(figures(catalogue, 'demo', { 'choice.extra': true }).differences).toEqual([]);
    // followup left out: one step and 2 days fewer, explained by the item not chosen
    expect(figures(catalogue, 'demo', { 'choice.extra': false }).differences).toEqual([
      'days before: engine 2, official 5 (+3): the guide counts every item of the bundle (2), this answer set includes 1: the sum of limits over all items is 5; this answer set leaves out followup (后续事项)',
      'steps before: engine 1, official 2 (+1): the guide counts every item of the bundle (2), this answer set includes 1: the sum of steps over all items is 2; this answer set leaves out followup (后续事项)',
    ]);
  });

  it('names a promise that differs from the published one', () => {
    // lint warns about it too
    const other = demo('promise: { days: 5, unit: working }\nofficial:\n  promise: { days: 10, unit: natural }\n', '', '', ['promise']);
    expect(figures(other, 'demo', {}).differences).toEqual(['promise: engine 5 working days, official 10 natural days']);
  });
});

describe('the promise after a supplement (补正)', () => {
  it('moves on by the working days the application waited for the applicant', () => {
    // promised by 24:00 Tuesday 8 December; asked on Thursday 3, answered on Monday 7: 2 working days
    const promised = new Date('2026-12-08T16:00:00Z');
    expect(afterSupplement(promised, 'working', new Date('2026-12-03T02:00:00Z'), new Date('2026-12-07T02:00:00Z')).toISOString()).toBe('2026-12-10T16:00:00.000Z');
    // answered the same day: nothing moves
    expect(afterSupplement(promised, 'working', new Date('2026-12-03T02:00:00Z'), new Date('2026-12-03T09:00:00Z')).toISOString()).toBe(promised.toISOString());
    // natural days: the four calendar days count
    expect(afterSupplement(promised, 'natural', new Date('2026-12-03T02:00:00Z'), new Date('2026-12-07T02:00:00Z')).toISOString()).toBe('2026-12-12T16:00:00.000Z');
  });
});
