// The person bundles of the 2024 first batch written from the Changsha guides on the Hunan portal:
// 教育入学 (43PCN0010), 社会保障卡居民服务 (43PCN0011) and 残疾人服务 (43PCN0012). Each lints clean,
// its default example composes and evaluates, its alternatives and rules choose as the guide says,
// its figures meet the published ones or say why not, and it files end to end through the API
// with every item completed by the simulated departments.
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { checkIdNumber } from '../../shared/identifiers.js';
import type { Answers } from '../../shared/model.js';
import { differences } from '../../shared/official.js';
import { generateOutputs } from '../../server/simulator/outputs.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { signCommitment } from '../helpers/commitment.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import { PostgresDatabase } from '../../server/db/postgres.js';
import type { Database } from '../../server/db/types.js';
import { bundle, scenarios } from './support.js';

const BUNDLES = ['school-enrolment', 'social-security-card-services', 'disability-services'] as const;
const TODAY = '2026-11-27';

/** The scenario files this catalogue work added: none of them may draw a lint finding. */
const OWN = /^(bundles\/(school-enrolment|social-security-card-services|disability-services)|items\/(school|ssc|disability)-[a-z-]+|dictionary\/peoplea|materials\/peoplea|departments\/peoplea)\.yaml$/;

function run(id: string, answers: Answers) {
  const b = bundle(id);
  const { catalogue } = scenarios();
  const ev = evaluate(b, catalogue, answers, b.examples.default?.profile, { today: TODAY });
  const a = account(b, catalogue, ev);
  return { b, ev, a, diffs: differences(b, catalogue, ev, a) };
}

const withDefault = (id: string, extra: Answers): Answers => ({ ...bundle(id).examples.default!.answers, ...extra });

describe('the person bundles of the 2024 first batch', () => {
  it('lint finds nothing in their files, and each is a person bundle of the Hunan standard citing its guide', () => {
    const own = scenarios().diagnostics.filter((d) => OWN.test(d.file));
    expect(own.map((d) => `${d.file}:${d.line} ${d.code} ${d.message}`)).toEqual([]);
    for (const id of BUNDLES) {
      const b = bundle(id);
      expect(b.audience, id).toBe('person');
      expect(b.region?.code, id).toBe('430000');
      expect(b.guide?.sources.some((s) => s.url.startsWith('https://zwfw-new.hunan.gov.cn/')), id).toBe(true);
      expect(b.guide?.sources.some((s) => s.title?.includes('国发〔2024〕3号')), id).toBe(true);
    }
  });

  it('each default example composes and evaluates: eligible, every required field answered or prefilled', () => {
    for (const id of BUNDLES) {
      const b = bundle(id);
      const example = b.examples.default!;
      const ev = evaluate(b, scenarios().catalogue, example.answers, example.profile, { today: TODAY });
      expect(ev.eligible, id).toBe(true);
      expect(ev.problems ?? [], id).toEqual([]);
      const form = compose(b, scenarios().catalogue, { evaluation: ev });
      const missing = form.elements.filter((e) => e.asked && e.required && !(e.element in ev.values)).map((e) => e.element);
      expect(missing, id).toEqual([]);
    }
  });
});

