import { describe, it, expect } from 'vitest';
import express from 'express';
import request from 'supertest';
import { captureLogger } from '../helpers/app.js';
import { EXE, MISSING_FILE, MULTIPART_TYPE, ONE_FILE, UNSUPPORTED_TYPE, multipart, sha256, type Part } from '../fixtures/multipart.js';
import { errorHandler } from '../../server/http/errors.js';
import {
  DEFAULT_MAX_UPLOAD_BYTES,
  MAX_UPLOAD_FIELDS,
  MAX_UPLOAD_FIELD_BYTES,
  displayName,
  formatBytes,
  parseUpload,
  type ParseUploadOptions,
} from '../../server/materials/upload.js';

/** A real Express app: the middleware under test, a handler echoing req.upload, the project's error handler. */
function uploadApp(options?: ParseUploadOptions) {
  const { logger, lines } = captureLogger();
  const app = express();
  app.post('/upload', parseUpload(options), (req, res) => {
    const u = req.upload!;
    res.json({
      originalName: u.originalName,
      mime: u.mime,
      ext: u.ext,
      size: u.size,
      sha256: sha256(u.data),
      rawFileLeftOnRequest: req.file !== undefined,
      body: { ...req.body },
    });
  });
  app.use(errorHandler(logger));
  return { app, lines };
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n', 'latin1');
const JPEG = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]);
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

/** One stored ZIP entry as a local header and its data: enough of an archive for the sniffer. */
function zipEntry(name: string, text: string): Buffer {
  const nameBytes = Buffer.from(name);
  const data = Buffer.from(text);
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(20, 4);
  header.writeUInt32LE(data.length, 18);
  header.writeUInt32LE(data.length, 22);
  header.writeUInt16LE(nameBytes.length, 26);
  return Buffer.concat([header, nameBytes, data]);
}
const OFD = Buffer.concat([zipEntry('OFD.xml', '<ofd:OFD DocType="OFD"/>'), zipEntry('Doc_0/Document.xml', '<ofd:Document/>')]);
const PLAIN_ZIP = zipEntry('readme.txt', 'hello');

function postRaw(app: express.Express, body: Buffer) {
  return request(app).post('/upload').set('Content-Type', MULTIPART_TYPE).send(body);
}

describe('parseUpload: accepted files', () => {
  it.each([
    ['PDF', PDF, 'scan.pdf', 'application/pdf', 'pdf'],
    ['JPEG', JPEG, 'photo.jpeg', 'image/jpeg', 'jpg'],
    ['PNG', PNG, 'photo.png', 'image/png', 'png'],
    ['OFD', OFD, '营业执照.ofd', 'application/ofd', 'ofd'],
  ] as const)('takes a %s, typed by its content', async (_label, data, filename, mime, ext) => {
    const { app, lines } = uploadApp();
    const res = await request(app).post('/upload').attach('file', data, { filename, contentType: 'application/octet-stream' }).expect(200);
    expect(res.body).toEqual({
      originalName: filename,
      mime,
      ext,
      size: data.length,
      sha256: sha256(data),
      rawFileLeftOnRequest: false,
      body: {},
    });
    expect(lines.join('\n')).not.toMatch(/"level":50/);
  });

  it('ignores the name and the declared type: a PDF called photo.png is a PDF', async () => {
    const { app } = uploadApp();
    const res = await request(app).post('/upload').attach('file', PDF, { filename: 'photo.png', contentType: 'image/png' }).expect(200);
    expect(res.body).toMatchObject({ mime: 'application/pdf', ext: 'pdf', originalName: 'photo.png' });
  });

  it('keeps a Chinese file name intact (sent as raw UTF-8, as browsers do)', async () => {
    const { app } = uploadApp();
    const body = multipart([{ name: 'file', disposition: 'form-data; name="file"; filename="出生医学证明（正本）.pdf"', data: PDF }]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body.originalName).toBe('出生医学证明（正本）.pdf');
  });

  it('passes small text fields on in req.body', async () => {
    const { app } = uploadApp();
    const body = multipart([
      { name: 'materialCode', data: 'birth-certificate' },
      { name: 'file', disposition: 'form-data; name="file"; filename="a.pdf"', data: PDF },
    ]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body.body).toEqual({ materialCode: 'birth-certificate' });
  });

  it('takes a file of exactly maxBytes', async () => {
    const { app } = uploadApp({ maxBytes: 1024 });
    const data = Buffer.concat([PDF, Buffer.alloc(1024 - PDF.length, 0x20)]);
    const res = await request(app).post('/upload').attach('file', data, 'full.pdf').expect(200);
    expect(res.body.size).toBe(1024);
  });

  it('defaults to a 20 MB limit', () => {
    expect(DEFAULT_MAX_UPLOAD_BYTES).toBe(20 * 1024 * 1024);
    expect(() => parseUpload()).not.toThrow();
    expect(() => parseUpload({ maxBytes: 0 })).toThrow(TypeError);
    expect(() => parseUpload({ maxBytes: 1.5 })).toThrow(TypeError);
    expect(formatBytes(DEFAULT_MAX_UPLOAD_BYTES)).toEqual({ zh: '20 MB', en: '20 MB' });
    expect(formatBytes(1536)).toEqual({ zh: '1.5 KB', en: '1.5 KB' });
    expect(formatBytes(500)).toEqual({ zh: '500 字节', en: '500 bytes' });
  });
});

