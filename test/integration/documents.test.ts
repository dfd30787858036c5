import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, startServer, startSimulator, until, workerTo, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS, fileNewborn, type Filed } from '../helpers/newborn.js';
import { pdfText, renderFirstPage } from '../helpers/pdf.js';
import { generateOutputs } from '../../server/simulator/outputs.js';
import { beijingDate } from '../../shared/beijing-time.js';
import { chineseDate } from '../../shared/printed-value.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';

type Detail = {
  status: string;
  number: string | null;
  title: string;
  promisedBy: string | null;
  items: { id: string; title: string; departmentName: string; status: string; outputs: Record<string, unknown>; supplement: { dueDate: string | null; materials: { title: string }[]; fields: { title: string }[] } | null }[];
};

async function download(client: ApiClient, url: string) {
  const res = await fetch(client.base + url, { headers: { cookie: client.cookieHeader } });
  const data = Buffer.from(await res.arrayBuffer());
  return { status: res.status, type: res.headers.get('content-type'), disposition: res.headers.get('content-disposition'), data, json: () => (JSON.parse(data.toString('utf8')) as { error: { message: string; messageEn: string } }).error };
}

/** A PDF that opens: its type, its Chinese name, its text as poppler reads it. */
async function document(client: ApiClient, url: string, name: string): Promise<string> {
  const file = await download(client, url);
  expect(file.status, file.data.toString('utf8').slice(0, 300)).toBe(200);
  expect(file.type).toBe('application/pdf');
  expect(file.data.subarray(0, 5).toString()).toBe('%PDF-');
  expect(file.disposition).toContain(`filename*=UTF-8''${encodeURIComponent(name)}`);
  expect(file.disposition).toMatch(/filename="[\x20-\x7e]+\.pdf"/);
  return pdfText(file.data);
}

/**
 * An application's documents (server/documents/): 受理回执, 一次性告知书, 一件事申请表 and
 * 办结通知书, as PDFs in Chinese that render on a machine without Chinese fonts, each only when
 * it applies and only to whoever may read the application.
 */
