import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { createMaterialStore, type MaterialStore } from '../../server/materials/store.js';
import { MaterialStoreUnavailableError, S3MaterialStore, type S3StoreOptions } from '../../server/materials/s3-store.js';
import { loadConfig } from '../../server/config.js';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { ApiClient, pdf, startServer, type TestServer } from '../helpers/api.js';

const BUCKET = 'materials-test';

/** A real S3-API server (s3rver) on a port of its own, which a test can stop and start again on the same port and files. */
class S3Process {
  private server: S3rver | undefined;
  port = 0;
  constructor(readonly directory: string) {}
  async start(): Promise<void> {
    this.server = new S3rver({ address: '127.0.0.1', port: this.port, silent: true, directory: this.directory, configureBuckets: [{ name: BUCKET }] });
    this.port = (await this.server.run()).port;
  }
  async stop(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
  get endpoint(): string {
    return `http://127.0.0.1:${this.port}`;
  }
}

function options(s3: S3Process, prefix = 'materials/'): S3StoreOptions {
  return { endpoint: s3.endpoint, region: 'us-east-1', bucket: BUCKET, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', forcePathStyle: true, prefix, timeoutMs: 2_000 };
}

async function keys(s3: S3Process): Promise<string[]> {
  const client = new S3Client({ endpoint: s3.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
  try {
    const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET }));
    return (out.Contents ?? []).map((o) => o.Key!).sort();
  } finally {
    client.destroy();
  }
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('S3MaterialStore against a real S3-API server (s3rver)', () => {
  let dir: string;
  let s3: S3Process;
  let store: MaterialStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-s3-'));
    s3 = new S3Process(dir);
    await s3.start();
    store = createMaterialStore({ dataDir: dir, materialStore: 's3', s3: options(s3) });
  });
  afterAll(async () => {
    (store as S3MaterialStore | undefined)?.close();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is chosen by MATERIAL_STORE=s3 with its S3_* settings, and refuses to start without them', () => {
    expect(store.kind).toBe('s3');
    const config = loadConfig({ DATA_DIR: dir, MATERIAL_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'a', S3_SECRET_ACCESS_KEY: 'b' });
    expect(config.s3).toMatchObject({ endpoint: s3.endpoint, bucket: BUCKET, forcePathStyle: true, prefix: 'materials/', region: 'us-east-1' });
    expect(() => loadConfig({ DATA_DIR: dir, MATERIAL_STORE: 's3', S3_ENDPOINT: s3.endpoint })).toThrow(/S3_BUCKET/);
    expect(() => loadConfig({ DATA_DIR: dir, MATERIAL_STORE: 'nfs' })).toThrow(/MATERIAL_STORE/);
    expect(loadConfig({ DATA_DIR: dir }).materialStore).toBe('fs');
  });

  it('stores bytes once under their sha256, fanned out like the folder store, however often and concurrently they are put', async () => {
    const data = Buffer.from('%PDF-1.7 出生医学证明 for S3');
    const blobs = await Promise.all(Array.from({ length: 8 }, () => store.put(Buffer.from(data))));
    for (const b of blobs) expect(b).toEqual({ sha256: sha256(data), size: data.length });
    const h = sha256(data);
    expect((await keys(s3)).filter((k) => k.endsWith(h))).toEqual([`materials/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`]);
  });

  it('gives the bytes back by get, stream and has, a large file intact, and nothing for what is absent or not a digest', async () => {
    const data = Buffer.alloc(700 * 1024, 3);
    const { sha256: h } = await store.put(data);
    expect(await store.has(h)).toBe(true);
    expect((await store.get(h))?.equals(data)).toBe(true);
    expect(sha256(await readAll((await store.stream(h))!))).toBe(h);
    const absent = sha256(Buffer.from('never stored'));
    expect(await store.get(absent)).toBeNull();
    expect(await store.stream(absent)).toBeNull();
    expect(await store.has(absent)).toBe(false);
    for (const bad of ['../../etc/passwd', h.toUpperCase(), `${h}/x`]) {
      expect(await store.get(bad)).toBeNull();
      expect(await store.has(bad)).toBe(false);
    }
  });

  it('acknowledges nothing while the store is down, and works again when it is back', async () => {
    const data = Buffer.from('scanned while the store was down');
    await s3.stop();
    try {
      const err = await store.put(data).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(MaterialStoreUnavailableError);
      await expect(store.get(sha256(Buffer.from('%PDF-1.7 出生医学证明 for S3')))).rejects.toBeInstanceOf(MaterialStoreUnavailableError);
    } finally {
      await s3.start();
    }
    expect(await store.has(sha256(data))).toBe(false);
    expect(await store.put(data)).toEqual({ sha256: sha256(data), size: data.length });
    expect((await store.get(sha256(data)))?.equals(data)).toBe(true);
  });
});

describe.each(databaseTargets())('uploads through the server with the S3 store, on $kind', ({ open }) => {
  let db: TestDatabase;
  let ts: TestServer;
  let dir: string;
  let s3: S3Process;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-s3-api-'));
    s3 = new S3Process(dir);
    await s3.start();
    db = await open();
    ts = await startServer(db, { MATERIAL_STORE: 's3', S3_ENDPOINT: s3.endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_TIMEOUT_MS: '2000' });
  });
  afterAll(async () => {
    await ts?.close();
    await db?.close();
    await s3?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores an upload in the bucket; with the store down the upload is refused with 503 and nothing is recorded; accepted uploads stay', async () => {
    const citizen = await ApiClient.login(ts.url, 'citizen-li');
    const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
    const id = created.body.id;
    const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
    const [first, second] = ev.body.materials.filter((m) => m.disposition === 'upload').map((m) => m.code);
    expect(second).toBeDefined();

    const firstFile = pdf(`first ${id}`);
    const up = await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(first!)}`, firstFile, 'first.pdf');
    expect(up.status, JSON.stringify(up.body)).toBe(201);
    const h = sha256(firstFile);
    expect(await keys(s3)).toContain(`materials/${h.slice(0, 2)}/${h.slice(2, 4)}/${h}`);

    await s3.stop();
    let refused: Awaited<ReturnType<typeof citizen.upload>>;
    try {
      refused = await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(second!)}`, pdf(`second ${id}`), 'second.pdf');
    } finally {
      await s3.start();
    }
    expect(refused.status).toBe(503);
    expect((refused.body as { error: { message: string; messageEn: string } }).error.message).toMatch(/材料存储暂不可用/);
    const rows = await db.query<{ code: string }>('SELECT code FROM application_materials WHERE application_id = $1 ORDER BY code', [id]);
    expect(rows.rows.map((r) => r.code)).toEqual([first]);

    const again = await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(second!)}`, pdf(`second ${id}`), 'second.pdf');
    expect(again.status).toBe(201);
    const reader = new S3MaterialStore(options(s3));
    try {
      expect((await reader.get(h))?.equals(firstFile)).toBe(true);
    } finally {
      reader.close();
    }
  });
});
