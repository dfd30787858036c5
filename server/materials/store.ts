import { FsMaterialStore } from './fs-store.js';
import { S3MaterialStore, type S3StoreOptions } from './s3-store.js';

/** What a store reports for bytes it holds: their sha256 (lowercase hex) is their only name. */
export interface StoredBlob {
  sha256: string;
  size: number;
}

/**
 * Where uploaded materials live. Content-addressed so that one file serves every department of a
 * bundle and later applications (一人一档) without being stored twice: a folder (fs-store.ts) or an
 * S3-compatible bucket (s3-store.ts).
 */
export interface MaterialStore {
  readonly kind: string;
  /** Same bytes → same sha256, stored once; putting bytes the store already holds is a no-op. */
  put(data: Buffer): Promise<StoredBlob>;
  /** null when absent, and for anything that is not 64 lowercase hex digits. */
  get(sha256: string): Promise<Buffer | null>;
  stream(sha256: string): Promise<NodeJS.ReadableStream | null>;
  has(sha256: string): Promise<boolean>;
}

/** 64 lowercase hex digits: the only string a store accepts as a name. */
export const SHA256_HEX = /^[0-9a-f]{64}$/;

export function isSha256Hex(value: string): boolean {
  return SHA256_HEX.test(value);
}

export type MaterialStoreKind = 'fs' | 's3';

export interface MaterialStoreConfig {
  dataDir: string;
  /** Defaults to 'fs'. */
  materialStore?: MaterialStoreKind;
  /** Required for 's3'. */
  s3?: S3StoreOptions | undefined;
}

/** Picks the store for a deployment; `Config` from server/config.ts fits as it is. */
export function createMaterialStore(config: MaterialStoreConfig): MaterialStore {
  const kind = config.materialStore ?? 'fs';
  switch (kind) {
    case 'fs':
      return new FsMaterialStore(config.dataDir);
    case 's3':
      if (!config.s3) throw new Error('MATERIAL_STORE=s3 needs its S3_* settings');
      return new S3MaterialStore(config.s3);
    default: {
      const unknown: never = kind;
      throw new Error(`unknown material store kind: ${String(unknown)}`);
    }
  }
}

/**
 * The digests a store put (or found) a moment ago, so that putting the same bytes again asks the
 * storage nothing: the same licence file is kept on every submission that fetches it, and the
 * check (a stat, an S3 HEAD) cost each of them time. Nothing is ever deleted from a store, so a
 * digest once stored stays stored. Bounded: the oldest are forgotten first (64 characters each,
 * about 1 MB at the default).
 */
export class StoredDigests {
  private readonly seen = new Set<string>();
  constructor(private readonly max = 10_000) {}

  has(sha256: string): boolean {
    return this.seen.has(sha256);
  }

  add(sha256: string): void {
    this.seen.add(sha256);
    if (this.seen.size > this.max) this.seen.delete(this.seen.values().next().value as string);
  }
}
