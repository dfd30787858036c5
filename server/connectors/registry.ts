/**
 * The connector registry (Open Forms style): connector TYPES, each with an id, a kind and a
 * TypeBox options schema, and the connector INSTANCES `scenarios/connectors.yaml` declares —
 * which instance serves which licence type (material code) or department, with URLs and secrets
 * given by environment variable NAMES. Options are checked when the file loads: a wrong one stops
 * start-up (and `scenario lint`) naming the file and the path in it.
 *
 *   connectors:
 *     province-licence-library:
 *       type: http-licence
 *       options: { urlEnv: LICENCE_LIBRARY_URL, secretEnv: LICENCE_LIBRARY_SECRET, timeoutMs: 3000 }
 *       licences: [idCard, householdRegister, …]
 *     province-exchange:
 *       type: http-data
 *       options: { urlEnv: DATA_EXCHANGE_URL, secretEnv: DATA_EXCHANGE_SECRET }
 *       departments: [market, hrss]
 *
 * In DEMO, an instance whose URL variable is unset uses the simulator's library in this process;
 * outside DEMO that is a configuration error naming the variable.
 */
import { createHmac } from 'node:crypto';
import { parse } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { Queryable } from '../db/types.js';
import type { Logger } from '../log.js';
import type { ExchangeLibrary } from '../simulator/exchange.js';
import { CONNECTORS_FILE } from '../../shared/loader.js';
import { ConnectorConfigError, outcomeOf } from './errors.js';
import { HttpOptions } from './options.js';
import { httpLicenceConnector } from './http-licence.js';
import { httpDataConnector } from './http-data.js';
import { simulatedDataConnector, simulatedLicenceConnector } from './simulated.js';
import type {
  AuditedData,
  AuditedLicence,
  CallContext,
  Connector,
  ConnectorKind,
  ConnectorRegistry,
  DataConnector,
  Holder,
  LicenceConnector,
  LicenceIssuer,
} from './types.js';

export type Env = Readonly<Record<string, string | undefined>>;

export interface CreateContext {
  env: Env;
  demo: boolean;
  sessionSecret: string;
  /** DEMO's in-process simulated exchange. */
  simulated: ExchangeLibrary | undefined;
  /** Where in connectors.yaml this instance is, for error messages. */
  at: string;
}

export interface ConnectorType {
  id: string;
  kind: ConnectorKind;
  options: TSchema;
  create(instanceId: string, options: unknown, ctx: CreateContext): Connector;
}

/**
 * The secret an HTTP connector signs with: the variable `secretEnv` names, else (a first run, the
 * simulator beside it) derived from SESSION_SECRET and the connector id, as the simulator derives it.
 */
export function connectorSecret(sessionSecret: string, connectorId: string, secretEnv: string | undefined, env: Env = process.env): string {
  return (secretEnv && env[secretEnv]) || createHmac('sha256', sessionSecret).update(`connector-secret:${connectorId}`).digest('base64url');
}

function endpoint(id: string, o: HttpOptions, ctx: CreateContext): { url: string; secret: string } | 'simulated' {
  const url = ctx.env[o.urlEnv];
  if (!url) {
    if (ctx.demo && ctx.simulated) return 'simulated';
    throw new ConnectorConfigError(CONNECTORS_FILE, `${ctx.at}.options.urlEnv`, `environment variable ${o.urlEnv} is not set (the exchange's base URL; only DEMO falls back to the simulator)`);
  }
  try {
    const u = new URL(url);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ConnectorConfigError(CONNECTORS_FILE, `${ctx.at}.options.urlEnv`, `environment variable ${o.urlEnv} is not an http(s) URL`);
  }
  return { url, secret: connectorSecret(ctx.sessionSecret, id, o.secretEnv, ctx.env) };
}

