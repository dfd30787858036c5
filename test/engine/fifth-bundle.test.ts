// "A designer can add a fifth bundle by writing files only": copy the shipped scenarios to a
// temporary folder, add 申请公租房一件事 (public rental housing: a provincial theme of the Hunan
// portal, 43PCP0002, not on the 2024 national first batch the catalogue ships) as new files only
// (its own dictionary and materials files, four items, one bundle), and check it lints clean,
// previews and counts correctly, through the same CLI a designer uses. (This test used to add a
// demo 退休一件事; the real retirement bundle now ships, so the demo would overwrite it.)
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/scenario.js';
import { SCENARIOS } from './support.js';

const FILES: Record<string, string> = {
  'dictionary/public-rental.yaml': `# yaml-language-server: $schema=../schema/dictionary.schema.json
elements:
  tenant.moveInDate:
    title: 希望入住日期
    titleEn: Desired move-in date
    schema: { type: string, format: date }
  tenant.householdType:
    title: 申请家庭类别
    titleEn: Kind of household
    schema:
      type: string
      oneOf:
        - { const: lowIncome, title: 城镇中等偏下收入住房困难家庭, titleEn: Low-income household }
        - { const: newcomer, title: 新就业无房职工、外来务工人员, titleEn: Newly employed or migrant worker }
  tenant.hasDisabledMember:
    title: 家庭成员中是否有残疾人
    titleEn: Any disabled member in the household?
    schema: { type: boolean }
  tenant.socialInsuranceMonths:
    title: 社会保险累计缴费月数
    titleEn: Months of social insurance contributions
    schema: { type: integer, minimum: 0 }
    prefill: sharing:hrss
  choice.payRentFromHousingFund:
    title: 是否提取住房公积金支付房租
    titleEn: Pay the rent from the housing fund?
    schema: { type: boolean }
`,
  'materials/public-rental.yaml': `# yaml-language-server: $schema=../schema/materials.schema.json
materials:
  rentalQualification:
    title: 公共租赁住房保障资格确认书
    titleEn: Public rental housing qualification
    issuer: housing
  disabledMemberProof:
    title: 家庭成员残疾情况证明
    titleEn: Proof of a disabled household member
`,
  'items/public-rental-application.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: public-rental-application
title: 公共租赁住房保障资格申请
titleEn: Public rental housing application
department: housing
timeLimitDays: 10
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  lxdh: applicant.mobile
  jtlb: tenant.householdType
  rzrq: tenant.moveInDate
materials:
  - idCard
  - material: disabledMemberProof
    when:
      all:
        - { fact: tenant.hasDisabledMember, operator: equal, value: true }
outputs:
  - material: rentalQualification
`,
  'items/public-rental-contract.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: public-rental-contract
title: 公共租赁住房配租及租赁合同签订
titleEn: Allocation and tenancy contract
department: housing
timeLimitDays: 5
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  lxdh: applicant.mobile
  khh: bank.name
  yhzh: bank.accountNumber
materials:
  - idCard
  - rentalQualification
  - householdRegister
`,
  'items/public-rental-insurance-check.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: public-rental-insurance-check
title: 社会保险缴纳情况核查
titleEn: Check of social insurance contributions
department: hrss
timeLimitDays: 5
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  jfys: tenant.socialInsuranceMonths
materials:
  - rentalQualification
`,
  'items/rent-housing-fund-withdrawal.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: rent-housing-fund-withdrawal
title: 提取住房公积金支付房租
titleEn: Housing fund withdrawal for rent
department: housingFund
timeLimitDays: 3
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  khh: bank.name
  yhzh: bank.accountNumber
materials:
  - idCard
  - rentalQualification
  - bankCard
`,
  'bundles/public-rental.yaml': `# yaml-language-server: $schema=../schema/bundle.schema.json
id: public-rental
title: 申请公租房一件事
titleEn: Public rental housing
audience: person
version: "1.0.0"
lead: housing
items:
  - item: public-rental-application
  - item: public-rental-contract
    after: [public-rental-application]
  - item: public-rental-insurance-check
    after: [public-rental-application]
  - item: rent-housing-fund-withdrawal
    after: [public-rental-application]
    optional: true
questions: [tenant.hasDisabledMember, choice.payRentFromHousingFund]
rules:
  - name: pays-rent-from-housing-fund
    conditions:
      all:
        - { fact: choice.payRentFromHousingFund, operator: equal, value: true }
    event:
      type: include-item
      params: { item: rent-housing-fund-withdrawal, reason: 申请人选择提取住房公积金支付房租, reasonEn: the applicant pays the rent from the housing fund }
sections:
  - id: tenancy
    title: 租住信息
    titleEn: Tenancy
    elements: [tenant.moveInDate, tenant.householdType, tenant.hasDisabledMember, tenant.socialInsuranceMonths]
  - id: payment
    title: 租金与公积金
    titleEn: Rent and housing fund
    elements: [bank.name, bank.accountNumber, choice.payRentFromHousingFund]
  - id: applicant
    title: 申请人
    titleEn: Applicant
    elements: [applicant.name, applicant.idNumber, applicant.mobile]
examples:
  default:
    answers:
      tenant.householdType: lowIncome
      tenant.hasDisabledMember: false
      choice.payRentFromHousingFund: true
`,
};