describe('parseUpload: refused requests', () => {
  it('400 without multipart: JSON, or no body at all', async () => {
    const { app } = uploadApp();
    const json = await request(app).post('/upload').send({ file: 'JVBERi0=' }).expect(400);
    expect(json.body).toEqual(MISSING_FILE);
    const empty = await request(app).post('/upload').expect(400);
    expect(empty.body).toEqual(MISSING_FILE);
  });

  it('400 when the form has no file field, or "file" is a text field', async () => {
    const { app } = uploadApp();
    const onlyText = await request(app).post('/upload').field('materialCode', 'x').expect(400);
    expect(onlyText.body).toEqual(MISSING_FILE);
    const textFile = await postRaw(app, multipart([{ name: 'file', data: '%PDF-1.4 as text' }])).expect(400);
    expect(textFile.body).toEqual(MISSING_FILE);
  });

  it('400 for two files in "file"', async () => {
    const { app } = uploadApp();
    const res = await request(app).post('/upload').attach('file', PDF, 'a.pdf').attach('file', PNG, 'b.png').expect(400);
    expect(res.body).toEqual(ONE_FILE);
  });

  it('400 naming the field for a file in any other field, alone or beside "file"', async () => {
    const { app } = uploadApp();
    const expected = {
      error: {
        code: 'bad_request',
        message: '文件只能放在字段 file 中',
        messageEn: 'Files are only accepted in the field "file"',
        details: [{ path: 'attachment', message: '不接受字段 attachment 中的文件', messageEn: 'No file is accepted in the field "attachment"' }],
      },
    };
    const alone = await request(app).post('/upload').attach('attachment', PDF, 'a.pdf').expect(400);
    expect(alone.body).toEqual(expected);
    const beside = await request(app).post('/upload').attach('file', PDF, 'a.pdf').attach('attachment', PNG, 'b.png').expect(400);
    expect(beside.body.error.code).toBe('bad_request');
  });

  it('400 for an empty file', async () => {
    const { app } = uploadApp();
    const res = await request(app).post('/upload').attach('file', Buffer.alloc(0), 'empty.pdf').expect(400);
    expect(res.body).toEqual({
      error: {
        code: 'bad_request',
        message: '上传的文件是空的',
        messageEn: 'The uploaded file is empty',
        details: [{ path: 'file', message: '文件为空', messageEn: 'The file is empty' }],
      },
    });
  });

  it('413 for a file over maxBytes, naming the limit', async () => {
    const { app, lines } = uploadApp({ maxBytes: 1024 });
    const data = Buffer.concat([PDF, Buffer.alloc(1025 - PDF.length, 0x20)]);
    const res = await request(app).post('/upload').attach('file', data, 'big.pdf').expect(413);
    expect(res.body).toEqual({
      error: {
        code: 'payload_too_large',
        message: '文件超过 1 KB 的大小上限',
        messageEn: 'The file is larger than the 1 KB limit',
        details: [{ path: 'file', message: '文件不能超过 1 KB', messageEn: 'The file may be at most 1 KB' }],
      },
    });
    expect(lines.join('\n')).not.toMatch(/"level":50/);
  });

  it('413 for a file far over the limit, answered once the body has been drained', async () => {
    const { app } = uploadApp({ maxBytes: 4096 });
    const res = await request(app).post('/upload').attach('file', Buffer.alloc(3 * 1024 * 1024, 0x41), 'huge.pdf').expect(413);
    expect(res.body.error.message).toBe('文件超过 4 KB 的大小上限');
  });

  it('415 for an executable renamed .pdf and declared application/pdf', async () => {
    const { app } = uploadApp();
    const res = await request(app).post('/upload').attach('file', EXE, { filename: 'invoice.pdf', contentType: 'application/pdf' }).expect(415);
    expect(res.body).toEqual(UNSUPPORTED_TYPE);
  });

  it.each([
    ['an HTML page called scan.png', Buffer.from('<!DOCTYPE html><script>alert(1)</script>'), 'scan.png'],
    ['a plain ZIP called licence.ofd', PLAIN_ZIP, 'licence.ofd'],
    ['an ELF binary called photo.jpg', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), 'photo.jpg'],
  ])('415 for %s', async (_label, data, filename) => {
    const { app } = uploadApp();
    const res = await request(app).post('/upload').attach('file', data, filename).expect(415);
    expect(res.body).toEqual(UNSUPPORTED_TYPE);
  });

  it(`400 for more than ${MAX_UPLOAD_FIELDS} text fields`, async () => {
    const { app } = uploadApp();
    const parts: Part[] = Array.from({ length: MAX_UPLOAD_FIELDS + 1 }, (_, i) => ({ name: `f${i}`, data: 'x' }));
    parts.push({ name: 'file', disposition: 'form-data; name="file"; filename="a.pdf"', data: PDF });
    const res = await postRaw(app, multipart(parts)).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', message: `表单字段过多（最多 ${MAX_UPLOAD_FIELDS} 个）` });
  });

  it('400 naming the field for a text field over its size limit', async () => {
    const { app } = uploadApp();
    const body = multipart([
      { name: 'note', data: 'x'.repeat(MAX_UPLOAD_FIELD_BYTES + 1) },
      { name: 'file', disposition: 'form-data; name="file"; filename="a.pdf"', data: PDF },
    ]);
    const res = await postRaw(app, body).expect(400);
    expect(res.body.error).toMatchObject({ code: 'bad_request', messageEn: 'A form field is too long' });
    expect(res.body.error.details[0].path).toBe('note');
  });

  it('400, not 500, for a malformed multipart body', async () => {
    const { app, lines } = uploadApp();
    const noBoundary = await request(app).post('/upload').set('Content-Type', 'multipart/form-data').send(PDF).expect(400);
    expect(noBoundary.body.error.messageEn).toBe('Malformed multipart/form-data body');
    const truncated = multipart([{ name: 'file', disposition: 'form-data; name="file"; filename="a.pdf"', data: PDF }]);
    const cut = await postRaw(app, truncated.subarray(0, truncated.length - 30)).expect(400);
    expect(cut.body.error.details).toEqual([{ path: 'file', message: '无法读取上传内容', messageEn: 'The upload could not be read' }]);
    expect(lines.join('\n')).not.toMatch(/"level":50/);
  });
});

