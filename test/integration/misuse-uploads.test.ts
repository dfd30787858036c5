import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, until, type TestServer } from '../helpers/api.js';
import { NEWBORN_ANSWERS } from '../helpers/newborn.js';
import type { DispatchWorker } from '../../server/dispatch/worker.js';
import { EXE, MISSING_FILE, MULTIPART_TYPE, ONE_FILE, UNSUPPORTED_TYPE, multipart, sha256, type Part } from '../fixtures/multipart.js';

type Uploaded = { code: string; sha256: string; size: number; mime: string; fileName: string };
type Evaluation = { materials: { code: string; disposition: string; uploaded?: { fileName: string; sha256: string; size: number } }[] };
type Reply = { status: number; body: unknown };

/**
 * Uploads as a hostile or careless client sends them, through the real route
 * (POST /api/applications/:id/materials/:code: session, CSRF, multipart parsing, type sniffing,
 * the store and the database). The parser alone is covered in upload.test.ts, the store alone in
 * material-store.test.ts.
 */
const MAX_UPLOAD_BYTES = 64 * 1024;

const ELF = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(56)]);

const TOO_LARGE = {
  error: {
    code: 'payload_too_large',
    message: '文件超过 64 KB 的大小上限',
    messageEn: 'The file is larger than the 64 KB limit',
    details: [{ path: 'file', message: '文件不能超过 64 KB', messageEn: 'The file may be at most 64 KB' }],
  },
};
const ONLY_ASKED = {
  error: { code: 'conflict', message: '申请已提交；只有部门要求补正的材料可以再上传', messageEn: 'The application was submitted; only materials a department asked for may be uploaded', details: [] },
};

function filePart(data: Buffer, filename: string, contentType = 'application/pdf'): Part {
  return { name: 'file', data, disposition: `form-data; name="file"; filename="${filename}"`, contentType };
}

