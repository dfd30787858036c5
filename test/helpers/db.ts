import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import pg from 'pg';
import { PgliteDatabase } from '../../server/db/pglite.js';
import { PostgresDatabase } from '../../server/db/postgres.js';
import type { Database, DatabaseKind, Queryable } from '../../server/db/types.js';

/** A database for one test: its own schema, dropped on close. */
export interface TestDatabase extends Database {
  readonly schema: string;
  /** A DATABASE_URL that reaches this schema, for spawned processes (PostgreSQL only). */
  readonly url?: string;
}

export interface DatabaseTarget {
  kind: DatabaseKind;
  open(): Promise<TestDatabase>;
}

function schemaName(): string {
  return `t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

let sharedPglite: Promise<PgliteDatabase> | undefined;

/** A PGlite of its own, started from the prepared template (about a second instead of five). */
export function freshPglite(): Promise<PgliteDatabase> {
  return PgliteDatabase.open({ loadDataDir: new Blob([readFileSync(inject('pgliteTemplate'))]) });
}

/**
 * One PGlite per test file (started from the template the global setup prepared), one schema per
 * test: PGlite is a single connection, so the search path is switched as each test opens.
 */
async function openPglite(): Promise<TestDatabase> {
  sharedPglite ??= freshPglite();
  const base = await sharedPglite;
  const schema = schemaName();
  await base.exec(`CREATE SCHEMA "${schema}"; SET search_path TO "${schema}"`);
  let closed = false;
  return {
    kind: 'pglite',
    schema,
    query: (sql, params) => base.query(sql, params),
    exec: (sql) => base.exec(sql),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => base.transaction(fn),
    async close() {
      if (closed) return;
      closed = true;
      await base.exec(`DROP SCHEMA "${schema}" CASCADE; SET search_path TO public`);
    },
  };
}

export function postgresUrlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

async function openPostgres(url: string): Promise<TestDatabase> {
  const schema = schemaName();
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${schema}"`);
  await admin.end();
  const db = await PostgresDatabase.open({ connectionString: url, searchPath: schema });
  let closed = false;
  return {
    kind: 'postgres',
    schema,
    url: postgresUrlWithSchema(url, schema),
    query: (sql, params) => db.query(sql, params),
    exec: (sql) => db.exec(sql),
    transaction: <T>(fn: (tx: Queryable) => Promise<T>) => db.transaction(fn),
    // Workers on a PostgreSQL server wake through LISTEN/NOTIFY, as in production.
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    async close() {
      if (closed) return;
      closed = true;
      await db.close();
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA "${schema}" CASCADE`);
      await c.end();
    },
  };
}

/** PGlite always; the PostgreSQL server too when TEST_DATABASE_URL is set (required on CI). */
export function databaseTargets(): DatabaseTarget[] {
  const targets: DatabaseTarget[] = [{ kind: 'pglite', open: openPglite }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) targets.push({ kind: 'postgres', open: () => openPostgres(url) });
  return targets;
}