function clientOptions(id: string, o: HttpOptions, e: { url: string; secret: string }) {
  return {
    id,
    baseUrl: e.url,
    secret: e.secret,
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
    ...(o.retries !== undefined ? { retries: o.retries } : {}),
    ...(o.backoffMs !== undefined ? { backoffMs: o.backoffMs } : {}),
    ...(o.breaker ? { breaker: o.breaker } : {}),
  };
}

export const CONNECTOR_TYPES: Readonly<Record<string, ConnectorType>> = {
  'http-licence': {
    id: 'http-licence',
    kind: 'licence',
    options: HttpOptions,
    create(id, options, ctx) {
      const o = options as HttpOptions;
      const e = endpoint(id, o, ctx);
      return e === 'simulated' ? simulatedLicenceConnector(id, ctx.simulated!) : httpLicenceConnector(clientOptions(id, o, e));
    },
  },
  'http-data': {
    id: 'http-data',
    kind: 'data',
    options: HttpOptions,
    create(id, options, ctx) {
      const o = options as HttpOptions;
      const e = endpoint(id, o, ctx);
      return e === 'simulated' ? simulatedDataConnector(id, ctx.simulated!) : httpDataConnector(clientOptions(id, o, e));
    },
  },
};

export interface ConnectorDeclaration {
  id: string;
  type: ConnectorType;
  options: unknown;
  /** Licence types (material codes) or department codes it serves. */
  serves: string[];
  at: string;
}

const ID = /^[a-z][a-z0-9-]*$/;

/**
 * Reads and checks connectors.yaml (options against the type's schema, what it serves against
 * the catalogue). Every problem found, each naming the file and the path; none: the declarations.
 */
export function parseConnectors(text: string | undefined, known: { materials: ReadonlySet<string>; departments: ReadonlySet<string> }): { declarations: ConnectorDeclaration[]; problems: ConnectorConfigError[] } {
  const problems: ConnectorConfigError[] = [];
  const problem = (path: string, reason: string) => problems.push(new ConnectorConfigError(CONNECTORS_FILE, path, reason));
  if (text === undefined) return { declarations: [], problems };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (err) {
    problem('(file)', `not valid YAML: ${(err as Error).message.split('\n')[0]}`);
    return { declarations: [], problems };
  }
  const connectors = (doc as { connectors?: unknown } | null)?.connectors;
  if (!connectors || typeof connectors !== 'object' || Array.isArray(connectors)) {
    problem('connectors', 'must be a map of connector id → {type, options, licences | departments}');
    return { declarations: [], problems };
  }
  const declarations: ConnectorDeclaration[] = [];
  const servedBy = new Map<string, string>();
  for (const [id, raw] of Object.entries(connectors as Record<string, unknown>)) {
    const at = `connectors.${id}`;
    if (!ID.test(id)) problem(at, 'a connector id is lower case letters, digits and "-", starting with a letter');
    if (!raw || typeof raw !== 'object' || Array.isArray(raw)) {
      problem(at, 'must be a map with type, options and licences or departments');
      continue;
    }
    const c = raw as Record<string, unknown>;
    for (const key of Object.keys(c)) if (!['type', 'options', 'licences', 'departments', 'title'].includes(key)) problem(`${at}.${key}`, 'unknown key (type, title, options, licences, departments)');
    const type = typeof c.type === 'string' ? CONNECTOR_TYPES[c.type] : undefined;
    if (!type) {
      problem(`${at}.type`, `unknown connector type ${JSON.stringify(c.type)}; known: ${Object.keys(CONNECTOR_TYPES).join(', ')}`);
      continue;
    }
    const options = c.options ?? {};
    for (const e of Value.Errors(type.options, options)) {
      problem(`${at}.options${e.path.replace(/\//g, '.')}`, e.message);
    }
    const listKey = type.kind === 'licence' ? 'licences' : 'departments';
    const other = type.kind === 'licence' ? 'departments' : 'licences';
    if (c[other] !== undefined) problem(`${at}.${other}`, `a ${type.kind} connector serves ${listKey}, not ${other}`);
    const list = c[listKey];
    if (!Array.isArray(list) || list.length === 0 || !list.every((x) => typeof x === 'string')) {
      problem(`${at}.${listKey}`, `must list the ${type.kind === 'licence' ? 'licence types (material codes)' : 'department codes'} it serves`);
      continue;
    }
    list.forEach((code: string, i) => {
      const where = `${at}.${listKey}[${i}]`;
      const pool = type.kind === 'licence' ? known.materials : known.departments;
      if (!pool.has(code)) problem(where, `${code} is not a ${type.kind === 'licence' ? 'material in the catalogue' : 'department'}`);
      const key = `${type.kind}:${code}`;
      if (servedBy.has(key)) problem(where, `${code} is already served by ${servedBy.get(key)}`);
      else servedBy.set(key, id);
    });
    declarations.push({ id, type, options, serves: list as string[], at });
  }
  return { declarations, problems };
}

