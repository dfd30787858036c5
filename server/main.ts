import type { Server } from 'node:http';
import { loadConfig, ConfigError, type Config } from './config.js';
import { createLogger, type Logger } from './log.js';
import { openDatabase } from './db/open.js';
import { migrate } from './db/migrate.js';
import { createApp } from './app.js';
import { ensureClientBuilt, CLIENT_DIST } from './client-build.js';
import type { Database } from './db/types.js';

const SHUTDOWN_GRACE_MS = 10_000;

function readConfig(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

/** Stop accepting, let in-flight requests finish (up to a grace period), then close the database. */
function installShutdown(server: Server, db: Database, logger: Logger): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('grace period over: closing remaining connections');
      server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    server.close(() => {
      db.close()
        .catch((err: unknown) => logger.error({ err }, 'closing the database failed'))
        .finally(() => {
          logger.info('stopped');
          logger.flush();
          process.exit(0);
        });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

async function main(): Promise<void> {
  const config = readConfig();
  const logger = createLogger(config.logLevel);
  await ensureClientBuilt(logger);
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  const app = createApp({ db, logger, config, clientDir: CLIENT_DIST });
  const server = app.listen(config.port, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info({ port, db: db.kind, demo: config.demo }, `listening on http://localhost:${port}`);
  });
  installShutdown(server, db, logger);
}

main().catch((err: unknown) => {
  console.error('start-up failed:', err);
  process.exit(1);
});
