// A prefill that holds only in some situations (`prefill: { from, when }` in a bundle): the
// newborn's father, when he is the applicant, is not asked his own name and 公民身份号码.
import { describe, expect, it } from 'vitest';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { check } from '../../shared/lint.js';
import type { Answers, Profile } from '../../shared/model.js';
import { bundle, readFolder, scenarios, SCENARIOS } from './support.js';

const TODAY = '2026-11-27';
const ZHANG: Profile = { identity: { name: '张伟', idNumber: '430102199003077716', mobile: '13800731001' } };
const run = (answers: Answers, profile?: Profile) => evaluate(bundle('newborn'), scenarios().catalogue, answers, profile, { today: TODAY });

describe('conditional prefill (newborn: the father applying)', () => {
  it('fills the father’s name and 公民身份号码 from his identity when he is the applicant', () => {
    const e = run({ 'applicant.relation': 'father', 'father.name': '别人' }, ZHANG);
    expect(e.prefilled).toMatchObject({ 'father.name': 'identity', 'father.idNumber': 'identity', 'applicant.name': 'identity' });
    // The identity wins over a value typed before the relation was chosen.
    expect(e.values['father.name']).toBe('张伟');
    expect(e.values['father.idNumber']).toBe('430102199003077716');
    const form = compose(bundle('newborn'), scenarios().catalogue, { evaluation: e });
    const father = form.elements.find((x) => x.element === 'father.name');
    expect(father?.prefill).toBe('identity');
    expect(father?.asked).toBe(false);
  });

  it('asks them when the mother applies, or before the relation is chosen', () => {
    for (const answers of [{ 'applicant.relation': 'mother' }, {}]) {
      const e = run({ ...answers, 'father.name': '张伟' }, ZHANG);
      expect(Object.hasOwn(e.prefilled, 'father.name')).toBe(false);
      expect(Object.hasOwn(e.prefilled, 'father.idNumber')).toBe(false);
      expect(e.values['father.name']).toBe('张伟');
      expect(e.values['father.idNumber']).toBeUndefined();
      expect(e.prefilled['applicant.name']).toBe('identity');
    }
  });

  it('refuses a prefill whose condition reads the field it fills', () => {
    const files = readFolder(SCENARIOS).map((f) =>
      f.path === 'bundles/newborn.yaml' ? { ...f, text: f.text.replace('when: { all: [{ fact: applicant.relation, operator: equal, value: father }] }', 'when: { all: [{ fact: father.name, operator: equal, value: 张伟 }] }') } : f,
    );
    const found = check(files).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file} ${d.code} ${d.message}`);
    expect(found).toEqual([expect.stringMatching(/^bundles\/newborn\.yaml field-rule .*prefill of "father\.name".*cannot depend on its own value/)]);
  });

  it('refuses a conditional prefill without its source', () => {
    const files = readFolder(SCENARIOS).map((f) => (f.path === 'bundles/newborn.yaml' ? { ...f, text: f.text.replace('    from: identity:idNumber\n', '') } : f));
    const found = check(files).diagnostics.filter((d) => d.severity === 'error');
    expect(found.length).toBeGreaterThan(0);
    expect(found.every((d) => d.file === 'bundles/newborn.yaml')).toBe(true);
  });
});
