import type { Server } from 'node:http';
import type { Logger } from './log.js';

const SHUTDOWN_GRACE_MS = 10_000;

/** Stop accepting, let in-flight requests finish (up to a grace period), then close the rest. */
export function installShutdown(logger: Logger, servers: Server[], close: () => Promise<void>): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.warn('grace period over: closing remaining connections');
      for (const s of servers) s.closeAllConnections();
    }, SHUTDOWN_GRACE_MS);
    force.unref();
    Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.close(() => resolve());
            s.closeIdleConnections();
          }),
      ),
    )
      .then(close)
      .catch((err: unknown) => logger.error({ err }, 'shutdown failed'))
      .finally(() => {
        logger.info('stopped');
        logger.flush();
        process.exit(0);
      });
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

