import path from 'node:path';
import type { Config } from '../config.js';
import type { Database } from './types.js';
import { PgliteDatabase } from './pglite.js';
import { PostgresDatabase } from './postgres.js';

/** DATABASE_URL selects a PostgreSQL server; without it the embedded PGlite keeps its data in DATA_DIR. */
export async function openDatabase(config: Pick<Config, 'databaseUrl' | 'dataDir'> & Partial<Pick<Config, 'databasePoolSize'>>): Promise<Database> {
  if (config.databaseUrl) return PostgresDatabase.open({ connectionString: config.databaseUrl, max: config.databasePoolSize });
  return PgliteDatabase.open({ dataDir: path.join(config.dataDir, 'pglite') });
}