/** Every file under a folder, relative to it. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

describe.each(databaseTargets())('hostile uploads through the application routes on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let worker: DispatchWorker;
  let citizen: ApiClient;
  let other: ApiClient;
  let health: ApiClient;

  /** A multipart body exactly as given, with the citizen's cookie and CSRF token. */
  async function postRaw(who: ApiClient, url: string, body: Buffer): Promise<Reply> {
    const csrf = (await who.get<{ csrfToken: string }>('/api/auth/me')).body.csrfToken;
    const res = await fetch(ts.url + url, {
      method: 'POST',
      headers: { cookie: who.cookieHeader, 'x-csrf-token': csrf, 'content-type': MULTIPART_TYPE },
      body,
    });
    const text = await res.text();
    return { status: res.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  }

  async function draft(): Promise<string> {
    const id = (await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' })).body.id;
    expect((await citizen.put(`/api/applications/${id}/answers`, { answers: NEWBORN_ANSWERS })).status).toBe(200);
    // 王芳's ID card has expired in the licence library and her marriage certificate is not in it: she hands both in.
    for (const code of ['idCard', 'marriageCertificate']) expect((await citizen.upload(`/api/applications/${id}/materials/${code}`, pdf(`${code} 王芳`), `${code}.pdf`)).status).toBe(201);
    expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
    return id;
  }

  /** Staff download, as the department receives the file. */
  async function download(subId: string, code: string): Promise<{ status: number; data: Buffer; disposition: string | null }> {
    const res = await fetch(`${ts.url}/api/sub-applications/${subId}/materials/${code}?reason=${encodeURIComponent('核验材料')}`, { headers: { cookie: health.cookieHeader } });
    return { status: res.status, data: Buffer.from(await res.arrayBuffer()), disposition: res.headers.get('content-disposition') };
  }

  const materialsDir = () => path.join(ts.config.dataDir, 'materials');

  beforeAll(async () => {
    db = await open();
    ts = await startServer(db, { MAX_UPLOAD_BYTES: String(MAX_UPLOAD_BYTES), LOGIN_RATE_LIMIT: '1000' });
    worker = ts.parts.createWorker({ targetFor: () => ({ channel: 'inbox' }), pollMs: 20 });
    worker.start();
    citizen = await ApiClient.login(ts.url, 'citizen-wang');
    other = await ApiClient.login(ts.url, 'citizen-zhang');
    health = await ApiClient.login(ts.url, 'staff-health');
  });
  afterAll(async () => {
    await worker?.stop();
    await ts?.close();
    await db?.close();
  });

  it('serves the limit in force to the portal, which checks a file against it before sending', async () => {
    const limits = await new ApiClient(ts.url).get<{ maxBytes: number }>('/api/uploads/limits');
    expect(limits.status).toBe(200);
    expect(limits.body).toEqual({ maxBytes: MAX_UPLOAD_BYTES });
  });

  it('refuses each bad upload with its status and whole error body, and the file accepted before stays attached, on disk and downloadable', async () => {
    // Filed with the original; 卫健 then asks for it again (补正), which opens the route to a new upload.
    const ORIGINAL = pdf('出生医学记录 原件 scan');
    const id = await draft();
    expect((await citizen.upload(`/api/applications/${id}/materials/birthMedicalRecord`, ORIGINAL, '出生医学记录.pdf')).status).toBe(201);
    expect((await citizen.upload(`/api/applications/${id}/materials/birthCertificateNotice`, pdf('出生证明告知书'), '告知书.pdf')).status).toBe(201);
    const filed = await citizen.post<{ items: { id: string; itemId: string }[] }>(`/api/applications/${id}/submit`);
    expect(filed.status).toBe(201);
    const sub = filed.body.items.find((i) => i.itemId === 'birth-certificate')!.id;
    await until(async () => (await health.get(`/api/sub-applications/${sub}?reason=${encodeURIComponent('审核办理')}`)).status === 200, 10_000, 'delivery to the health inbox');
    const asked = await health.post(`/api/sub-applications/${sub}/actions`, { action: 'request-supplement', reason: '出生医学记录不清晰', missing: { materials: ['birthMedicalRecord'] } });
    expect(asked.status).toBe(200);

    const url = `/api/applications/${id}/materials/birthMedicalRecord`;
    const row = async () => (await db.query('SELECT code, sha256, file_name, uploaded_at FROM application_materials WHERE application_id = $1 ORDER BY code', [id])).rows;
    const blobs = async () => (await db.query('SELECT sha256, size, mime FROM blobs ORDER BY sha256')).rows;
    const rowsBefore = await row();
    const blobsBefore = await blobs();
    const diskBefore = filesUnder(materialsDir());
    const h = sha256(ORIGINAL);

    async function originalIntact(label: string): Promise<void> {
      expect(await row(), label).toEqual(rowsBefore);
      expect(await blobs(), label).toEqual(blobsBefore);
      expect(filesUnder(materialsDir()), label).toEqual(diskBefore);
      expect(readFileSync(path.join(materialsDir(), h.slice(0, 2), h.slice(2, 4), h)).equals(ORIGINAL), label).toBe(true);
      const ev = await citizen.get<Evaluation>(`/api/applications/${id}/evaluation`);
      expect(ev.body.materials.find((m) => m.code === 'birthMedicalRecord')?.uploaded, label).toMatchObject({ sha256: h, fileName: '出生医学记录.pdf', size: ORIGINAL.length });
      const got = await download(sub, 'birthMedicalRecord');
      expect(got.status, label).toBe(200);
      expect(got.data.equals(ORIGINAL), label).toBe(true);
      expect(got.disposition, label).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('出生医学记录.pdf')}`);
    }
    await originalIntact('before any refused upload');

    const overLimit = Buffer.concat([pdf('too big'), Buffer.alloc(MAX_UPLOAD_BYTES, 0x20)]).subarray(0, MAX_UPLOAD_BYTES + 1);
    const cases: [string, () => Promise<Reply>, number, unknown][] = [
      ['one byte over the limit', () => citizen.upload(url, overLimit, 'big.pdf'), 413, TOO_LARGE],
      ['far over the limit', () => citizen.upload(url, Buffer.concat([pdf('huge'), Buffer.alloc(3 * 1024 * 1024, 0x41)]), 'huge.pdf'), 413, TOO_LARGE],
      ['an ELF binary named .pdf, declared application/pdf', () => citizen.upload(url, ELF, 'scan.pdf', 'application/pdf'), 415, UNSUPPORTED_TYPE],
      ['a Windows executable named .pdf, declared application/pdf', () => citizen.upload(url, EXE, 'invoice.pdf', 'application/pdf'), 415, UNSUPPORTED_TYPE],
      [
        'an empty file',
        () => citizen.upload(url, Buffer.alloc(0), 'empty.pdf'),
        400,
        { error: { code: 'bad_request', message: '上传的文件是空的', messageEn: 'The uploaded file is empty', details: [{ path: 'file', message: '文件为空', messageEn: 'The file is empty' }] } },
      ],
      ['two files in "file"', () => postRaw(citizen, url, multipart([filePart(pdf('one'), 'one.pdf'), filePart(pdf('two'), 'two.pdf')])), 400, ONE_FILE],
      [
        'a second file in another field',
        () => postRaw(citizen, url, multipart([filePart(pdf('one'), 'one.pdf'), { name: 'attachment', data: pdf('two'), disposition: 'form-data; name="attachment"; filename="two.pdf"' }])),
        400,
        {
          error: {
            code: 'bad_request',
            message: '文件只能放在字段 file 中',
            messageEn: 'Files are only accepted in the field "file"',
            details: [{ path: 'attachment', message: '不接受字段 attachment 中的文件', messageEn: 'No file is accepted in the field "attachment"' }],
          },
        },
      ],
      [
        'twenty-one text fields beside the file',
        () => postRaw(citizen, url, multipart([...Array.from({ length: 21 }, (_, i) => ({ name: `f${i}`, data: 'x' })), filePart(pdf('fields'), 'a.pdf')])),
        400,
        { error: { code: 'bad_request', message: '表单字段过多（最多 20 个）', messageEn: 'Too many form fields (at most 20)', details: [{ path: '', message: '最多 20 个字段', messageEn: 'At most 20 fields' }] } },
      ],
      [
        'a raw NUL byte in the file name',
        () => postRaw(citizen, url, multipart([filePart(pdf('nul'), '../../etc/passwd\0.pdf')])),
        400,
        { error: { code: 'bad_request', message: '上传内容格式错误', messageEn: 'Malformed multipart/form-data body', details: [{ path: 'file', message: '无法读取上传内容', messageEn: 'The upload could not be read' }] } },
      ],
      ['JSON instead of a form', () => citizen.post(url, { file: ORIGINAL.toString('base64') }), 400, MISSING_FILE],
      ['a form without a file', () => postRaw(citizen, url, multipart([{ name: 'file', data: '%PDF-1.4 as text' }])), 400, MISSING_FILE],
      ['another applicant', () => other.upload(url, pdf('not mine'), 'a.pdf'), 404, { error: { code: 'not_found', message: '申请不存在', messageEn: 'No such application', details: [] } }],
      ['a material nobody asked for again', () => citizen.upload(`/api/applications/${id}/materials/birthCertificateNotice`, pdf('unasked'), 'a.pdf'), 409, ONLY_ASKED],
      ['a path as the material code', () => citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent('../../../etc/passwd')}`, pdf('traversal'), 'a.pdf'), 409, ONLY_ASKED],
    ];
    for (const [label, send, status, body] of cases) {
      const res = await send();
      expect(res.status, label).toBe(status);
      expect(res.body, label).toEqual(body);
      await originalIntact(`after ${label}`);
    }

    // The corrected scan goes through, under a hostile name kept for display only, and reaches the department.
    const CORRECTED = pdf('出生医学记录 清晰件');
    const encodedName = "..%2F..%2F..%2Fetc%2F%E5%87%BA%E7%94%9F%00.pdf";
    const ok = await postRaw(citizen, url, multipart([{ name: 'file', data: CORRECTED, contentType: 'application/pdf', disposition: `form-data; name="file"; filename*=UTF-8''${encodedName}` }]));
    expect(ok.status).toBe(201);
    expect(ok.body).toEqual({ code: 'birthMedicalRecord', sha256: sha256(CORRECTED), size: CORRECTED.length, mime: 'application/pdf', fileName: '出生.pdf' });
    expect((await citizen.post(`/api/applications/${id}/supplements/${sub}`, { answers: {} })).status).toBe(200);
    await until(async () => (await health.get<{ status: string }>(`/api/sub-applications/${sub}?reason=${encodeURIComponent('补正核对')}`)).body.status === 'delivered', 10_000, 'the supplement back in the inbox');
    const got = await download(sub, 'birthMedicalRecord');
    expect(got.data.equals(CORRECTED)).toBe(true);
    expect(got.disposition).toBe(`attachment; filename*=UTF-8''${encodeURIComponent('出生.pdf')}`);
  });

  it('keeps the client file name for display only: ../, backslashes and NUL are stripped and nothing is written outside the store', async () => {
    const id = await draft();
    const url = `/api/applications/${id}/materials/birthMedicalRecord`;
    const unique = `yjs-escape-${randomBytes(6).toString('hex')}`;
    const escapes = [
      path.resolve(materialsDir(), '..', '..', 'etc', 'passwd.pdf'),
      path.resolve(materialsDir(), '..', '..', '..', `${unique}.pdf`),
      path.resolve(os.tmpdir(), `${unique}.pdf`),
      path.resolve(os.tmpdir(), `${unique}-win.pdf`),
      path.resolve(ts.config.dataDir, '..', `${unique}-win.pdf`),
    ];
    const names: [string, string, string][] = [
      // Percent-encoded (RFC 5987): the only way a NUL survives the multipart parser into the name.
      ['an encoded ../ path with a NUL', `form-data; name="file"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.pdf`, 'passwd.pdf'],
      ['a plain ../ path', `form-data; name="file"; filename="../../../${unique}.pdf"`, `${unique}.pdf`],
      ['a Windows path', `form-data; name="file"; filename*=UTF-8''..%5C..%5C${unique}-win.pdf`, `${unique}-win.pdf`],
    ];
    for (const [label, disposition, shown] of names) {
      const data = pdf(`${label} ${unique}`);
      const res = await postRaw(citizen, url, multipart([{ name: 'file', data, disposition, contentType: 'application/pdf' }]));
      expect(res.status, label).toBe(201);
      expect(res.body, label).toEqual({ code: 'birthMedicalRecord', sha256: sha256(data), size: data.length, mime: 'application/pdf', fileName: shown });
      const stored = await db.query<{ file_name: string; sha256: string }>(`SELECT file_name, sha256 FROM application_materials WHERE application_id = $1 AND code = 'birthMedicalRecord'`, [id]);
      expect(stored.rows, label).toEqual([{ file_name: shown, sha256: sha256(data) }]);
      const ev = await citizen.get<Evaluation>(`/api/applications/${id}/evaluation`);
      expect(ev.body.materials.find((m) => m.code === 'birthMedicalRecord')?.uploaded?.fileName, label).toBe(shown);
    }
    // DATA_DIR holds the session secret and content-addressed files, nothing named by a client.
    for (const f of filesUnder(ts.config.dataDir)) {
      expect(f === 'session-secret' || /^materials\/[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(f.split(path.sep).join('/')), f).toBe(true);
    }
    for (const f of filesUnder(materialsDir())) {
      const hash = path.basename(f);
      expect(f.split(path.sep).join('/'), f).toBe(`${hash.slice(0, 2)}/${hash.slice(2, 4)}/${hash}`);
    }
    for (const e of escapes) expect(existsSync(e), e).toBe(false);
  });

  it('stores the same file once however often it is sent: one blob row and one file on disk', async () => {
    const SAME = pdf(`one scan, sent again and again ${randomBytes(4).toString('hex')}`);
    const h = sha256(SAME);
    const first = await draft();
    const second = await draft();
    const sends: [string, string, string][] = [
      [first, 'birthMedicalRecord', 'a.pdf'],
      [first, 'birthMedicalRecord', 'a.pdf'],
      [first, 'birthCertificateNotice', 'same-bytes-other-name.pdf'],
      [second, 'birthMedicalRecord', 'b.pdf'],
    ];
    for (const [id, code, name] of sends) {
      const res = await citizen.upload<Uploaded>(`/api/applications/${id}/materials/${code}`, SAME, name);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ code, sha256: h, size: SAME.length, fileName: name });
    }
    const blobs = await db.query<{ sha256: string; size: string | number; mime: string }>('SELECT sha256, size, mime FROM blobs WHERE sha256 = $1', [h]);
    expect(blobs.rows.map((b) => ({ ...b, size: Number(b.size) }))).toEqual([{ sha256: h, size: SAME.length, mime: 'application/pdf' }]);
    expect(filesUnder(materialsDir()).filter((f) => path.basename(f) === h)).toEqual([path.join(h.slice(0, 2), h.slice(2, 4), h)]);
    const attached = await db.query<{ application_id: string; code: string; file_name: string }>('SELECT application_id, code, file_name FROM application_materials WHERE sha256 = $1 ORDER BY application_id, code', [h]);
    expect(attached.rows.map((r) => `${r.application_id === first ? 'first' : 'second'} ${r.code} ${r.file_name}`).sort()).toEqual([
      'first birthCertificateNotice same-bytes-other-name.pdf',
      'first birthMedicalRecord a.pdf',
      'second birthMedicalRecord b.pdf',
    ]);
  });
});
