import { AsyncLocalStorage } from 'node:async_hooks';
import { PGlite } from '@electric-sql/pglite';
import type { Database, Queryable, QueryResult } from './types.js';

/**
 * PGlite is one connection: a transaction holds it, so a query made on the database object from
 * inside a transaction (instead of on its `tx`) would wait for the transaction forever. This
 * marks the transaction's async context so such a query fails loudly instead of hanging.
 */
const insideTransaction = new AsyncLocalStorage<true>();

function assertOutsideTransaction(): void {
  if (insideTransaction.getStore()) {
    throw new Error('PGlite: query on the database object inside a transaction would deadlock; use the transaction handle');
  }
}

/** Embedded PostgreSQL (PGlite): the default, so `npm start` needs no database server. */
export class PgliteDatabase implements Database {
  readonly kind = 'pglite' as const;

  private constructor(private readonly pg: PGlite) {}

  /** dataDir undefined keeps everything in memory (tests). */
  static async open(options: { dataDir?: string; loadDataDir?: Blob; searchPath?: string } = {}): Promise<PgliteDatabase> {
    const pg = new PGlite({
      ...(options.dataDir ? { dataDir: options.dataDir } : {}),
      ...(options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}),
    });
    await pg.waitReady;
    const db = new PgliteDatabase(pg);
    if (options.searchPath) {
      await pg.exec(`CREATE SCHEMA IF NOT EXISTS "${options.searchPath}"; SET search_path TO "${options.searchPath}"`);
    }
    return db;
  }

  /** The underlying instance, for tests that prepare a data directory once and copy it. */
  get raw(): PGlite {
    return this.pg;
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    assertOutsideTransaction();
    return toResult<Row>(await this.pg.query<Row>(sql, params as unknown[]));
  }

  async exec(sql: string): Promise<void> {
    assertOutsideTransaction();
    await this.pg.exec(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    assertOutsideTransaction();
    return this.pg.transaction(async (tx) =>
      insideTransaction.run(true, () => fn({
        async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
          return toResult<Row>(await tx.query<Row>(sql, params as unknown[]));
        },
        async exec(sql: string) {
          await tx.exec(sql);
        },
      })),
    );
  }

  async close(): Promise<void> {
    if (!this.pg.closed) await this.pg.close();
  }
}

/** PGlite reports affectedRows 0 for a SELECT; node-postgres's rowCount counts the rows returned. */
function toResult<Row>(r: { rows: Row[]; affectedRows?: number }): QueryResult<Row> {
  return { rows: r.rows, rowCount: Math.max(r.affectedRows ?? 0, r.rows.length) };
}