describe('教育入学一件事', () => {
  it('a local child with a home: household and property checked, vaccination checked for primary school, admission after all', () => {
    const { ev } = run('school-enrolment', bundle('school-enrolment').examples.default!.answers);
    expect(ev.included).toEqual(['school-household-verification', 'school-property-verification', 'school-vaccination-check', 'school-enrolment-registration']);
    expect([...(ev.after['school-enrolment-registration'] ?? [])].sort()).toEqual(['school-household-verification', 'school-property-verification', 'school-vaccination-check']);
    const by = new Map(ev.materials.map((m) => [m.code, m.disposition]));
    // 户口簿 and 不动产权证书 are fetched, the 查验证明 passed on; only the 预防接种证 is handed in.
    expect(by.get('householdRegister')).toBe('sharing');
    expect(by.get('realEstateCertificate')).toBe('sharing');
    expect(by.get('vaccinationCheckProof')).toBe('bundle');
    expect(ev.materials.filter((m) => m.disposition === 'upload').map((m) => m.code)).toEqual(['vaccinationCertificate']);
  });

  it('a migrant family: residence permit and social insurance record instead of the home, no vaccination check for junior school, a notice for a private school', () => {
    const { ev } = run('school-enrolment', withDefault('school-enrolment', bundle('school-enrolment').examples.migrant!.answers));
    expect(ev.included).toContain('school-residence-permit-verification');
    expect(ev.included).toContain('school-social-insurance-check');
    expect(ev.included).not.toContain('school-property-verification');
    expect(ev.included).not.toContain('school-vaccination-check');
    expect(ev.notices.map((n) => n.reason)).toContain('民办义务教育学校与公办学校同步招生，报名人数超过招生计划的实行电脑随机录取');
    expect(ev.fields?.hidden ?? []).toEqual(expect.arrayContaining(['housing.proof', 'housing.address']));
  });

  it('a home not yet titled is proved by the registered purchase contract', () => {
    const { ev } = run('school-enrolment', withDefault('school-enrolment', { 'housing.proof': 'contract' }));
    const codes = ev.materials.map((m) => m.code);
    expect(codes).toContain('housePurchaseContractFiling');
    expect(codes).not.toContain('realEstateCertificate');
  });

  it('meets the published visits, steps after and promise, and says why the other figures differ', () => {
    const { a, diffs } = run('school-enrolment', bundle('school-enrolment').examples.default!.answers);
    expect(a.visits).toEqual({ separately: 4, bundled: 0, reasons: [] });
    expect(a.steps).toEqual({ separately: 4, bundled: 1 });
    expect(a.days.promised).toEqual({ value: 30, unit: 'working', declared: true, excludes: [] });
    expect(a.days.criticalPath).toBe(30);
    expect(diffs.map((d) => d.split(':')[0])).toEqual(['days before', 'materials before', 'materials after', 'steps before']);
    expect(diffs.find((d) => d.startsWith('steps before'))).toContain('the guide counts the 5 items that state their steps');
    expect(diffs.find((d) => d.startsWith('materials after'))).toContain('handed in: 预防接种证');
    // the guide's 150 days are no sum of its items' limits: the bundle's note says so
    expect(diffs.find((d) => d.startsWith('days before'))).toMatch(/no combination of .* explains it; .*; the bundle notes: The guide gives no breakdown; its five linked items' published limits sum to 65/);
    expect(diffs.filter((d) => d.includes('the bundle notes:')).map((d) => d.split(':')[0])).toEqual(['days before']);
  });
});

describe('社会保障卡居民服务一件事', () => {
  it('a holder of a third-generation card: the services chosen, no card made, nothing on site, no step', () => {
    const { ev, a } = run('social-security-card-services', bundle('social-security-card-services').examples.default!.answers);
    expect(ev.included).toEqual(['ssc-hrss-services', 'ssc-medical-settlement', 'ssc-transport', 'ssc-culture-tourism']);
    expect(ev.materials.find((m) => m.code === 'socialSecurityCard')?.disposition).toBe('sharing');
    expect(a.visits.bundled).toBe(0);
    expect(a.steps.bundled).toBe(0);
    expect(a.days.promised).toEqual({ value: 1, unit: 'working', declared: true, excludes: [] });
  });

  it('choices drive the services: only transport when only transport is chosen', () => {
    const { ev } = run('social-security-card-services', withDefault('social-security-card-services', { 'choice.cardMedical': false, 'choice.cardCulture': false }));
    expect(ev.included).toEqual(['ssc-hrss-services', 'ssc-transport']);
  });

  it('an earlier card: a new one is made outside the promise and passed on, and a mailed card is activated at the bank in person', () => {
    const { ev, a } = run('social-security-card-services', withDefault('social-security-card-services', bundle('social-security-card-services').examples.newCard!.answers));
    expect(ev.included).toEqual(['ssc-card-application', 'ssc-hrss-services', 'ssc-transport']);
    expect(ev.materials.find((m) => m.code === 'socialSecurityCard')?.disposition).toBe('bundle');
    expect(a.days.promised.excludes).toEqual(['ssc-card-application']);
    expect(a.steps.bundled).toBe(1);
    expect(a.visits.reasons.map((r) => [r.reason, r.item])).toEqual([['signature', 'ssc-card-application']]);
    expect(a.visits.bundled).toBe(1);
  });

  it('a third-generation card whose bank account is not activated still needs the one trip', () => {
    const { a } = run('social-security-card-services', withDefault('social-security-card-services', { 'card.financialActivated': false }));
    expect(a.visits.reasons.map((r) => r.reason)).toEqual(['signature']);
  });

  it('says why each published figure differs', () => {
    const { diffs } = run('social-security-card-services', bundle('social-security-card-services').examples.default!.answers);
    expect(diffs.map((d) => d.split(':')[0])).toEqual(['days before', 'visits before', 'materials before', 'materials after', 'steps before']);
    expect(diffs.find((d) => d.startsWith('materials after'))).toContain('electronic licences fetched by data sharing (1)');
    expect(diffs.find((d) => d.startsWith('steps before'))).toContain('the guide counts the 1 items that state their steps (ssc-card-application)');
    expect(diffs.find((d) => d.startsWith('visits before'))).toContain('the sum of visits over all items is 1');
    expect(diffs.find((d) => d.startsWith('days before'))).toMatch(/no combination of .* explains it; .*; the bundle notes: The guide gives no breakdown of its 25 days/);
    expect(diffs.filter((d) => d.includes('the bundle notes:')).map((d) => d.split(':')[0])).toEqual(['days before']);
  });
});

describe('残疾人服务一件事', () => {
  const ACTIONS = {
    new: 'disability-certificate-new',
    renew: 'disability-certificate-renewal',
    transfer: 'disability-certificate-transfer',
    reissue: 'disability-certificate-reissue',
    regrade: 'disability-certificate-regrade',
    cancel: 'disability-certificate-cancellation',
  } as const;

  it('the six certificate items are one of six, as the guide says', () => {
    for (const [action, item] of Object.entries(ACTIONS)) {
      const { ev } = run('disability-services', withDefault('disability-services', { 'disability.certificateAction': action }));
      const certificate = ev.included.filter((id) => (Object.values(ACTIONS) as string[]).includes(id));
      expect(certificate, action).toEqual([item]);
    }
  });

  it('a first certificate with every joint item: the number passed on to them, the assessment the one trip, the promise the critical path', () => {
    const { ev, a } = run('disability-services', bundle('disability-services').examples.default!.answers);
    expect(ev.included).toEqual([
      'disability-certificate-new',
      'disability-living-subsidy',
      'disability-care-subsidy',
      'disability-resident-pension',
      'disability-resident-medical-insurance',
      'disability-employment-training',
      'disability-employment-services',
    ]);
    const form = compose(bundle('disability-services'), scenarios().catalogue, { evaluation: ev });
    const number = form.elements.find((e) => e.element === 'disability.certificateNumber');
    expect(number?.asked).toBe(false);
    const certificate = ev.materials.find((m) => m.code === 'disabilityCertificate');
    expect(certificate?.disposition).toBe('bundle');
    expect(certificate?.items.length).toBe(6);
    expect(a.visits).toEqual({ separately: 7, bundled: 1, reasons: [expect.objectContaining({ reason: 'assessment', item: 'disability-certificate-new' })] });
    expect(a.steps).toEqual({ separately: 7, bundled: 1 });
    expect(a.days.criticalPath).toBe(37);
    expect(a.days.promised.value).toBe(37);
    // The 2寸照片 comes from the applicant's archive; only the 一卡通 bank card is handed in.
    expect(a.materials.reusedFromArchive).toBe(1);
    expect(ev.materials.filter((m) => m.disposition === 'upload').map((m) => m.code)).toEqual(['bankCard']);
  });

  it('grade 3: no care subsidy, with the reason; not on 低保: no living subsidy', () => {
    const { ev } = run('disability-services', withDefault('disability-services', bundle('disability-services').examples.renewal!.answers));
    expect(ev.included).toEqual(['disability-certificate-renewal', 'disability-resident-medical-insurance']);
    expect(ev.notices.map((n) => n.reason)).toContain('重度残疾人护理补贴限残疾等级为一、二级的残疾人（部分市州已扩面的，以当地政策为准）');
  });

  it('special hardship support excludes both subsidies; cancelling the certificate excludes every joint item', () => {
    const hardship = run('disability-services', withDefault('disability-services', { 'person.specialHardshipSupport': true }));
    expect(hardship.ev.included).not.toContain('disability-living-subsidy');
    expect(hardship.ev.included).not.toContain('disability-care-subsidy');
    expect(hardship.ev.included).toContain('disability-resident-pension');
    const cancel = run('disability-services', withDefault('disability-services', { 'disability.certificateAction': 'cancel' }));
    expect(cancel.ev.included).toEqual(['disability-certificate-cancellation']);
    expect(cancel.a.visits.bundled).toBe(0);
  });

  it('an intellectual or mental disability needs the guardian’s proof; a renewal hands back the old certificate', () => {
    const mental = run('disability-services', withDefault('disability-services', { 'disability.category': '6' }));
    expect(mental.ev.materials.find((m) => m.code === 'legalGuardianProof')?.disposition).toBe('upload');
    const renewal = run('disability-services', withDefault('disability-services', { 'disability.certificateAction': 'renew' }));
    expect(renewal.a.visits.reasons.map((r) => [r.reason, r.item])).toEqual([['original', 'disability-certificate-renewal']]);
  });

  it('meets the published visits, steps and promise; says why the materials differ', () => {
    const { diffs } = run('disability-services', bundle('disability-services').examples.default!.answers);
    expect(diffs.map((d) => d.split(':')[0])).toEqual(['materials before', 'materials after']);
    expect(diffs.find((d) => d.startsWith('materials before'))).toMatch(/no combination of .* explains it; .*; the bundle notes: The guide's 48 are its material rows over every situation of all six certificate items/);
    expect(diffs.find((d) => d.startsWith('materials after'))).not.toContain('the bundle notes:');
    expect(bundle('disability-services').official?.days).toBeUndefined();
  });
});

describe('numbers the simulated departments issue', () => {
  it('the 残疾人证号 is the holder’s 公民身份号码 with the category and grade digits, on the number and the certificate alike', () => {
    const out = generateOutputs(
      [
        { key: 'disability.certificateNumber', title: '残疾人证号', schema: { type: 'string', pattern: '^[0-9]{17}[0-9X][1-7][1-4]$' } },
        { key: 'disabilityCertificate', title: '中华人民共和国残疾人证', schema: { type: 'string', minLength: 1 } },
      ],
      { fields: { sfzh: '430102199003077716', cjlb: '4', cjdj: '2' } },
    );
    expect(out['disability.certificateNumber']).toBe('43010219900307771642');
    expect(out.disabilityCertificate).toBe('43010219900307771642');
  });

  it('the 学籍号 is G and the pupil’s 公民身份号码; without one on the case, a valid number is made', () => {
    const schema = { type: 'string', pattern: '^G[0-9]{17}[0-9X]$' };
    expect(generateOutputs([{ key: 'student.studentNumber', title: '全国中小学生学籍号', schema }], { fields: { sfzh: '430104201903150010' } })).toEqual({ 'student.studentNumber': 'G430104201903150010' });
    const made = generateOutputs([{ key: 'student.studentNumber', title: '全国中小学生学籍号', schema }], { fields: {} })['student.studentNumber'] as string;
    expect(made).toMatch(/^G/);
    expect(checkIdNumber(made.slice(1))).toBeNull();
  });
});

type Detail = { status: string; items: { itemId: string; status: string; outputs: Record<string, unknown> }[] };

/**
 * The engine suites run without the product suites' global setup (no PGlite template): a fresh
 * PGlite, and the PostgreSQL server too when TEST_DATABASE_URL is set, in a schema of its own.
 */
function targets(): { kind: string; open(): Promise<Database> }[] {
  const list: { kind: string; open(): Promise<Database> }[] = [{ kind: 'pglite', open: () => PgliteDatabase.open() }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) {
    list.push({
      kind: 'postgres',
      async open() {
        const schema = `t_peoplea_${randomBytes(4).toString('hex')}`;
        const admin = new pg.Client({ connectionString: url });
        await admin.connect();
        await admin.query(`CREATE SCHEMA "${schema}"`);
        await admin.end();
        const db = await PostgresDatabase.open({ connectionString: url, searchPath: schema });
        return {
          kind: 'postgres',
          query: (sql, params) => db.query(sql, params),
          exec: (sql) => db.exec(sql),
          transaction: (fn) => db.transaction(fn),
          listen: (channel, onNotify) => db.listen(channel, onNotify),
          async close() {
            await db.close();
            const c = new pg.Client({ connectionString: url });
            await c.connect();
            await c.query(`DROP SCHEMA "${schema}" CASCADE`);
            await c.end();
          },
        };
      },
    });
  }
  return list;
}

describe.each(targets())('filed end to end through the API, on $kind', ({ open }) => {
  let db: Database;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url);
    worker.start();
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  /** Files the default example as citizen 张伟, uploading what must be uploaded; the completed application. */
  async function fileDefault(id: string): Promise<{ applicationId: string; detail: Detail }> {
    const citizen = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const applicationId = created.body.id;
    const saved = await citizen.put(`/api/applications/${applicationId}/answers`, { answers: bundle(id).examples.default!.answers });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${applicationId}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      const up = await citizen.upload(`/api/applications/${applicationId}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} ${applicationId}`), `${m.code}.pdf`);
      expect(up.status, `${m.code} ${JSON.stringify(up.body)}`).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${applicationId}/authorisation`)).status).toBe(200);
    await signCommitment(citizen, applicationId);
    const submitted = await citizen.post(`/api/applications/${applicationId}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const detail = await until(
      async () => {
        const d = await citizen.get<Detail>(`/api/applications/${applicationId}`);
        return d.body.status === 'completed' ? d.body : undefined;
      },
      60_000,
      `every department of ${id} to complete`,
    );
    return { applicationId, detail };
  }

  it.each(BUNDLES)('%s: the default example files and every item is completed', async (id) => {
    const { detail } = await fileDefault(id);
    const b = bundle(id);
    const ev = evaluate(b, scenarios().catalogue, b.examples.default!.answers, b.examples.default!.profile, { today: TODAY });
    expect(detail.items.map((i) => i.itemId).sort()).toEqual([...ev.included].sort());
    for (const item of detail.items) expect(item.status, item.itemId).toBe('completed');
  }, 120_000);

  it('school-enrolment: the admission registers the pupil’s 学籍号 from the pupil’s own 公民身份号码', async () => {
    const { detail } = await fileDefault('school-enrolment');
    const admission = detail.items.find((i) => i.itemId === 'school-enrolment-registration');
    expect(admission?.outputs['student.studentNumber']).toBe('G430104201903150010');
  }, 120_000);

  it('disability-services: the subsidies receive the certificate number the 残联 issued', async () => {
    const { applicationId, detail } = await fileDefault('disability-services');
    const issued = detail.items.find((i) => i.itemId === 'disability-certificate-new')?.outputs['disability.certificateNumber'];
    // 张伟 (citizen-zhang), 肢体残疾 (4), 二级 (2).
    expect(issued).toBe('43010219900307771642');
    const rows = await db.query<{ item_id: string; payload: { fields?: Record<string, unknown> } }>('SELECT item_id, payload FROM sub_applications WHERE application_id = $1', [applicationId]);
    const subsidy = rows.rows.find((r) => r.item_id === 'disability-care-subsidy');
    expect(subsidy?.payload.fields?.cjzh).toBe(issued);
  }, 120_000);
});
