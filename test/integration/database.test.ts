import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { databaseTargets, type TestDatabase } from '../helpers/db.js';
import { migrate, readMigrations, MigrationError, type Migration } from '../../server/db/migrate.js';
import { PostgresDatabase } from '../../server/db/postgres.js';
import { openDatabase } from '../../server/db/open.js';

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-mig-'));
  for (const [name, sql] of Object.entries(files)) writeFileSync(path.join(dir, name), sql);
  return dir;
}

const FIXTURE: Record<string, string> = {
  '001_people.sql': 'CREATE TABLE people (id serial PRIMARY KEY, name text NOT NULL);',
  '002_pets.sql': `CREATE TABLE pets (id serial PRIMARY KEY, owner int REFERENCES people(id));
                   INSERT INTO people (name) VALUES ('seed');`,
};

describe.each(databaseTargets())('database layer on $kind', ({ kind, open }) => {
  let db: TestDatabase;
  afterEach(async () => {
    await db?.close();
  });

  it('answers queries with parameters', async () => {
    db = await open();
    expect(db.kind).toBe(kind);
    const r = await db.query<{ sum: number }>('SELECT $1::int + $2::int AS sum', [2, 3]);
    expect(r.rows).toEqual([{ sum: 5 }]);
  });

  it('counts rows the same way on both databases', async () => {
    db = await open();
    await db.exec('CREATE TABLE c (v int)');
    expect((await db.query('INSERT INTO c VALUES (1), (2), (3)')).rowCount).toBe(3);
    expect((await db.query('SELECT v FROM c WHERE v > 1')).rowCount).toBe(2);
    expect((await db.query('UPDATE c SET v = v + 1 WHERE v < 3')).rowCount).toBe(2);
    expect((await db.query('DELETE FROM c WHERE v = 99')).rowCount).toBe(0);
  });

  it('commits a transaction that resolves and rolls back one that throws', async () => {
    db = await open();
    await db.exec('CREATE TABLE t (v int)');
    await db.transaction(async (tx) => {
      await tx.query('INSERT INTO t VALUES ($1)', [1]);
    });
    await expect(
      db.transaction(async (tx) => {
        await tx.query('INSERT INTO t VALUES ($1)', [2]);
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect((await db.query('SELECT v FROM t ORDER BY v')).rows).toEqual([{ v: 1 }]);
  });

  it('applies migrations in order once, recording each', async () => {
    db = await open();
    const migrations = readMigrations(migrationsDir(FIXTURE));
    expect(await migrate(db, migrations)).toEqual(['001_people', '002_pets']);
    expect(await migrate(db, migrations)).toEqual([]);
    const recorded = await db.query<{ version: string; name: string }>('SELECT version, name FROM schema_migrations ORDER BY version');
    expect(recorded.rows).toEqual([
      { version: '001', name: 'people' },
      { version: '002', name: 'pets' },
    ]);
    expect((await db.query('SELECT count(*)::int AS n FROM people')).rows).toEqual([{ n: 1 }]);
  });

  it('applies nothing when one pending migration fails', async () => {
    db = await open();
    const migrations = readMigrations(migrationsDir({ ...FIXTURE, '003_broken.sql': 'CREATE TABLE oops (' }));
    await expect(migrate(db, migrations)).rejects.toThrow();
    const tables = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_name IN ('people', 'pets')`);
    expect(tables.rows).toEqual([]);
  });

  it('refuses to start when an applied migration was edited', async () => {
    db = await open();
    const migrations = readMigrations(migrationsDir(FIXTURE));
    await migrate(db, migrations);
    const edited: Migration[] = migrations.map((m) => (m.version === '001' ? { ...m, checksum: 'different' } : m));
    await expect(migrate(db, edited)).rejects.toBeInstanceOf(MigrationError);
  });

  it('is safe when several migrators start at once', async () => {
    db = await open();
    const migrations = readMigrations(migrationsDir(FIXTURE));
    // On PostgreSQL each migrator gets its own pool, as separate processes would.
    const others =
      kind === 'postgres' && db.url
        ? await Promise.all([0, 1, 2].map(() => PostgresDatabase.open({ connectionString: db.url! })))
        : [db, db, db];
    try {
      const results = await Promise.all(others.map((o) => migrate(o, migrations)));
      expect(results.flat().sort()).toEqual(['001_people', '002_pets']);
      expect((await db.query('SELECT count(*)::int AS n FROM schema_migrations')).rows).toEqual([{ n: 2 }]);
    } finally {
      if (kind === 'postgres') await Promise.all(others.map((o) => o.close()));
    }
  });

  it('applies the shipped migrations', async () => {
    db = await open();
    const shipped = readMigrations();
    expect(await migrate(db)).toEqual(shipped.map((m) => `${m.version}_${m.name}`));
  });
});

// A pool is a PostgreSQL server's (PGlite is one connection); CI always gives the server.
describe.runIf(process.env.TEST_DATABASE_URL)('the connection pool on a PostgreSQL server', () => {
  /** The server processes that answered six queries held open together. */
  async function backendsFor(databasePoolSize: number | undefined): Promise<number> {
    const db = await openDatabase({ databaseUrl: process.env.TEST_DATABASE_URL!, dataDir: os.tmpdir(), ...(databasePoolSize ? { databasePoolSize } : {}) });
    try {
      const rows = await Promise.all(
        Array.from({ length: 6 }, () => db.query<{ pid: number }>('SELECT pg_backend_pid() AS pid, pg_sleep(0.2)').then((r) => r.rows[0]!.pid)),
      );
      return new Set(rows).size;
    } finally {
      await db.close();
    }
  }

  it('holds at most DATABASE_POOL_SIZE connections, queueing the rest', async () => {
    expect(await backendsFor(2)).toBe(2);
    expect(await backendsFor(undefined)).toBe(6);
  });
});
