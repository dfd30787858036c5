import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import path from 'node:path';
import { isSha256Hex, StoredDigests, type MaterialStore, type StoredBlob } from './store.js';

function isNotFound(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}

async function statOrNull(file: string): Promise<Stats | null> {
  try {
    return await stat(file);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw err;
  }
}

/**
 * Materials as files under `<dataDir>/materials/<2 hex>/<2 hex>/<sha256>`. The two fan-out levels
 * keep any one directory to a few hundred entries even with millions of files. The only names ever
 * joined into a path are validated sha256 digests: a client's file name never reaches this class.
 */
export class FsMaterialStore implements MaterialStore {
  readonly kind = 'fs';
  readonly root: string;
  private readonly stored = new StoredDigests();

  constructor(dataDir: string) {
    this.root = path.join(path.resolve(dataDir), 'materials');
  }

  /** The file for a digest, or null for anything that is not a digest (`../../etc/passwd`…). */
  pathFor(sha256: string): string | null {
    if (!isSha256Hex(sha256)) return null;
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(data: Buffer): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const blob = { sha256, size: data.length };
    const file = this.pathFor(sha256)!;

    // A file of the right size under its digest holds these bytes: it only ever appears there by an
    // atomic rename of a fully written and synced temp file.
    if (this.stored.has(sha256)) return blob;
    const existing = await statOrNull(file);
    if (existing?.isFile() && existing.size === data.length) {
      this.stored.add(sha256);
      return blob;
    }

    const dir = path.dirname(file);
    await mkdir(dir, { recursive: true });
    // Same directory, so the rename never crosses file systems; the leading dot and suffix mean no
    // temp name can ever pass for a digest.
    const tmp = path.join(dir, `.${sha256}.${randomBytes(8).toString('hex')}.tmp`);
    try {
      const handle = await open(tmp, 'wx', 0o600);
      try {
        await handle.writeFile(data);
        // Without this a power cut after the rename can leave an empty or short file under the final name.
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(tmp, file);
    } catch (err) {
      await rm(tmp, { force: true });
      // Two uploads of the same bytes may race; on platforms where rename refuses to replace an
      // existing file, the loser finds the winner's identical file in place.
      const now = await statOrNull(file);
      if (now?.isFile() && now.size === data.length) return blob;
      throw err;
    }
    await syncDirectory(dir);
    this.stored.add(sha256);
    return blob;
  }

  async get(sha256: string): Promise<Buffer | null> {
    const file = this.pathFor(sha256);
    if (!file) return null;
    try {
      return await readFile(file);
    } catch (err) {
      if (isNotFound(err) || (err as NodeJS.ErrnoException).code === 'EISDIR') return null;
      throw err;
    }
  }

  async stream(sha256: string): Promise<NodeJS.ReadableStream | null> {
    const file = this.pathFor(sha256);
    if (!file) return null;
    // Opening first turns a missing file into null here, instead of an 'error' event on a stream the
    // caller has already started piping into a response.
    let handle: FileHandle;
    try {
      handle = await open(file, 'r');
    } catch (err) {
      if (isNotFound(err)) return null;
      throw err;
    }
    const info = await handle.stat().catch(async (err: unknown) => {
      await handle.close();
      throw err;
    });
    if (!info.isFile()) {
      await handle.close();
      return null;
    }
    return handle.createReadStream();
  }

  async has(sha256: string): Promise<boolean> {
    const file = this.pathFor(sha256);
    if (!file) return false;
    return (await statOrNull(file))?.isFile() ?? false;
  }
}

/** Makes the rename itself durable. Best effort: some platforms (Windows) cannot open a directory. */
async function syncDirectory(dir: string): Promise<void> {
  let handle: FileHandle | undefined;
  try {
    handle = await open(dir, 'r');
    await handle.sync();
  } catch {
    // The file's own bytes are already synced; only the directory entry's durability is at stake.
  } finally {
    await handle?.close();
  }
}
