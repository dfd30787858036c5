// 企业上市合法合规信息核查一件事 (listing-compliance), written from the Hunan (Changsha) guide
// 43TCN0006D25J0100: it lints clean, its default example (the 专项信用报告 downloaded at once)
// evaluates to the report alone, the route chooses the report or the departments' own checks as
// the guide says, the figures meet the guide's "after" and report its "before" as unexplained,
// and both routes are filed end to end through the API with every department (simulated)
// completing its item and issuing its confirmation.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { checkFields } from '../../shared/field-rules.js';
import { differences } from '../../shared/official.js';
import type { Answers, Profile } from '../../shared/model.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { signCommitment } from '../helpers/commitment.js';
import { bundle, scenarios } from './support.js';

const TODAY = '2026-12-03';
const ID = 'listing-compliance';
const MINE = /^(bundles\/listing-compliance|items\/listing-[a-z-]+|materials\/listing|dictionary\/listing|departments\/listing)\.yaml$/;

function example(name = 'default'): { answers: Answers; profile?: Profile } {
  const e = bundle(ID).examples[name];
  if (!e) throw new Error(`${ID} has no example ${name}`);
  return e;
}

function run(answers: Answers, profile?: Profile) {
  const b = bundle(ID);
  const { catalogue } = scenarios();
  const evaluation = evaluate(b, catalogue, answers, profile, { today: TODAY });
  return { b, evaluation, account: account(b, catalogue, evaluation) };
}

function included(answers: Answers, profile?: Profile): string[] {
  return [...run(answers, profile).evaluation.included].sort();
}

/** The department checks of the bundle: every optional item, one per field of the report. */
function checks(): string[] {
  return bundle(ID).items.filter((bi) => bi.optional).map((bi) => bi.item);
}

