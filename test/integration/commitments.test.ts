import { createHash } from 'node:crypto';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { listenOn, type Listener } from '../helpers/reliability.js';
import { COMMITMENT_LIABILITY } from '../../shared/commitment.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type ErrorBody = { error: { code: string; details: { path: string; message: string }[] } };
type Commitment = {
  required: boolean;
  text: string | null;
  sha256: string | null;
  materials: { code: string; title: string; items: { id: string; title: string }[] }[];
  signature: { signerName: string; signedAt: string; sha256: string; valid: boolean } | null;
};
type Delivered = { text: string; sha256: string; signerName: string; signedAt: string; materials: { code: string; title: string }[] };

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

/**
 * 告知承诺: a material an item accepts a commitment for is waived only once the applicant has
 * read and signed the generated 承诺书; the signature reaches the department that relies on it.
 */
describe.each(databaseTargets())('commitments (告知承诺) are signed, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let market: Listener;
  const webhooks: Record<string, unknown>[] = [];
  let answers: Record<string, unknown>;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    // 市场监管 receives its case at a listener of our own, to read the webhook body as sent.
    market = await listenOn((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        webhooks.push(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    worker = workerTo(ts, sim.url, {
      targetFor: (code) => {
        if (!ts.parts.targetFor(code)) return undefined;
        const url = code === 'market' ? `${market.url}/market` : `${sim.url}/departments/${code}`;
        return { channel: 'webhook', url, secret: ts.parts.webhookSecretFor(code) };
      },
    });
    worker.start();
    answers = (await ts.parts.registry.current('business-startup')).bundle.examples.default!.answers as Record<string, unknown>;
  }, 60_000);
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await market?.stop();
    await ts?.close();
    await db?.close();
  });

  async function draft(citizen: ApiClient): Promise<string> {
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'business-startup' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    expect(ev.body.materials.find((m) => m.code === 'premisesProof')?.disposition).toBe('commitment');
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    return id;
  }

  it('generates the 承诺书, refuses to file it unsigned, signs it with the name typed exactly, and delivers it to the department', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const id = await draft(wang);

    const read = await wang.get<Commitment>(`/api/applications/${id}/commitment`);
    expect(read.status).toBe(200);
    expect(read.body.required).toBe(true);
    const text = read.body.text!;
    // Names the applicant (ID number masked), the bundle, the item and the material it replaces, and the liability.
    for (const part of ['告知承诺书', '承诺人：王芳（公民身份号码：4301**********6525）', '企业开办一件事', '住所（经营场所）使用证明', '企业设立登记（含名称自主申报）', COMMITMENT_LIABILITY]) {
      expect(text).toContain(part);
    }
    expect(text).not.toContain('430105198811206525');
    expect(read.body.sha256).toBe(sha256(text));
    expect(read.body.materials).toEqual([{ code: 'premisesProof', title: '住所（经营场所）使用证明', items: [{ id: 'company-registration', title: '企业设立登记（含名称自主申报）' }] }]);
    expect(read.body.signature).toBeNull();

    // Unsigned: no submit, and the refusal names the commitment.
    const unsigned = await wang.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(unsigned.status).toBe(422);
    expect(unsigned.body.error.details.map((d) => d.path)).toEqual(['commitment']);

    // Signing is an explicit act: the box ticked, and the applicant's own name, exactly.
    for (const [body, path] of [
      [{ agreed: true, name: '李娜' }, 'name'],
      [{ agreed: true, name: '王 芳' }, 'name'],
      [{ agreed: true, name: '' }, 'name'],
      [{ agreed: false, name: '王芳' }, 'agreed'],
      [{ name: '王芳' }, 'agreed'],
      [{ agreed: true, name: '王芳', signature: 'x' }, 'signature'],
    ] as const) {
      const r = await wang.post<ErrorBody>(`/api/applications/${id}/commitment`, body);
      expect(r.status, JSON.stringify(body)).toBe(422);
      expect(r.body.error.details.map((d) => d.path)).toContain(path);
    }
    // A text other than the one in force is not signed.
    expect((await wang.post(`/api/applications/${id}/commitment`, { agreed: true, name: '王芳', sha256: sha256('another text') })).status).toBe(409);
    // Another citizen cannot read or sign it.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    expect((await zhang.get(`/api/applications/${id}/commitment`)).status).toBe(404);
    expect((await zhang.post(`/api/applications/${id}/commitment`, { agreed: true, name: '张伟' })).status).toBe(404);
    expect((await wang.get<Commitment>(`/api/applications/${id}/commitment`)).body.signature).toBeNull();

    const signed = await wang.post<Commitment>(`/api/applications/${id}/commitment`, { agreed: true, name: ' 王芳 ', sha256: read.body.sha256 });
    expect(signed.status, JSON.stringify(signed.body)).toBe(200);
    expect(signed.body.signature).toMatchObject({ signerName: '王芳', sha256: sha256(text), valid: true });

    // Answers that change the text (another kind of enterprise, another registration item)
    // leave the signature behind; going back to the text signed makes it count again.
    expect((await wang.put(`/api/applications/${id}/answers`, { answers: { ...answers, 'company.type': 'partnership' } })).status).toBe(200);
    const changed = await wang.get<Commitment>(`/api/applications/${id}/commitment`);
    expect(changed.body.sha256).not.toBe(sha256(text));
    expect(changed.body.signature?.valid).toBe(false);
    const stale = await wang.post<ErrorBody>(`/api/applications/${id}/submit`);
    expect(stale.status).toBe(422);
    expect(stale.body.error.details.map((d) => d.path)).toContain('commitment');
    expect((await wang.put(`/api/applications/${id}/answers`, { answers })).status).toBe(200);
    expect((await wang.get<Commitment>(`/api/applications/${id}/commitment`)).body.signature?.valid).toBe(true);

    const filed = await wang.post<{ items: { id: string; department: string }[]; savings: { materials: { waived: { commitment: number } } } }>(`/api/applications/${id}/submit`);
    expect(filed.status, JSON.stringify(filed.body)).toBe(201);
    expect(filed.body.savings.materials.waived.commitment).toBe(1);
    // Filed: nothing more to sign.
    expect((await wang.post(`/api/applications/${id}/commitment`, { agreed: true, name: '王芳' })).status).toBe(409);

    // The department relying on it receives the signed text, its hash, the time and the signer.
    const sub = filed.body.items.find((i) => i.department === 'market')!.id;
    const hook = await until(async () => webhooks.find((w) => w.subApplicationId === sub), 20_000, 'the webhook to 市场监管');
    const delivered = hook.commitment as Delivered;
    expect(delivered).toMatchObject({ text, sha256: sha256(text), signerName: '王芳', materials: [{ code: 'premisesProof', title: '住所（经营场所）使用证明' }] });
    expect(sha256(delivered.text)).toBe(delivered.sha256);
    expect(new Date(delivered.signedAt).getTime()).toBe(new Date(signed.body.signature!.signedAt).getTime());
    const viaApi = await ApiClient.department(ts, 'market').get<{ commitment?: Delivered; materials: { code: string; disposition: string }[] }>(`/api/sub-applications/${sub}`);
    expect(viaApi.status).toBe(200);
    expect(viaApi.body.commitment).toEqual(delivered);
    expect(viaApi.body.materials.find((m) => m.code === 'premisesProof')?.disposition).toBe('commitment');
    const staff = await ApiClient.login(ts.url, 'staff-market');
    const opened = await staff.get<{ commitment?: Delivered }>(`/api/workbench/sub-applications/${sub}?reason=${encodeURIComponent('审核办理')}`);
    expect(opened.body.commitment?.sha256).toBe(sha256(text));
    // Statistics count the commitments signed, from the savings snapshot taken at filing.
    const admin = await ApiClient.login(ts.url, 'admin');
    const stats = await admin.get<{ materials: { waived: { commitment: number } } }>('/api/stats/bundles/business-startup');
    expect(stats.status).toBe(200);
    const signedRows = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM commitments c JOIN applications a ON a.id = c.application_id WHERE a.status <> 'draft' AND a.bundle_id = 'business-startup'`);
    expect(stats.body.materials.waived.commitment).toBe(signedRows.rows[0]!.n);
    expect(signedRows.rows[0]!.n).toBe(1);

    // Departments whose items rely on no commitment get none.
    const other = filed.body.items.find((i) => i.department === 'tax')!.id;
    const row = await db.query<{ payload: { commitment?: unknown } }>('SELECT payload FROM sub_applications WHERE id = $1', [other]);
    expect(row.rows[0]!.payload.commitment).toBeUndefined();
  });

  it('has nothing to sign where no material is replaced by a commitment', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const id = (await li.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    const read = await li.get<Commitment>(`/api/applications/${id}/commitment`);
    expect(read.body).toMatchObject({ required: false, text: null, sha256: null, materials: [], signature: null });
    const r = await li.post<ErrorBody>(`/api/applications/${id}/commitment`, { agreed: true, name: '李娜' });
    expect(r.status).toBe(409);
  });
});
