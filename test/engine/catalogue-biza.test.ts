// The enterprise bundles of the 2024 first batch written from the Hunan (Changsha) guides:
// 企业信息变更 (43TCN0001), 开办运输企业 (43TCN0002), 开办餐饮店 (43TCN0003), 水电气网联合报装
// (43TCN0004). Each lints clean, its default example evaluates to the items the guide lists, its
// alternatives choose as the guide says, its figures meet the guide's or say why not, and it is
// filed end to end through the API with every department (simulated) completing its item.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account } from '../../shared/account.js';
import { compose } from '../../shared/compose.js';
import { evaluate } from '../../shared/evaluate.js';
import { differences } from '../../shared/official.js';
import type { Answers, Profile } from '../../shared/model.js';
import { PgliteDatabase } from '../../server/db/pglite.js';
import { databaseTargets, type DatabaseTarget } from '../helpers/db.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { signCommitment } from '../helpers/commitment.js';
import { bundle, scenarios } from './support.js';

const TODAY = '2026-12-03';
const BUNDLES = ['enterprise-change', 'transport-startup', 'restaurant-startup', 'utility-connection'] as const;
const MINE = /^(bundles\/(enterprise-change|transport-startup|restaurant-startup|utility-connection)|items\/(enterprise-change-registration|tax-info-change|seal-re-engraving|social-insurance-change|medical-insurance-change|housing-fund-change|bank-account-change|customs-record-change|business-licence-verification|road-freight-permit|road-passenger-permit|vehicle-transport-certificate|food-business-licence|small-food-business-licence|fire-safety-inspection-commitment|fire-safety-inspection|outdoor-signboard|water-connection|power-connection|gas-connection|telecom-connection|broadcasting-connection|road-excavation-permit|green-space-occupation-permit|road-works-traffic-permit)|materials\/biza|dictionary\/biza|departments\/biza)\.yaml$/;

function example(id: string, name = 'default'): { answers: Answers; profile?: Profile } {
  const e = bundle(id).examples[name];
  if (!e) throw new Error(`${id} has no example ${name}`);
  return e;
}

function run(id: string, answers: Answers, profile?: Profile) {
  const b = bundle(id);
  const { catalogue } = scenarios();
  const evaluation = evaluate(b, catalogue, answers, profile, { today: TODAY });
  return { b, evaluation, account: account(b, catalogue, evaluation) };
}

function included(id: string, answers: Answers, profile?: Profile): string[] {
  return [...run(id, answers, profile).evaluation.included].sort();
}

describe('the catalogue bundles of biza lint clean', () => {
  it('has no diagnostic in any of its files, and each bundle is an enterprise one with its sources and the Hunan region', () => {
    const { diagnostics, catalogue } = scenarios();
    expect(diagnostics.filter((d) => MINE.test(d.file)).map((d) => `${d.file}:${d.line} ${d.message}`)).toEqual([]);
    for (const id of BUNDLES) {
      const b = catalogue.bundles.get(id);
      expect(b, id).toBeDefined();
      expect(b?.audience, id).toBe('enterprise');
      expect(b?.region?.code, id).toBe('430000');
      // The national notice and the guide the file was written from.
      const urls = (b?.guide?.sources ?? []).map((s) => s.url).join(' ');
      expect(urls, id).toContain('t20240116_3537512');
      expect(urls, id).toMatch(/onethingCode=43TCN000[1-4]/);
    }
  });

  it('composes the default example of every bundle into a form without the prefilled register data', () => {
    for (const id of BUNDLES) {
      const { answers, profile } = example(id);
      const { b, evaluation } = run(id, answers, profile);
      expect(evaluation.eligible, id).toBe(true);
      expect(evaluation.problems ?? [], id).toEqual([]);
      const form = compose(b, scenarios().catalogue, { evaluation });
      expect(form.included, id).toEqual(evaluation.included);
      // The enterprise logs in with its licence: its name and credit code come from the register.
      const name = form.elements.find((e) => e.element === 'company.name');
      expect(name?.asked, id).toBe(false);
    }
  });
});

