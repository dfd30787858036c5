// The national catalogue end to end: every bundle shipped in scenarios/bundles/ (found at run
// time, so a bundle added later is covered without touching this file) is filed through the HTTP
// API with its `examples.default`, and every item it includes is completed (办结) by the
// simulated departments, or through the department API where the department works in the web
// inbox. A bundle whose example cannot be filed fails naming the bundle and why.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { SCENARIOS, scenarios } from '../engine/support.js';
import { generateOutputs } from '../../server/simulator/outputs.js';
import { demoUsers } from '../../server/auth/demo-provider.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import type { Bundle, BundleExample } from '../../shared/model.js';
import type { ApplicationDetail, ServerEvaluation } from '../../shared/contracts/applications.js';

type ErrorBody = { error?: { message?: string; details?: { path: string; message: string }[] } };
type DepartmentSub = { id: string; status: string; fields: Record<string, unknown>; produces: unknown };
type Savings = ApplicationDetail['savings'];

const BUNDLES_DIR = path.join(SCENARIOS, 'bundles');
/** Every bundle file shipped, by the id it declares (the file name is the convention, not the rule). */
const FILES = readdirSync(BUNDLES_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
const loaded = scenarios();
const byFile = new Map<string, Bundle>();
for (const b of loaded.catalogue.bundles.values()) byFile.set(path.basename(b.at.file), b);

/** A demo citizen whose real-name identity matches the example's, else the one the exchange knows most about (张伟: a company, insurance records). */
function citizenFor(example: BundleExample): string {
  const idNumber = example.profile?.identity?.idNumber;
  const users = demoUsers([]);
  return users.find((u) => u.role === 'citizen' && u.idNumber === idNumber)?.id ?? 'citizen-zhang';
}

/** Why a request failed, in words a merger can act on: status, message and each field named. */
function why(what: string, res: { status: number; body: unknown }): string {
  const b = res.body as ErrorBody;
  const details = (b?.error?.details ?? []).map((d) => `${d.path}: ${d.message}`).join('; ');
  return `${what} refused with ${res.status}: ${b?.error?.message ?? JSON.stringify(res.body)}${details ? ` (${details})` : ''}`;
}

function expectConsistent(bundle: Bundle, s: NonNullable<Savings>, included: number, distinct: number, platformOnly: number): void {
  const name = `${bundle.id} (${bundle.title})`;
  expect(s.bundle, name).toBe(bundle.id);
  expect(s.items, `${name}: items counted`).toBe(included);
  const numbers: [string, number][] = [
    ['materials.separately', s.materials.separately],
    ['materials.handedIn', s.materials.handedIn],
    ['materials.handedInOnceForSeveral', s.materials.handedInOnceForSeveral],
    ['materials.reusedFromArchive', s.materials.reusedFromArchive],
    ...Object.entries(s.materials.waived).map(([k, v]): [string, number] => [`materials.waived.${k}`, v]),
    ['fields.separately', s.fields.separately],
    ['fields.asked', s.fields.asked],
    ['visits.separately', s.visits.separately],
    ['visits.bundled', s.visits.bundled],
    ['days.separately', s.days.separately],
    ['days.criticalPath', s.days.criticalPath],
    ['steps.separately', s.steps.separately],
    ['steps.bundled', s.steps.bundled],
    ['fees.total', s.fees.total],
  ];
  for (const [k, v] of numbers) expect(v, `${name}: ${k} = ${v}`).toBeGreaterThanOrEqual(0);
  // What the product says it saved: never a negative saving.
  expect(s.materials.separately - s.materials.handedIn, `${name}: materials saved`).toBeGreaterThanOrEqual(0);
  expect(s.visits.separately - s.visits.bundled, `${name}: visits saved`).toBeGreaterThanOrEqual(0);
  expect(s.fields.separately - s.fields.asked, `${name}: fields saved`).toBeGreaterThanOrEqual(0);
  expect(s.days.separately - s.days.criticalPath, `${name}: the critical path is no longer than the items one after another`).toBeGreaterThanOrEqual(0);
  expect(s.materials.handedInOnceForSeveral, `${name}: shared uploads are uploads`).toBeLessThanOrEqual(s.materials.handedIn);
  // Every distinct material is in exactly one of handed in, waived by one reason, or reused.
  const waived = Object.values(s.materials.waived).reduce((a, b) => a + b, 0);
  expect(s.materials.handedIn + waived + s.materials.reusedFromArchive, `${name}: every distinct material accounted once`).toBe(distinct);
  // A row the platform generates for the bundle as a whole (its application form, a 承诺书 signed
  // online) exists only in the bundle, so it is not counted "separately"; every other one is.
  expect(s.materials.separately, `${name}: each distinct material is needed by some item`).toBeGreaterThanOrEqual(distinct - platformOnly);
  expect(s.fees.total, `${name}: fees add up`).toBeCloseTo(s.fees.items.reduce((a, f) => a + f.fee, 0), 6);
}

describe('the shipped catalogue', () => {
  it('loads every bundle file of scenarios/bundles/', () => {
    expect(FILES.length).toBeGreaterThanOrEqual(4);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.file}:${d.line}: ${d.message}`);
    for (const f of FILES) expect(byFile.has(f), `scenarios/bundles/${f} did not load: ${errors.join('; ')}`).toBe(true);
  });
});

describe.each(databaseTargets())('every bundle of the catalogue filed and completed on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  /** Departments whose staff work in the web inbox: the test completes their items itself. */
  const inbox = [...loaded.catalogue.departments.values()].filter((d) => d.delivery.channel === 'inbox').map((d) => d.code);

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, inbox);
    worker.start();
  }, 180_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  /** Completes, through the department API, every delivered item of an inbox department. */
  async function completeInbox(app: ApplicationDetail): Promise<void> {
    for (const item of app.items.filter((i) => inbox.includes(i.department) && ['delivered', 'accepted'].includes(i.status))) {
      const dept = ApiClient.department(ts, item.department);
      const sub = await dept.get<DepartmentSub>(`/api/sub-applications/${item.id}`);
      expect(sub.status, why(`${app.bundleId}: ${item.department} reading ${item.itemId}`, sub)).toBe(200);
      if (sub.body.status === 'delivered') {
        const accepted = await dept.post(`/api/sub-applications/${item.id}/actions`, { action: 'accept' });
        expect(accepted.status, why(`${app.bundleId}: ${item.department} accepting ${item.itemId}`, accepted)).toBe(200);
      }
      const outputs = generateOutputs(sub.body.produces, { fields: sub.body.fields });
      const done = await dept.post(`/api/sub-applications/${item.id}/actions`, { action: 'complete', outputs });
      expect(done.status, why(`${app.bundleId}: ${item.department} completing ${item.itemId}`, done)).toBe(200);
    }
  }

  it.each(FILES)('files %s with its default example and sees every item completed', { timeout: 120_000 }, async (file) => {
    const bundle = byFile.get(file);
    expect(bundle, `scenarios/bundles/${file} did not load (see npm run scenario -- lint)`).toBeDefined();
    const name = `${bundle!.id} (${bundle!.title}, scenarios/bundles/${file})`;
    const example = bundle!.examples.default;
    expect(example, `${name} has no examples.default to file`).toBeDefined();

    const citizen = await ApiClient.login(ts.url, citizenFor(example!));
    const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: bundle!.id });
    expect(created.status, why(`${name}: creating the application`, created)).toBe(201);
    const id = created.body.id;
    // What the example's applicant has on the exchange: given as answers where the demo citizen's records do not fill it (filled ones are read-only).
    const form = await citizen.get<{ sharing: { data: { element: string; filled: boolean }[] } | null }>(`/api/bundles/${bundle!.id}/form`);
    expect(form.status, why(`${name}: reading the form`, form)).toBe(200);
    const filledByExchange = new Set((form.body.sharing?.data ?? []).filter((d) => d.filled).map((d) => d.element));
    const fromProfile = Object.entries(example!.profile?.sharing?.data ?? {}).filter(([k]) => !filledByExchange.has(k));
    const answers = { ...Object.fromEntries(fromProfile), ...example!.answers };
    const saved = await citizen.put(`/api/applications/${id}/answers`, { answers });
    expect(saved.status, why(`${name}: saving the example's answers`, saved)).toBe(200);

    const ev = await citizen.get<ServerEvaluation>(`/api/applications/${id}/evaluation`);
    expect(ev.status, why(`${name}: evaluating`, ev)).toBe(200);
    const notEligible = ev.body.ineligible.map((r) => r.reason).join('; ');
    expect(ev.body.eligible, `${name}: the example is not eligible: ${notEligible}`).toBe(true);
    const included = ev.body.items.filter((i) => i.included);
    expect(included.length, `${name}: the example includes no item`).toBeGreaterThan(0);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      const up = await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`);
      expect(up.status, why(`${name}: uploading ${m.title} (${m.code})`, up)).toBe(201);
    }
    // 告知承诺: signed where the bundle offers one, with the applicant's own name.
    const commitment = await citizen.get<{ required: boolean; sha256: string | null }>(`/api/applications/${id}/commitment`);
    expect(commitment.status, why(`${name}: reading the commitment`, commitment)).toBe(200);
    if (commitment.body.required) {
      const me = await citizen.get<{ user: { name: string } }>('/api/auth/me');
      const signed = await citizen.post(`/api/applications/${id}/commitment`, { agreed: true, name: me.body.user.name, sha256: commitment.body.sha256 });
      expect(signed.status, why(`${name}: signing the commitment`, signed)).toBe(200);
    }
    const authorised = await citizen.post(`/api/applications/${id}/authorisation`);
    expect(authorised.status, why(`${name}: authorising the data sharing`, authorised)).toBe(200);
    const filed = await citizen.post<ApplicationDetail>(`/api/applications/${id}/submit`);
    expect(filed.status, why(`${name}: submitting`, filed)).toBe(201);
    expect(filed.body.submittedAt, `${name}: filed`).not.toBeNull();
    expect(new Set(filed.body.items.map((i) => i.itemId)), `${name}: the filed items are the ones the evaluation included`).toEqual(new Set(included.map((i) => i.id)));

    const done = await until(
      async () => {
        const d = await citizen.get<ApplicationDetail>(`/api/applications/${id}`);
        expect(d.status, why(`${name}: reading the application`, d)).toBe(200);
        await completeInbox(d.body);
        const stuck = d.body.items.filter((i) => ['rejected', 'dead', 'supplement'].includes(i.status));
        expect(stuck.map((i) => `${i.itemId}: ${i.status}`), `${name}: an item did not go through`).toEqual([]);
        return d.body.items.every((i) => i.status === 'completed') ? d.body : undefined;
      },
      90_000,
      `every item of ${name} to be completed`,
    );
    expect(done.status, `${name}: the application is 办结`).toBe('completed');
    for (const i of done.items) expect(i.status, `${name}: ${i.itemId}`).toBe('completed');
    expect(done.savings, `${name}: savings kept with the filing`).not.toBeNull();
    expectConsistent(
      bundle!,
      done.savings!,
      included.length,
      ev.body.materials.length,
      ev.body.materials.filter((m) => m.disposition === 'generated' && (bundle!.bundleMaterials ?? []).some((r) => r.generated && r.codes.join('|') === m.code)).length,
    );
  });
});
