// Properties of compose, evaluate, split and account, on the shipped bundles and on small
// catalogues written inline.
import type { RJSFSchema } from '@rjsf/utils';
import { customizeValidator } from '@rjsf/validator-ajv8';
import { describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { answersFromFormData, compose, formDataFromAnswers } from '../../shared/compose.js';
import type { Evaluation } from '../../shared/evaluate.js';
import { evaluate } from '../../shared/evaluate.js';
import { chineseFormats } from '../../shared/formats.js';
import { check } from '../../shared/lint.js';
import type { Answers, Bundle, Catalogue, JsonSchema, Profile } from '../../shared/model.js';
import { elementKey } from '../../shared/model.js';
import { split } from '../../shared/split.js';
import { bundle, scenarios } from './support.js';

const BUNDLES = ['newborn', 'business-startup', 'simple-deregistration', 'unemployment'];

function examples(b: Bundle): { name: string; answers: Answers; profile?: Profile }[] {
  return Object.entries(b.examples).map(([name, e]) => ({ name, answers: e.answers, ...(e.profile ? { profile: e.profile } : {}) }));
}

describe('compose', () => {
  const { catalogue } = scenarios();
  const newborn = bundle('newborn');
  const defaultAnswers = newborn.examples.default?.answers ?? {};

  it('asks each element once, with keys derived from element ids', () => {
    for (const id of BUNDLES) {
      const form = compose(bundle(id), catalogue);
      const keys = form.elements.map((e) => e.key);
      expect(new Set(keys).size, id).toBe(keys.length);
      expect(new Set(form.elements.map((e) => e.element)).size, id).toBe(keys.length);
      for (const e of form.elements) expect(e.key).toBe(elementKey(e.element));
      const inSchema = Object.values(form.schema.properties as Record<string, { properties: Record<string, unknown> }>).flatMap((s) => Object.keys(s.properties));
      expect(inSchema.sort()).toEqual(form.elements.filter((e) => e.inForm).map((e) => e.key).sort());
      expect(keys.every((k) => /^[A-Za-z][A-Za-z0-9_]*$/.test(k))).toBe(true);
    }
  });

  it('intersects the constraints of all items and names the departments', () => {
    const form = compose(newborn, catalogue);
    const name = form.elements.find((e) => e.element === 'child.name');
    // dictionary: 1..50; police (出生登记) narrows to 20
    expect(name?.schema).toMatchObject({ type: 'string', minLength: 1, maxLength: 20 });
    expect(name?.departments).toEqual(['health', 'cdc', 'police', 'medicalInsurance', 'hrss']);
    expect(name?.fieldNames).toMatchObject({ 'birth-certificate': 'xsexm', 'birth-registration': 'xm', 'newborn-medical-insurance': 'cbrxm' });
    const ui = form.uiSchema.newborn as Record<string, Record<string, unknown>>;
    expect(ui.child_name?.['ui:help']).toBe('用于：卫健、疾控、公安、医保、人社');
    expect(ui.birth_certificate__jsjgmc?.['ui:help']).toBe('用于：卫健');
  });

  it('sections by topic, in the designer order, one flat object each', () => {
    const form = compose(newborn, catalogue, { answers: defaultAnswers });
    expect(form.sections.map((s) => s.id)).toEqual(['newborn', 'parents', 'household', 'insurance', 'delivery', 'applicant']);
    expect((form.schema.properties as Record<string, JsonSchema>).newborn).toMatchObject({ type: 'object', title: '新生儿信息' });
    expect(form.uiSchema['ui:order']).toEqual(['newborn', 'parents', 'household', 'insurance', 'delivery', 'applicant', '*']);
  });

  it('shows only the fields of the included items', () => {
    const withCard = compose(newborn, catalogue, { answers: defaultAnswers });
    const noCard = compose(newborn, catalogue, { answers: { ...defaultAnswers, 'choice.socialSecurityCard': false } });
    expect(withCard.elements.some((e) => e.element === 'card.bank')).toBe(true);
    expect(noCard.elements.some((e) => e.element === 'card.bank')).toBe(false);
    expect(noCard.sections.map((s) => s.id)).not.toContain('delivery');
    // the choice itself is still asked: it decides whether the card is included
    expect(noCard.elements.find((e) => e.element === 'choice.socialSecurityCard')).toMatchObject({ asked: true, question: true, departments: [] });
  });

  it('marks prefilled fields read-only and leaves values passed on inside the bundle out', () => {
    const form = compose(newborn, catalogue, { answers: defaultAnswers });
    const ui = form.uiSchema.applicant as Record<string, Record<string, unknown>>;
    expect(ui.applicant_idNumber?.['ui:readonly']).toBe(true);
    expect(form.elements.find((e) => e.element === 'applicant.idNumber')).toMatchObject({ prefill: 'identity', asked: false, inForm: true, sensitive: true });
    expect(form.elements.find((e) => e.element === 'child.idNumber')).toMatchObject({ suppliedBy: 'birth-registration', inForm: false, asked: false });
    expect(JSON.stringify(form.schema)).not.toContain('child_idNumber');
  });

  it('with a profile: fills prefilled values, and asks what the profile lacks', () => {
    const profile: Profile = { identity: { name: '李芳', idNumber: '430102199207080028' } };
    const form = compose(newborn, catalogue, { answers: defaultAnswers, profile });
    expect(form.formData.applicant).toEqual({ applicant_name: '李芳', applicant_idNumber: '430102199207080028' });
    expect(form.elements.find((e) => e.element === 'applicant.mobile')).toMatchObject({ prefill: null, asked: true });
    expect((form.uiSchema.applicant as Record<string, Record<string, unknown>>).applicant_mobile?.['ui:readonly']).toBeUndefined();
  });

  it('in English', () => {
    const form = compose(newborn, catalogue, { lang: 'en' });
    const sec = (form.schema.properties as Record<string, { title: string; properties: Record<string, JsonSchema> }>).newborn;
    expect(sec?.title).toBe('The newborn');
    expect(sec?.properties.child_gender).toMatchObject({ title: "Newborn's sex", oneOf: [{ const: '1', title: 'Male' }, { const: '2', title: 'Female' }] });
    expect((form.uiSchema.newborn as Record<string, Record<string, unknown>>).child_name?.['ui:help']).toBe('Used by: Health, CDC, Police, Medical insurance, HR & social security');
  });

  it('round-trips answers through rjsf form data, and the example answers validate with rjsf', () => {
    const validator = customizeValidator({ customFormats: chineseFormats });
    for (const id of BUNDLES) {
      const b = bundle(id);
      const ex = b.examples.default;
      if (!ex) continue;
      const form = compose(b, catalogue, { answers: ex.answers, ...(ex.profile ? { profile: ex.profile } : {}) });
      const inForm = Object.fromEntries(Object.entries(ex.answers).filter(([k]) => form.elements.some((e) => e.element === k && e.inForm)));
      const data = formDataFromAnswers(form, inForm);
      expect(answersFromFormData(form, data)).toEqual(inForm);
      // Fill the prefilled values as the client would, then validate the whole form.
      const merged: Record<string, Record<string, unknown>> = structuredClone(data);
      for (const [sec, values] of Object.entries(form.formData)) merged[sec] = { ...merged[sec], ...values };
      const result = validator.validateFormData(merged, form.schema as RJSFSchema);
      const relevant = result.errors.filter((e) => e.name !== 'required');
      expect(relevant, `${id}: ${JSON.stringify(relevant)}`).toEqual([]);
    }
  });

  it('puts an element placed in no section into 其他信息', () => {
    const { catalogue: c } = check([
      { path: 'dictionary.yaml', text: 'elements:\n  a.one: { title: 一, titleEn: One, schema: { type: string } }\n  a.two: { title: 二, titleEn: Two, schema: { type: string } }\n' },
      { path: 'departments.yaml', text: 'departments:\n  d: { name: 部门, nameEn: Dept, delivery: { channel: inbox } }\n' },
      { path: 'materials.yaml', text: 'materials: {}\n' },
      { path: 'items/i.yaml', text: 'id: i\ntitle: 事项\ntitleEn: Item\ndepartment: d\ntimeLimitDays: 1\nfields: { f1: a.one, f2: a.two }\n' },
      { path: 'bundles/b.yaml', text: 'id: b\ntitle: 件\ntitleEn: B\nversion: "1"\nitems: [{ item: i }]\nsections: [{ id: s, title: 节, titleEn: S, elements: [a.one] }]\n' },
    ]);
    const form = compose(c.bundles.get('b') as Bundle, c);
    expect(form.sections.map((s) => [s.id, s.title, s.keys])).toEqual([
      ['s', '节', ['a_one']],
      ['other', '其他信息', ['a_two']],
    ]);
  });
});

// A tiny catalogue in which one material could be waived for every reason at once, to show
// which reason wins.
function precedenceCatalogue(opts: { producer: boolean; commitment: boolean; licence: boolean; form: 'generated' | 'upload' }): Catalogue {
  const files = [
    { path: 'dictionary.yaml', text: 'elements:\n  p.name: { title: 姓名, titleEn: Name, schema: { type: string } }\n' },
    { path: 'departments.yaml', text: 'departments:\n  first: { name: 甲局, nameEn: First bureau, delivery: { channel: inbox } }\n  second: { name: 乙局, nameEn: Second bureau, delivery: { channel: inbox } }\n' },
    { path: 'materials.yaml', text: `materials:\n  doc: { title: 证明, titleEn: Proof, issuer: first, electronicLicence: ${opts.licence}, validityMonths: 6 }\n` },
    {
      path: 'items/make.yaml',
      text: `id: make\ntitle: 出证\ntitleEn: Issue\ndepartment: first\ntimeLimitDays: 2\nfields: { xm: p.name }\n${opts.producer ? 'outputs: [{ material: doc }]\n' : ''}`,
    },
    {
      path: 'items/use.yaml',
      text: `id: use\ntitle: 用证\ntitleEn: Use\ndepartment: second\ntimeLimitDays: 3\nform: ${opts.form}\nfields: { name: p.name }\nmaterials: [doc]\n${opts.commitment ? 'commitment: [doc]\n' : ''}`,
    },
    { path: 'bundles/b.yaml', text: 'id: b\ntitle: 件\ntitleEn: B\nversion: "1"\nitems: [{ item: make }, { item: use, after: [make] }]\nsections: [{ id: s, title: 节, titleEn: S, elements: [p.name] }]\n' },
  ];
  return check(files).catalogue;
}

describe('evaluate: dispositions', () => {
  const archive = (issuedOn: string): Profile => ({ archive: [{ code: 'doc', sha256: 'c'.repeat(64), issuedOn }] });
  const disposition = (c: Catalogue, profile?: Profile): Evaluation['materials'][number] | undefined => {
    const ev = evaluate(c.bundles.get('b') as Bundle, c, {}, profile, { today: '2026-11-27' });
    return ev.materials.find((m) => m.code === 'doc');
  };

  it('generated > bundle > sharing > reuse > commitment > upload', () => {
    const all = { producer: true, commitment: true, licence: true, form: 'generated' as const };
    expect(disposition(precedenceCatalogue(all), archive('2026-10-01'))).toMatchObject({
      disposition: 'bundle',
      producedBy: 'make',
      reason: '由甲局办结“出证”后在本件事内部流转',
      reasonEn: 'produced inside this bundle by First bureau (Issue)',
    });
    expect(disposition(precedenceCatalogue({ ...all, producer: false }), archive('2026-10-01'))).toMatchObject({ disposition: 'sharing', reason: '甲局电子证照，经数据共享获取，免提交' });
    const noLicence = precedenceCatalogue({ ...all, producer: false, licence: false });
    expect(disposition(noLicence, archive('2026-10-01'))).toMatchObject({ disposition: 'reuse', archive: { issuedOn: '2026-10-01' }, reason: '已在您的材料库（一人一档）中，有效期至 2027-04-01，直接复用' });
    // six months' validity: issued 2026-05-01, expired 2026-11-01
    expect(disposition(noLicence, archive('2026-05-01'))).toMatchObject({ disposition: 'commitment', reasonEn: 'replaced by your signed commitment (告知承诺): not handed in' });
    expect(disposition(precedenceCatalogue({ ...all, producer: false, licence: false, commitment: false }))).toMatchObject({ disposition: 'upload', reason: '需上传', reasonEn: 'must be uploaded' });
  });

  it('sharing follows the profile: only what the exchange can deliver', () => {
    const c = precedenceCatalogue({ producer: false, commitment: false, licence: true, form: 'generated' });
    expect(disposition(c, { sharing: { available: [] } })?.disposition).toBe('upload');
    expect(disposition(c, { sharing: { unavailable: ['doc'] } })?.disposition).toBe('upload');
    expect(disposition(c, { sharing: { available: ['doc'] } })?.disposition).toBe('sharing');
    expect(disposition(c, { archive: [{ code: 'doc', validUntil: '2026-11-26' }], sharing: { available: [] } })?.disposition).toBe('upload');
  });

  it("an item's own form: generated from the combined form, or handed in", () => {
    const ev = (form: 'generated' | 'upload'): Evaluation => {
      const c = precedenceCatalogue({ producer: true, commitment: false, licence: false, form });
      return evaluate(c.bundles.get('b') as Bundle, c, {});
    };
    expect(ev('generated').materials.find((m) => m.code === 'form:use')).toMatchObject({ disposition: 'generated', form: true, title: '用证申请表' });
    expect(ev('upload').materials.find((m) => m.code === 'form:use')?.disposition).toBe('upload');
  });

  it('a material some item must upload is uploaded once for all, whatever the others could do', () => {
    const { catalogue } = scenarios();
    const b = bundle('newborn');
    // household register not shareable: registration and insurance both need it
    const ev = evaluate(b, catalogue, b.examples.default?.answers ?? {}, { identity: {}, sharing: { unavailable: ['householdRegister'] } });
    const hr = ev.materials.find((m) => m.code === 'householdRegister');
    expect(hr?.disposition).toBe('upload');
    expect(hr?.items).toEqual(['birth-registration', 'newborn-medical-insurance']);
  });

  it('explains why optional items are in or out, and drops waived materials with the reason', () => {
    const { catalogue } = scenarios();
    const b = bundle('newborn');
    const ev = evaluate(b, catalogue, b.examples.default?.answers ?? {});
    expect(ev.items.find((i) => i.id === 'social-security-card')).toMatchObject({ included: true, rule: 'wants-social-security-card', reason: '申请人选择同时申领社会保障卡' });
    expect(ev.items.find((i) => i.id === 'maternity-reimbursement')).toMatchObject({ included: false, reason: '未选择或不符合办理条件（申请人选择申请生育医疗费用报销时办理）' });
    expect(ev.items.find((i) => i.id === 'birth-certificate')).toMatchObject({ included: true, optional: false, reason: '本件事必办事项' });
    expect(ev.notRequired).toEqual([
      { code: 'photo', title: '近期免冠彩色照片', titleEn: 'Recent passport-style photo', items: ['social-security-card'], reason: '未满7周岁的儿童可申领无照片社会保障卡', reasonEn: 'children under 7 may have a card without a photo', rule: 'card-without-photo' },
    ]);
    for (const m of ev.materials) {
      expect(m.reason.length).toBeGreaterThan(0);
      expect(m.reasonEn.length).toBeGreaterThan(0);
    }
  });

  it('prefilled values from the profile win over what the form sent', () => {
    const { catalogue } = scenarios();
    const b = bundle('unemployment');
    const ev = evaluate(b, catalogue, { 'person.insuredMonths': 99, 'separation.reason': 'dismissed' }, { sharing: { data: { 'person.insuredMonths': 3 } } });
    expect(ev.values['person.insuredMonths']).toBe(3);
    expect(ev.prefilled['person.insuredMonths']).toBe('sharing');
    // three months insured: no benefit
    expect(ev.included).not.toContain('unemployment-benefit');
  });
});

describe('split: data minimisation', () => {
  const { catalogue } = scenarios();

  it('each department gets only the fields its item declares, in its own names', () => {
    for (const id of BUNDLES) {
      const b = bundle(id);
      for (const ex of examples(b)) {
        // Give every element a value that names it, so a leak is visible.
        const answers: Record<string, unknown> = {};
        for (const el of catalogue.elements.values()) answers[el.id] = `«${el.id}»`;
        Object.assign(answers, ex.answers);
        const ev = evaluate(b, catalogue, answers, ex.profile);
        const subs = split(b, catalogue, answers, ev);
        expect(subs.map((s) => s.itemId)).toEqual(ev.included);
        for (const sub of subs) {
          const item = catalogue.items.get(sub.itemId);
          expect(item, sub.itemId).toBeDefined();
          if (!item) continue;
          expect(sub.department).toBe(item.department);
          const declared = new Map(item.fields.map((f) => [f.name, f.element]));
          for (const [name, value] of Object.entries(sub.fields)) {
            expect(declared.has(name), `${id}/${sub.itemId} got undeclared field ${name}`).toBe(true);
            expect(value).toEqual(ev.values[declared.get(name) ?? ''] ?? answers[declared.get(name) ?? '']);
          }
          // No value of an element this item did not ask for, anywhere in the payload.
          const payload = JSON.stringify(sub.fields);
          for (const m of payload.matchAll(/«([^»]+)»/g)) {
            expect([...declared.values()], `${id}/${sub.itemId} leaked ${m[1]}`).toContain(m[1]);
          }
          // Every declared field is either sent or pending from an earlier item.
          for (const f of item.fields) {
            const sent = Object.hasOwn(sub.fields, f.name);
            const pending = sub.pending.some((p) => p.field === f.name);
            expect(sent || pending, `${id}/${sub.itemId}.${f.name}`).toBe(true);
          }
          // Materials: only the item's own requirements.
          const own = new Set([item.formMaterial, ...item.materials.map((m) => m.code)]);
          for (const m of sub.materials) expect(own.has(m.code), `${id}/${sub.itemId} material ${m.code}`).toBe(true);
        }
      }
    }
  });

  it('values produced by an earlier item are pending, with their producer', () => {
    const b = bundle('newborn');
    const ev = evaluate(b, catalogue, b.examples.default?.answers ?? {});
    const subs = split(b, catalogue, b.examples.default?.answers ?? {}, ev);
    const insurance = subs.find((s) => s.itemId === 'newborn-medical-insurance');
    expect(insurance?.pending).toEqual([{ field: 'cbrsfzh', element: 'child.idNumber', from: 'birth-registration' }]);
    expect(insurance?.after).toEqual(['birth-registration']);
    expect(insurance?.materials.map((m) => [m.code, m.disposition])).toEqual([
      ['form:newborn-medical-insurance', 'generated'],
      ['householdRegister', 'sharing'],
      ['birthMedicalCertificate', 'bundle'],
    ]);
    const registration = subs.find((s) => s.itemId === 'birth-registration');
    expect(registration?.fields).toMatchObject({ xm: '张小明', hzxm: '张伟' });
    expect(registration?.outputs).toEqual([{ kind: 'element', ref: 'child.idNumber' }]);
  });
});

describe('account invariants', () => {
  it('every distinct material is counted once: handed in, reused or waived', () => {
    const { catalogue } = scenarios();
    for (const id of BUNDLES) {
      const b = bundle(id);
      for (const ex of examples(b)) {
        const ev = evaluate(b, catalogue, ex.answers, ex.profile);
        const a = account(b, catalogue, ev);
        const w = a.materials.waived;
        expect(a.materials.handedIn + a.materials.reusedFromArchive + w.sharing + w.bundle + w.commitment + w.generated).toBe(ev.materials.length);
        expect(a.materials.separately).toBeGreaterThanOrEqual(ev.materials.length);
        expect(a.fields.asked).toBeLessThanOrEqual(a.fields.separately);
        expect(a.days.criticalPath).toBeLessThanOrEqual(a.days.separately);
        expect(a.visits.bundled).toBeLessThanOrEqual(1);
      }
    }
  });
});
