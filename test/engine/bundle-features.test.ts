// The bundle features beyond items and rules, on the shipped scenarios: field rules and
// cross-field checks (newborn), alternatives (business start-up's entity type), bundle-level
// materials (the newborn's combined form, Changsha's "A或B" row) and regional implementations
// (the newborn's province standard with Changsha and Zhuzhou).
import { describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { proveGroup } from '../../shared/alternatives.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { checkFields } from '../../shared/field-rules.js';
import { check } from '../../shared/lint.js';
import type { Answers, Bundle } from '../../shared/model.js';
import { regionsOf, resolveRegion } from '../../shared/regions.js';
import { split } from '../../shared/split.js';
import { bundle, readFolder, scenarios, SCENARIOS } from './support.js';

const TODAY = '2026-11-27';
const catalogue = () => scenarios().catalogue;
const run = (b: Bundle, answers: Answers, cat = catalogue()) => evaluate(b, cat, answers, undefined, { today: TODAY });
const examples = (id: string): Answers => bundle(id).examples.default?.answers ?? {};

describe('field rules and cross-field checks (newborn)', () => {
  const newborn = () => bundle('newborn');

  it('asks the postal address only for mail delivery, and then requires it', () => {
    const mail = run(newborn(), { ...examples('newborn'), 'delivery.method': 'mail' });
    expect(mail.fields?.hidden).toEqual([]);
    expect(mail.fields?.required).toEqual(['delivery.address']);
    const mailForm = compose(newborn(), catalogue(), { evaluation: mail });
    const delivery = mailForm.schema.properties as Record<string, { required?: string[]; properties: Record<string, unknown> }>;
    expect(delivery.delivery?.required).toContain('delivery_address');

    const pickup = run(newborn(), { ...examples('newborn'), 'delivery.method': 'pickup' });
    expect(pickup.fields?.hidden).toEqual(['delivery.address']);
    // The hidden value is not used: not in the values, not sent to the card's department.
    expect(pickup.values['delivery.address']).toBeUndefined();
    const card = split(newborn(), catalogue(), pickup.values, pickup).find((s) => s.itemId === 'social-security-card');
    expect(card?.fields.yjdz).toBeUndefined();
    const pickupForm = compose(newborn(), catalogue(), { evaluation: pickup });
    expect(pickupForm.elements.map((e) => e.element)).not.toContain('delivery.address');
    // The form of every item (what a draft may contain) still has the field.
    expect(compose(newborn(), catalogue()).elements.map((e) => e.element)).toContain('delivery.address');
  });

  it('an evaluation stored before field rules existed still composes and counts', () => {
    const current = run(newborn(), examples('newborn'));
    const stored = { ...current, fields: undefined, problems: undefined };
    expect(account(newborn(), catalogue(), stored).fields.asked).toBe(account(newborn(), catalogue(), current).fields.asked);
  });

  it('refuses a birth date in the future, in both languages', () => {
    expect(checkFields(newborn(), { 'child.birthDate': '2026-11-28' }, TODAY)).toEqual([
      { element: 'child.birthDate', check: 'birth-not-in-future', message: '出生日期不能晚于今天', messageEn: 'The date of birth cannot be in the future' },
    ]);
    expect(checkFields(newborn(), { 'child.birthDate': TODAY }, TODAY)).toEqual([]);
    // Unanswered or not a date: left to "required" and the format check.
    expect(checkFields(newborn(), {}, TODAY)).toEqual([]);
    expect(checkFields(newborn(), { 'child.birthDate': 'soon' }, TODAY)).toEqual([]);
    expect(run(newborn(), { 'child.birthDate': '2027-01-01' }).problems?.map((p) => p.check)).toEqual(['birth-not-in-future']);
  });

  it('compares two elements with after / notBefore', () => {
    const files = readFolder(SCENARIOS).map((f) =>
      f.path === 'bundles/newborn.yaml'
        ? {
            ...f,
            text: f.text.replace(
              'checks:\n',
              'checks:\n  - name: mother-born-before-child\n    element: child.birthDate\n    after: { element: mother.birthDate }\n    message: 出生日期应晚于母亲出生日期\n    messageEn: The child must be born after the mother\n',
            ),
          }
        : f,
    );
    // mother.birthDate is no element of the bundle: lint says the check never runs.
    const { diagnostics, catalogue: c } = check(files);
    expect(diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([expect.stringMatching(/^unknown-element: .*mother\.birthDate/)]);
    const b = c.bundles.get('newborn') as Bundle;
    expect(checkFields(b, { 'child.birthDate': '2026-11-01', 'mother.birthDate': '2026-11-02' }, TODAY).map((p) => p.check)).toEqual(['mother-born-before-child']);
    expect(checkFields(b, { 'child.birthDate': '2026-11-03', 'mother.birthDate': '1992-07-08' }, TODAY)).toEqual([]);
  });
});

describe('alternatives (business start-up by entity type)', () => {
  const startup = () => bundle('business-startup');
  const registrations = ['company-registration', 'sole-proprietorship-registration', 'partnership-registration'];

  it('includes exactly the registration of the chosen type', () => {
    for (const [type, item] of [
      ['llc', 'company-registration'],
      ['joint', 'company-registration'],
      ['sole', 'sole-proprietorship-registration'],
      ['partnership', 'partnership-registration'],
    ] as const) {
      const ev = run(startup(), { ...examples('business-startup'), 'company.type': type });
      expect(ev.included.filter((i) => registrations.includes(i)), type).toEqual([item]);
      expect(ev.items.find((i) => i.id === item)?.reason).toBe('根据您的选择办理（按企业类型办理设立登记）');
    }
    // The seal waits for whichever registration applies, and gets its licence passed on.
    const sole = run(startup(), { ...examples('business-startup'), 'company.type': 'sole' });
    expect(sole.after['seal-engraving']).toEqual(['sole-proprietorship-registration']);
    expect(sole.materials.find((m) => m.code === 'businessLicence')?.disposition).toBe('bundle');
    // A partnership hands in its agreement instead of articles of association.
    const partnership = run(startup(), { ...examples('business-startup'), 'company.type': 'partnership' });
    expect(partnership.materials.map((m) => m.code)).toContain('partnershipAgreement');
    expect(partnership.materials.map((m) => m.code)).not.toContain('articlesOfAssociation');
  });

  it('lint proves the shipped group, and finds the answer that breaks a changed one', () => {
    const group = startup().alternatives?.[0];
    if (!group) throw new Error('no group');
    expect(proveGroup(startup(), catalogue(), group)).toEqual([]);
    const dropped = { ...group, options: group.options.slice(1) };
    expect(proveGroup(startup(), catalogue(), dropped)).toEqual([{ kind: 'coverage', group: dropped, answers: { 'company.type': 'llc' }, chosen: [] }]);
  });
});

describe('bundle-level materials', () => {
  it("counts the newborn's combined application form as generated, never as handed in or separately", () => {
    const ev = run(bundle('newborn'), examples('newborn'));
    const form = ev.materials.find((m) => m.code === 'bundleApplicationForm');
    expect(form).toMatchObject({ disposition: 'generated', bundleLevel: true, items: [], needs: [] });
    const a = account(bundle('newborn'), catalogue(), ev);
    const withoutRow = account({ ...bundle('newborn'), bundleMaterials: [] }, catalogue(), run({ ...bundle('newborn'), bundleMaterials: [] }, examples('newborn')));
    expect(a.materials.waived.generated).toBe(withoutRow.materials.waived.generated + 1);
    expect(a.materials.separately).toBe(withoutRow.materials.separately);
    expect(a.materials.handedIn).toBe(withoutRow.materials.handedIn);
  });

  it('an "A或B" row is one material: fetched when either can be, else either one handed in', () => {
    const changsha = resolveRegion(bundle('newborn'), catalogue(), '430100');
    if (!changsha) throw new Error('no Changsha');
    const shared = evaluate(changsha.bundle, changsha.catalogue, examples('newborn'), undefined, { today: TODAY });
    expect(shared.materials.find((m) => m.code === 'householdRegister|residencePermit')).toMatchObject({
      title: '居民户口簿或居住证',
      disposition: 'sharing',
      alternatives: ['householdRegister', 'residencePermit'],
    });
    const upload = evaluate(changsha.bundle, changsha.catalogue, examples('newborn'), { sharing: { unavailable: ['householdRegister'] } }, { today: TODAY });
    expect(upload.materials.find((m) => m.code === 'householdRegister|residencePermit')).toMatchObject({ disposition: 'upload', reason: '任选其一提交：居民户口簿或居住证' });
  });
});

describe('regional versions (newborn: Hunan standard, Changsha and Zhuzhou)', () => {
  it('lists the standard and its implementations', () => {
    expect(regionsOf(bundle('newborn')).map((r) => `${r.code} ${r.name}${r.standard ? ' (standard)' : ''}`)).toEqual(['430000 湖南省 (standard)', '430100 长沙市', '430200 株洲市']);
    expect(regionsOf(bundle('unemployment'))).toEqual([]);
    expect(resolveRegion(bundle('newborn'), catalogue(), '430000')?.bundle).toBe(bundle('newborn'));
    expect(resolveRegion(bundle('newborn'), catalogue(), '110000')).toBeNull();
  });

  it('an implementation keeps every standard item and adds its own, with shorter limits and its lead', () => {
    const standard = bundle('newborn');
    const changsha = resolveRegion(standard, catalogue(), '430100');
    const zhuzhou = resolveRegion(standard, catalogue(), '430200');
    if (!changsha || !zhuzhou) throw new Error('no regions');
    expect(changsha.bundle.items.map((i) => i.item)).toEqual([...standard.items.map((i) => i.item), 'childcare-subsidy']);
    expect(changsha.catalogue.items.get('birth-registration')?.timeLimitDays).toBe(5);
    expect(catalogue().items.get('birth-registration')?.timeLimitDays).toBe(10);
    expect(zhuzhou.bundle.lead?.ref).toBe('police');
    const claim = { ...examples('newborn'), 'choice.childcareSubsidy': true };
    const ev = evaluate(changsha.bundle, changsha.catalogue, claim, undefined, { today: TODAY });
    expect(ev.included).toContain('childcare-subsidy');
    // The standard does not know the local item.
    expect(run(standard, claim).included).not.toContain('childcare-subsidy');
    const days = (r: { bundle: Bundle; catalogue: typeof changsha.catalogue }) => account(r.bundle, r.catalogue, evaluate(r.bundle, r.catalogue, examples('newborn'), undefined, { today: TODAY })).days;
    const std = days({ bundle: standard, catalogue: catalogue() });
    expect(days(zhuzhou)).toMatchObject({ separately: std.separately - 3 - 15, criticalPath: std.criticalPath - 3 - 15 });
  });

  it("hands a standard department's cases to a local one (its own delivery)", () => {
    const files = readFolder(SCENARIOS).map((f) => (f.path === 'regions/newborn-zhuzhou.yaml' ? { ...f, text: `${f.text}departments:\n  police: health\n` } : f));
    const { catalogue: c, diagnostics } = check(files);
    expect(diagnostics).toEqual([]);
    const zhuzhou = resolveRegion(c.bundles.get('newborn') as Bundle, c, '430200');
    if (!zhuzhou) throw new Error('no Zhuzhou');
    const ev = evaluate(zhuzhou.bundle, zhuzhou.catalogue, examples('newborn'), undefined, { today: TODAY });
    const subs = split(zhuzhou.bundle, zhuzhou.catalogue, ev.values, ev);
    expect(subs.find((s) => s.itemId === 'birth-registration')).toMatchObject({ department: 'health', timeLimitDays: 7 });
    expect(c.items.get('birth-registration')?.department).toBe('police');
  });

  it('lint refuses an implementation that redeclares a standard item, lengthens a limit or narrows who may apply', () => {
    const files = [
      ...readFolder(SCENARIOS).filter((f) => f.path !== 'regions/newborn-zhuzhou.yaml'),
      {
        path: 'regions/newborn-zhuzhou.yaml',
        text: [
          '# yaml-language-server: $schema=../schema/region.schema.json',
          'id: newborn-zhuzhou',
          'extends: newborn',
          'region: { code: "430200", name: 株洲市 }',
          'items:',
          '  - item: social-security-card',
          '    optional: true',
          'limits:',
          '  birth-registration: 12',
          '  vaccination-certificate: 1',
          'rules:',
          '  - name: locals-only',
          '    conditions: { all: [{ fact: parents.married, operator: equal, value: false }] }',
          '    event: { type: ineligible, params: { reason: 仅限婚内生育, reasonEn: married parents only } }',
        ].join('\n'),
      },
    ];
    // The merged bundle then lists the card twice, which the bundle checks report too.
    expect(check(files).diagnostics.map((d) => `${d.file}:${d.line}:${d.col} ${d.code}`)).toEqual([
      'regions/newborn-zhuzhou.yaml:6:11 duplicate-id',
      'regions/newborn-zhuzhou.yaml:6:11 region-standard',
      'regions/newborn-zhuzhou.yaml:9:23 region-standard',
      'regions/newborn-zhuzhou.yaml:14:20 region-standard',
    ]);
  });
});
