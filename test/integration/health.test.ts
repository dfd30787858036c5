import { describe, it, expect } from 'vitest';
import request from 'supertest';
import { databaseTargets, freshPglite } from '../helpers/db.js';
import { createApp } from '../../server/app.js';
import { captureLogger, testConfig } from '../helpers/app.js';
import type { Database, DatabaseKind } from '../../server/db/types.js';
import { PostgresDatabase } from '../../server/db/postgres.js';

/** A real database connection that has gone away: every query fails as it would in production. */
async function openClosed(kind: DatabaseKind): Promise<Database> {
  const db = kind === 'pglite' ? await freshPglite() : await PostgresDatabase.open({ connectionString: process.env.TEST_DATABASE_URL! });
  await db.close();
  return db;
}

describe.each(databaseTargets())('GET /api/health on $kind', ({ kind, open }) => {
  it('answers ok with the database kind while the database answers', async () => {
    const db = await open();
    try {
      const app = createApp({ db, logger: captureLogger().logger, config: testConfig() });
      const res = await request(app).get('/api/health').expect(200);
      expect(res.body).toEqual({ status: 'ok', db: kind });
    } finally {
      await db.close();
    }
  });

  it('answers 503 when the database does not', async () => {
    const db = await openClosed(kind);
    const app = createApp({ db, logger: captureLogger().logger, config: testConfig() });
    const res = await request(app).get('/api/health').expect(503);
    expect(res.body).toEqual({ status: 'unavailable', db: kind });
  });
});