describe('企业信息变更一件事 (enterprise-change)', () => {
  it('fans the default change (name and legal representative) out to the six departments of the guide and medical insurance', () => {
    const { answers, profile } = example('enterprise-change');
    expect(included('enterprise-change', answers, profile)).toEqual(
      ['bank-account-change', 'enterprise-change-registration', 'housing-fund-change', 'medical-insurance-change', 'seal-re-engraving', 'social-insurance-change', 'tax-info-change'].sort(),
    );
    // The new licence is passed on to every later item; the ID card and old licence are shared.
    const { evaluation } = run('enterprise-change', answers, profile);
    const licence = evaluation.materials.find((m) => m.code === 'businessLicence');
    expect(licence?.disposition).toBe('sharing');
    const handedIn = evaluation.materials.filter((m) => m.disposition === 'upload').map((m) => m.code).sort();
    expect(handedIn).toEqual(['articlesOfAssociation', 'changeSupportingDocuments']);
  });

  it('conditions the linked items by what changes: a move keeps the seals and the bank, brings customs and the premises commitment', () => {
    const { answers } = example('enterprise-change', 'moveAndCustoms');
    expect(included('enterprise-change', answers)).toEqual(['customs-record-change', 'enterprise-change-registration', 'medical-insurance-change', 'social-insurance-change', 'tax-info-change']);
    const { evaluation } = run('enterprise-change', answers);
    const byCode = Object.fromEntries(evaluation.materials.map((m) => [m.code, m.disposition]));
    expect(byCode).toMatchObject({ premisesProof: 'commitment', approvalDocuments: 'upload', delegatedAgentAuthorization: 'upload' });
    // A change of scope alone needs neither new seals nor the bank.
    const scopeOnly = { ...answers, 'change.items': ['businessScope'], 'company.customsRegistered': false, 'change.needsApproval': false };
    expect(included('enterprise-change', scopeOnly)).toEqual(['enterprise-change-registration', 'medical-insurance-change', 'social-insurance-change', 'tax-info-change']);
    // A new legal representative alone: the bank's reserved information changes, the seals do not.
    expect(included('enterprise-change', { ...scopeOnly, 'change.items': ['legalRep'] })).toContain('bank-account-change');
    expect(included('enterprise-change', { ...scopeOnly, 'change.items': ['legalRep'] })).not.toContain('seal-re-engraving');
  });

  it('asks the new particulars only for what changes', () => {
    const { answers, profile } = example('enterprise-change');
    const fields = run('enterprise-change', answers, profile).evaluation.fields;
    expect(fields?.hidden).toEqual(expect.arrayContaining(['change.newAddress', 'change.newBusinessScope', 'change.newRegisteredCapital', 'company.customsCode', 'delivery.address']));
    expect(fields?.hidden).not.toContain('change.newName');
    expect(fields?.required).toEqual(expect.arrayContaining(['change.newName', 'change.newLegalRepName', 'change.newLegalRepIdNumber']));
  });

  it('meets the guide: promise 6 working days, one trip to collect the licence (none by post), one step; the rest explained', () => {
    const { answers, profile } = example('enterprise-change');
    const { b, evaluation, account: a } = run('enterprise-change', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 6, unit: 'working', declared: true });
    expect(a.visits.bundled).toBe(b.official?.visits?.after);
    expect(a.visits.reasons.map((r) => r.reason)).toEqual(['collect']);
    expect(a.steps.bundled).toBe(1);
    const said = differences(b, scenarios().catalogue, evaluation, a);
    // Visits and steps before: the guide's six items, those that state them.
    expect(said.find((s) => s.startsWith('visits before'))).toContain('the guide counts the 6 items that state their visits');
    expect(said.find((s) => s.startsWith('steps before'))).toContain('the guide counts the 6 items that state their steps');
    expect(said.some((s) => s.startsWith('visits after') || s.startsWith('steps after') || s.startsWith('promise') || s.startsWith('days after'))).toBe(false);
    // By post, nothing is left to collect.
    const mailed = run('enterprise-change', { ...answers, 'delivery.method': 'mail', 'delivery.address': '湖南省长沙市芙蓉区五一大道100号' }, profile);
    expect(mailed.account.visits.bundled).toBe(0);
  });
});

