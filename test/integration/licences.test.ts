import { execFileSync } from 'node:child_process';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { fileNewborn } from '../helpers/newborn.js';
import { NEWBORN_WITH_CARD } from '../fixtures/newborn.js';
import { signCommitment } from '../helpers/commitment.js';
import { checkCreditCode, checkIdNumber, idNumberBirthDate, idNumberGender } from '../../shared/identifiers.js';
import { profileFor } from '../../server/applications/profile.js';
import { LicenceService } from '../../server/licences/service.js';
import { createMaterialStore } from '../../server/materials/store.js';
import { captureLogger } from '../helpers/app.js';
import { renderFirstPage } from '../helpers/pdf.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import type { IssueRequest, LicenceIssuer } from '../../server/licences/types.js';

type Licence = {
  id: string;
  code: string;
  title: string;
  licenceNumber: string;
  issuer: string;
  issuerCode: string;
  holderName: string;
  issuedOn: string;
  validUntil: string | null;
  inLibrary: boolean;
  sha256: string;
  applicationId?: string;
};
type Detail = { status: string; items: { itemId: string; outputs: Record<string, unknown> }[] };

/** The text of a PDF as poppler reads it: what a citizen's viewer shows. */
function pdfText(data: Buffer): string {
  return execFileSync('pdftotext', ['-enc', 'UTF-8', '-', '-'], { input: data }).toString('utf8');
}

async function download(client: ApiClient, url: string): Promise<{ status: number; type: string | null; data: Buffer }> {
  const res = await fetch(client.base + url, { headers: { cookie: client.cookieHeader } });
  return { status: res.status, type: res.headers.get('content-type'), data: Buffer.from(await res.arrayBuffer()) };
}

async function completed(citizen: ApiClient, id: string): Promise<Detail> {
  return until(async () => {
    const d = await citizen.get<Detail>(`/api/applications/${id}`);
    return d.body.status === 'completed' ? d.body : undefined;
  }, 30_000, 'every department to complete');
}

/** The licences issued for one application, once `n` of them are there (each is issued as its item completes). */
async function issuedFor(citizen: ApiClient, applicationId: string, n: number): Promise<Licence[]> {
  return until(async () => {
    const list = (await citizen.get<Licence[]>('/api/me/licences')).body.filter((l) => l.applicationId === applicationId);
    return list.length >= n ? list : undefined;
  }, 20_000, `${n} licences of ${applicationId}`);
}

function outputOf(d: Detail, key: string): unknown {
  return d.items.flatMap((i) => Object.entries(i.outputs)).find(([k]) => k === key)?.[1];
}

/**
 * 办结出证: what a completed item produces as a licence is issued into the applicant's archive
 * (一人一档) with a PDF in Chinese, listed in 我的证照, and only to its owner.
 */
