// The citizen form's use of the bundle's cross-field checks (client/src/portal/answers.ts): a
// value failing a check waits at the field instead of being autosaved (the server would refuse
// the whole draft), and 下一步 reports it with the check's own words.
import { describe, expect, it } from 'vitest';
import { checkSection, crossFieldProblem, savable } from '../../client/src/portal/answers.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { bundle, scenarios } from '../engine/support.js';

describe('cross-field checks in the citizen form', () => {
  const newborn = bundle('newborn');
  const catalogue = scenarios().catalogue;
  const answers = { ...newborn.examples.default?.answers, 'child.birthDate': '2099-01-01' };
  const evaluation = evaluate(newborn, catalogue, answers, undefined, { today: '2026-11-27' });
  const form = compose(newborn, catalogue, { evaluation });
  const full = compose(newborn, catalogue);

  it('keeps a failing value out of autosave, and the others in', () => {
    const saved = savable(answers, full, evaluation);
    expect(saved['child.birthDate']).toBeUndefined();
    expect(saved['child.name']).toBe('张小明');
  });

  it('reports it at the field on 下一步, in both languages', () => {
    expect(crossFieldProblem(evaluation, 'child.birthDate')).toEqual({ message: '出生日期不能晚于今天', messageEn: 'The date of birth cannot be in the future' });
    expect(checkSection(form, full, 'newborn', answers, evaluation).get('child.birthDate')?.message).toBe('出生日期不能晚于今天');
  });

  it('requires the postal address only when mail is chosen', () => {
    const pickup = { ...newborn.examples.default?.answers, 'delivery.method': 'pickup', 'delivery.address': undefined };
    const ev = evaluate(newborn, catalogue, pickup, undefined, { today: '2026-11-27' });
    expect(checkSection(compose(newborn, catalogue, { evaluation: ev }), full, 'delivery', pickup, ev).size).toBe(0);
    const mail = { ...pickup, 'delivery.method': 'mail' };
    const ev2 = evaluate(newborn, catalogue, mail, undefined, { today: '2026-11-27' });
    expect(checkSection(compose(newborn, catalogue, { evaluation: ev2 }), full, 'delivery', mail, ev2).get('delivery.address')?.message).toBe('必填');
  });
});