describe('开办运输企业一件事 (transport-startup)', () => {
  it('files the guide’s three items for a licensed freight company with vehicles', () => {
    const { answers, profile } = example('transport-startup');
    expect(included('transport-startup', answers, profile)).toEqual(['business-licence-verification', 'road-freight-permit', 'vehicle-transport-certificate']);
    const { evaluation } = run('transport-startup', answers, profile);
    const byCode = Object.fromEntries(evaluation.materials.map((m) => [m.code, m.disposition]));
    // The permit is passed on to the vehicle certificates; drivers' and vehicles' papers are shared.
    expect(byCode).toMatchObject({ operatorLicence: 'bundle', driverQualificationCertificate: 'sharing', vehicleLicence: 'sharing', satellitePositioningProof: 'sharing', vehiclePhoto: 'upload' });
  });

  it('chooses the passenger permit and the registration with the 企业开办 items for a new passenger company without vehicles', () => {
    const { answers } = example('transport-startup', 'newPassengerCompany');
    expect(included('transport-startup', answers)).toEqual(['company-registration', 'employee-insurance', 'road-passenger-permit', 'seal-engraving', 'tax-registration']);
    const { evaluation } = run('transport-startup', answers);
    expect(evaluation.materials.find((m) => m.code === 'vehicleCommitment')?.disposition).toBe('upload');
    expect(evaluation.materials.find((m) => m.code === 'vehicleLicence')).toBeUndefined();
    // A licensed freight company still without vehicles files the permit alone.
    const { answers: d, profile } = example('transport-startup');
    expect(included('transport-startup', { ...d, 'vehicle.acquired': false }, profile)).toEqual(['business-licence-verification', 'road-freight-permit']);
  });

  it('meets the guide: promise 5 working days, no trip (electronic licences), two steps; the rest explained', () => {
    const { answers, profile } = example('transport-startup');
    const { b, evaluation, account: a } = run('transport-startup', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 5, unit: 'working', declared: true });
    expect(a.visits.bundled).toBe(0);
    expect(a.steps.bundled).toBe(2);
    const said = differences(b, scenarios().catalogue, evaluation, a);
    expect(said.map((s) => s.split(':')[0])).toEqual(['days before', 'visits before', 'materials before', 'materials after', 'steps before']);
  });
});

describe('开办餐饮店一件事 (restaurant-startup)', () => {
  it('chooses the food licence by size and the fire inspection by procedure, in four situations', () => {
    const { answers, profile } = example('restaurant-startup');
    const cases: [string, string, string[]][] = [
      ['small', 'commitment', ['fire-safety-inspection-commitment', 'small-food-business-licence']],
      ['small', 'general', ['fire-safety-inspection', 'small-food-business-licence']],
      ['regular', 'commitment', ['fire-safety-inspection-commitment', 'food-business-licence']],
      ['regular', 'general', ['fire-safety-inspection', 'food-business-licence']],
    ];
    for (const [scale, procedure, chosen] of cases) {
      const got = included('restaurant-startup', { ...answers, 'restaurant.scale': scale, 'fire.procedure': procedure }, profile);
      expect(got, `${scale}/${procedure}`).toEqual(['business-licence-verification', ...chosen, 'outdoor-signboard'].sort());
    }
    // No sign, no 城管 item.
    expect(included('restaurant-startup', { ...answers, 'choice.outdoorSign': false }, profile)).not.toContain('outdoor-signboard');
  });

  it('meets the guide: promise 4 working days, the one joint on-site check, one step; the commitment procedure notified', () => {
    const { answers, profile } = example('restaurant-startup');
    const { b, evaluation, account: a } = run('restaurant-startup', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 4, unit: 'working' });
    expect(a.visits.bundled).toBe(1);
    expect(a.visits.reasons.map((r) => r.reason)).toEqual(['inspection']);
    expect(a.steps).toEqual({ separately: 4, bundled: 1 });
    expect(evaluation.notices.map((n) => n.reason).join()).toContain('核查');
    const said = differences(b, scenarios().catalogue, evaluation, a);
    expect(said.some((s) => s.startsWith('steps') || s.startsWith('visits after') || s.startsWith('promise'))).toBe(false);
    // Collecting the licence at the counter is a second trip.
    const { answers: regular } = example('restaurant-startup', 'regularRestaurant');
    expect(run('restaurant-startup', regular, profile).account.visits.bundled).toBe(2);
  });
});