function holderOf(h: Holder): string | null {
  return h.creditCode || h.idNumber || null;
}

export interface RegistryDeps {
  db: Queryable;
  logger: Logger;
}

/** The registry the product uses: every call audit-logged in connector_calls. */
export class Connectors implements ConnectorRegistry {
  private readonly licences = new Map<string, LicenceConnector>();
  private readonly data = new Map<string, DataConnector>();
  private readonly instances: Connector[] = [];
  /** Connector id → the name of its secret's variable, for a simulator playing the exchange. */
  readonly secretNames = new Map<string, string | undefined>();

  constructor(
    private readonly d: RegistryDeps,
    declarations: readonly ConnectorDeclaration[],
    ctx: Omit<CreateContext, 'at'>,
  ) {
    for (const decl of declarations) {
      const connector = decl.type.create(decl.id, decl.options, { ...ctx, at: decl.at });
      const secretEnv = (decl.options as { secretEnv?: unknown }).secretEnv;
      this.secretNames.set(decl.id, typeof secretEnv === 'string' ? secretEnv : undefined);
      this.instances.push(connector);
      for (const code of decl.serves) {
        if (connector.kind === 'licence') this.licences.set(code, connector);
        else this.data.set(code, connector);
      }
    }
  }

  all(): Connector[] {
    return [...this.instances];
  }

  /** What a connector serves: licence types or departments. */
  servedBy(id: string): string[] {
    const out: string[] = [];
    for (const [code, c] of this.licences) if (c.id === id) out.push(code);
    for (const [code, c] of this.data) if (c.id === id) out.push(code);
    return out;
  }

  /** The licence types some connector serves. */
  licenceTypes(): string[] {
    return [...this.licences.keys()];
  }

  /** Audit rows waiting for the next write, each with the caller waiting for it. */
  private pending: { params: unknown[]; done: () => void }[] = [];
  private flushing: Promise<void> | undefined;