describe('企业上市合法合规信息核查一件事 (listing-compliance)', () => {
  it('lints clean in all its files and is an enterprise bundle of Hunan citing the notice and the guide', () => {
    const { diagnostics, catalogue } = scenarios();
    expect(diagnostics.filter((d) => MINE.test(d.file)).map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
    const b = catalogue.bundles.get(ID);
    expect(b?.audience).toBe('enterprise');
    expect(b?.region?.code).toBe('430000');
    expect(b?.lead?.ref).toBe('developmentReform');
    const urls = (b?.guide?.sources ?? []).map((s) => s.url).join(' ');
    expect(urls).toContain('t20240116_3537512');
    expect(urls).toContain('onethingCode=43TCN0006');
    // The 21 fields the guide's FAQ says the report covers, each a department's check.
    expect(checks()).toHaveLength(21);
    const departments = new Set(checks().map((id) => catalogue.items.get(id)?.department));
    expect(departments).toEqual(
      new Set(['urbanManagement', 'naturalResources', 'hrss', 'ecologyEnvironment', 'market', 'health', 'cultureTourism', 'emergencyManagement', 'housing', 'housingFund', 'scienceTechnology', 'transport', 'tax', 'waterResources', 'fireRescue', 'telecomRegulator', 'developmentReform', 'police', 'procuratorate', 'court']),
    );
    // Each check's result is its department's confirmation, issued by that department.
    for (const id of checks()) {
      const item = catalogue.items.get(id);
      const out = item?.outputs.find((o) => o.kind === 'material');
      expect(catalogue.materials.get(out?.ref ?? '')?.issuer, id).toBe(item?.department);
    }
  });

  it('downloads the report alone in the default example, with no material and the register data prefilled', () => {
    const { answers, profile } = example();
    const { b, evaluation } = run(answers, profile);
    expect(evaluation.eligible).toBe(true);
    expect(evaluation.problems ?? []).toEqual([]);
    expect([...evaluation.included]).toEqual(['listing-credit-report']);
    expect(evaluation.materials.filter((m) => m.disposition === 'upload')).toEqual([]);
    const form = compose(b, scenarios().catalogue, { evaluation });
    expect(form.included).toEqual(evaluation.included);
    expect(form.elements.find((e) => e.element === 'company.creditCode')?.asked).toBe(false);
    expect(form.elements.find((e) => e.element === 'listing.route')?.asked).toBe(true);
  });

  it('chooses the report or the coordination with the departments asked, as the guide says', () => {
    const { answers, profile } = example();
    // Every field, each department its own confirmation.
    const all = included({ ...answers, 'listing.route': 'departments' }, profile);
    expect(all).toEqual(['listing-compliance-coordination', ...checks()].sort());
    expect(all).not.toContain('listing-credit-report');
    // A few fields, only their departments.
    const { answers: some } = example('bondsSomeFields');
    expect(included(some, profile)).toEqual(['listing-compliance-coordination', 'listing-environment-check', 'listing-tax-check', 'listing-work-safety-check']);
    // The report, whatever the fields: it covers them all at once.
    expect(included({ ...some, 'listing.route': 'creditReport' }, profile)).toEqual(['listing-credit-report']);
  });

  it('turns away unrepaired records and takes the commitment letter for a penalty within its publication period', () => {
    const { answers, profile } = example();
    const refused = run({ ...answers, 'listing.recordStatus': 'unrepaired' }, profile).evaluation;
    expect(refused.eligible).toBe(false);
    expect(refused.ineligible.map((r) => r.reason).join()).toContain('信用修复');
    const { evaluation } = run({ ...answers, 'listing.recordStatus': 'commitment' }, profile);
    expect(evaluation.eligible).toBe(true);
    expect(evaluation.materials.find((m) => m.code === 'creditRepairCommitmentLetter')?.disposition).toBe('upload');
    expect(evaluation.notices.map((n) => n.reason).join()).toContain('信用修复承诺函');
    // Repaired records need nothing more than a clean company: no letter, nothing to hand in.
    const repaired = run({ ...answers, 'listing.recordStatus': 'repaired' }, profile).evaluation.materials;
    expect(repaired.map((m) => m.disposition)).toEqual(['generated']);
  });

  it('refuses a period that ends in the future or before it starts', () => {
    const b = bundle(ID);
    const { answers } = example();
    const failing = (a: Answers): string[] => checkFields(b, a, TODAY).map((p) => p.element);
    expect(failing(answers)).toEqual([]);
    expect(failing({ ...answers, 'listing.periodTo': '2027-01-31' })).toEqual(['listing.periodTo']);
    expect(failing({ ...answers, 'listing.periodFrom': '2026-12-01', 'listing.periodTo': '2026-11-30' })).toEqual(['listing.periodTo']);
  });

  it('meets the guide after (1 working day, no trip, no material, one step) and reports the unreproducible before figures', () => {
    const { answers, profile } = example();
    const { b, evaluation, account: a } = run(answers, profile);
    expect(a.days.promised).toMatchObject({ value: 1, unit: 'working', declared: true });
    expect(a.visits.bundled).toBe(b.official?.visits?.after);
    expect(a.materials.handedIn).toBe(b.official?.materials?.after);
    expect(a.steps.bundled).toBe(b.official?.steps?.after);
    const said = differences(b, scenarios().catalogue, evaluation, a);
    expect(said.map((s) => s.split(':')[0])).toEqual(['days before', 'visits before', 'materials before', 'steps before']);
    for (const s of said) expect(s, s).toContain('this answer set leaves out listing-compliance-coordination');
    // Asked one by one, the departments would each have cost a trip: 21 of them, the guide says 20.
    const separately = run({ ...answers, 'listing.route': 'departments' }, profile).account;
    expect(separately.visits.separately).toBe(21);
    expect(separately.days.criticalPath).toBe(6);
  });
});

type Detail = { id: string; status: string; items: { itemId: string; department: string; status: string; outputs: Record<string, unknown> }[] };

describe('listing-compliance filed end to end through the API (PGlite, simulated departments)', () => {
  let db: PgliteDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;

  beforeAll(async () => {
    db = await PgliteDatabase.open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url);
    worker.start();
  }, 120_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it.each(['default', 'departments'])('the %s example is filed and every item reaches 办结', async (name) => {
    // 张伟 is the legal representative of the demo company the register knows.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await zhang.post<{ id: string }>('/api/applications', { bundleId: ID });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const appId = created.body.id;
    const saved = await zhang.put(`/api/applications/${appId}/answers`, { answers: example(name).answers });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const ev = await zhang.get<{ eligible: boolean; items: { id: string; included: boolean }[]; materials: { code: string; disposition: string }[] }>(`/api/applications/${appId}/evaluation`);
    expect(ev.body.eligible).toBe(true);
    expect(ev.body.materials.filter((m) => m.disposition === 'upload')).toEqual([]);
    await signCommitment(zhang, appId);
    expect((await zhang.post(`/api/applications/${appId}/authorisation`)).status).toBe(200);
    const filed = await zhang.post<Detail>(`/api/applications/${appId}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const expected = ev.body.items.filter((i) => i.included).map((i) => i.id).sort();
    expect(expected).toHaveLength(name === 'default' ? 1 : 22);
    expect(filed.body.items.map((i) => i.itemId).sort()).toEqual(expected);

    const done = await until(
      async () => {
        const d = await zhang.get<Detail>(`/api/applications/${appId}`);
        return d.body.status === 'completed' ? d.body : undefined;
      },
      60_000,
      `every item of ${ID} (${name}) to complete`,
    );
    expect(done.items.map((i) => [i.itemId, i.status])).toEqual(done.items.map((i) => [i.itemId, 'completed']));
  }, 90_000);
});
