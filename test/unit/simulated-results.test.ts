import { describe, it, expect } from 'vitest';
import { caseFacts, generateOutputs, randomBirthCertificateNumber, randomIdNumber } from '../../server/simulator/outputs.js';
import { checkCreditCode, checkIdNumber, idNumberBirthDate, idNumberGender } from '../../shared/identifiers.js';
import { commitmentMaterials, commitmentText, signerNameMatches, COMMITMENT_LIABILITY } from '../../shared/commitment.js';

const now = new Date('2026-12-03T04:00:00Z');

/** The birth registration as police receive it (their own field names). */
const POLICE_FIELDS = {
  xm: '王小宝',
  xb: '2',
  csrq: '2026-11-21',
  fqxm: '陈强',
  fqsfzh: '430104199003151237',
  mqxm: '王芳',
  mqsfzh: '430105198811206525',
  hjdz: '湖南省长沙市开福区湘江中路1号',
};

describe('simulated results agree with the case', () => {
  it("codes the newborn's 公民身份号码 from the household's region, the birth date and the sex, with a valid check digit", () => {
    for (let i = 0; i < 200; i++) {
      for (const [xb, gender] of [['1', 1], ['2', 2]] as const) {
        const out = generateOutputs([{ key: 'child.idNumber', title: '新生儿公民身份号码', schema: { type: 'string', format: 'cn-id-number' } }], { now, fields: { ...POLICE_FIELDS, xb } });
        const id = out['child.idNumber'] as string;
        expect(checkIdNumber(id, now)).toBeNull();
        // The father's region (the household's), the birth date on the case, odd for a boy and even for a girl.
        expect(id.slice(0, 6)).toBe('430104');
        expect(idNumberBirthDate(id)).toBe('2026-11-21');
        expect(idNumberGender(id)).toBe(gender);
      }
    }
    // Without the father's number, the mother's region.
    const { fqsfzh: _unused, ...motherOnly } = POLICE_FIELDS;
    expect(caseFacts(motherOnly)).toMatchObject({ region: '430105', birthDate: '2026-11-21', gender: 2 });
    // An invalid number on the case is not a region.
    expect(caseFacts({ fqsfzh: '430104199003151238' }).region).toBeUndefined();
  });

  it('gives a 出生医学证明 one number in its real format, the same for the licence and its 编号', () => {
    for (let i = 0; i < 100; i++) expect(randomBirthCertificateNumber()).toMatch(/^Q43\d{7}$/);
    const out = generateOutputs(
      [
        { key: 'birthMedicalCertificate', title: '出生医学证明', schema: { type: 'string', minLength: 1 } },
        { key: 'child.birthCertificateNumber', title: '出生医学证明编号', schema: { type: 'string', pattern: '^[A-Z][0-9]{9}$' } },
      ],
      { now, fields: { xsexm: '王小宝', xsexb: '2', csrq: '2026-11-21', mqsfzh: '430105198811206525', fqsfzh: '430104199003151237' } },
    );
    expect(out['child.birthCertificateNumber']).toMatch(/^[A-Z][0-9]{9}$/);
    expect(out.birthMedicalCertificate).toBe(out['child.birthCertificateNumber']);
  });

  it("numbers a 社会保障卡 by its holder's 公民身份号码", () => {
    const childId = randomIdNumber('2026-11-21', Math.random, '430104', 2);
    expect(checkIdNumber(childId, now)).toBeNull();
    const out = generateOutputs([{ key: 'socialSecurityCard', title: '社会保障卡', schema: { type: 'string', minLength: 1 } }], {
      now,
      fields: { xm: '王小宝', sfzh: childId, xb: '2', csrq: '2026-11-21', jhrsfzh: '430105198811206525' },
    });
    expect(out.socialSecurityCard).toBe(childId);
  });

  it('issues the 营业执照 under the 统一社会信用代码 with a valid GB 32100 check character', () => {
    for (let i = 0; i < 100; i++) {
      const out = generateOutputs(
        [
          { key: 'company.creditCode', title: '统一社会信用代码', schema: { type: 'string', format: 'cn-credit-code' } },
          { key: 'businessLicence', title: '营业执照（电子营业执照）', schema: { type: 'string', minLength: 1 } },
        ],
        { now, fields: { qymc: '长沙一件事科技有限公司', fddbrsfzh: '430105198506120055' } },
      );
      expect(checkCreditCode(out['company.creditCode'] as string)).toBeNull();
      expect((out['company.creditCode'] as string).slice(2, 8)).toBe('430100');
      expect(out.businessLicence).toBe(out['company.creditCode']);
    }
  });
});

describe('the 告知承诺书', () => {
  const evaluation = {
    items: [
      { id: 'company-registration', title: '企业设立登记（含名称自主申报）' },
      { id: 'seal-engraving', title: '印章刻制' },
    ],
    materials: [
      { code: 'idCard', title: '居民身份证', disposition: 'sharing', items: ['company-registration'], needs: [{ item: 'company-registration', disposition: 'sharing' }] },
      { code: 'premisesProof', title: '住所（经营场所）使用证明', disposition: 'commitment', items: ['company-registration'], needs: [{ item: 'company-registration', disposition: 'commitment' }] },
    ],
  } as unknown as Parameters<typeof commitmentMaterials>[0];

  it('names the applicant with the ID number masked, the bundle, the items and materials it replaces, and the liability', () => {
    const materials = commitmentMaterials(evaluation);
    expect(materials).toEqual([{ code: 'premisesProof', title: '住所（经营场所）使用证明', items: [{ id: 'company-registration', title: '企业设立登记（含名称自主申报）' }] }]);
    const text = commitmentText({ applicant: { name: '王芳', idNumber: '430105198811206525' }, bundle: { title: '企业开办一件事' }, materials });
    expect(text).toContain('承诺人：王芳（公民身份号码：4301**********6525）');
    expect(text).toContain('1. 住所（经营场所）使用证明（适用事项：企业设立登记（含名称自主申报））');
    expect(text).toContain(COMMITMENT_LIABILITY);
    expect(text).not.toContain('430105198811206525');
    // The same inputs give the same text (its hash is what a signature covers).
    expect(commitmentText({ applicant: { name: '王芳', idNumber: '430105198811206525' }, bundle: { title: '企业开办一件事' }, materials })).toBe(text);
  });

  it('takes the name typed exactly (ends trimmed), nothing close to it', () => {
    expect(signerNameMatches(' 王芳 ', '王芳')).toBe(true);
    expect(signerNameMatches('王 芳', '王芳')).toBe(false);
    expect(signerNameMatches('王', '王芳')).toBe(false);
    expect(signerNameMatches('', '')).toBe(false);
  });
});
