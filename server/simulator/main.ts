/**
 * `npm run simulate`: the simulated department back offices on their own, on SIMULATOR_PORT
 * (default 4100, loopback only unless SIMULATOR_HOST says otherwise). Credentials are derived
 * exactly as the product derives them (same SESSION_SECRET / DATA_DIR, or the same
 * DEPARTMENT_TOKEN_<CODE> and secret variables), so the two agree without configuration.
 */
import { deriveSmsGatewaySecret, orExit } from '../config.js';
import { createLogger } from '../log.js';
import { departmentToken, webhookSecret } from '../auth/secrets.js';
import { createSimulator } from './app.js';
import { loadSimulatorConfig, webhookSecretNames } from './config.js';
import { existsSync, readFileSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { connectorSecret, connectorSecretNames } from '../connectors/registry.js';

const SHUTDOWN_GRACE_MS = 5_000;

function main(): void {
  const config = orExit(() => loadSimulatorConfig());
  const logger = createLogger(config.logLevel);
  const secretNames = webhookSecretNames(config.scenariosDir);
  const connectorsFile = path.join(config.scenariosDir, 'connectors.yaml');
  const connectorNames = connectorSecretNames(existsSync(connectorsFile) ? readFileSync(connectorsFile, 'utf8') : undefined);
  if (secretNames.size === 0) {
    logger.warn({ scenariosDir: config.scenariosDir }, 'no webhook departments found in the scenarios: every department code is accepted');
  }
  const simulator = createSimulator({
    apiBase: config.apiBase,
    secretFor: (code) =>
      secretNames.size === 0 || secretNames.has(code) ? webhookSecret(config.sessionSecret, code, secretNames.get(code)) : undefined,
    tokenFor: (code) => departmentToken(config.sessionSecret, code),
    latencyMs: config.latencyMs,
    failureRate: config.failureRate,
    processDelayMs: config.processDelayMs,
    autoProcess: config.autoProcess,
    reconcileEveryMs: config.reconcileEveryMs,
    logger,
    // The licence library and data exchange at /exchange, for the connectors connectors.yaml declares.
    exchange: { secretFor: (id) => (connectorNames.has(id) ? connectorSecret(config.sessionSecret, id, connectorNames.get(id)) : undefined) },
    // The SMS gateway notices go to (SMS_GATEWAY_URL=http://127.0.0.1:4100/sms/messages on the product).
    smsSecret: process.env.SMS_GATEWAY_SECRET || deriveSmsGatewaySecret(config.sessionSecret),
  });
  const server = http.createServer(simulator.handler).listen(config.port, config.host, () => {
    const address = server.address();
    const port = typeof address === 'object' && address ? address.port : config.port;
    logger.info(
      { port, apiBase: config.apiBase, departments: [...secretNames.keys()] },
      `simulated departments listening on http://${config.host}:${port}/departments/:code`,
    );
    // Cases delivered before a restart are found through the department API, not forgotten.
    simulator.keepReconciling([...secretNames.keys()]);
  });
  server.on('error', (err) => {
    logger.fatal({ err }, 'simulator failed to start');
    process.exit(1);
  });

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'simulator shutting down');
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
    // Scheduled callbacks are cancelled and held (`hang`) requests dropped first, or close would wait on them.
    const closing = simulator.close().catch((err: unknown) => logger.error({ err }, 'simulator close failed'));
    server.close(() => {
      void closing.finally(() => {
        logger.info('simulator stopped');
        logger.flush();
        process.exit(0);
      });
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main();
