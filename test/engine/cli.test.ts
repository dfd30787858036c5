// The designer CLI, called in-process (main with captured output) and once as a real process.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/scenario.js';
import { FIXTURES, REPO } from './support.js';

async function run(...argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd: REPO });
  return { code, out, err };
}

const temp = mkdtempSync(join(tmpdir(), 'scenario-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// A complete broken folder: the lint base fixture with the unknown-element overlay on top.
const broken = join(temp, 'broken');
cpSync(join(FIXTURES, 'lint', 'base'), broken, { recursive: true });
cpSync(join(FIXTURES, 'lint', 'unknown-element'), broken, { recursive: true });

describe('scenario lint', () => {
  it('passes the shipped scenarios', async () => {
    const r = await run('lint');
    expect(r.out).toEqual(['0 errors, 0 warnings in 40 files']);
    expect(r.code).toBe(0);
  });

  it('prints compiler-style lines and exits 1 on an error', async () => {
    const r = await run('lint', broken);
    expect(r.code).toBe(1);
    expect(r.out).toEqual([
      `${broken}/bundles/demo.yaml:24:56: warning: bundle "demo" (演示一件事) section "main": element "person.age" (年龄) is asked by no item of this bundle [unused]`,
      `${broken}/dictionary.yaml:13:3: warning: element "person.age" (年龄) is used by no item, rule or bundle [unused]`,
      `${broken}/items/followup.yaml:10:7: error: item "followup" (后续事项) field "nl": unknown data element "person.agee" (did you mean "person.age"?) [unknown-element]`,
      '1 error, 2 warnings in 6 files',
    ]);
  });

  it('exits 0 with warnings only', async () => {
    const dir = join(temp, 'warnings');
    cpSync(join(FIXTURES, 'lint', 'base'), dir, { recursive: true });
    cpSync(join(FIXTURES, 'lint', 'unused'), dir, { recursive: true });
    const r = await run('lint', dir);
    expect(r.out.at(-1)).toBe('0 errors, 1 warning in 6 files');
    expect(r.code).toBe(0);
  });

  it('refuses a missing folder', async () => {
    const r = await run('lint', join(temp, 'nope'));
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain('is not a scenario folder');
  });
});

describe('scenario stats', () => {
  it('--json prints exactly the savings object of the default example', async () => {
    const r = await run('stats', 'simple-deregistration', '--json');
    expect(r.code).toBe(0);
    // Same figures as test/engine/scenarios.test.ts (the default example is that answer set).
    expect(JSON.parse(r.out.join('\n'))).toEqual({
      bundle: 'simple-deregistration',
      items: 6,
      materials: { separately: 21, handedIn: 4, waived: { sharing: 2, bundle: 2, commitment: 4, generated: 6 }, handedInOnceForSeveral: 0, reusedFromArchive: 0 },
      fields: { separately: 34, asked: 11 },
      // one trip per department; the originals surrendered at the counter are the one left
      visits: {
        separately: 6,
        bundled: 1,
        reasons: [
          { item: 'enterprise-deregistration', reason: 'original', title: '交回原件：营业执照正本、副本原件', titleEn: 'surrendering an original: Original business licence, both copies (surrendered)' },
          { item: 'seal-cancellation', reason: 'original', title: '交回原件：企业印章（缴销）', titleEn: 'surrendering an original: Company seals, handed in for destruction' },
        ],
      },
      days: { separately: 16, criticalPath: 11, promised: { value: 5, unit: 'working', declared: true, excludes: [] } },
      // one step per item; the flow: public notice, then one application
      steps: { separately: 6, bundled: 2 },
      fees: {
        total: 0,
        items: ['tax-deregistration', 'enterprise-deregistration', 'seal-cancellation', 'bank-account-closure', 'social-insurance-deregistration', 'housing-fund-deregistration'].map((item) => ({ item, fee: 0 })),
      },
      official: {
        source: 'Hunan portal, Changsha 企业简易注销一件事 guide (43TCN0008)',
        promise: { days: 5, unit: 'working' },
        days: { before: 20, after: 5 },
        visits: { before: 10, after: 1 },
        materials: { before: 29, after: 10 },
        steps: { before: 10, after: 2 },
      },
      differences: [
        expect.stringMatching(/^days before: engine 16, official 20 \(\+4\): /),
        expect.stringMatching(/^visits before: engine 6, official 10 \(\+4\): /),
        expect.stringMatching(/^materials before: engine 21, official 29 \(\+8\): /),
        'materials after: engine 4, official 10 (+6): the guide\'s figure matches if it also counts generated forms (6); handed in: 简易注销全体投资人承诺书、注销决议或决定、营业执照正本、副本原件、企业印章（缴销）',
        expect.stringMatching(/^steps before: engine 6, official 10 \(\+4\): /),
      ],
    });
  });

  it('reads --answers from a file (wrapped or plain)', async () => {
    const wrapped = join(temp, 'answers.json');
    writeFileSync(wrapped, JSON.stringify({ answers: { 'applicant.role': 'agent', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false } }));
    const plain = join(temp, 'plain.json');
    writeFileSync(plain, JSON.stringify({ 'applicant.role': 'agent', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false }));
    for (const file of [wrapped, plain]) {
      const r = await run('stats', 'business-startup', '--answers', file, '--json');
      expect(JSON.parse(r.out.join('\n'))).toMatchObject({ items: 3, materials: { separately: 11, handedIn: 2 }, days: { separately: 4.5, criticalPath: 4 } });
    }
  });

  it('prints a table by default, with the official figures', async () => {
    const r = await run('stats', 'newborn');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('新生儿出生一件事 (newborn) v1.0.0 — example "default"');
    expect(r.out).toContain('                separately     bundled      official');
    expect(r.out).toContain('  materials             17           2        22 → 4   waived: sharing 3, bundle 1, commitment 0, generated 5; reused 0; handed in once for several 1');
    expect(r.out).toContain('  visits                 4           0         4 → 0');
    expect(r.out).toContain('  steps                  5           1         7 → 1   items\' own steps vs the bundle\'s flow');
    expect(r.out).toContain('  days                  47           5        72 → 5   sum of the items\' limits vs the promise (工作日); critical path 46; outside the promise: social-security-card');
    expect(r.out).toContain('  official: Hunan portal, Changsha 新生儿出生一件事 guide (43PCN0009); promise 5 工作日');
    // Each difference with the reason the engine sees.
    expect(r.out).toContain('  ≠ steps before: engine 5, official 7 (+2): the guide counts every item of the bundle (7), this answer set includes 5: the sum of steps over all items is 7; this answer set leaves out maternity-reimbursement (生育医疗费用待遇支付), parenting-guidance (科学育儿指导服务登记)');
    expect(r.out.filter((l) => l.startsWith('  ≠ '))).toHaveLength(4);
    expect(r.out.at(-1)).toBe('  source: 湖南省政务服务网一件事指南的公开抓取数据（58 个主题、7,870 份地区实施指南） https://github.com/chuanshuozhongdeshen3-hub/hunan-gov-wiki-data');
  });

  it('flags an ineligible firm', async () => {
    const r = await run('stats', 'simple-deregistration', '--example', 'excluded');
    expect(r.out[1]).toBe('  ! 被列入经营异常名录的企业不适用简易注销');
  });

  it('reports unknown bundles, examples and bad answer files', async () => {
    expect((await run('stats', 'retirement')).err.at(-1)).toContain('no bundle "retirement"');
    expect((await run('stats', 'newborn', '--example', 'nope')).err[0]).toContain('has no example "nope" (has: default, fatherApplies)');
    const bad = join(temp, 'bad.json');
    writeFileSync(bad, '{ not json');
    const r = await run('stats', 'newborn', '--answers', bad);
    expect(r.code).toBe(2);
    expect(r.err[0]).toContain('cannot read answers');
    expect((await run()).code).toBe(2);
    expect((await run('frobnicate')).code).toBe(2);
  });
});

describe('scenario preview', () => {
  it('shows sections, fields, departments, prefilled or asked', async () => {
    const r = await run('preview', 'newborn');
    expect(r.code).toBe(0);
    const text = r.out.join('\n');
    expect(r.out[0]).toBe('新生儿出生一件事 (newborn) v1.0.0 — all items, no answers');
    expect(text).toContain('Items (7 of 7 included):');
    expect(text).toContain('  ✓ social-security-card  社会保障卡申领 · 人社 · 30 d after newborn-medical-insurance — optional');
    expect(text).toMatch(/ {2}新生儿信息 \[newborn\]\n {4}child_name\* +新生儿姓名 +asked +用于：卫健、疾控、公安、医保、人社/);
    expect(text).toMatch(/applicant_idNumber\* +申请人公民身份号码 +prefilled \(identity\) +用于：医保、人社 · sensitive/);
    expect(text).toMatch(/child_idNumber +新生儿公民身份号码 +from birth-registration/);
  });

  it('with an example: items in or out with the reason, and every material with its disposition', async () => {
    const r = await run('preview', 'newborn', '--example', 'default');
    const text = r.out.join('\n');
    expect(text).toContain('Items (5 of 7 included):');
    expect(text).toContain('✗ parenting-guidance  科学育儿指导服务登记 · 卫健 · 15 d — 未选择或不符合办理条件（规则：wants-parenting-guidance）');
    expect(text).toMatch(/bundle +出生医学证明 +由卫生健康委员会办结“出生医学证明首次签发”后在本件事内部流转/);
    expect(text).toMatch(/dropped +近期免冠彩色照片 +未满7周岁的儿童可申领无照片社会保障卡/);
  });

  it('in English', async () => {
    const r = await run('preview', 'unemployment', '--example', 'default', '--lang', 'en');
    const text = r.out.join('\n');
    expect(r.out[0]).toBe('Unemployment and re-employment (unemployment) v1.0.0 — example "default"');
    expect(text).toContain('About you [personal]');
    expect(text).toMatch(/person_insuredMonths\* +Months of unemployment insurance contributions +prefilled \(sharing\) +used by HR & social security/);
  });
});

describe('as a process', () => {
  it('npx tsx server/cli/scenario.ts lint <broken> exits 1', async () => {
    const exec = promisify(execFile);
    const failure = await exec('npx', ['tsx', 'server/cli/scenario.ts', 'lint', broken], { cwd: REPO }).then(
      () => null,
      (e: { code: number; stdout: string }) => e,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stdout.trim().split('\n').at(-1)).toBe('1 error, 2 warnings in 6 files');
    const ok = await exec('npx', ['tsx', 'server/cli/scenario.ts', 'stats', 'unemployment', '--json'], { cwd: REPO });
    expect(JSON.parse(ok.stdout)).toMatchObject({ bundle: 'unemployment', items: 5, days: { separately: 45, criticalPath: 20 } });
  });
});