  /**
   * Writes the audit row of one call before the call's answer is used. Rows of calls that end
   * together (a form's licences are looked up at once, many citizens submit at once) go in one
   * multi-row INSERT: one statement and one commit instead of one each.
   */
  private record(
    connector: Connector,
    call: { operation: string; subject: string; holder: string | null; context: CallContext },
    started: number,
    outcome: string,
    error?: unknown,
  ): Promise<void> {
    const params = [
      connector.id, connector.type, connector.kind, call.operation, call.subject, call.holder, call.context.actor,
      call.context.applicationId ?? null, call.context.purpose, outcome, Date.now() - started,
      error ? String((error as Error).message ?? error).slice(0, 500) : null,
    ];
    return new Promise<void>((done) => {
      this.pending.push({ params, done });
      // Calls answered in this turn of the event loop join the same write.
      if (this.pending.length === 1 && !this.flushing) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    while (this.pending.length) {
      const batch = this.pending.splice(0, 200);
      const values: string[] = [];
      const params: unknown[] = [];
      for (const row of batch) {
        values.push(`(${row.params.map((_, i) => `$${params.length + i + 1}`).join(', ')})`);
        params.push(...row.params);
      }
      this.flushing = this.d.db
        .query(
          `INSERT INTO connector_calls (connector, connector_type, kind, operation, subject, holder, actor, application_id, purpose, outcome, latency_ms, error)
           VALUES ${values.join(', ')}`,
          params,
        )
        .then(
          () => undefined,
          (err: unknown) => {
            // The audit rows must not turn a fetched licence into a failure; the log keeps the trace.
            this.d.logger.error({ err, connectors: [...new Set(batch.map((r) => r.params[0]))] }, 'connector calls could not be recorded');
          },
        );
      await this.flushing;
      this.flushing = undefined;
      for (const row of batch) row.done();
    }
  }

  private async audited<T>(connector: Connector, call: { operation: string; subject: string; holder: string | null; context: CallContext }, run: () => Promise<T>, found: (v: T) => boolean): Promise<T> {
    const started = Date.now();
    try {
      const v = await run();
      await this.record(connector, call, started, found(v) ? 'ok' : 'not_found');
      return v;
    } catch (err) {
      await this.record(connector, call, started, outcomeOf(err), err);
      throw err;
    }
  }

  licenceFor(code: string): AuditedLicence | undefined {
    const connector = this.licences.get(code);
    if (!connector) return undefined;
    return {
      connector,
      fetch: (query, context) =>
        this.audited(connector, { operation: query.withFile ? 'fetch' : 'lookup', subject: query.type, holder: holderOf(query.holder), context }, () => connector.fetch(query), (v) => v !== null),
      issue: (req, context) =>
        this.audited(connector, { operation: 'issue', subject: req.type, holder: holderOf(req.holder), context }, () => connector.issue(req), () => true),
    };
  }

  issuerFor(code: string, context: Partial<CallContext> = {}): LicenceIssuer | undefined {
    const audited = this.licenceFor(code);
    if (!audited) return undefined;
    return {
      issue: async (req) => {
        const r = await audited.issue(req, { actor: context.actor ?? 'system:results', purpose: context.purpose ?? 'issue', applicationId: req.applicationId });
        return { licenceNumber: r.licenceNumber, issuedOn: r.issuedOn, validUntil: r.validUntil };
      },
    };
  }

  dataFor(department: string): AuditedData | undefined {
    const connector = this.data.get(department);
    if (!connector) return undefined;
    return {
      connector,
      records: (query, context) =>
        this.audited(connector, { operation: 'records', subject: query.department, holder: query.key.value, context }, () => connector.records(query), (v) => v !== null),
    };
  }
}

/**
 * Connector id → its secret's variable name, read leniently from connectors.yaml (the standalone
 * simulator's view; the product checks the file).
 */
export function connectorSecretNames(text: string | undefined): Map<string, string | undefined> {
  const names = new Map<string, string | undefined>();
  if (text === undefined) return names;
  const doc = parse(text) as { connectors?: Record<string, { options?: { secretEnv?: unknown } } | null> } | null;
  for (const [id, c] of Object.entries(doc?.connectors ?? {})) names.set(id, typeof c?.options?.secretEnv === 'string' ? c.options.secretEnv : undefined);
  return names;
}

/** Builds the registry from the scenario folder's connectors.yaml; throws naming every problem. */
export function createConnectors(
  deps: RegistryDeps,
  text: string | undefined,
  known: { materials: ReadonlySet<string>; departments: ReadonlySet<string> },
  ctx: Omit<CreateContext, 'at'>,
): Connectors {
  const { declarations, problems } = parseConnectors(text, known);
  if (problems.length === 1) throw problems[0]!;
  if (problems.length) throw new ConnectorConfigError(CONNECTORS_FILE, problems.map((p) => p.path).join(', '), problems.map((p) => `${p.path}: ${p.reason}`).join('; '));
  return new Connectors(deps, declarations, ctx);
}
