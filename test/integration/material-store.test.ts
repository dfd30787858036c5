import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createMaterialStore, type MaterialStore } from '../../server/materials/store.js';
import { FsMaterialStore } from '../../server/materials/fs-store.js';

/** Every file under a folder, relative to it, so a test sees exactly what is on disk. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

function sha256(data: Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

describe('FsMaterialStore', () => {
  let dataDir: string;
  let store: MaterialStore;

  beforeEach(() => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'yjs-materials-'));
    store = createMaterialStore({ dataDir });
  });
  afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

  it('is the fs store by default', () => {
    expect(store.kind).toBe('fs');
    expect(store).toBeInstanceOf(FsMaterialStore);
  });

  it('stores bytes under their sha256, fanned out by its first two pairs of hex digits', async () => {
    const data = Buffer.from('%PDF-1.7 出生医学证明');
    const blob = await store.put(data);
    expect(blob).toEqual({ sha256: sha256(data), size: data.length });
    const h = blob.sha256;
    expect(filesUnder(dataDir)).toEqual([path.join('materials', h.slice(0, 2), h.slice(2, 4), h)]);
  });

  it('stores the same content once, however often and however concurrently it is put', async () => {
    const data = Buffer.from('the same scan, uploaded for three departments');
    const first = await store.put(data);
    const again = await Promise.all(Array.from({ length: 10 }, () => store.put(Buffer.from(data))));
    for (const blob of again) expect(blob).toEqual(first);
    expect(filesUnder(dataDir)).toHaveLength(1);

    await store.put(Buffer.from('another document'));
    expect(filesUnder(dataDir)).toHaveLength(2);
  });

  it('gives the bytes back by get, stream and has', async () => {
    const data = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3]);
    const { sha256: h } = await store.put(data);
    expect(await store.has(h)).toBe(true);
    expect((await store.get(h))?.equals(data)).toBe(true);
    const stream = await store.stream(h);
    expect(stream).not.toBeNull();
    expect((await readAll(stream!)).equals(data)).toBe(true);
  });

  it('streams a file larger than one read chunk intact', async () => {
    const data = Buffer.alloc(300 * 1024, 7);
    const { sha256: h } = await store.put(data);
    expect(sha256(await readAll((await store.stream(h))!))).toBe(h);
  });

  it('stores an empty buffer like any other content', async () => {
    const blob = await store.put(Buffer.alloc(0));
    expect(blob).toEqual({ sha256: sha256(Buffer.alloc(0)), size: 0 });
    expect((await store.get(blob.sha256))?.length).toBe(0);
  });

  it('answers null / false for content it does not hold', async () => {
    const absent = sha256(Buffer.from('never stored'));
    expect(await store.get(absent)).toBeNull();
    expect(await store.stream(absent)).toBeNull();
    expect(await store.has(absent)).toBe(false);
  });

  it('answers null for anything that is not 64 lowercase hex digits, and never leaves its folder', async () => {
    // A real file outside the store, reachable if a name were ever joined into a path unchecked.
    writeFileSync(path.join(dataDir, 'secret'), 'outside');
    const { sha256: h } = await store.put(Buffer.from('inside'));
    for (const bad of [
      '../../etc/passwd',
      '../secret',
      '../../secret',
      '/etc/passwd',
      h.toUpperCase(),
      h.slice(0, 63),
      `${h}0`,
      `${h.slice(0, 62)}/.`,
      `${h}\0`,
      '',
    ]) {
      expect(await store.get(bad)).toBeNull();
      expect(await store.stream(bad)).toBeNull();
      expect(await store.has(bad)).toBe(false);
    }
  });

  it('leaves no temp file behind after a put', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(Buffer.from(`document ${i % 5}`))));
    const files = filesUnder(dataDir);
    expect(files).toHaveLength(5);
    for (const f of files) expect(path.basename(f)).toMatch(/^[0-9a-f]{64}$/);
  });

  it('leaves neither a temp file nor a file under the final name when the write fails', async () => {
    const data = Buffer.from('this write will fail at the rename');
    const h = sha256(data);
    // A directory where the file should go makes the rename fail after the temp file was written.
    const blocked = path.join(dataDir, 'materials', h.slice(0, 2), h.slice(2, 4), h);
    mkdirSync(path.join(blocked, 'occupied'), { recursive: true });
    await expect(store.put(data)).rejects.toThrow();
    expect(filesUnder(dataDir)).toEqual([]);
    expect(await store.has(h)).toBe(false);
    expect(await store.get(h)).toBeNull();
    expect(await store.stream(h)).toBeNull();
  });

  it('replaces a damaged file of the wrong size instead of trusting it', async () => {
    const data = Buffer.from('the genuine content');
    const h = sha256(data);
    const file = path.join(dataDir, 'materials', h.slice(0, 2), h.slice(2, 4), h);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, 'the gen');
    await store.put(data);
    expect((await store.get(h))?.equals(data)).toBe(true);
    expect(filesUnder(dataDir)).toHaveLength(1);
  });

  it('keeps what it stored across instances on the same folder', async () => {
    const { sha256: h } = await store.put(Buffer.from('kept'));
    const reopened = createMaterialStore({ dataDir });
    expect((await reopened.get(h))?.toString()).toBe('kept');
  });
});