describe.each(databaseTargets())('results are issued, on $kind', ({ open }) => {
  let db: TestDatabase;
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

  it("issues the newborn's 出生医学证明 and 公民身份号码 into the applicant's archive, with a PDF only she can download", async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(wang);
    const done = await completed(wang, filed.id);

    // Issued as each item completes: the last department may finish before an earlier one's licence is written.
    const mine = await until(async () => {
      const list = await wang.get<Licence[]>('/api/me/licences');
      expect(list.status).toBe(200);
      const ours = list.body.filter((l) => l.applicationId === filed.id);
      return ours.length === 2 ? ours : undefined;
    }, 20_000, 'both licences');
    const certificate = mine.find((l) => l.code === 'birthMedicalCertificate')!;
    const idRecord = mine.find((l) => l.code === 'child.idNumber')!;
    // Issued to the licence library through the connector that serves 出生医学证明 (the simulated one here).
    expect(certificate).toMatchObject({ title: '出生医学证明', holderName: '王小宝', issuerCode: 'health', inLibrary: true, validUntil: null });
    // The certificate's number is the one health completed with, in its real format.
    expect(certificate.licenceNumber).toMatch(/^[A-Z][0-9]{9}$/);
    expect(certificate.licenceNumber).toBe(outputOf(done, 'child.birthCertificateNumber'));
    expect(certificate.licenceNumber).toBe(outputOf(done, 'birthMedicalCertificate'));
    // The newborn's number: the household's region (the father's), her birth date, even for a girl, a valid check digit.
    const childId = idRecord.licenceNumber;
    expect(childId).toBe(outputOf(done, 'child.idNumber'));
    expect(checkIdNumber(childId)).toBeNull();
    expect(childId.slice(0, 6)).toBe('430104');
    expect(idNumberBirthDate(childId)).toBe('2026-11-21');
    expect(idNumberGender(childId)).toBe(2);
    expect(idRecord).toMatchObject({ title: '新生儿公民身份号码', holderName: '王小宝', issuerCode: 'police' });
    expect(certificate.issuedOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);

    // The PDF renders Chinese: poppler reads the applicant, the holder and the number back.
    const file = await download(wang, `/api/me/licences/${certificate.id}/file`);
    expect(file.status).toBe(200);
    expect(file.type).toBe('application/pdf');
    expect(file.data.subarray(0, 5).toString()).toBe('%PDF-');
    const text = pdfText(file.data);
    for (const part of ['出生医学证明', certificate.licenceNumber, '王小宝', '王芳', '湖南省妇幼保健院']) expect(text).toContain(part);
    // Drawn too, not only extractable (a broken font subset shows a blank page).
    expect(renderFirstPage(file.data).ink).toBeGreaterThan(0.004);
    expect(text).toContain('本证照已登记至电子证照库');
    expect(pdfText((await download(wang, `/api/me/licences/${idRecord.id}/file`)).data)).toContain(childId);

    // 一人一档: the same archive later bundles read, by the PDF's content.
    const archived = await db.query<{ code: string; sha256: string; source_application: string }>(
      `SELECT code, sha256, source_application FROM archive WHERE owner_id = 'citizen-wang' AND source_application = $1 ORDER BY code`,
      [filed.id],
    );
    expect(archived.rows.filter((r) => r.code === 'birthMedicalCertificate').map((r) => r.sha256)).toEqual([certificate.sha256]);
    const profile = await profileFor(db, { id: 'citizen-wang', name: '王芳', role: 'citizen', idNumber: '430105198811206525' });
    expect(profile.archive?.find((a) => a.code === 'birthMedicalCertificate')?.sha256).toBe(certificate.sha256);

    // Issued once per item: asking again for the same completed item changes nothing.
    const again = new LicenceService({ db, registry: ts.parts.registry, store: createMaterialStore({ dataDir: ts.config.dataDir }), logger: captureLogger('silent').logger });
    const healthSub = filed.items.find((i) => i.department === 'health')!.id;
    expect(await again.issueCompleted(healthSub)).toBe(0);
    // A stop between a completion's commit and its issuing: the next start issues what is missing.
    await db.query('DELETE FROM archive WHERE source_application = $1', [filed.id]);
    await db.query('DELETE FROM licences WHERE application_id = $1', [filed.id]);
    expect(await again.catchUp()).toBe(2);
    expect(await again.catchUp()).toBe(0);
    const reissued = await issuedFor(wang, filed.id, 2);
    const current = reissued.find((l) => l.code === 'birthMedicalCertificate')!;
    expect(current.licenceNumber).toBe(certificate.licenceNumber);
    expect((await download(wang, `/api/me/licences/${current.id}/file`)).status).toBe(200);
    const count = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM licences WHERE application_id = $1', [filed.id]);
    expect(count.rows[0]!.n).toBe(2);

    // Nobody else's: another citizen lists none of them and gets 404 for the file; staff 403.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await zhang.get<Licence[]>('/api/me/licences')).body.filter((l) => l.applicationId === filed.id)).toEqual([]);
    expect((await download(zhang, `/api/me/licences/${current.id}/file`)).status).toBe(404);
    expect((await download(zhang, '/api/me/licences/not-a-uuid/file')).status).toBe(404);
    const staff = await ApiClient.login(ts.url, 'staff-health');
    expect((await staff.get('/api/me/licences')).status).toBe(403);
    expect((await new ApiClient(ts.url).get('/api/me/licences')).status).toBe(401);
  });

  it("numbers the newborn's 社会保障卡 by his 公民身份号码, coded for a boy in the father's region", async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const filed = await fileNewborn(li, NEWBORN_WITH_CARD);
    await completed(li, filed.id);
    const issued = await issuedFor(li, filed.id, 3);
    const card = issued.find((l) => l.code === 'socialSecurityCard')!;
    const id = issued.find((l) => l.code === 'child.idNumber')!;
    expect(card).toMatchObject({ title: '社会保障卡', holderName: '张小明', issuerCode: 'hrss' });
    expect(card.licenceNumber).toBe(id.licenceNumber);
    expect(checkIdNumber(id.licenceNumber)).toBeNull();
    expect(id.licenceNumber.slice(0, 6)).toBe('430104');
    expect(idNumberBirthDate(id.licenceNumber)).toBe('2026-11-20');
    expect(idNumberGender(id.licenceNumber)).toBe(1);
    // The card's PDF names its holder by that number.
    const text = pdfText((await download(li, `/api/me/licences/${card.id}/file`)).data);
    for (const part of ['社会保障卡', id.licenceNumber, '张小明', '李娜']) expect(text).toContain(part);
  });

  it('issues a company its 营业执照 under its 统一社会信用代码', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const answers = (await ts.parts.registry.current('business-startup')).bundle.examples.default!.answers;
    const id = (await li.post<{ id: string }>('/api/applications', { bundleId: 'business-startup' })).body.id;
    expect((await li.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const ev = await li.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await li.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    await signCommitment(li, id);
    expect((await li.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    expect((await li.post(`/api/applications/${id}/submit`)).status).toBe(201);
    const done = await completed(li, id);
    const creditCode = outputOf(done, 'company.creditCode') as string;
    expect(checkCreditCode(creditCode)).toBeNull();
    const licence = (await issuedFor(li, id, 1)).find((l) => l.code === 'businessLicence')!;
    expect(licence).toMatchObject({ licenceNumber: creditCode, holderName: '长沙一件事科技有限公司', issuerCode: 'market' });
    const text = pdfText((await download(li, `/api/me/licences/${licence.id}/file`)).data);
    for (const part of ['营业执照', creditCode, '长沙一件事科技有限公司', '李娜', '统一社会信用代码']) expect(text).toContain(part);
  });
});

/** The licence library (电子证照库) is somebody else's system: here one that records what it is asked. */
class RecordingLibrary implements LicenceIssuer {
  readonly requests: IssueRequest[] = [];
  failing = false;
  issue(req: IssueRequest) {
    this.requests.push(req);
    if (this.failing) return Promise.reject(new Error('library unavailable'));
    return Promise.resolve({ licenceNumber: `DZZZ-${req.type}-${this.requests.length}`, issuedOn: '2026-12-01', validUntil: null });
  }
}

describe('issued through the licence library', () => {
  it('records what the library answered, and keeps the archive copy without claiming the library has it when it fails', async () => {
    const db = await databaseTargets()[0]!.open();
    const library = new RecordingLibrary();
    const ts = await startServer(db, {}, { licenceIssuer: library });
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url);
    worker.start();
    try {
      const wang = await ApiClient.login(ts.url, 'citizen-wang');
      const first = await fileNewborn(wang);
      await completed(wang, first.id);
      const issued = await issuedFor(wang, first.id, 2);
      const certificate = issued.find((l) => l.code === 'birthMedicalCertificate')!;
      expect(certificate).toMatchObject({ inLibrary: true, issuedOn: '2026-12-01' });
      expect(certificate.licenceNumber).toMatch(/^DZZZ-birthMedicalCertificate-\d$/);
      const asked = library.requests.find((r) => r.type === 'birthMedicalCertificate')!;
      expect(asked).toMatchObject({ issuer: 'health', applicationId: first.id, holder: { name: '王小宝' } });
      expect(asked.fields['child.birthCertificateNumber']).toMatch(/^[A-Z][0-9]{9}$/);
      const record = library.requests.find((r) => r.type === 'child.idNumber')!;
      expect(checkIdNumber(record.holder.idNumber!)).toBeNull();
      expect(pdfText((await download(wang, `/api/me/licences/${certificate.id}/file`)).data)).toContain('本证照已登记至电子证照库');

      library.failing = true;
      const second = await fileNewborn(wang);
      const done = await completed(wang, second.id);
      const kept = (await issuedFor(wang, second.id, 2)).find((l) => l.code === 'birthMedicalCertificate')!;
      expect(kept).toMatchObject({ inLibrary: false, licenceNumber: outputOf(done, 'child.birthCertificateNumber') });
    } finally {
      await worker.stop();
      await sim.close();
      await ts.close();
      await db.close();
    }
  });
});

