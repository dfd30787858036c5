import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfigOrExit } from './config.js';
import { createLogger } from './log.js';
import { installShutdown } from './shutdown.js';
import { openDatabase } from './db/open.js';
import { migrate } from './db/migrate.js';
import { ensureClientBuilt, CLIENT_DIST } from './client-build.js';
import { buildServer } from './server.js';
import { createSimulator } from './simulator/app.js';
import { connectorSecret } from './connectors/registry.js';
import { PartitionMaintenance, partitionPolicy } from './retention/partitions.js';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const logger = createLogger(config.logLevel);
  const shutdown = installShutdown(logger);
  await ensureClientBuilt(logger);
  const db = await openDatabase(config);
  const applied = await migrate(db);
  if (applied.length) logger.info({ applied }, 'migrations applied');
  // Months ahead prepared and old months dropped before serving; again hourly where a worker runs.
  const partitions = new PartitionMaintenance({ db, policy: partitionPolicy(config), logger });
  await partitions.runOnce();
  if (config.worker) partitions.start();
  const parts = await buildServer(config, db, logger, CLIENT_DIST);
  const server = parts.app.listen(config.port);
  const port = await new Promise<number>((resolve) => server.once('listening', () => resolve((server.address() as AddressInfo).port)));
  const servers = [server];

  // DEMO: simulated department systems play every webhook department, in this process.
  let targetFor = parts.targetFor;
  let simulator: ReturnType<typeof createSimulator> | undefined;
  let smsGatewayUrl = config.smsGatewayUrl;
  if (config.demo) {
    const human = new Set(config.demoHumanDepartments);
    simulator = createSimulator({
      apiBase: `http://127.0.0.1:${port}`,
      secretFor: (code) => (parts.targetFor(code) ? parts.webhookSecretFor(code) : undefined),
      tokenFor: (code) => parts.departmentTokens.get(code),
      autoProcess: parts.departments.map((d) => d.code).filter((c) => !human.has(c)),
      logger: logger.child({ component: 'simulator' }),
      // The simulated licence library and exchange the connectors use in this process, also over HTTP at /exchange.
      ...(parts.exchange
        ? { exchange: { library: parts.exchange, secretFor: (id: string) => (parts.connectors.secretNames.has(id) ? connectorSecret(config.sessionSecret, id, parts.connectors.secretNames.get(id)) : undefined) } }
        : {}),
      smsSecret: config.smsGatewaySecret,
    });
    const simServer = http.createServer(simulator.handler).listen(0, '127.0.0.1');
    const simPort = await new Promise<number>((resolve) => simServer.once('listening', () => resolve((simServer.address() as AddressInfo).port)));
    servers.push(simServer);
    // Departments left to human staff receive in the web inbox; the simulator plays all the others.
    targetFor = (code) => {
      if (!parts.targetFor(code)) return undefined;
      if (human.has(code)) return { channel: 'inbox' };
      return { channel: 'webhook', url: `http://127.0.0.1:${simPort}/departments/${code}`, secret: parts.webhookSecretFor(code) };
    };
    // DEMO: the simulator plays the SMS gateway too, unless SMS_GATEWAY_URL names a real one.
    smsGatewayUrl ??= `http://127.0.0.1:${simPort}/sms/messages`;
    logger.info({ simulator: `http://127.0.0.1:${simPort}`, human: [...human], sms: smsGatewayUrl }, 'DEMO: simulated department systems running');
    // A restart loses the simulator's work in hand: it takes up what the departments still owe.
    simulator.keepReconciling(parts.departments.map((d) => d.code).filter((c) => !human.has(c)));
  }

  const worker = config.worker ? parts.createWorker({ targetFor }) : undefined;
  worker?.start();
  const noticeWorker = config.worker ? parts.createNoticeWorker(smsGatewayUrl ? { gatewayUrl: smsGatewayUrl } : {}) : undefined;
  noticeWorker?.start();
  logger.info({ port, db: db.kind, demo: config.demo, worker: !!worker }, `listening on http://localhost:${port}`);

  shutdown.ready(servers, async () => {
    await worker?.stop();
    await noticeWorker?.stop();
    await partitions.stop();
    await simulator?.close();
    await db.close();
  });
}

main().catch((err: unknown) => {
  console.error('start-up failed:', err);
  process.exit(1);
});
