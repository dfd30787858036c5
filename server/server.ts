import type { Express } from 'express';
import type { Config } from './config.js';
import type { Database } from './db/types.js';
import type { Logger } from './log.js';
import { createApp } from './app.js';
import { BundleRegistry } from './bundles/registry.js';
import { readScenarioFiles } from './bundles/files.js';
import { bundlesRoutes } from './bundles/controller.js';
import { BundleService } from './bundles/service.js';
import { authRoutes } from './auth/controller.js';
import { authenticate, requireDepartmentSignature } from './auth/middleware.js';
import { demoProvider } from './auth/demo-provider.js';
import { OidcService } from './auth/oidc.js';
import { RoleService } from './roles/service.js';
import { rolesRoutes } from './roles/controller.js';
import { departmentToken, webhookSecret } from './auth/secrets.js';
import { ApplicationService } from './applications/service.js';
import { applicationsRoutes } from './applications/controller.js';
import { counterRoutes } from './counter/controller.js';
import { CounterService } from './counter/service.js';
import { RatingService } from './ratings/service.js';
import { CommitmentService } from './commitments/service.js';
import { LicenceService } from './licences/service.js';
import { licencesRoutes } from './licences/controller.js';
import { documentsRoutes } from './documents/controller.js';
import { DocumentService } from './documents/service.js';
import { progressRoutes } from './progress/controller.js';
import { ProgressService } from './progress/service.js';
import type { LicenceIssuer } from './licences/types.js';
import { commitmentsRoutes } from './commitments/controller.js';
import { DepartmentService } from './departments/service.js';
import { departmentsRoutes } from './departments/controller.js';
import { resultRoutes } from './results/controller.js';
import { workbenchRoutes } from './workbench/controller.js';
import { WorkbenchService } from './workbench/service.js';
import { studioRoutes } from './studio/controller.js';
import { StudioDraftService } from './studio/drafts.js';
import { StudioService } from './studio/service.js';
import { ProposalService } from './studio/proposals.js';
import { operationsRoutes } from './operations/controller.js';
import { OperationsService } from './operations/service.js';
import { statsRoutes } from './stats/controller.js';
import { StatsService } from './stats/service.js';
import { createMaterialStore } from './materials/store.js';
import { createChannels } from './delivery/registry.js';
import type { DeliveryTarget } from './delivery/types.js';
import { DispatchWorker, type WorkerOptions } from './dispatch/worker.js';
import { NoticeService } from './notices/service.js';
import { noticesRoutes } from './notices/controller.js';
import { NoticeWorker, type NoticeWorkerOptions } from './notices/worker.js';
import { createNoticeSenders } from './notices/channels/registry.js';
import type { SmsGatewayOptions } from './notices/channels/sms.js';
import { load } from '../shared/loader.js';
import { missingYears, syncCalendarTable, workCalendar } from './calendar.js';
import type { Department } from '../shared/model.js';
import { CONNECTORS_FILE } from '../shared/loader.js';
import { createConnectors, type Connectors, type Env } from './connectors/registry.js';
import { SharingService } from './connectors/sharing.js';
import { ConnectorsService } from './connectors/service.js';
import { connectorsRoutes } from './connectors/controller.js';
import { ExchangeLibrary } from './simulator/exchange.js';

export interface ServerParts {
  app: Express;
  registry: BundleRegistry;
  departments: Department[];
  /** Bearer tokens of the department systems, by department code. */
  departmentTokens: Map<string, string>;
  createWorker(overrides?: Partial<Pick<WorkerOptions, 'targetFor' | 'maxAttempts' | 'pollMs' | 'backoff' | 'db' | 'batchSize'>>): DispatchWorker;
  /** Where each department's sub-applications go, as configured in the scenarios. */
  targetFor(department: string): DeliveryTarget | undefined;
  /** The signing secret of a department's webhooks (also for inbox departments a simulator plays). */
  webhookSecretFor(department: string): string;
  /** The licence library and data exchange connectors (scenarios/connectors.yaml). */
  connectors: Connectors;
  /** DEMO: the simulated exchange the connectors without a URL use in this process (the simulator serves it too). */
  exchange: ExchangeLibrary | undefined;
  /**
   * The worker that sends notices (SMS) through the gateway: SMS_GATEWAY_URL unless `gatewayUrl`
   * says otherwise (DEMO: the simulator's); no URL, SMS notices are parked for operators.
   */
  createNoticeWorker(overrides?: Partial<Pick<NoticeWorkerOptions, 'maxAttempts' | 'pollMs' | 'backoff'>> & { gatewayUrl?: string; gatewayTimeoutMs?: number }): NoticeWorker;
}