describe('水电气网联合报装一件事 (utility-connection)', () => {
  it('includes the connections chosen and the outside works’ approvals the works need', () => {
    const { answers, profile } = example('utility-connection');
    expect(included('utility-connection', answers, profile)).toEqual(
      ['broadcasting-connection', 'gas-connection', 'power-connection', 'road-excavation-permit', 'road-works-traffic-permit', 'telecom-connection', 'water-connection'].sort(),
    );
    expect(included('utility-connection', { ...answers, 'utility.greenSpace': true }, profile)).toContain('green-space-occupation-permit');
    const { answers: power } = example('utility-connection', 'powerOnly');
    expect(included('utility-connection', power, profile)).toEqual(['power-connection']);
    // Nothing to connect: the bundle does not apply.
    const none = { ...power, 'choice.power': false };
    const ev = run('utility-connection', none, profile).evaluation;
    expect(ev.eligible).toBe(false);
    expect(ev.ineligible.map((r) => r.reason).join()).toContain('至少选择一项');
  });

  it('meets the guide: promise 2 working days with the outside works outside it, one joint survey, the ID and licence fetched', () => {
    const { answers, profile } = example('utility-connection');
    const { b, evaluation, account: a } = run('utility-connection', answers, profile);
    expect(a.days.promised).toMatchObject({ value: 2, unit: 'working', excludes: ['road-excavation-permit', 'road-works-traffic-permit'] });
    expect(a.visits.bundled).toBe(b.official?.visits?.after);
    const byCode = Object.fromEntries(evaluation.materials.map((m) => [m.code, m.disposition]));
    expect(byCode).toMatchObject({ idCard: 'sharing', businessLicence: 'sharing', telecomStandardsCommitment: 'commitment', designConstructionConfirmation: 'commitment' });
    const said = differences(b, scenarios().catalogue, evaluation, a);
    expect(said.find((s) => s.startsWith('visits before'))).toContain('the guide counts the 5 items that state their visits');
    // The works must end after they start.
    const late = run('utility-connection', { ...answers, 'works.endDate': '2027-02-01' }, profile).evaluation;
    expect(late.problems?.map((p) => p.element)).toEqual(['works.endDate']);
  });
});

type Detail = { id: string; status: string; items: { itemId: string; department: string; status: string; outputs: Record<string, unknown> }[] };

// PGlite of its own (this suite runs without the product suites' prepared template), and the
// PostgreSQL server too when TEST_DATABASE_URL is set.
const TARGETS: DatabaseTarget[] = databaseTargets().map((t) => (t.kind === 'pglite' ? { kind: 'pglite', open: async () => Object.assign(await PgliteDatabase.open(), { schema: 'public' }) } : t));

describe.each(TARGETS)('the four bundles filed end to end through the API (simulated departments), on $kind', ({ open }) => {
  let db: Awaited<ReturnType<DatabaseTarget['open']>>;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;

  beforeAll(async () => {
    db = await open();
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

  it.each(BUNDLES)('%s: the default example is filed and every item reaches 办结', async (id) => {
    // 张伟 is the legal representative of the demo company the register and licence library know.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    const created = await zhang.post<{ id: string }>('/api/applications', { bundleId: id });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const appId = created.body.id;
    const saved = await zhang.put(`/api/applications/${appId}/answers`, { answers: example(id).answers });
    expect(saved.status, JSON.stringify(saved.body)).toBe(200);
    const ev = await zhang.get<{ eligible: boolean; items: { id: string; included: boolean }[]; materials: { code: string; disposition: string }[] }>(`/api/applications/${appId}/evaluation`);
    expect(ev.body.eligible).toBe(true);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      const up = await zhang.upload(`/api/applications/${appId}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} of ${appId}`), `${m.code}.pdf`);
      expect(up.status, m.code).toBe(201);
    }
    await signCommitment(zhang, appId);
    expect((await zhang.post(`/api/applications/${appId}/authorisation`)).status).toBe(200);
    const filed = await zhang.post<Detail>(`/api/applications/${appId}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    const expected = ev.body.items.filter((i) => i.included).map((i) => i.id).sort();
    expect(filed.body.items.map((i) => i.itemId).sort()).toEqual(expected);

    const done = await until(
      async () => {
        const d = await zhang.get<Detail>(`/api/applications/${appId}`);
        return d.body.status === 'completed' ? d.body : undefined;
      },
      60_000,
      `every item of ${id} to complete`,
    );
    expect(done.items.map((i) => [i.itemId, i.status])).toEqual(done.items.map((i) => [i.itemId, 'completed']));
    if (id === 'transport-startup') {
      // The permit's number reached the vehicle certificates' department.
      const permit = done.items.find((i) => i.itemId === 'road-freight-permit');
      expect(permit?.outputs['transport.operatorLicenceNumber']).toMatch(/^[0-9]{12}$/);
    }
  }, 90_000);
});
