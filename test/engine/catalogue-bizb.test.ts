// The enterprise bundles of the 2024 national first batch written from the Hunan guides:
// 企业注销登记 (enterprise-exit, 43TCN0008), 企业破产信息核查 (bankruptcy-inquiry, 43TCN0007) and
// 信用修复 (credit-repair, 43TCN0005). Each lints clean, its examples evaluate, its alternatives
// choose as the guide says, its figures are the published ones or the differences are explained,
// and its default example is filed through the API and completed by every simulated department.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { bundle, scenarios } from './support.js';
import { evaluate, type Evaluation } from '../../shared/evaluate.js';
import { account } from '../../shared/account.js';
import { differences } from '../../shared/official.js';
import type { Answers, Profile } from '../../shared/model.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import type { Database } from '../../server/db/types.js';
import { databaseTargets } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { signCommitment } from '../helpers/commitment.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

const TODAY = '2026-12-03';
const BUNDLES = ['enterprise-exit', 'bankruptcy-inquiry', 'credit-repair'] as const;
/** The files this helper wrote or changed: their diagnostics must be empty. */
const FILES = [
  'bundles/enterprise-exit.yaml',
  'bundles/bankruptcy-inquiry.yaml',
  'bundles/credit-repair.yaml',
  'bundles/simple-deregistration.yaml',
  'materials/bizb.yaml',
  'dictionary/bizb.yaml',
  'departments/bizb.yaml',
];

function itemFiles(): string[] {
  const { catalogue } = scenarios();
  return [...new Set(BUNDLES.flatMap((id) => bundle(id).items.map((bi) => `items/${bi.item}.yaml`)))].filter((f) => catalogue.items.has(f.slice(6, -5)));
}

function example(id: string, name = 'default'): { answers: Answers; profile?: Profile } {
  const ex = bundle(id).examples?.[name];
  if (!ex) throw new Error(`${id} has no example ${name}`);
  return ex;
}

function run(id: string, answers: Answers, profile?: Profile): Evaluation {
  return evaluate(bundle(id), scenarios().catalogue, answers, profile, { today: TODAY });
}

function figures(id: string, answers: Answers, profile?: Profile) {
  const ev = run(id, answers, profile);
  const a = account(bundle(id), scenarios().catalogue, ev);
  return { ev, a, diffs: differences(bundle(id), scenarios().catalogue, ev, a) };
}

describe('the bizb catalogue bundles as scenario files', () => {
  it('lint without a diagnostic in any file of theirs', () => {
    const mine = new Set([...FILES, ...itemFiles()]);
    expect(itemFiles().length).toBeGreaterThanOrEqual(20);
    expect(scenarios().diagnostics.filter((d) => mine.has(d.file))).toEqual([]);
  });

  it('are enterprise bundles of the Hunan standard, citing the national notice and the guide', () => {
    for (const id of BUNDLES) {
      const b = bundle(id);
      expect(b.audience, id).toBe('enterprise');
      expect(b.region?.code, id).toBe('430000');
      expect(b.guide?.sources?.map((s) => s.title).join(' '), id).toContain('国发〔2024〕3号');
      expect(b.guide?.sources?.some((s) => s.url.includes(`onethingCode=${b.guide?.codes?.theme}`)), id).toBe(true);
    }
  });

  it('file every example as the guide allows it (eligible, no failing check)', () => {
    for (const id of BUNDLES) {
      for (const [name, ex] of Object.entries(bundle(id).examples ?? {})) {
        const ev = run(id, ex.answers, ex.profile);
        expect(ev.ineligible, `${id}/${name}`).toEqual([]);
        expect(ev.problems ?? [], `${id}/${name}`).toEqual([]);
      }
    }
  });
});

