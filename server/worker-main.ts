import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';
import { openDatabase } from './db/open.js';
import { migrate } from './db/migrate.js';
import { buildServer } from './server.js';
import { installShutdown } from './shutdown.js';
import { PartitionMaintenance, partitionPolicy } from './retention/partitions.js';

/**
 * `npm run worker`: a dispatch worker on its own, for deployments that scale delivery apart
 * from the web processes. Needs DATABASE_URL (PGlite is one process's database).
 */
async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel).child({ component: 'worker' });
  const shutdown = installShutdown(logger);
  if (!config.databaseUrl) {
    console.error('配置错误 / invalid configuration: DATABASE_URL: a separate worker process needs a PostgreSQL server');
    process.exit(1);
  }
  const db = await openDatabase(config);
  await migrate(db);
  const partitions = new PartitionMaintenance({ db, policy: partitionPolicy(config), logger });
  await partitions.runOnce();
  partitions.start();
  const parts = await buildServer(config, db, logger);
  const worker = parts.createWorker();
  worker.start();
  const noticeWorker = parts.createNoticeWorker();
  noticeWorker.start();
  // Tests and operators wait for this line: it stays as it was.
  logger.info('dispatch worker running');
  logger.info('notice worker running');
  shutdown.ready([], async () => {
    await worker.stop();
    await noticeWorker.stop();
    await partitions.stop();
    await db.close();
  });
}

main().catch((err: unknown) => {
  console.error('worker start-up failed:', err);
  process.exit(1);
});