describe.each(databaseTargets())('application documents, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let sim: Awaited<ReturnType<typeof startSimulator>>;
  let dispatch: DispatchWorker;

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db);
    // The departments are played by hand (their API): a 补正 is asked exactly when the test says.
    sim = await startSimulator(ts, { autoProcess: false });
    dispatch = workerTo(ts, sim.url);
    dispatch.start();
  }, 60_000);
  afterAll(async () => {
    await dispatch?.stop();
    await sim?.close();
    await ts?.close();
    await db?.close();
  });

  async function subs(id: string) {
    return (
      await db.query<{ id: string; department: string; status: string; payload: { produces: unknown; materials: { code: string }[]; fields: Record<string, unknown> } }>(
        'SELECT id, department, status, payload FROM sub_applications WHERE application_id = $1 ORDER BY position',
        [id],
      )
    ).rows;
  }

  /** Each department accepts and then completes its item, in the bundle's order. */
  async function processAll(filed: Filed): Promise<void> {
    await until(async () => {
      const rows = await subs(filed.id);
      if (rows.every((r) => r.status === 'completed')) return true;
      for (const r of rows) {
        const dept = ApiClient.department(ts, r.department);
        if (r.status === 'delivered') expect((await dept.post(`/api/sub-applications/${r.id}/actions`, { action: 'accept' })).status).toBe(200);
        else if (r.status === 'accepted') expect((await dept.post(`/api/sub-applications/${r.id}/actions`, { action: 'complete', outputs: generateOutputs(r.payload.produces) })).status).toBe(200);
      }
      return false;
    }, 30_000, 'every department to complete');
  }

  it('a draft: no receipt or completion notice yet (409, in Chinese and English), a 一次性告知书 of everything missing, the form for review; nothing for another citizen', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const id = (await wang.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await wang.put(`/api/applications/${id}/answers`, { answers: { 'child.name': '王小宝', 'child.gender': '2' } })).status).toBe(200);

    const receipt = await download(wang, `/api/applications/${id}/receipt`);
    expect(receipt.status).toBe(409);
    expect(receipt.json().message).toContain('尚未提交');
    expect(receipt.json().messageEn).toContain('not been submitted');
    expect((await download(wang, `/api/applications/${id}/completion`)).status).toBe(409);

    // Everything the submission would ask for, at once: the uploads and the answers still missing.
    const ev = await wang.get<{ materials: { title: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    const uploads = ev.body.materials.filter((m) => m.disposition === 'upload').map((m) => m.title);
    expect(uploads.length).toBeGreaterThan(0);
    const notice = await document(wang, `/api/applications/${id}/notice`, `一次性告知书-${id.slice(0, 8)}.pdf`);
    for (const part of ['一次性告知书', '新生儿出生', '需要提交的材料', '需要填写或更正的信息', '王*', ...uploads]) expect(notice).toContain(part);
    expect(notice).toContain('父亲'); // the father's details are not answered yet
    expect(notice).not.toContain('father.');

    const form = await document(wang, `/api/applications/${id}/form`, `一件事申请表-${id.slice(0, 8)}.pdf`);
    for (const part of ['一件事申请表', '未提交', '王小宝', '新生儿性别', '女', '申请人（签字）', '窗口受理人员（签字）']) expect(form).toContain(part);
    expect(form).not.toContain('child.gender');

    // Another citizen's application answers like one that does not exist; staff have no such route.
    const zhang = await ApiClient.login(ts.url, 'citizen-zhang');
    for (const doc of ['receipt', 'notice', 'form', 'completion']) {
      expect((await download(zhang, `/api/applications/${id}/${doc}`)).status).toBe(404);
    }
    expect((await download(zhang, '/api/applications/not-an-id/receipt')).status).toBe(404);
    expect((await download(await ApiClient.login(ts.url, 'staff-health'), `/api/applications/${id}/receipt`)).status).toBe(403);
    expect((await download(new ApiClient(ts.url), `/api/applications/${id}/receipt`)).status).toBe(401);

    // Complete and answered: nothing left to notify.
    const full = await fileNewborn(wang);
    expect((await download(wang, `/api/applications/${full.id}/notice`)).status).toBe(409);
  });

  it('the 受理回执 of a filed application: the number, the applicant masked, each item and department, the promised date, the query code and a QR code; it renders', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(wang);
    const detail = (await wang.get<Detail>(`/api/applications/${filed.id}`)).body;
    const number = detail.number!;
    expect(number).toMatch(/^\d{20}$/);

    const file = await download(wang, `/api/applications/${filed.id}/receipt`);
    expect(file.status).toBe(200);
    const text = await document(wang, `/api/applications/${filed.id}/receipt`, `受理回执-${number}.pdf`);
    expect(text).toContain(detail.number!);
    for (const part of ['受理回执', detail.title, '王*', '4301**********6525', '承诺办结日期', '进度查询码']) expect(text).toContain(part);
    expect(text).not.toContain('王芳');
    expect(text).not.toContain(NEWBORN_ANSWERS['mother.idNumber']);
    for (const item of detail.items) {
      expect(text).toContain(item.title);
      expect(text).toContain(item.departmentName);
    }
    // The promised date as the portal shows it: the last Beijing day before 24:00.
    expect(detail.promisedBy).not.toBeNull();
    expect(text).toContain(chineseDate(beijingDate(new Date(new Date(detail.promisedBy!).getTime() - 1))));
    // The query code is drawn once and kept: every copy of the receipt carries the same.
    const code = /进度查询码\s+([2-9A-Z]{4}-[2-9A-Z]{4})/.exec(text)?.[1];
    expect(code).toBeDefined();
    expect(pdfText((await download(wang, `/api/applications/${filed.id}/receipt`)).data)).toContain(code!);
    expect(text).toContain(`${ts.url}/progress`);

    // 进度查询: whoever holds the receipt follows it without signing in, by number and code (typed loosely).
    const anon = new ApiClient(ts.url);
    const progress = await anon.get<{ number: string; title: string; status: string; items: { title: string; departmentName: string; status: string }[] }>(
      `/api/progress?number=${number}&code=${encodeURIComponent(` ${code!.toLowerCase()} `)}`,
    );
    expect(progress.status).toBe(200);
    expect(progress.body).toMatchObject({ number, title: detail.title, status: detail.status });
    expect(progress.body.items.map((i) => i.departmentName)).toEqual(detail.items.map((i) => i.departmentName));
    expect(JSON.stringify(progress.body)).not.toMatch(/王|430105|[0-9a-f]{8}-[0-9a-f]{4}/);
    // A wrong code and an unknown number are the same 404; a malformed query names its field.
    const wrongCode = code!.replace(/^./, (c) => (c === 'A' ? 'B' : 'A'));
    const wrong = await anon.get<{ error: { message: string; messageEn: string } }>(`/api/progress?number=${number}&code=${wrongCode}`);
    expect(wrong.status).toBe(404);
    expect(wrong.body.error.message).toContain('查询码');
    expect((await anon.get(`/api/progress?number=${'9'.repeat(20)}&code=${code}`)).status).toBe(404);
    const malformed = await anon.get<{ error: { details: { path: string }[] } }>(`/api/progress?number=12&code=${code}`);
    expect(malformed.status).toBe(422);
    expect(malformed.body.error.details.map((d) => d.path)).toEqual(['number']);

    // Drawn, not only extractable: an A4 page with ink on it (a broken font subset draws nothing).
    const page = renderFirstPage(file.data);
    expect(page.width).toBeGreaterThan(400);
    expect(page.height / page.width).toBeCloseTo(841.89 / 595.28, 1);
    expect(page.ink).toBeGreaterThan(0.01);
    expect(page.ink).toBeLessThan(0.5);

    // Filed: the form carries the answers by their labels and option titles, and the items.
    const form = await document(wang, `/api/applications/${filed.id}/form`, `一件事申请表-${number}.pdf`);
    for (const part of ['一件事申请表', '申请人与新生儿关系', '母亲', '新生儿性别', '女', '湖南省长沙市开福区湘江中路1号', NEWBORN_ANSWERS['father.idNumber']]) expect(form).toContain(part);
    for (const item of detail.items) expect(form).toContain(item.title);
    expect(form).toContain(number);
    expect(form).not.toContain('mother');
    expect(form).not.toContain('未提交');
    // Nothing asked yet, nothing finished yet.
    expect((await download(wang, `/api/applications/${filed.id}/notice`)).status).toBe(409);
    const early = await download(wang, `/api/applications/${filed.id}/completion`);
    expect(early.status).toBe(409);
    expect(early.json().message).toContain('尚未办结');
  });

  it('one 一次性告知书 with every department’s 补正: what, why and by when', async () => {
    const li = await ApiClient.login(ts.url, 'citizen-li');
    const filed = await fileNewborn(li, NEWBORN_ANSWERS);
    const open = await until(async () => {
      const rows = (await subs(filed.id)).filter((r) => r.status === 'delivered');
      return rows.length >= 2 && rows;
    }, 20_000, 'two items delivered');
    const [first, second] = open;
    // One asks for a material of its item, the other for a piece of information: both in the one notice.
    expect((await ApiClient.department(ts, first!.department).post(`/api/sub-applications/${first!.id}/actions`, {
      action: 'request-supplement',
      reason: '材料不清晰，请上传清晰的扫描件',
      missing: { materials: [first!.payload.materials[0]!.code] },
    })).status).toBe(200);
    expect((await ApiClient.department(ts, second!.department).post(`/api/sub-applications/${second!.id}/actions`, {
      action: 'request-supplement',
      reason: '请核对填写的信息',
      missing: { fields: [Object.keys(second!.payload.fields)[0]!] },
    })).status).toBe(200);

    const detail = (await li.get<Detail>(`/api/applications/${filed.id}`)).body;
    const asked = detail.items.filter((i) => i.status === 'supplement');
    expect(asked).toHaveLength(2);
    const text = await document(li, `/api/applications/${filed.id}/notice`, `一次性告知书-${detail.number!}.pdf`);
    expect(text).toContain(detail.number!);
    for (const part of ['一次性告知书', '材料不清晰', '请核对填写的信息', '补正截止日期', '李*']) expect(text).toContain(part);
    for (const item of asked) {
      for (const m of [...item.supplement!.materials, ...item.supplement!.fields]) expect(text).toContain(m.title);
      expect(text).toContain(item.title);
      expect(text).toContain(item.departmentName);
      expect(item.supplement?.dueDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      expect(text).toContain(chineseDate(item.supplement!.dueDate!));
    }
    expect(text).not.toContain(first!.payload.materials[0]!.code);
  });

  it('the 办结通知书 once every department has answered: each item with its results and the licences issued', async () => {
    const wang = await ApiClient.login(ts.url, 'citizen-wang');
    const filed = await fileNewborn(wang);
    await processAll(filed);
    const detail = await until(async () => {
      const d = (await wang.get<Detail>(`/api/applications/${filed.id}`)).body;
      return d.status === 'completed' && d;
    }, 20_000, 'the application completed');
    // The licences are issued as items complete: the notice lists those issued by then.
    await until(async () => (await db.query('SELECT 1 FROM licences WHERE application_id = $1', [filed.id])).rowCount === 2, 20_000, 'both licences issued');
    const text = await document(wang, `/api/applications/${filed.id}/completion`, `办结通知书-${detail.number!}.pdf`);
    expect(text).toContain(detail.number!);
    for (const part of ['办结通知书', '全部办结', '已办结', '王*', '我的证照', '出生医学证明']) expect(text).toContain(part);
    for (const item of detail.items) {
      expect(text).toContain(item.title);
      expect(text).toContain(item.departmentName);
    }
    // The results people need: the newborn's 公民身份号码 and the certificate's number.
    const outputs = Object.assign({}, ...detail.items.map((i) => i.outputs)) as Record<string, unknown>;
    expect(text).toContain(String(outputs['child.idNumber']));
    expect(text).toContain(String(outputs['birthMedicalCertificate']));
    expect(renderFirstPage((await download(wang, `/api/applications/${filed.id}/completion`)).data).ink).toBeGreaterThan(0.01);
  });
});
