// The designer CLI, called in-process (main with captured output) and once as a real process.
import { execFile } from 'node:child_process';
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { main } from '../../server/cli/scenario.js';
import { FIXTURES, REPO, SCENARIOS } from './support.js';

async function runIn(cwd: string, argv: string[]): Promise<{ code: number; out: string[]; err: string[] }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(argv, { out: (l) => out.push(l), err: (l) => err.push(l), cwd, root: REPO });
  return { code, out, err };
}
const run = (...argv: string[]): ReturnType<typeof runIn> => runIn(REPO, argv);

const temp = mkdtempSync(join(tmpdir(), 'scenario-cli-'));
afterAll(() => rmSync(temp, { recursive: true, force: true }));

// The shipped scenarios with mistakes in one bundle: the unemployment example's profile (an ID
// number with a wrong check character, a misspelled shared element and licence code) …
const profiles = join(temp, 'profiles');
cpSync(SCENARIOS, profiles, { recursive: true });
{
  const file = join(profiles, 'bundles', 'unemployment.yaml');
  const text = readFileSync(file, 'utf8');
  const broken = text.replace(
    /(default:[\s\S]*?idNumber: ")430121198801010078("[\s\S]*?)person\.insuredMonths: 36/,
    '$1430121198801010079$2person.insuredMonth: 36\n        available: [unemploymentCertificat]',
  );
  if (broken === text) throw new Error('unemployment.yaml changed: update this test');
  writeFileSync(file, broken);
}
// … and the newborn with a typo in an item id.
const typo = join(temp, 'typo');
cpSync(SCENARIOS, typo, { recursive: true });
{
  const file = join(typo, 'bundles', 'newborn.yaml');
  writeFileSync(file, readFileSync(file, 'utf8').replace('  - item: birth-registration\n', '  - item: birth-registraton\n'));
}

// A complete broken folder: the lint base fixture with the unknown-element overlay on top.
const broken = join(temp, 'broken');
cpSync(join(FIXTURES, 'lint', 'base'), broken, { recursive: true });
cpSync(join(FIXTURES, 'lint', 'unknown-element'), broken, { recursive: true });