const dir = mkdtempSync(join(tmpdir(), 'fifth-bundle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
cpSync(SCENARIOS, dir, { recursive: true });
for (const [path, text] of Object.entries(FILES)) {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: dir });
  return { code, out, err };
}

describe('a fifth bundle written as files only', () => {
  it('lints clean: the new files bring no finding, and use what the shipped ones left unused', async () => {
    const shipped: string[] = [];
    await main(['lint', SCENARIOS], { out: (l) => shipped.push(l), err: (l) => shipped.push(l), cwd: dir });
    const r = await run('lint', '.');
    expect(r.code).toBe(0);
    // the shipped folder's paths are printed under scenarios/, the copy's under ./
    const findings = (lines: string[]): string[] => lines.slice(0, -1).map((l) => l.replace(/^(?:\.\/|.*\/scenarios\/)/, ''));
    const summary = (l: string | undefined): number[] => {
      const m = /^(\d+) errors?, (\d+) warnings? in (\d+) files$/.exec(l ?? '');
      expect(m, l).not.toBeNull();
      return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : [];
    };
    // every finding in the copy was already one of the shipped folder's (unused departments while
    // the catalogue is written elsewhere): none is about the new files
    const before = new Set(findings(shipped));
    expect(findings(r.out).filter((l) => !before.has(l))).toEqual([]);
    // the shipped warning that 住建 (housing) is unused goes: the new bundle is led by it
    expect(findings(shipped).some((l) => /department "housing"/.test(l))).toBe(findings(r.out).length < findings(shipped).length);
    const [errors, , files] = summary(r.out.at(-1));
    expect(errors).toBe(0);
    expect(files).toBe((summary(shipped.at(-1))[2] ?? 0) + 7);
  });

  it('previews', async () => {
    const r = await run('preview', 'public-rental', '--dir', '.');
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(r.out[0]).toBe('申请公租房一件事 (public-rental) v1.0.0 — all items, no answers');
    expect(text).toMatch(/租住信息 \[tenancy\]\n +tenant_moveInDate\* +希望入住日期 +asked +用于：住建/);
    expect(text).toMatch(/tenant_socialInsuranceMonths\* +社会保险累计缴费月数 +prefilled \(sharing\) +用于：人社/);
    expect(text).toMatch(/bank_accountNumber\* +银行账号 +asked +用于：住建、公积金 · sensitive/);
  });

  it('counts', async () => {
    const r = await run('stats', 'public-rental', '--json', '--dir', '.');
    expect(r.err).toEqual([]);
    expect(JSON.parse(r.out.join('\n'))).toEqual({
      bundle: 'public-rental',
      // application, contract, insurance check, housing fund withdrawal (chosen)
      items: 4,
      materials: {
        // application: form, ID card = 2 (no disabled member); contract: form, ID card,
        // qualification, household register = 4; check: form, qualification = 2; withdrawal:
        // form, ID card, qualification, bank card = 4. Total 12
        separately: 12,
        // the bank card
        handedIn: 1,
        // sharing: ID card, household register; bundle: the qualification from the application
        waived: { sharing: 2, bundle: 1, commitment: 0, generated: 4 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
        // no rule drops a material for these answers
        dropped: [],
      },
      // 5 + 5 + 3 + 4; asked: household type, move-in date, bank, account + 2 questions
      fields: { separately: 17, asked: 6 },
      // written without the guide keys (visits:, promise:, …): one trip per department (housing,
      // hrss, housingFund), no on-site need, one step per item, no fees
      visits: { separately: 3, bundled: 0, reasons: [] },
      // 10 + 5 + 5 + 3; critical: application 10 → contract or check 5; no promise declared,
      // so the critical path stands in for it
      days: { separately: 23, criticalPath: 15, promised: { value: 15, unit: 'working', declared: false, excludes: [] } },
      steps: { separately: 4, bundled: 1 },
      fees: { total: 0, items: ['public-rental-application', 'public-rental-contract', 'public-rental-insurance-check', 'rent-housing-fund-withdrawal'].map((item) => ({ item, fee: 0 })) },
      official: null,
      differences: [],
    });
  });
});
