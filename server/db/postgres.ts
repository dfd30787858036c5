import pg from 'pg';
import type { Database, Queryable, QueryResult } from './types.js';
import { statementName } from './prepared.js';

/** node-postgres's query config: named when the text was marked prepared (./prepared.ts). */
function statement(sql: string, params: readonly unknown[]): pg.QueryConfig {
  const name = statementName(sql);
  return name ? { name, text: sql, values: params as unknown[] } : { text: sql, values: params as unknown[] };
}

/** A PostgreSQL server through node-postgres, used when DATABASE_URL is set. */
export class PostgresDatabase implements Database {
  readonly kind = 'postgres' as const;

  private readonly listeners = new Set<pg.Client>();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly connection: pg.ClientConfig,
  ) {}

  static async open(options: { connectionString: string; searchPath?: string; max?: number }): Promise<PostgresDatabase> {
    const connection: pg.ClientConfig = {
      connectionString: options.connectionString,
      ...(options.searchPath ? { options: `-c search_path="${options.searchPath}"` } : {}),
    };
    const pool = new pg.Pool({ ...connection, max: options.max ?? 10 });
    // A pool emits 'error' for idle clients whose server went away; without a listener that kills the process.
    pool.on('error', () => undefined);
    const db = new PostgresDatabase(pool, connection);
    await db.query('SELECT 1');
    return db;
  }

  async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Promise<QueryResult<Row>> {
    const r = await this.pool.query(statement(sql, params));
    return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
  }

  async exec(sql: string): Promise<void> {
    // Without parameters node-postgres uses the simple protocol, which accepts several statements.
    await this.pool.query(sql);
  }

  async transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await fn({
        async query<Row = Record<string, unknown>>(sql: string, params: readonly unknown[] = []) {
          const r = await client.query(statement(sql, params));
          return { rows: r.rows as Row[], rowCount: r.rowCount ?? r.rows.length };
        },
        async exec(sql: string) {
          await client.query(sql);
        },
      });
      await client.query('COMMIT');
      return result;
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  /**
   * One connection of its own per subscription, outside the pool (a pooled connection would be
   * handed to queries). A lost connection is opened again after a second, then `onNotify` is
   * called once since notifications sent meanwhile are lost; the caller's polling covers the gap.
   * A server that cannot be reached at first is tried the same way in the background. Only
   * notifications whose payload is this connection's schema are heard.
   */
  async listen(channel: string, onNotify: () => void): Promise<() => Promise<void>> {
    if (!/^[a-z_][a-z0-9_]*$/.test(channel)) throw new Error(`not a channel name: ${channel}`);
    let stopped = false;
    let current: pg.Client | undefined;
    let retry: NodeJS.Timeout | undefined;
    const again = (): void => {
      if (!stopped) retry = setTimeout(() => void connect().then((ok) => ok && onNotify()), 1_000);
    };
    const connect = async (): Promise<boolean> => {
      const client = new pg.Client(this.connection);
      // Senders give their schema as the payload (server/dispatch/signal.ts): only this one's is heard.
      let schema: string | undefined;
      client.on('notification', (n) => {
        if (!stopped && n.channel === channel && n.payload === schema) onNotify();
      });
      client.on('error', () => {
        if (current !== client) return;
        current = undefined;
        this.listeners.delete(client);
        void client.end().catch(() => undefined);
        again();
      });
      try {
        await client.connect();
        schema = (await client.query<{ schema: string }>("SELECT COALESCE(current_schema(), '') AS schema")).rows[0]!.schema;
        await client.query(`LISTEN ${channel}`);
      } catch {
        await client.end().catch(() => undefined);
        again();
        return false;
      }
      if (stopped) {
        await client.end().catch(() => undefined);
        return false;
      }
      current = client;
      this.listeners.add(client);
      return true;
    };
    await connect();
    return async () => {
      stopped = true;
      clearTimeout(retry);
      const client = current;
      current = undefined;
      if (client) {
        this.listeners.delete(client);
        await client.end().catch(() => undefined);
      }
    };
  }

  async close(): Promise<void> {
    for (const client of this.listeners) await client.end().catch(() => undefined);
    this.listeners.clear();
    await this.pool.end();
  }
}
