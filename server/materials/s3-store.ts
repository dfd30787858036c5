import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { ServiceUnavailableError } from '../errors.js';
import { isSha256Hex, StoredDigests, type MaterialStore, type StoredBlob } from './store.js';

export interface S3StoreOptions {
  /** An S3-compatible endpoint (MinIO, OSS, COS, OBS…); absent: AWS itself. */
  endpoint?: string;
  region: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** `http://host/bucket/key` instead of `http://bucket.host/key`: what most self-hosted stores expect. */
  forcePathStyle: boolean;
  /** Put before every key, e.g. `materials/`. */
  prefix: string;
  /** Per attempt; the SDK retries a failed attempt (`maxAttempts`). */
  timeoutMs: number;
}

/** The store could not be reached or refused: nothing was acknowledged, so the caller may try again. */
export class MaterialStoreUnavailableError extends ServiceUnavailableError {
  constructor(cause: unknown) {
    super('材料存储暂不可用，文件未保存，请稍后重试', 'The material store is unavailable; the file was not stored, please try again shortly');
    this.cause = cause;
  }
}

/**
 * Materials as objects named `<prefix><2 hex>/<2 hex>/<sha256>` in one bucket, the same layout as
 * the folder store. An upload is acknowledged only after the store answered the PUT (with the
 * body's MD5 checked by the store), so a material the product counts as handed in is stored.
 */
export class S3MaterialStore implements MaterialStore {
  readonly kind = 's3';
  private readonly client: S3Client;
  private readonly stored = new StoredDigests();

  constructor(private readonly options: S3StoreOptions) {
    this.client = new S3Client({
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      region: options.region,
      forcePathStyle: options.forcePathStyle,
      credentials: { accessKeyId: options.accessKeyId, secretAccessKey: options.secretAccessKey },
      // Not every S3-compatible store knows the SDK's newer CRC checksums; Content-MD5 is universal.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      maxAttempts: 3,
      requestHandler: { connectionTimeout: options.timeoutMs, requestTimeout: options.timeoutMs },
    });
  }

  keyFor(sha256: string): string | null {
    if (!isSha256Hex(sha256)) return null;
    return `${this.options.prefix}${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
  }

  async put(data: Buffer): Promise<StoredBlob> {
    const sha256 = createHash('sha256').update(data).digest('hex');
    const blob = { sha256, size: data.length };
    const Key = this.keyFor(sha256)!;
    // An object under its digest holds these bytes: only a PUT the store checked puts it there.
    if (this.stored.has(sha256)) return blob;
    if ((await this.size(Key)) === data.length) {
      this.stored.add(sha256);
      return blob;
    }
    await this.call(() =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.options.bucket,
          Key,
          Body: data,
          ContentLength: data.length,
          ContentMD5: createHash('md5').update(data).digest('base64'),
          ContentType: 'application/octet-stream',
        }),
      ),
    );
    this.stored.add(sha256);
    return blob;
  }

  async get(sha256: string): Promise<Buffer | null> {
    const body = await this.body(sha256);
    return body ? Buffer.from(await body.transformToByteArray()) : null;
  }

  async stream(sha256: string): Promise<NodeJS.ReadableStream | null> {
    const body = await this.body(sha256);
    if (!body) return null;
    // In Node the SDK's body is an http.IncomingMessage, a Readable.
    return body instanceof Readable ? body : Readable.from(Buffer.from(await body.transformToByteArray()));
  }

  async has(sha256: string): Promise<boolean> {
    const Key = this.keyFor(sha256);
    return Key !== null && (await this.size(Key)) !== null;
  }

  private async body(sha256: string) {
    const Key = this.keyFor(sha256);
    if (!Key) return null;
    try {
      const out = await this.client.send(new GetObjectCommand({ Bucket: this.options.bucket, Key }));
      return out.Body ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new MaterialStoreUnavailableError(err);
    }
  }

  private async size(Key: string): Promise<number | null> {
    try {
      const head = await this.client.send(new HeadObjectCommand({ Bucket: this.options.bucket, Key }));
      return head.ContentLength ?? null;
    } catch (err) {
      if (isNotFound(err)) return null;
      throw new MaterialStoreUnavailableError(err);
    }
  }

  private async call<T>(send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (err) {
      throw new MaterialStoreUnavailableError(err);
    }
  }

  close(): void {
    this.client.destroy();
  }
}

function isNotFound(err: unknown): boolean {
  if (!(err instanceof S3ServiceException)) return false;
  return err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404;
}