describe('issued through the connector that serves each licence type (connectors.yaml)', () => {
  it('puts a completed birth certificate into the licence library, audited, so a later fetch finds it', async () => {
    const db = await databaseTargets()[0]!.open();
    // No issuer handed in: the product's own wiring, the simulated library in DEMO.
    const ts = await startServer(db);
    const sim = await startSimulator(ts);
    const worker = workerTo(ts, sim.url);
    worker.start();
    try {
      const wang = await ApiClient.login(ts.url, 'citizen-wang');
      const filed = await fileNewborn(wang);
      await completed(wang, filed.id);
      const issued = await issuedFor(wang, filed.id, 2);
      const certificate = issued.find((l) => l.code === 'birthMedicalCertificate')!;
      // The library answered: its number, and the archive says the library holds it.
      expect(certificate.inLibrary).toBe(true);
      const calls = await db.query<{ operation: string; subject: string; outcome: string; application_id: string }>(
        `SELECT operation, subject, outcome, application_id FROM connector_calls WHERE operation = 'issue' AND application_id = $1`,
        [filed.id],
      );
      expect(calls.rows).toContainEqual({ operation: 'issue', subject: 'birthMedicalCertificate', outcome: 'ok', application_id: filed.id });
      // The newborn's 公民身份号码 is a record, not a library licence: archived, not sent to the library.
      expect(issued.find((l) => l.code === 'child.idNumber')!.inLibrary).toBe(false);
      expect(calls.rows.some((c) => c.subject === 'child.idNumber')).toBe(false);
    } finally {
      await worker.stop();
      await sim.close();
      await ts.close();
      await db.close();
    }
  });
});
