import type { Server } from 'node:http';
import type { Logger } from './log.js';

const SHUTDOWN_GRACE_MS = 10_000;

export interface Shutdown {
  /** Start-up is over: what to stop, and how. A signal that came during start-up is acted on now. */
  ready(servers: Server[], close: () => Promise<void>): void;
}

/**
 * SIGTERM and SIGINT, taken from the first moment: a signal during start-up (the port may already
 * answer while the rest starts) waits for start-up to finish and then stops cleanly, so a data
 * folder is never left half-closed; a second signal before then exits at once. Once ready: stop
 * accepting, let in-flight requests finish (up to a grace period), then close the rest.
 */
export function installShutdown(logger: Logger): Shutdown {
  let stopping = false;
  let pending: string | undefined;
  let stop: ((signal: string) => void) | undefined;
  const onSignal = (signal: string) => {
    if (stop) return stop(signal);
    if (pending) {
      logger.warn({ signal }, 'second signal during start-up: exiting at once');
      logger.flush();
      process.exit(1);
    }
    pending = signal;
    logger.info({ signal }, 'signal during start-up: stopping once started');
  };
  process.on('SIGTERM', () => onSignal('SIGTERM'));
  process.on('SIGINT', () => onSignal('SIGINT'));
  return {
    ready(servers, close) {
      stop = (signal) => {
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
      if (pending) stop(pending);
    },
  };
}
