import { EventEmitter } from 'node:events';
import type { Database, Queryable } from '../db/types.js';

/** The PostgreSQL channel a commit that queues a delivery notifies (LISTEN/NOTIFY). */
export const RELEASE_CHANNEL = 'yjs_release';

/**
 * The notification itself, as an SQL expression. Channels are the database's, not a schema's: the
 * payload names the sender's schema, and a listener hears only its own (PostgresDatabase.listen),
 * so deployments (and test runs) sharing one database in separate schemas do not wake each other.
 */
export const RELEASE_NOTIFY_SQL = `pg_notify('${RELEASE_CHANNEL}', COALESCE(current_schema(), ''))`;

/**
 * Rows queued in this process wake this process's workers at once instead of at their next poll.
 * Used where the database cannot tell other processes (PGlite is one process's database).
 */
export const releaseSignal = new EventEmitter();
releaseSignal.setMaxListeners(0);

export function signalRelease(): void {
  releaseSignal.emit('release');
}

/**
 * Said on the transaction that queues a delivery: PostgreSQL delivers the notification to every
 * listening process when, and only if, the transaction commits.
 */
export async function notifyRelease(tx: Queryable): Promise<void> {
  await tx.query(`SELECT ${RELEASE_NOTIFY_SQL}`);
}

/**
 * Calls `wake` whenever a delivery may have been queued: through the database when it can tell
 * every process (a PostgreSQL server), else through this process's signal. Returns the unsubscribe.
 */
export async function onRelease(db: Database, wake: () => void): Promise<() => Promise<void>> {
  if (db.listen) return db.listen(RELEASE_CHANNEL, wake);
  releaseSignal.on('release', wake);
  return async () => {
    releaseSignal.off('release', wake);
  };
}
