// 办结文书: a department attaches result files when it completes an item; the applicant downloads
// exactly those bytes from their application, and nobody else can.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';

type ErrorBody = { error: { code: string; message: string; messageEn: string; details: { path: string; message: string; messageEn?: string }[] } };
type Doc = { id: string; title: string; fileName: string; mime: string; size: number; createdAt: string; url: string };
type Sub = { id: string; status: string; documents: Doc[] };
type Detail = { id: string; items: { id: string; department: string; status: string; documents: Doc[] }[] };

const OUTPUTS = { birthMedicalCertificate: 'O430012345', 'child.birthCertificateNumber': 'O430012345' };
// The smallest PNG a sniffer accepts: its 8-byte signature and an IHDR chunk header.
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex')]);

async function download(client: ApiClient, url: string): Promise<{ status: number; bytes: Buffer; type: string | null; disposition: string | null }> {
  const res = await fetch(`${client.base}${url}`, { headers: { cookie: client.cookieHeader } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition') };
}

describe.each(databaseTargets())('result documents attached on completion, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let health: ApiClient;

  async function file(): Promise<{ id: string; healthSub: string }> {
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS })).status).toBe(200);
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
      expect((await citizen.upload(`/api/applications/${id}/materials/${m.code}`, pdf(`${m.code} ${id}`), `${m.code}.pdf`)).status).toBe(201);
    }
    expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    const submitted = await citizen.post<Detail>(`/api/applications/${id}/submit`);
    expect(submitted.status).toBe(201);
    const healthSub = submitted.body.items.find((i) => i.department === 'health')!.id;
    // Delivered as recorded: the worker writes its results a batch behind, and until then the row reads queued.
    await until(async () => (await health.get<Sub>(`/api/sub-applications/${healthSub}`)).body.status === 'delivered', 10_000, 'delivery to the inbox');
    return { id, healthSub };
  }

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    sim = await startSimulator(ts);
    worker = workerTo(ts, sim.url, {}, ['health']);
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    health = ApiClient.department(ts, 'health');
  });
  afterAll(async () => {
    await worker?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  it('staff attach documents when completing; the applicant downloads the same bytes, another citizen gets 404, staff download with a reason', async () => {
    const { id, healthSub } = await file();
    const staff = await ApiClient.login(ts.url, 'staff-health');
    const act = (body: unknown) => staff.post<ErrorBody & Sub>(`/api/sub-applications/${healthSub}/actions`, body);
    expect((await act({ action: 'accept' })).status).toBe(200);

    // A file that is none of the accepted types is refused by its content, naming the document.
    const text = await act({
      action: 'complete',
      outputs: OUTPUTS,
      documents: [
        { title: '出生医学证明', fileName: 'cert.pdf', content: pdf('ok').toString('base64') },
        { title: '说明', fileName: 'note.pdf', content: Buffer.from('just text, not a PDF').toString('base64') },
      ],
    });
    expect(text.status).toBe(422);
    expect(text.body.error.details).toEqual([expect.objectContaining({ path: 'documents[1].content', message: expect.stringContaining('文件内容不是 PDF、JPEG、PNG 或 OFD'), messageEn: expect.stringContaining('not PDF, JPEG, PNG or OFD') })]);
    const noTitle = await act({ action: 'complete', outputs: OUTPUTS, documents: [{ title: ' ', fileName: 'a.pdf', content: pdf('a').toString('base64') }] });
    expect(noTitle.status).toBe(422);
    expect(noTitle.body.error.details.map((d) => d.path)).toEqual(['documents[0].title']);
    const notBase64 = await act({ action: 'complete', outputs: OUTPUTS, documents: [{ title: '证明', fileName: 'a.pdf', content: 'not base64!' }] });
    expect(notBase64.status).toBe(422);
    expect(notBase64.body.error.details).toEqual([expect.objectContaining({ path: 'documents[0].content', message: '文件内容应为 base64 编码且不能为空' })]);
    // Nothing of a refused completion stays.
    expect((await staff.get<Sub>(`/api/sub-applications/${healthSub}?reason=审核办理`)).body).toMatchObject({ status: 'accepted', documents: [] });

    const certificate = pdf(`出生医学证明 ${id}`);
    const done = await act({
      action: 'complete',
      outputs: OUTPUTS,
      documents: [
        { title: '出生医学证明', fileName: '出生医学证明.pdf', content: certificate.toString('base64') },
        { title: '新生儿照片', fileName: 'photo.png', content: PNG.toString('base64') },
      ],
    });
    expect(done.status).toBe(200);
    expect(done.body.status).toBe('completed');
    expect(done.body.documents.map(({ title, fileName, mime, size }) => ({ title, fileName, mime, size }))).toEqual([
      { title: '出生医学证明', fileName: '出生医学证明.pdf', mime: 'application/pdf', size: certificate.length },
      { title: '新生儿照片', fileName: 'photo.png', mime: 'image/png', size: PNG.length },
    ]);

    // The applicant sees them on the item and downloads exactly those bytes.
    const detail = await citizen.get<Detail>(`/api/applications/${id}`);
    const docs = detail.body.items.find((i) => i.id === healthSub)!.documents;
    expect(docs.map((d) => d.title)).toEqual(['出生医学证明', '新生儿照片']);
    expect(docs[0]!.url).toBe(`/api/applications/${id}/documents/${docs[0]!.id}`);
    const got = await download(citizen, docs[0]!.url);
    expect(got.status).toBe(200);
    expect(got.bytes.equals(certificate)).toBe(true);
    expect(got.type).toBe('application/pdf');
    expect(got.disposition).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('出生医学证明.pdf')}`);
    expect((await download(citizen, docs[1]!.url)).bytes.equals(PNG)).toBe(true);

    // Another citizen: not found, whether by the owner's link or any other way of asking.
    const other = await ApiClient.login(ts.url, 'citizen-li');
    expect((await download(other, docs[0]!.url)).status).toBe(404);
    const refused = await other.get<ErrorBody>(docs[0]!.url);
    expect(refused.body.error.message).toBe('没有这份办结文书');
    expect((await download(citizen, `/api/applications/${id}/documents/00000000-0000-4000-8000-000000000000`)).status).toBe(404);
    expect((await download(citizen, `/api/applications/${id}/documents/not-a-uuid`)).status).toBe(404);
    expect((await download(staff, docs[0]!.url)).status).toBe(403);

    // Staff download from the sub-application, with the reason asked of every read.
    const staffUrl = done.body.documents[0]!.url;
    expect(staffUrl).toBe(`/api/sub-applications/${healthSub}/documents/${docs[0]!.id}`);
    expect((await download(staff, staffUrl)).status).toBe(400);
    const byStaff = await download(staff, `${staffUrl}?reason=${encodeURIComponent('审核办理')}`);
    expect(byStaff.status).toBe(200);
    expect(byStaff.bytes.equals(certificate)).toBe(true);
    // The department system (token) reads it as well; another department does not.
    const viaToken = await fetch(`${ts.url}${staffUrl}`, { headers: { authorization: `Bearer ${ts.parts.departmentTokens.get('health')}` } });
    expect(viaToken.status).toBe(200);
    const police = await fetch(`${ts.url}${staffUrl}`, { headers: { authorization: `Bearer ${ts.parts.departmentTokens.get('police')}` } });
    expect(police.status).toBe(404);
    const audit = await db.query<{ actor_id: string }>("SELECT actor_id FROM audit_log WHERE action = 'download-result-document' ORDER BY at");
    expect(audit.rows.map((r) => r.actor_id)).toEqual(['staff-health', 'department:health']);
  });

  it('a department system attaches documents through the API as well; completing without documents is as before', async () => {
    const { id, healthSub } = await file();
    const act = (body: unknown) => health.post<ErrorBody & Sub>(`/api/sub-applications/${healthSub}/actions`, body);
    expect((await act({ action: 'accept' })).status).toBe(200);
    const unknownKey = await act({ action: 'complete', outputs: OUTPUTS, documents: [{ title: 'x', fileName: 'x.pdf', content: pdf('x').toString('base64'), extra: 1 }] });
    expect(unknownKey.status).toBe(422);
    const done = await act({ action: 'complete', outputs: OUTPUTS, documents: [{ title: '出生医学证明', fileName: 'c.pdf', content: pdf('api').toString('base64') }] });
    expect(done.status).toBe(200);
    const detail = await citizen.get<Detail>(`/api/applications/${id}`);
    const item = detail.body.items.find((i) => i.id === healthSub)!;
    expect(item.documents.map((d) => [d.title, d.fileName, d.size])).toEqual([['出生医学证明', 'c.pdf', pdf('api').length]]);
    expect(detail.body.items.filter((i) => i.id !== healthSub).every((i) => i.documents.length === 0)).toBe(true);
  });
});