describe('parseUpload: the client file name is for display only', () => {
  it('strips ../ and a NUL byte from the name', async () => {
    const { app } = uploadApp();
    // Percent-encoded (RFC 5987), the only way a NUL survives the multipart parser into the name.
    const body = multipart([{ name: 'file', disposition: "form-data; name=\"file\"; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd%00.pdf", data: PDF }]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body.originalName).toBe('passwd.pdf');
    expect(res.body.rawFileLeftOnRequest).toBe(false);
  });

  it('refuses a raw NUL in the part header as malformed: 400, not 500', async () => {
    const { app, lines } = uploadApp();
    const body = multipart([{ name: 'file', disposition: 'form-data; name="file"; filename="../../etc/passwd\0.pdf"', data: PDF }]);
    const res = await postRaw(app, body).expect(400);
    expect(res.body.error.messageEn).toBe('Malformed multipart/form-data body');
    expect(lines.join('\n')).not.toMatch(/"level":50/);
  });

  it('strips a plain ../ path from the name', async () => {
    const { app } = uploadApp();
    const body = multipart([{ name: 'file', disposition: 'form-data; name="file"; filename="../../../tmp/x.pdf"', data: PDF }]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body.originalName).toBe('x.pdf');
  });

  it('strips Windows paths and escape characters from an encoded name', async () => {
    const { app } = uploadApp();
    const evil = encodeURIComponent('..\\..\\windows\\system32\\证明\0\x1b[31m.pdf');
    const body = multipart([{ name: 'file', disposition: `form-data; name="file"; filename*=UTF-8''${evil}`, data: PDF }]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body.originalName).toBe('证明[31m.pdf');
  });

  it('keeps a file whose name is only path parts, calling it "file"', async () => {
    const { app } = uploadApp();
    const body = multipart([{ name: 'file', disposition: 'form-data; name="file"; filename="../.."', data: JPEG }]);
    const res = await postRaw(app, body).expect(200);
    expect(res.body).toMatchObject({ originalName: 'file', mime: 'image/jpeg' });
  });

  it('displayName: basename, no control or bidi characters, at most 200 characters, "file" when empty', () => {
    expect(displayName('C:\\Users\\张三\\Desktop\\户口本.jpg')).toBe('户口本.jpg');
    expect(displayName('/etc/passwd')).toBe('passwd');
    expect(displayName('a\0b\r\n\tc.pdf')).toBe('abc.pdf');
    expect(displayName('invoice\u202Efdp.exe')).toBe('invoicefdp.exe');
    expect(displayName('  spaced.pdf  ')).toBe('spaced.pdf');
    expect(displayName(undefined)).toBe('file');
    expect(displayName('')).toBe('file');
    expect(displayName('..')).toBe('file');
    expect(displayName('dir/')).toBe('file');
    expect(displayName('\0\x07')).toBe('file');
    const long = displayName('证'.repeat(250) + '.pdf');
    expect(Array.from(long)).toHaveLength(200);
    // Cut by code point: an astral character at the boundary stays whole.
    const astral = displayName('a'.repeat(199) + '𠀀𠀀');
    expect(astral).toBe('a'.repeat(199) + '𠀀');
  });
});
