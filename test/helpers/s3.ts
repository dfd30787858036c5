import S3rver from 's3rver';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';

export const BUCKET = 'materials-test';

/** A real S3-API server (s3rver) on a port of its own, which a test can stop and start again on the same port and files. */
export class S3Process {
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
  /** The environment that points the product at this store. */
  env(): Record<string, string> {
    return { MATERIAL_STORE: 's3', S3_ENDPOINT: this.endpoint, S3_BUCKET: BUCKET, S3_ACCESS_KEY_ID: 'S3RVER', S3_SECRET_ACCESS_KEY: 'S3RVER', S3_TIMEOUT_MS: '2000' };
  }
  /** Every object key in the bucket, sorted. */
  async keys(): Promise<string[]> {
    const client = new S3Client({ endpoint: this.endpoint, region: 'us-east-1', forcePathStyle: true, credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
    try {
      const found: string[] = [];
      let token: string | undefined;
      do {
        const out = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, ContinuationToken: token }));
        found.push(...(out.Contents ?? []).map((o) => o.Key!));
        token = out.IsTruncated ? out.NextContinuationToken : undefined;
      } while (token);
      return found.sort();
    } finally {
      client.destroy();
    }
  }
}
