// The four shipped bundles: they lint clean, and their savings are exactly the numbers worked
// out BY HAND from the YAML files (each figure's derivation is in the comment next to it).
// Counting rules are the ones documented in shared/account.ts.
import { describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { evaluate } from '../../shared/evaluate.js';
import type { Answers, Profile } from '../../shared/model.js';
import { bundle, scenarios } from './support.js';

const TODAY = '2026-11-27';

/** The savings of an answer set; the guide's figures (reasons, promise, steps, fees) are checked in guide-figures.test.ts. */
function stats(id: string, answers: Answers, profile?: Profile) {
  const b = bundle(id);
  const { visits, days, steps: _steps, fees: _fees, ...rest } = account(b, scenarios().catalogue, evaluate(b, scenarios().catalogue, answers, profile, { today: TODAY }));
  return { ...rest, visits: { separately: visits.separately, bundled: visits.bundled }, days: { separately: days.separately, criticalPath: days.criticalPath } };
}

describe('shipped scenarios', () => {
  it('lint without errors or warnings', () => {
    expect(scenarios().diagnostics).toEqual([]);
  });

  // The seed's four bundles join four or more departments with optional items; the 2024 national
  // catalogue's follow their guides, some with two or three departments (信用修复: 发改 and 市场监管;
  // 开办餐饮店: 市场监管、消防、城管), each more than one.
  const SEED = ['business-startup', 'newborn', 'simple-deregistration', 'unemployment'];
  const CATALOGUE = [
    'after-death',
    'bankruptcy-inquiry',
    'credit-repair',
    'disability-services',
    'enterprise-change',
    'enterprise-exit',
    'listing-compliance',
    'restaurant-startup',
    'retirement',
    'school-enrolment',
    'social-security-card-services',
    'transport-startup',
    'utility-connection',
  ];
  it('ship the seed bundles, each with at least four departments, and the catalogue bundles, each joining several', () => {
    const { catalogue } = scenarios();
    expect([...catalogue.bundles.keys()].sort()).toEqual([...SEED, ...CATALOGUE].sort());
    for (const b of catalogue.bundles.values()) {
      const departments = new Set(b.items.map((bi) => catalogue.items.get(bi.item)?.department));
      expect(departments.size, b.id).toBeGreaterThanOrEqual(SEED.includes(b.id) ? 4 : 2);
      if (SEED.includes(b.id)) expect(b.items.some((bi) => bi.optional), b.id).toBe(true);
    }
  });
});

describe('newborn (新生儿出生一件事)', () => {
  // Mother applies; parents both 汉族 and married; social security card without photo, mailed.
  const motherApplies: Answers = {
    'applicant.relation': 'mother',
    'mother.ethnicity': '01',
    'father.ethnicity': '01',
    'parents.married': true,
    'choice.socialSecurityCard': true,
    'card.withPhoto': false,
    'delivery.method': 'mail',
    'choice.maternityReimbursement': false,
    'choice.parentingGuidance': false,
  };

  it('mother applies, card by post', () => {
    expect(stats('newborn', motherApplies)).toEqual({
      bundle: 'newborn',
      // birth-certificate, vaccination-certificate, birth-registration, newborn-medical-insurance,
      // social-security-card (chosen); maternity and parenting guidance not chosen.
      items: 5,
      materials: {
        // birth-certificate: form, hospital record, signed notice, ID card = 4 (no power of
        //   attorney: the mother applies); vaccination: form, hospital record, ID card = 3;
        // registration: form, birth certificate, ID card, household register, marriage
        //   certificate = 5 (no ethnicity declaration: same ethnic group); medical insurance:
        //   form, household register, birth certificate = 3; card: form, ID card = 2 (photo
        //   dropped by the card-without-photo rule). 4 + 3 + 5 + 3 + 2 = 17.
        separately: 17,
        // hospital record + signed notice
        handedIn: 2,
        // sharing: ID card, household register, marriage certificate; bundle: the birth
        // certificate (birth-certificate → registration, medical insurance); generated: 5 forms and the
        // bundle's own application form (一件事综合申请表, a bundle-level material).
        waived: { sharing: 3, bundle: 1, commitment: 0, generated: 6 },
        // the hospital record serves birth-certificate and vaccination-certificate
        handedInOnceForSeveral: 1,
        reusedFromArchive: 0,
      },
      fields: {
        // 12 (certificate) + 6 (vaccination) + 13 (registration) + 8 (insurance) + 12 (card)
        separately: 51,
        // 21 distinct elements typed (child ×5 + hospital, parents ×7 incl. relation, household
        // ×3 + residence, card bank/photo, delivery method/address) + 4 bundle questions;
        // applicant name/ID/mobile come from the login, the certificate number and the child's
        // ID number are passed on by earlier items.
        asked: 25,
      },
      // one trip per item, the vaccination certificate none (issued at the hospital): 1+0+1+1+1
      visits: { separately: 4, bundled: 0 },
      // 5 + 1 + 10 + 1 + 30; critical: certificate 5 → registration 10 → insurance 1 → card 30
      days: { separately: 47, criticalPath: 46 },
    });
  });

  it('father applies, parents of different ethnic groups, maternity claim and guidance, no card', () => {
    const answers: Answers = {
      ...motherApplies,
      'applicant.relation': 'father',
      'father.ethnicity': '08',
      'choice.socialSecurityCard': false,
      'choice.maternityReimbursement': true,
      'choice.parentingGuidance': true,
    };
    expect(stats('newborn', answers)).toEqual({
      bundle: 'newborn',
      // certificate, vaccination, registration, insurance, maternity, guidance
      items: 6,
      materials: {
        // certificate 5 (+ power of attorney), vaccination 3, registration 6 (+ ethnicity
        // declaration), insurance 3, maternity 6 (form, 4 receipts/proofs, birth certificate),
        // guidance 1 (form): 5 + 3 + 6 + 3 + 6 + 1 = 24
        separately: 24,
        // record, notice, power of attorney, ethnicity declaration, expense list, invoices,
        // diagnosis, bank card
        handedIn: 8,
        waived: { sharing: 3, bundle: 1, commitment: 0, generated: 7 },
        handedInOnceForSeveral: 1,
        reusedFromArchive: 0,
      },
      fields: {
        // 12 + 6 + 13 + 8 + 6 + 5
        separately: 50,
        // 25 of the first case − 4 card/delivery fields + bank name and account number − the
        // father's own name and 公民身份号码 (from his identity: he is the applicant)
        asked: 21,
      },
      // certificate, registration, insurance, maternity, guidance 1 each; vaccination 0
      visits: { separately: 5, bundled: 0 },
      // 5 + 1 + 10 + 1 + 20 + 15; critical: certificate 5 → maternity 20
      days: { separately: 52, criticalPath: 25 },
    });
  });

  it('unmarried parents, card with photo collected in person, photo in the archive, household register not shareable', () => {
    const answers: Answers = {
      ...motherApplies,
      'parents.married': false,
      'card.withPhoto': true,
      'delivery.method': 'pickup',
    };
    const profile: Profile = {
      identity: { name: '李芳', idNumber: '430102199207080028', mobile: '13800138000' },
      sharing: { unavailable: ['householdRegister'] },
      // Six months' validity from 2026-09-01 → still valid on 2026-11-27.
      archive: [{ code: 'photo', sha256: 'a'.repeat(64), issuedOn: '2026-09-01' }],
    };
    expect(stats('newborn', answers, profile)).toEqual({
      bundle: 'newborn',
      items: 5,
      materials: {
        // certificate 4, vaccination 3, registration 5 (statement instead of marriage
        // certificate), insurance 3, card 3 (photo now required): 18
        separately: 18,
        // record, notice, non-marital statement, household register (not shareable)
        handedIn: 4,
        // sharing: ID card only; bundle: birth certificate
        waived: { sharing: 1, bundle: 1, commitment: 0, generated: 6 },
        // the hospital record (certificate + vaccination), the household register
        // (registration + insurance)
        handedInOnceForSeveral: 2,
        // the photo
        reusedFromArchive: 1,
      },
      // the profile carries name, ID number and mobile: same fields as the first case
      // the postal address is hidden when the card is collected (a field rule): one fewer
      fields: { separately: 51, asked: 24 },
      // collecting the card at the counter (its pickup delivery option) costs the one visit
      visits: { separately: 4, bundled: 1 },
      days: { separately: 47, criticalPath: 46 },
    });
  });
});

describe('business-startup (企业开办一件事)', () => {
  it('legal representative applies, hires staff, housing fund and bank account', () => {
    const answers: Answers = { 'applicant.role': 'legalRep', 'company.type': 'llc', 'company.employeeCount': 5, 'choice.housingFund': true, 'choice.bankAccount': true };
    expect(stats('business-startup', answers)).toEqual({
      bundle: 'business-startup',
      items: 7,
      materials: {
        // registration: form, ID card, premises proof, articles = 4; seal: form, licence, ID
        // card = 3; tax: 3; employee insurance: form, licence = 2; employer medical insurance 2;
        // housing fund 2; bank: form, licence, ID card = 3. 4 + 3 + 3 + 2 + 2 + 2 + 3 = 19
        separately: 19,
        // the articles of association
        handedIn: 1,
        // sharing: ID card; bundle: the business licence from registration; commitment: the
        // premises proof (住所申报承诺制); generated: 7 forms
        waived: { sharing: 1, bundle: 1, commitment: 1, generated: 7 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      fields: {
        // 11 + 6 + 8 + 7 + 6 + 7 + 6
        separately: 51,
        // company ×5, legal representative ×3, applicant role, seal kinds, seal maker, finance
        // contact ×2, invoice kinds, employee count, contribution rate, bank name = 17, plus the
        // housing-fund and bank-account choices = 19. The credit code is passed on by
        // registration; applicant name and ID number come from the login.
        asked: 19,
      },
      visits: { separately: 7, bundled: 0 },
      // 3 + 0.5 + 1 + 1 + 1 + 5 + 1; critical: registration 3 → housing fund 5
      days: { separately: 12.5, criticalPath: 8 },
    });
  });

  it('an agent applies for a one-person company without staff', () => {
    const answers: Answers = { 'applicant.role': 'agent', 'company.type': 'llc', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false };
    expect(stats('business-startup', answers)).toEqual({
      bundle: 'business-startup',
      // registration, seal, tax
      items: 3,
      materials: {
        // registration 5 (+ agent's authorisation), seal 3, tax 3
        separately: 11,
        // articles, authorisation
        handedIn: 2,
        waived: { sharing: 1, bundle: 1, commitment: 1, generated: 3 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      // 11 + 6 + 8; asked: the 14 typed fields of those items + 3 questions
      fields: { separately: 25, asked: 17 },
      visits: { separately: 3, bundled: 0 },
      // 3 + 0.5 + 1; critical: registration 3 → tax 1
      days: { separately: 4.5, criticalPath: 4 },
    });
  });
});

describe('simple-deregistration (企业简易注销一件事)', () => {
  it('eligible firm with a housing fund account, no customs registration', () => {
    const answers: Answers = { 'company.noticePublished': true, 'company.customsRegistered': false, 'company.housingFundRegistered': true };
    const b = bundle('simple-deregistration');
    expect(evaluate(b, scenarios().catalogue, answers).eligible).toBe(true);
    expect(stats('simple-deregistration', answers)).toEqual({
      bundle: 'simple-deregistration',
      // tax, deregistration, seal, bank, social insurance, housing fund
      items: 6,
      materials: {
        // tax: form, licence = 2; deregistration: form, investors' commitment, resolution,
        // licence originals, tax clearance, liquidation report, creditor notice = 7; seal: form,
        // approval notice, seals = 3; bank: form, notice, ID card = 3; social insurance: form,
        // notice, paid-up proof = 3; housing fund: form, notice, settlement = 3. Total 21
        separately: 21,
        // investors' commitment, resolution, licence originals, seals
        handedIn: 4,
        // sharing: e-licence, ID card; bundle: tax clearance, approval notice; commitment:
        // liquidation report, creditor notice, paid-up proof, housing fund settlement
        waived: { sharing: 2, bundle: 2, commitment: 4, generated: 6 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      fields: {
        // 6 + 7 + 5 + 6 + 5 + 5
        separately: 34,
        // reason, notice date, seal count, bank account, bank, balance account, social
        // insurance number, fund account = 8, plus 3 answered questions (notice over, customs,
        // housing fund); company, credit code, legal representative and the six exclusion
        // flags come from the registrar's records.
        asked: 11,
      },
      // the licence originals and the seals are surrendered: one visit (official 10 → 1)
      visits: { separately: 6, bundled: 1 },
      // 3 + 3 + 2 + 2 + 5 + 1; critical: tax 3 → deregistration 3 → social insurance 5
      days: { separately: 16, criticalPath: 11 },
    });
  });

  it('a firm on the abnormal-operation list is told simple deregistration does not apply', () => {
    const answers: Answers = { 'company.noticePublished': true, 'company.customsRegistered': true, 'company.housingFundRegistered': false };
    const profile: Profile = {
      identity: { name: '王强', idNumber: '430105198506120055', mobile: '13800138000' },
      sharing: {
        data: {
          'company.name': '长沙一件事贸易有限公司',
          'company.creditCode': '91350200776049653A',
          'legalRep.name': '王强',
          'legalRep.idNumber': '430105198506120055',
          'company.abnormalOperation': true,
          'company.seriousViolation': false,
          'company.equityFrozen': false,
          'company.underInvestigation': false,
          'company.licenceRevoked': false,
          'company.branchesOpen': false,
        },
      },
    };
    const b = bundle('simple-deregistration');
    const ev = evaluate(b, scenarios().catalogue, answers, profile);
    expect(ev.eligible).toBe(false);
    expect(ev.ineligible.map((r) => r.rule)).toEqual(['on-abnormal-operation-list']);
    expect(ev.ineligible[0]?.reason).toBe('被列入经营异常名录的企业不适用简易注销');
    expect(stats('simple-deregistration', answers, profile)).toEqual({
      bundle: 'simple-deregistration',
      // customs in, housing fund out
      items: 6,
      materials: {
        // 21 − housing fund 3 + customs (form, licence) 2
        separately: 20,
        handedIn: 4,
        waived: { sharing: 2, bundle: 2, commitment: 3, generated: 6 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      // 34 − 5 (housing fund) + 4 (customs); asked: 8 − fund account + customs code, + 3
      fields: { separately: 33, asked: 11 },
      visits: { separately: 6, bundled: 1 },
      // 3 + 11 + 3 + 2 + 2 + 5; critical: customs 11 → deregistration 3 → social insurance 5
      days: { separately: 26, criticalPath: 19 },
    });
  });
});

describe('unemployment (失业再就业一件事)', () => {
  const profile: Profile = {
    identity: { name: '赵敏', idNumber: '430121198801010078', mobile: '13700137000' },
    sharing: { data: { 'person.insuredMonths': 36 } },
  };
  const dismissed: Answers = {
    'separation.reason': 'dismissed',
    'choice.training': true,
    'person.hardship': false,
    'choice.startBusiness': false,
    'choice.startupLoan': false,
    'person.reemployed': false,
  };

  it('dismissed after three insured years, wants training', () => {
    expect(stats('unemployment', dismissed, profile)).toEqual({
      bundle: 'unemployment',
      // registration, benefit, medical insurance during benefit, employment services, training
      items: 5,
      materials: {
        // registration: form, ID card, termination proof, photo = 4; benefit: form, ID card,
        // termination proof, social security card = 4; medical: form, ID card = 2; services 1;
        // training 1. Total 12
        separately: 12,
        // the photo
        handedIn: 1,
        // ID card, termination proof (employment records), social security card
        waived: { sharing: 3, bundle: 0, commitment: 0, generated: 5 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      fields: {
        // 8 + 7 + 4 + 6 + 5
        separately: 30,
        // residence, education, former employer, end date, reason, job wanted, salary, trade =
        // 8, plus 5 questions; insured months come from the social insurance records
        asked: 13,
      },
      // one trip per item (registration, benefit, medical insurance, services, training)
      visits: { separately: 5, bundled: 0 },
      // 5 + 5 + 5 + 15 + 15; critical: registration 5 → services (or training) 15
      days: { separately: 45, criticalPath: 20 },
    });
  });

  it('resigned, then hired by an employer: contract and employment registration', () => {
    const answers: Answers = { ...dismissed, 'separation.reason': 'resigned', 'choice.training': false, 'person.reemployed': true, 'employment.type': 'employee' };
    expect(stats('unemployment', answers, profile)).toEqual({
      bundle: 'unemployment',
      // registration, services, employment registration, unemployment deregistration (no
      // benefit: resigning is leaving by own choice)
      items: 4,
      materials: {
        // registration 4, services 1, employment registration: form, ID card, contract = 3,
        // deregistration 1
        separately: 9,
        // photo, employment contract
        handedIn: 2,
        waived: { sharing: 2, bundle: 0, commitment: 0, generated: 4 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
      },
      // 8 + 6 + 7 + 4; asked: 7 of registration/services + type, new employer, its code, start
      // date + 5 questions
      fields: { separately: 25, asked: 16 },
      // one trip per item (registration, services, employment registration, deregistration)
      visits: { separately: 4, bundled: 0 },
      // 5 + 15 + 5 + 15; critical: registration 5 → services 15
      days: { separately: 40, criticalPath: 20 },
    });
  });

  it('starts a business with a guaranteed loan; photo reused from the archive', () => {
    const answers: Answers = { ...dismissed, 'choice.training': false, 'choice.startBusiness': true, 'choice.startupLoan': true };
    const withPhoto: Profile = { ...profile, archive: [{ code: 'photo', sha256: 'b'.repeat(64), validUntil: '2027-03-01' }] };
    expect(stats('unemployment', answers, withPhoto)).toEqual({
      bundle: 'unemployment',
      // registration, benefit, medical, services, subsidy, tax relief, loan
      items: 7,
      materials: {
        // 4 + 4 + 2 + 1 + subsidy (form, ID card, licence) 3 + tax relief (form, certificate,
        // licence) 3 + loan (form, ID card, licence, certificate, business plan) 5 = 22
        separately: 22,
        // the business plan
        handedIn: 1,
        // sharing: ID card, termination proof, social security card, business licence;
        // bundle: the 就业创业证 from registration
        waived: { sharing: 4, bundle: 1, commitment: 0, generated: 7 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 1,
      },
      // 8 + 7 + 4 + 6 + 5 + 4 + 6; asked: 7 + business name, its code, loan amount + 5
      // questions; the certificate number is passed on by registration
      fields: { separately: 40, asked: 15 },
      // one trip per item (registration, benefit, medical, services, subsidy, tax relief, loan)
      visits: { separately: 7, bundled: 0 },
      // 5 + 5 + 5 + 15 + 15 + 15 + 15; critical: registration 5 → any 15-day item
      days: { separately: 75, criticalPath: 20 },
    });
  });
});