/**
 * The composition root: reads the scenario folder, publishes what is new, and wires the feature
 * modules (FormSG style: routes → service) with the services built here into one Express app. main.ts and the tests share it.
 */
export interface BuildOptions {
  /** Check every JSON response against its declared contract (the tests turn this on). */
  checkResponses?: boolean;
  /** The licence library (电子证照库) that completed items' licences are issued to; default: the connector serving each type. */
  licenceIssuer?: LicenceIssuer;
  /** Where the connectors' URL and secret variables are read; default process.env. */
  env?: Env;
}

export async function buildServer(config: Config, db: Database, logger: Logger, clientDir?: string, options: BuildOptions = {}): Promise<ServerParts> {
  const allFiles = readScenarioFiles(config.scenariosDir);
  // connectors.yaml is the operator's, like delivery addresses: never part of a published bundle.
  const files = allFiles.filter((f) => f.path !== CONNECTORS_FILE);
  const registry = new BundleRegistry(db, logger);
  const studio = new StudioService(db, registry);
  const { published } = await registry.publishFolder(files);
  if (published.length) logger.info({ published }, 'bundle versions published from the scenario files');

  // Working days: the package's holidays with the province's calendar.yaml on top, in the
  // database too so the statistics SQL counts the same days.
  const calendar = workCalendar(files);
  if (await syncCalendarTable(db, calendar)) logger.info('working-day calendar written to the database');
  const missing = missingYears(calendar, new Date());
  if (missing.length) logger.warn({ years: missing }, 'no holiday data for these years: limits count weekends only; add the State Council notice to scenarios/calendar.yaml');

  const departments = [...load(files).catalogue.departments.values()];
  const departmentTokens = new Map(departments.map((d) => [d.code, departmentToken(config.sessionSecret, d.code)]));
  const deliveries = new Map(departments.map((d) => [d.code, d.delivery]));
  // Derived once: every delivery (and the simulator checking it) asks for its department's.
  const webhookSecrets = new Map(departments.map((d) => [d.code, webhookSecret(config.sessionSecret, d.code, d.delivery.channel === 'webhook' ? d.delivery.secret : undefined)]));
  const webhookSecretFor = (code: string): string => webhookSecrets.get(code) ?? webhookSecret(config.sessionSecret, code, undefined);
  const targetFor = (code: string): DeliveryTarget | undefined => {
    const d = deliveries.get(code);
    if (!d) return undefined;
    return d.channel === 'inbox' ? { channel: 'inbox' } : { channel: 'webhook', url: d.url, secret: webhookSecretFor(code) };
  };

  const departmentNames = new Map(departments.map((d) => [d.code, { name: d.name, nameEn: d.nameEn }]));
  const store = createMaterialStore(config);
  const catalogue = load(files).catalogue;
  const exchange = config.demo ? new ExchangeLibrary() : undefined;
  const connectors = createConnectors(
    { db, logger },
    allFiles.find((f) => f.path === CONNECTORS_FILE)?.text,
    { materials: new Set(catalogue.materials.keys()), departments: new Set(catalogue.departments.keys()) },
    { env: options.env ?? process.env, demo: config.demo, sessionSecret: config.sessionSecret, simulated: exchange },
  );
  const sharing = new SharingService({ db, store, connectors, logger });
  const provider = demoProvider(departments.map((d) => ({ code: d.code, name: d.name })));
  // The public URL is read when a sign-in starts: tests learn their port after building the server.
  const oidc = config.oidc ? new OidcService(db, config.oidc, () => config.publicUrl, logger) : undefined;
  // Every service is built here, from its dependencies, and handed to its routes: one way for all.
  const applications = new ApplicationService({ db, registry, store, calendar, maxDrafts: config.maxDraftsPerCitizen, connectors, sharing });
  const bundles = new BundleService(registry, db, connectors);
  const counter = new CounterService({ db, applications, store, connectors, window: config.counterWindow, bundles, registry });
  // Results go to the licence library through the connector that serves their type (connectors.yaml).
  const licences = new LicenceService({ db, registry, store, logger, issuer: options.licenceIssuer ?? ((type: string) => connectors.issuerFor(type)) });
  const departmentService = new DepartmentService(db, registry, store, { calendar, supplementDays: config.supplementDays, results: licences });
  // A completion committed just before a stop may have left its licences unissued.
  await licences.catchUp();
  // A worker's claim must outlast its longest attempt (the deadline: three idle timeouts, however
  // a department trickles) with room to record the result, or another worker would send the row
  // again while the first still waits. Twice the deadline: 60 s at the default timeout, and rows a
  // crashed worker had claimed come back sooner when the timeout is short.
  const deliveryDeadlineMs = 3 * config.webhookTimeoutMs;
  const leaseMs = Math.max(5_000, 2 * deliveryDeadlineMs);
  const channels = createChannels({ timeoutMs: config.webhookTimeoutMs, deadlineMs: deliveryDeadlineMs });

  const app = createApp({
    db,
    logger,
    config,
    ...(clientDir ? { clientDir } : {}),
    before: [authenticate(db, config.sessionSecret, departmentTokens), requireDepartmentSignature(db, webhookSecretFor)],
    checkResponses: options.checkResponses ?? false,
    routes: [
      ...authRoutes({
        db,
        provider,
        sessionSecret: config.sessionSecret,
        demo: config.demo,
        secureCookies: config.publicUrl.startsWith('https:'),
        loginRateLimit: config.loginRateLimit,
        ...(oidc ? { oidc } : {}),
      }),
      ...bundlesRoutes(bundles),
      ...applicationsRoutes(applications, new RatingService(db), config.maxUploadBytes, counter),
      ...counterRoutes(counter, config.maxUploadBytes),
      ...commitmentsRoutes(new CommitmentService(db, registry, applications)),
      ...licencesRoutes(licences),
      ...documentsRoutes(new DocumentService({ db, registry, applications, publicUrl: () => config.publicUrl })),
      ...progressRoutes(new ProgressService({ db, registry }), { db, perMinute: config.progressRateLimit }),
      ...departmentsRoutes(departmentService),
      ...resultRoutes(db, store),
      ...workbenchRoutes(new WorkbenchService(db, registry, departmentService, calendar)),
      ...studioRoutes(studio, new ProposalService(db, registry, studio), new StudioDraftService(db, studio)),
      ...operationsRoutes(new OperationsService(db, departments, config.ackStaleMinutes)),
      ...rolesRoutes(new RoleService(db, departments)),
      ...connectorsRoutes(new ConnectorsService(db, connectors)),
      ...statsRoutes(new StatsService(db, registry)),
      ...noticesRoutes(new NoticeService(db, departmentNames)),
    ],
  });

  return {
    app,
    registry,
    departments,
    departmentTokens,
    targetFor,
    webhookSecretFor,
    connectors,
    exchange,
    createWorker: (overrides = {}) =>
      new DispatchWorker({
        db,
        logger,
        channels,
        targetFor,
        publicUrl: config.publicUrl,
        maxAttempts: config.deliveryMaxAttempts,
        backoff: { baseMs: config.deliveryBackoffMs, maxGapMs: 5 * 60_000, jitter: 0.2 },
        leaseMs,
        sharing,
        ...overrides,
      }),
    createNoticeWorker: ({ gatewayUrl, gatewayTimeoutMs, ...overrides } = {}) => {
      const url = gatewayUrl ?? config.smsGatewayUrl;
      const timeoutMs = gatewayTimeoutMs ?? config.smsGatewayTimeoutMs;
      const sms: SmsGatewayOptions | undefined = url ? { url, secret: config.smsGatewaySecret, timeoutMs } : undefined;
      return new NoticeWorker({
        db,
        logger,
        senders: createNoticeSenders({ sms }),
        departmentName: (code) => {
          const d = departmentNames.get(code);
          return d ? { zh: d.name, en: d.nameEn } : undefined;
        },
        maxAttempts: config.deliveryMaxAttempts,
        backoff: { baseMs: config.deliveryBackoffMs, maxGapMs: 5 * 60_000, jitter: 0.2 },
        leaseMs: Math.max(5_000, 4 * timeoutMs),
        ...overrides,
      });
    },
  };
}