describe('企业注销登记一件事 (enterprise-exit)', () => {
  const { answers, profile } = example('enterprise-exit');
  const simple = example('enterprise-exit', 'simple');

  it('takes the ordinary procedure for a firm on the abnormal-operation list, with the liquidation report and no investors’ commitment', () => {
    const ev = run('enterprise-exit', answers, profile);
    expect(ev.eligible).toBe(true);
    expect(ev.included).toEqual(expect.arrayContaining(['tax-deregistration', 'customs-deregistration', 'enterprise-ordinary-deregistration', 'seal-cancellation', 'bank-account-closure', 'social-insurance-deregistration', 'housing-fund-deregistration']));
    expect(ev.included).not.toContain('enterprise-deregistration');
    const codes = ev.materials.map((m) => m.code);
    expect(codes).toEqual(expect.arrayContaining(['liquidationReport', 'liquidationGroupFiling']));
    expect(codes).not.toContain('investorsCommitment');
    // Published free on the publicity system: no newspaper page to hand in.
    expect(codes).not.toContain('creditorNoticeProof');
    expect(ev.materials.find((m) => m.code === 'taxClearanceCertificate')?.disposition).toBe('bundle');
  });

  it('asks for the newspaper page only when the notice to creditors was in a newspaper', () => {
    const ev = run('enterprise-exit', { ...answers, 'deregistration.creditorNoticeChannel': 'newspaper' }, profile);
    expect(ev.materials.find((m) => m.code === 'creditorNoticeProof')?.disposition).toBe('upload');
  });

  it('takes the simple procedure with the very items of simple-deregistration', () => {
    const ev = run('enterprise-exit', simple.answers, simple.profile);
    expect(ev.eligible).toBe(true);
    expect(ev.included).toContain('enterprise-deregistration');
    expect(ev.included).not.toContain('enterprise-ordinary-deregistration');
    const seed = run('simple-deregistration', simple.answers, simple.profile);
    expect([...ev.included].sort()).toEqual([...seed.included].sort());
    expect(ev.materials.map((m) => [m.code, m.disposition]).filter(([c]) => c !== 'bundleApplicationForm').sort()).toEqual(seed.materials.map((m) => [m.code, m.disposition]).sort());
  });

  it('refuses the simple procedure to a firm on the abnormal-operation list and points to the ordinary one', () => {
    const ev = run('enterprise-exit', { ...simple.answers, 'company.abnormalOperation': true }, { ...simple.profile, sharing: { data: { ...simple.profile?.sharing?.data, 'company.abnormalOperation': true } } });
    expect(ev.eligible).toBe(false);
    expect(ev.ineligible.map((r) => r.reason).join()).toContain('请选择普通注销');
  });

  it('waits for the end of the notice period of either procedure', () => {
    expect(run('enterprise-exit', { ...simple.answers, 'company.noticePublished': false }, simple.profile).ineligible.map((r) => r.reason).join()).toContain('公示20日');
    expect(run('enterprise-exit', { ...answers, 'deregistration.creditorNoticeEnded': false }, profile).ineligible.map((r) => r.reason).join()).toContain('45日');
  });

  it('publishes 20 → 5 days, 10 → 1 visits, 29 → 10 materials, 10 → 2 steps; the engine meets the after figures and explains the rest', () => {
    const { a, diffs } = figures('enterprise-exit', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 5, unit: 'working' });
    expect(a.visits.bundled).toBe(1);
    expect(a.steps.bundled).toBe(2);
    expect(a.items).toBe(7);
    expect(diffs.some((d) => d.startsWith('days after') || d.startsWith('visits after') || d.startsWith('steps after'))).toBe(false);
    const materialsAfter = diffs.find((d) => d.startsWith('materials after'));
    expect(materialsAfter).toMatch(/the guide's figure matches if it also counts/);
    for (const d of diffs) expect(d, d).toMatch(/: (the guide's figure matches|no combination|the engine sees)/);
  });
});

describe('企业破产信息核查一件事 (bankruptcy-inquiry)', () => {
  const { answers, profile } = example('bankruptcy-inquiry');

  it('sends the one application to every department the administrator asks, each returning its information', () => {
    const ev = run('bankruptcy-inquiry', answers, profile);
    expect(ev.included).toHaveLength(10);
    const { catalogue } = scenarios();
    const departments = new Set(ev.included.map((i) => catalogue.items.get(i)?.department));
    expect([...departments].sort()).toEqual(['administrativeApproval', 'customs', 'housing', 'housingFund', 'hrss', 'market', 'medicalInsurance', 'naturalResources', 'police', 'tax']);
    for (const id of ev.included.filter((i) => i !== 'bankruptcy-inquiry-coordination')) {
      expect(catalogue.items.get(id)?.outputs.some((o) => o.kind === 'material'), id).toBe(true);
    }
    // The guide's four materials: three court and administrator papers uploaded once for all, the ID shared.
    const handedIn = ev.materials.filter((m) => m.disposition === 'upload').map((m) => m.code).sort();
    expect(handedIn).toEqual(['administratorAppointment', 'administratorAuthorization', 'courtBankruptcyRuling']);
    expect(ev.materials.find((m) => m.code === 'idCard')?.disposition).toBe('sharing');
  });

  it('asks only the departments of the part the administrator chooses (自由组合办理)', () => {
    const ev = run('bankruptcy-inquiry', { ...answers, ...example('bankruptcy-inquiry', 'propertyOnly').answers }, profile);
    expect([...ev.included].sort()).toEqual(['bankruptcy-housing-inquiry', 'bankruptcy-inquiry-coordination', 'bankruptcy-real-estate-inquiry', 'bankruptcy-vehicle-inquiry']);
  });

  it('meets the published 0 visits, 1 step, 3 days and 9 visits before; explains the other differences', () => {
    const { a, diffs } = figures('bankruptcy-inquiry', answers, profile);
    expect(a.visits).toMatchObject({ separately: 9, bundled: 0 });
    expect(a.steps).toMatchObject({ separately: 10, bundled: 1 });
    expect(a.days.promised).toMatchObject({ value: 3, unit: 'working' });
    expect(a.materials.handedIn).toBe(3);
    expect(diffs.filter((d) => /^(visits|steps|days after)/.test(d))).toEqual([]);
    expect(diffs.find((d) => d.startsWith('materials after'))).toMatch(/electronic licences fetched by data sharing \(1\)/);
  });
});

describe('信用修复一件事 (credit-repair)', () => {
  const { answers, profile } = example('credit-repair');
  const byRecord: [string, string][] = [
    ['penaltyMarket', 'penalty-credit-repair-market'],
    ['penaltyOther', 'penalty-credit-repair'],
    ['abnormalList', 'abnormal-list-removal'],
    ['seriousList', 'serious-list-removal'],
  ];

  it('sends each record to the department that repairs it, beside 发展改革 for 信用中国', () => {
    const { catalogue } = scenarios();
    for (const [record, item] of byRecord) {
      const ev = run('credit-repair', { ...answers, 'credit.recordType': record }, profile);
      expect(ev.eligible, record).toBe(true);
      expect([...ev.included].sort(), record).toEqual(['credit-repair-coordination', item].sort());
    }
    expect(catalogue.items.get('penalty-credit-repair-market')?.department).toBe('market');
    expect(catalogue.items.get('penalty-credit-repair')?.department).toBe('developmentReform');
  });

  it('repairs a penalty only once its obligations are met and its minimum period is over', () => {
    const unpaid = run('credit-repair', { ...answers, 'credit.obligationsFulfilled': false }, profile);
    expect(unpaid.ineligible.map((r) => r.reason).join()).toContain('履行行政处罚决定规定的义务');
    const early = run('credit-repair', { ...answers, 'credit.minPeriodReached': false }, profile);
    expect(early.ineligible.map((r) => r.reason).join()).toContain('最短公示期');
    // An abnormal-list record has neither condition: those questions are not even shown.
    const listed = run('credit-repair', { ...example('credit-repair', 'abnormalList').answers }, profile);
    expect(listed.eligible).toBe(true);
  });

  it('signs the application and the 守信承诺书 online; an agent adds the authorisation', () => {
    const ev = run('credit-repair', answers, profile);
    expect(ev.materials.filter((m) => m.disposition === 'generated').map((m) => m.code)).toEqual(expect.arrayContaining(['creditRepairApplication', 'creditCommitment']));
    expect(ev.materials.filter((m) => m.disposition === 'upload').map((m) => m.code)).toEqual(['violationCorrectedProof']);
    const agent = run('credit-repair', { ...answers, 'applicant.role': 'agent' }, profile);
    expect(agent.materials.find((m) => m.code === 'delegatedAgentAuthorization')?.disposition).toBe('upload');
  });

  it('meets the published promise of 10 days and 3 steps; the visit the guide still counts is its own inconsistency', () => {
    const { a, diffs } = figures('credit-repair', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 10, unit: 'working' });
    expect(a.steps.bundled).toBe(3);
    expect(a.visits.bundled).toBe(0);
    expect(diffs.filter((d) => d.startsWith('steps after') || d.startsWith('days after'))).toEqual([]);
    expect(diffs.find((d) => d.startsWith('visits after'))).toMatch(/engine 0, official 1/);
  });
});

type Detail = { id: string; status: string; items: { itemId: string; department: string; status: string; outputs: Record<string, unknown> }[] };
type EvaluationBody = { materials: { code: string; disposition: string }[]; items: { id: string; included: boolean }[] };

/** PGlite of its own (the unit project has no shared template), and the PostgreSQL server when set. */
const targets: { kind: string; open: () => Promise<Database> }[] = [
  { kind: 'pglite', open: () => PgliteDatabase.open() },
  ...databaseTargets().filter((t) => t.kind === 'postgres'),
];

describe.each(targets)('filed through the API with the default example, on $kind', ({ open }) => {
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
    // A PGlite started without the product suites' template initialises from scratch, and the
    // machine is shared: more than the default minute is allowed for it.
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it.each(BUNDLES)('%s: every item reaches 办结', async (id) => {
    // 张伟's exchange records hold a company (电子营业执照), which the enterprise bundles prefill.
    const applicant = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await applicant.post<{ id: string }>('/api/applications', { bundleId: id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const app = created.body.id;
    const saved = await applicant.put(`/api/applications/${app}/answers`, { answers: example(id).answers });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const ev = await applicant.get<EvaluationBody>(`/api/applications/${app}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await applicant.upload(`/api/applications/${app}/materials/${m.code}`, pdf(m.code), `${m.code}.pdf`)).status).toBe(201);
    }
    if (ev.body.materials.some((m) => m.disposition === 'sharing')) {
      expect((await applicant.post(`/api/applications/${app}/authorisation`)).status).toBe(200);
    }
    await signCommitment(applicant, app);
    const submitted = await applicant.post<Detail>(`/api/applications/${app}/submit`);
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(201);
    const included = ev.body.items.filter((i) => i.included).map((i) => i.id).sort();
    const done = await until(async () => {
      const d = await applicant.get<Detail>(`/api/applications/${app}`);
      return d.body.status === 'completed' ? d.body : undefined;
    }, 60_000, `${id} completion`);
    expect(done.items.map((i) => i.itemId).sort()).toEqual(included);
    for (const item of done.items) expect(item.status, item.itemId).toBe('completed');
    if (id === 'bankruptcy-inquiry') {
      // Each department answers with its information: the result the item declares.
      const tax = done.items.find((i) => i.itemId === 'bankruptcy-tax-inquiry');
      expect(Object.keys(tax?.outputs ?? {})).toContain('taxInquiryResult');
    }
  }, 120_000);
});