describe('scenario lint', () => {
  it('passes the shipped scenarios', async () => {
    const r = await run('lint');
    expect(r.out).toEqual([expect.stringMatching(/^0 errors, 0 warnings in \d+ files$/)]);
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

  it('prints the findings in Chinese with --lang zh, keeping each code', async () => {
    const r = await run('lint', broken, '--lang', 'zh');
    expect(r.code).toBe(1);
    expect(r.out).toContain(`${broken}/items/followup.yaml:10:7: 错误：未知的数据元素“person.agee”（是否应为“person.age”？） [unknown-element]`);
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

  it('refuses a single file', async () => {
    const r = await run('lint', 'scenarios/bundles/newborn.yaml');
    expect(r.code).toBe(2);
    expect(r.err).toEqual([
      'error: scenarios/bundles/newborn.yaml is not a scenario folder; scenario files are checked together: name the folder that holds dictionary.yaml, items/ and bundles/',
    ]);
    expect(r.out).toEqual([]);
  });

  it('fails on a folder without scenario files instead of passing "0 errors"', async () => {
    const empty = join(temp, 'empty');
    mkdirSync(join(empty, 'notes'), { recursive: true });
    writeFileSync(join(empty, 'notes', 'todo.yaml'), 'a: 1\n');
    for (const dir of [empty, join(empty, 'notes')]) {
      const r = await run('lint', dir);
      expect(r.code).toBe(2);
      expect(r.err[0]).toMatch(/is not a scenario folder: it holds no dictionary\.yaml/);
      expect(r.out).toEqual([]);
    }
  });

  it('lints an example\'s profile: identity numbers, licence codes, shared data', async () => {
    const r = await run('lint', profiles);
    expect(r.code).toBe(1);
    const errors = r.out.filter((l) => l.includes(': error: '));
    expect(errors).toEqual([
      expect.stringMatching(/unemployment\.yaml:206:\d+: error: .* example "default": identity idNumber = "430121198801010079": the check character .* \[invalid-example\]$/),
      expect.stringMatching(/unemployment\.yaml:209:\d+: error: .* example "default": unknown element "person.insuredMonth" \(did you mean "person.insuredMonths"\?\) \[invalid-example\]$/),
      expect.stringMatching(/unemployment\.yaml:210:\d+: error: .* example "default": unknown material "unemploymentCertificat" .*\[invalid-example\]$/),
    ]);
  });

  it('"did you mean" names an item that exists, never the typo', async () => {
    const r = await run('lint', typo);
    const errors = r.out.filter((l) => l.includes(': error: '));
    const ofBundle = errors.filter((l) => l.includes('/bundles/newborn.yaml:'));
    expect(ofBundle).toEqual([
      expect.stringContaining('unknown item "birth-registraton" (did you mean "birth-registration"?) [unknown-item]'),
      expect.stringContaining('comes after "birth-registration", which is not an item of this bundle [unknown-item]'),
    ]);
    // The regional implementations that name the real item fail with the standard; none of them
    // may suggest the typo either.
    expect(errors.length).toBeGreaterThan(ofBundle.length);
    expect(errors.filter((l) => l.includes('did you mean "birth-registraton"'))).toEqual([]);
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
      materials: { separately: 21, handedIn: 4, waived: { sharing: 2, bundle: 2, commitment: 4, generated: 6 }, handedInOnceForSeveral: 0, reusedFromArchive: 0, dropped: [] },
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
        notes: {
          'days.before': expect.stringContaining('27 with customs'),
          'visits.before': expect.stringContaining('one trip per department'),
          'materials.before': expect.stringContaining('counted by rules of its own'),
          'steps.before': expect.stringContaining('one step per item'),
        },
      },
      differences: [
        expect.stringMatching(/^days before: engine 16, official 20 \(\+4\): .*; the bundle notes: .*27 with customs/),
        expect.stringMatching(/^visits before: engine 6, official 10 \(\+4\): .*; the bundle notes: /),
        expect.stringMatching(/^materials before: engine 21, official 29 \(\+8\): .*; the bundle notes: /),
        'materials after: engine 4, official 10 (+6): the guide\'s figure matches if it also counts generated forms (6); handed in: 简易注销全体投资人承诺书、注销决议或决定、营业执照正本、副本原件、企业印章（缴销）',
        expect.stringMatching(/^steps before: engine 6, official 10 \(\+4\): .*; the bundle notes: /),
      ],
    });
  });

  it('reads --answers from a file (wrapped or plain)', async () => {
    const wrapped = join(temp, 'answers.json');
    writeFileSync(wrapped, JSON.stringify({ answers: { 'applicant.role': 'agent', 'company.type': 'llc', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false } }));
    const plain = join(temp, 'plain.json');
    writeFileSync(plain, JSON.stringify({ 'applicant.role': 'agent', 'company.type': 'llc', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false }));
    for (const file of [wrapped, plain]) {
      const r = await run('stats', 'business-startup', '--answers', file, '--json');
      expect(JSON.parse(r.out.join('\n'))).toMatchObject({ items: 3, materials: { separately: 11, handedIn: 2 }, days: { separately: 4.5, criticalPath: 4 } });
    }
  });

  it('lists the materials a rule dropped (--json and table)', async () => {
    const r = await run('stats', 'newborn', '--json');
    const dropped = (JSON.parse(r.out.join('\n')) as { materials: { dropped: unknown[] } }).materials.dropped;
    expect(dropped).toEqual([
      { code: 'photo', title: '近期免冠彩色照片', items: ['social-security-card'], reason: '未满7周岁的儿童可申领无照片社会保障卡', rule: 'card-without-photo' },
    ]);
    const table = await run('stats', 'newborn');
    expect(table.out).toContain(`${' '.repeat(41)}dropped by rules: 近期免冠彩色照片（未满7周岁的儿童可申领无照片社会保障卡）`);
  });

  it('is not failed by errors in another bundle', async () => {
    const other = await run('stats', 'newborn', '--dir', profiles, '--json');
    expect(other.err).toEqual([]);
    expect(other.code).toBe(0);
    const own = await run('stats', 'unemployment', '--dir', profiles, '--json');
    expect(own.err).toEqual([expect.stringContaining('unemployment.yaml:206:'), expect.stringContaining('unemployment.yaml:209:'), expect.stringContaining('unemployment.yaml:210:')]);
    expect(own.code).toBe(1);
  });

  it('refuses --answers with unknown element ids or values of the wrong type, naming each', async () => {
    const file = join(temp, 'wrong.json');
    writeFileSync(file, JSON.stringify({ 'applicant.role': 'agent', 'company.employeeCount': 'many', 'choise.housingFund': false, 'choice.bankAccount': 'no' }));
    const r = await run('stats', 'business-startup', '--answers', file);
    expect(r.code).toBe(2);
    expect(r.out).toEqual([]);
    expect(r.err).toEqual([
      `error: ${file}: answers: company.employeeCount = "many" must be integer`,
      `error: ${file}: answers: unknown element "choise.housingFund" (did you mean "choice.housingFund"?)`,
      `error: ${file}: answers: choice.bankAccount = "no" must be boolean`,
    ]);
    const profile = join(temp, 'profile.json');
    writeFileSync(profile, JSON.stringify({ answers: {}, profile: { identity: { idNumber: '430121198801010079' }, sharing: { available: ['businessLicense'] } } }));
    const p = await run('stats', 'business-startup', '--answers', profile);
    expect(p.code).toBe(2);
    expect(p.err).toEqual([expect.stringMatching(/profile: identity idNumber = "430121198801010079": the check character/), expect.stringMatching(/profile: unknown material "businessLicense" \(did you mean "businessLicence"\?\)/)]);
  });

  it('reads a relative --answers path from the working directory, the default folder from the package', async () => {
    const here = join(temp, 'here');
    mkdirSync(here, { recursive: true });
    writeFileSync(join(here, 'mine.json'), JSON.stringify({ 'applicant.role': 'agent', 'company.type': 'llc', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false }));
    const r = await runIn(here, ['stats', 'business-startup', '--answers', 'mine.json', '--json']);
    expect(r.err).toEqual([]);
    expect(JSON.parse(r.out.join('\n'))).toMatchObject({ items: 3, materials: { separately: 11, handedIn: 2 } });
  });

  it('prints a table by default, with the official figures', async () => {
    const r = await run('stats', 'newborn');
    expect(r.code).toBe(0);
    expect(r.out[0]).toBe('新生儿出生一件事 (newborn) v1.0.0 — example "default"');
    expect(r.out).toContain('                separately     bundled      official');
    expect(r.out).toContain('  materials             17           2        22 → 4   waived: sharing 3, bundle 1, commitment 0, generated 6; reused 0; handed in once for several 1');
    expect(r.out).toContain('  visits                 4           0         4 → 0');
    expect(r.out).toContain('  steps                  5           1         7 → 1   items\' own steps vs the bundle\'s flow');
    expect(r.out).toContain('  days                  47           5        72 → 5   sum of the items\' limits vs the promise (工作日); critical path 46; outside the promise: social-security-card');
    expect(r.out).toContain('  official: Hunan portal, Changsha 新生儿出生一件事 guide (43PCN0009); promise 5 工作日');
    // Each difference with the reason the engine sees.
    expect(r.out).toContain('  ≠ steps before: engine 5, official 7 (+2): the guide counts every item of the bundle (7), this answer set includes 5: the sum of steps over all items is 7; this answer set leaves out maternity-reimbursement (生育医疗费用待遇支付), parenting-guidance (科学育儿指导服务登记)');
    expect(r.out.filter((l) => l.startsWith('  ≠ '))).toHaveLength(4);
    // Where no count of the engine's explains a figure, the bundle's note on how the guide counted it.
    expect(r.out.filter((l) => l.includes('; the bundle notes: '))).toEqual([
      expect.stringMatching(/^ {2}≠ days before: engine 47, official 72 \(\+25\): no combination of .* explains it; .*; the bundle notes: The guide gives no breakdown of its 72 days: the seven items' published limits sum to 82, and the only subset that gives 72 leaves out birth registration \(10\), which the guide does not say it does\.$/),
    ]);
    expect(r.out.at(-1)).toBe('  source: 湖南省政务服务网一件事指南的公开抓取数据（58 个主题、7,870 份地区实施指南） https://github.com/chuanshuozhongdeshen3-hub/hunan-gov-wiki-data');
  });

  it('--region computes a regional implementation, and refuses a region the bundle lacks', async () => {
    const standard = JSON.parse((await run('stats', 'newborn', '--json')).out.join('\n')) as { days: { separately: number } };
    const zhuzhou = await run('stats', 'newborn', '--region', '430200', '--json');
    expect(zhuzhou.code).toBe(0);
    // Zhuzhou promises registration in 7 working days (10) and the card in 15 (30).
    expect(JSON.parse(zhuzhou.out.join('\n'))).toMatchObject({ region: { code: '430200', name: '株洲市' }, days: { separately: standard.days.separately - 3 - 15 } });
    const changsha = await run('stats', 'newborn', '--region', '430100');
    expect(changsha.out[0]).toBe('新生儿出生一件事 (newborn) v1.0.0 — example "default", 长沙市 (430100)');
    const missing = await run('stats', 'newborn', '--region', '110000');
    expect(missing.code).toBe(2);
    expect(missing.err.at(-1)).toContain('regions: 430000 湖南省, 430100 长沙市, 430200 株洲市');
  });

  it('flags an ineligible firm', async () => {
    const r = await run('stats', 'simple-deregistration', '--example', 'excluded');
    expect(r.out[1]).toBe('  ! 被列入经营异常名录的企业不适用简易注销');
  });

  it('reports unknown bundles, examples and bad answer files', async () => {
    // a bundle that is not shipped (retirement used to be the example; it ships now)
    expect((await run('stats', 'moon-landing')).err.at(-1)).toContain('no bundle "moon-landing"');
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
    expect(text).toContain('✗ parenting-guidance  科学育儿指导服务登记 · 卫健 · 15 d — 未选择或不符合办理条件（申请人选择登记科学育儿指导服务时办理）');
    expect(text).toMatch(/bundle +出生医学证明 +由卫生健康委员会办结“出生医学证明首次签发”后在本件事内部流转/);
    expect(text).toMatch(/dropped +近期免冠彩色照片 +未满7周岁的儿童可申领无照片社会保障卡/);
  });

  it('titles generated forms without doubling 申请', async () => {
    const file = join(temp, 'startup.json');
    writeFileSync(file, JSON.stringify({ 'choice.startBusiness': true, 'choice.startupLoan': true, 'person.reemployed': false, 'separation.reason': 'dismissed' }));
    const r = await run('preview', 'unemployment', '--answers', file);
    const text = r.out.join('\n');
    expect(text).toMatch(/generated +创业担保贷款申请表 /);
    expect(text).toMatch(/generated +就业创业扶持政策申请表（一次性创业补贴） /);
    expect(text).not.toContain('申请申请表');
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

  it('npm run scenario from another folder reads --answers there', async () => {
    const elsewhere = join(temp, 'elsewhere');
    mkdirSync(elsewhere, { recursive: true });
    writeFileSync(join(elsewhere, 'a.json'), JSON.stringify({ 'applicant.role': 'agent', 'company.type': 'llc', 'company.employeeCount': 0, 'choice.housingFund': false, 'choice.bankAccount': false }));
    const exec = promisify(execFile);
    const ok = await exec('npm', ['--prefix', REPO, 'run', '-s', 'scenario', '--', 'stats', 'business-startup', '--answers', 'a.json', '--json'], { cwd: elsewhere });
    expect(JSON.parse(ok.stdout)).toMatchObject({ items: 3, materials: { separately: 11 } });
  });

  it('a reader that closes the pipe early (| head) ends it quietly, not with EPIPE', async () => {
    const child = spawn('npx', ['tsx', 'server/cli/scenario.ts', 'preview', 'newborn'], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] });
    // Closed before the CLI writes its first line, so every write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => child.on('close', done));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });
});
