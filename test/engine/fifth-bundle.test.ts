// "A designer can add a fifth bundle by writing files only": copy the shipped scenarios to a
// temporary folder, add 退休一件事 (retirement, on the national 国发〔2024〕3号 list) as new
// files only (its own dictionary and materials files, four items, one bundle), and check it
// lints clean, previews and counts correctly, through the same CLI a designer uses.
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/scenario.js';
import { SCENARIOS } from './support.js';

const FILES: Record<string, string> = {
  'dictionary/retirement.yaml': `# yaml-language-server: $schema=../schema/dictionary.schema.json
elements:
  retiree.retirementDate:
    title: 退休日期
    titleEn: Retirement date
    schema: { type: string, format: date }
  retiree.jobCategory:
    title: 岗位类别
    titleEn: Kind of job
    schema:
      type: string
      oneOf:
        - { const: general, title: 一般岗位, titleEn: General }
        - { const: special, title: 特殊工种, titleEn: Special (early retirement) }
  retiree.hasDeemedContribution:
    title: 是否有视同缴费年限
    titleEn: Any deemed contribution years?
    schema: { type: boolean }
  retiree.medicalContributionYears:
    title: 职工医保累计缴费年限
    titleEn: Years of medical insurance contributions
    schema: { type: integer, minimum: 0 }
    prefill: sharing:medicalInsurance
  choice.withdrawHousingFund:
    title: 是否同时提取住房公积金
    titleEn: Withdraw the housing fund as well?
    schema: { type: boolean }
`,
  'materials/retirement.yaml': `# yaml-language-server: $schema=../schema/materials.schema.json
materials:
  retirementApproval:
    title: 职工退休审批表
    titleEn: Retirement approval
    issuer: hrss
  deemedContributionProof:
    title: 视同缴费年限认定材料
    titleEn: Proof of deemed contribution years
`,
  'items/retirement-application.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: retirement-application
title: 职工正常退休申请
titleEn: Retirement application
department: hrss
timeLimitDays: 10
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  lxdh: applicant.mobile
  gwlb: retiree.jobCategory
  txrq: retiree.retirementDate
materials:
  - idCard
  - material: deemedContributionProof
    when:
      all:
        - { fact: retiree.hasDeemedContribution, operator: equal, value: true }
outputs:
  - material: retirementApproval
`,
  'items/pension-claim.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: pension-claim
title: 基本养老金待遇申领
titleEn: Basic pension claim
department: hrss
timeLimitDays: 5
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  lxdh: applicant.mobile
  khh: bank.name
  yhzh: bank.accountNumber
materials:
  - idCard
  - retirementApproval
  - socialSecurityCard
`,
  'items/retiree-medical-insurance.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: retiree-medical-insurance
title: 退休人员医保待遇核定
titleEn: Medical insurance entitlement of a retiree
department: medicalInsurance
timeLimitDays: 5
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  jfnx: retiree.medicalContributionYears
materials:
  - retirementApproval
`,
  'items/retirement-housing-fund-withdrawal.yaml': `# yaml-language-server: $schema=../schema/item.schema.json
id: retirement-housing-fund-withdrawal
title: 退休提取住房公积金
titleEn: Housing fund withdrawal on retirement
department: housingFund
timeLimitDays: 3
fields:
  xm: applicant.name
  sfzh: applicant.idNumber
  khh: bank.name
  yhzh: bank.accountNumber
materials:
  - idCard
  - retirementApproval
  - bankCard
`,
  'bundles/retirement.yaml': `# yaml-language-server: $schema=../schema/bundle.schema.json
id: retirement
title: 退休一件事
titleEn: Retirement
audience: person
version: "1.0.0"
lead: hrss
items:
  - item: retirement-application
  - item: pension-claim
    after: [retirement-application]
  - item: retiree-medical-insurance
    after: [retirement-application]
  - item: retirement-housing-fund-withdrawal
    after: [retirement-application]
    optional: true
questions: [retiree.hasDeemedContribution, choice.withdrawHousingFund]
rules:
  - name: withdraws-housing-fund
    conditions:
      all:
        - { fact: choice.withdrawHousingFund, operator: equal, value: true }
    event:
      type: include-item
      params: { item: retirement-housing-fund-withdrawal, reason: 申请人选择提取住房公积金, reasonEn: the applicant withdraws the housing fund }
sections:
  - id: retirement
    title: 退休信息
    titleEn: Retirement
    elements: [retiree.retirementDate, retiree.jobCategory, retiree.hasDeemedContribution, retiree.medicalContributionYears]
  - id: payment
    title: 待遇发放
    titleEn: Payments
    elements: [bank.name, bank.accountNumber, choice.withdrawHousingFund]
  - id: applicant
    title: 申请人
    titleEn: Applicant
    elements: [applicant.name, applicant.idNumber, applicant.mobile]
examples:
  default:
    answers:
      retiree.jobCategory: general
      retiree.hasDeemedContribution: false
      choice.withdrawHousingFund: true
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
  it('lints clean', async () => {
    const r = await run('lint', '.');
    // 47 shipped files + 7 new ones
    expect(r.out).toEqual(['0 errors, 0 warnings in 55 files']);
    expect(r.code).toBe(0);
  });

  it('previews', async () => {
    const r = await run('preview', 'retirement', '--dir', '.');
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(r.out[0]).toBe('退休一件事 (retirement) v1.0.0 — all items, no answers');
    expect(text).toMatch(/退休信息 \[retirement\]\n +retiree_retirementDate\* +退休日期 +asked +用于：人社/);
    expect(text).toMatch(/retiree_medicalContributionYears\* +职工医保累计缴费年限 +prefilled \(sharing\) +用于：医保/);
    expect(text).toMatch(/bank_accountNumber\* +银行账号 +asked +用于：人社、公积金 · sensitive/);
  });

  it('counts', async () => {
    const r = await run('stats', 'retirement', '--json', '--dir', '.');
    expect(r.err).toEqual([]);
    expect(JSON.parse(r.out.join('\n'))).toEqual({
      bundle: 'retirement',
      // application, pension, medical insurance, housing fund withdrawal (chosen)
      items: 4,
      materials: {
        // application: form, ID card = 2 (no deemed years); pension: form, ID card, approval,
        // social security card = 4; medical: form, approval = 2; withdrawal: form, ID card,
        // approval, bank card = 4. Total 12
        separately: 12,
        // the bank card
        handedIn: 1,
        // sharing: ID card, social security card; bundle: the approval from the application
        waived: { sharing: 2, bundle: 1, commitment: 0, generated: 4 },
        handedInOnceForSeveral: 0,
        reusedFromArchive: 0,
        // no rule drops a material for these answers
        dropped: [],
      },
      // 5 + 5 + 3 + 4; asked: job category, retirement date, bank, account + 2 questions
      fields: { separately: 17, asked: 6 },
      // written without the guide keys (visits:, promise:, …): one trip per department (hrss,
      // medicalInsurance, housingFund), no on-site need, one step per item, no fees
      visits: { separately: 3, bundled: 0, reasons: [] },
      // 10 + 5 + 5 + 3; critical: application 10 → pension or medical 5; no promise declared,
      // so the critical path stands in for it
      days: { separately: 23, criticalPath: 15, promised: { value: 15, unit: 'working', declared: false, excludes: [] } },
      steps: { separately: 4, bundled: 1 },
      fees: { total: 0, items: ['retirement-application', 'pension-claim', 'retiree-medical-insurance', 'retirement-housing-fund-withdrawal'].map((item) => ({ item, fee: 0 })) },
      official: null,
      differences: [],
    });
  });
});
