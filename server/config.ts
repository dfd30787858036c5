import { createHmac, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { isIP } from 'node:net';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../shared/uploads.js';
import type { S3StoreOptions } from './materials/s3-store.js';

/** Every setting the server reads, all from environment variables (README "Configuration"). */
export interface Config {
  port: number;
  dataDir: string;
  databaseUrl: string | undefined;
  /** Connections this process keeps to the PostgreSQL server at most (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  logLevel: LogLevel;
  sessionSecret: string;
  demo: boolean;
  production: boolean;
  /** Base URL departments use to reach this server (material links in webhooks, callbacks). */
  publicUrl: string;
  scenariosDir: string;
  maxUploadBytes: number;
  /** Run the dispatch worker inside the web process (`npm run worker` runs one alone). */
  worker: boolean;
  deliveryMaxAttempts: number;
  deliveryBackoffMs: number;
  webhookTimeoutMs: number;
  /** DEMO: departments left to human staff in the workbench instead of the simulated systems. */
  demoHumanDepartments: string[];
  /** Sign-in attempts per client address per minute. */
  loginRateLimit: number;
  /** Public progress queries (办件编号 + 查询码) per client address per minute. */
  progressRateLimit: number;
  /** Unfinished drafts one citizen may hold. */
  maxDraftsPerCitizen: number;
  /** Working days an applicant is given to answer a 补正 (SUPPLEMENT_DAYS). */
  supplementDays: number;
  /** The proxies whose X-Forwarded-For is believed (Express `trust proxy`); empty: none. */
  trustProxy: string[];
  /** Sign-in through an OpenID provider (统一身份认证平台); absent when OIDC_ISSUER is unset. */
  oidc: OidcConfig | undefined;
  /** The SMS gateway notices go to (server/notices/); unset: DEMO uses the simulator's, otherwise SMS notices are parked. */
  smsGatewayUrl: string | undefined;
  /** Signs SMS gateway requests; derived from SESSION_SECRET unless SMS_GATEWAY_SECRET is set. */
  smsGatewaySecret: string;
  smsGatewayTimeoutMs: number;
  /** 综合窗口: the window recorded on what a clerk files at the counter (COUNTER_WINDOW). */
  counterWindow: string;
  /** Minutes after which a delivery acknowledged and not acted on is flagged to operators (ACK_STALE_MINUTES). */
  ackStaleMinutes: number;
  /** Where materials are stored (MATERIAL_STORE): the folder under DATA_DIR, or an S3-compatible bucket. */
  materialStore: 'fs' | 's3';
  /** Set when MATERIAL_STORE=s3. */
  s3: S3StoreOptions | undefined;
  /** Months of partitions prepared ahead of the current one (PARTITION_MONTHS_AHEAD). */
  partitionMonthsAhead: number;
  /** Whole months of histories, delivery attempts and notices kept (RETENTION_MONTHS); undefined: all. */
  retentionMonths: number | undefined;
  /** Whole months of the audit log kept (AUDIT_RETENTION_MONTHS); undefined: all. */
  auditRetentionMonths: number | undefined;
}

export interface OidcConfig {
  issuer: string;
  clientId: string;
  /** Absent: a public client, authenticated by PKCE alone. */
  clientSecret: string | undefined;
  /** Absent: `<PUBLIC_URL>/api/auth/oidc/callback`, resolved when a sign-in starts. */
  redirectUri: string | undefined;
  /** Absent: `<PUBLIC_URL>/`. */
  postLogoutRedirectUri: string | undefined;
  scopes: string;
  /** Claim names of the real-name identity the forms prefill from. */
  claims: { name: string; idNumber: string; mobile: string };
  /** The label of the sign-in button. */
  label: string;
}

/** Unfinished drafts a citizen may hold unless MAX_DRAFTS_PER_CITIZEN says otherwise. */
export const DEFAULT_MAX_DRAFTS = 20;
/** Working days to answer a 补正 unless SUPPLEMENT_DAYS says otherwise. */
export const DEFAULT_SUPPLEMENT_DAYS = 10;

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(
    readonly variable: string,
    reason: string,
  ) {
    super(`配置错误 / invalid configuration: ${variable}: ${reason}`);
    this.name = 'ConfigError';
  }
}

export type Env = Record<string, string | undefined>;

/** A TCP port, 0 to 65535 (0: any free port). The parsers below serve the simulator's settings too. */
export function parsePort(name: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) > 65535) {
    throw new ConfigError(name, `must be an integer from 0 to 65535, got "${raw}"`);
  }
  return Number(raw);
}

export function parseInteger(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return Number(raw);
}

/**
 * A retention in months: unset or 0 keeps everything; otherwise at least `min` (the audit log's
 * floor is the six months the Cybersecurity Law, art. 21, asks network logs to be kept).
 */
export function parseRetentionMonths(env: Env, name: string, min: number): number | undefined {
  const raw = env[name];
  if (raw === undefined || raw === '' || raw === '0') return undefined;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > 1200) {
    throw new ConfigError(name, `must be 0 (keep everything) or a number of months from ${min} to 1200, got "${raw}"`);
  }
  return Number(raw);
}

/** An http(s) URL, without a trailing slash. */
export function parseUrl(name: string, raw: string | undefined, fallback: string): string {
  if (raw === undefined || raw === '') return fallback;
  try {
    const u = new URL(raw);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('protocol');
  } catch {
    throw new ConfigError(name, `must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
}

function parseBoolean(name: string, raw: string | undefined, fallback: boolean): boolean {
  if (raw === undefined || raw === '') return fallback;
  const v = raw.toLowerCase();
  if (['1', 'true', 'on', 'yes'].includes(v)) return true;
  if (['0', 'false', 'off', 'no'].includes(v)) return false;
  throw new ConfigError(name, `must be one of 1/0, true/false, on/off, yes/no; got "${raw}"`);
}

const PROXY_NAMES = ['loopback', 'linklocal', 'uniquelocal'];

/**
 * Which proxies may say who the client is: Express's names, addresses and CIDR ranges, or `none`.
 * No `true` and no hop count: either believes whatever X-Forwarded-For any client sends.
 */
export function parseTrustProxy(raw: string | undefined): string[] {
  if (raw === undefined || raw.trim() === '') return ['loopback'];
  if (raw.trim().toLowerCase() === 'none') return [];
  const entries = raw.split(',').map((e) => e.trim()).filter(Boolean);
  for (const e of entries) {
    const [address, bits, extra] = e.split('/');
    const family = isIP(address ?? '');
    const ok =
      PROXY_NAMES.includes(e) ||
      (family !== 0 && extra === undefined && (bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128))));
    if (!ok) throw new ConfigError('TRUST_PROXY', `must be none, or a comma list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges; got "${e}"`);
  }
  return entries;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** OIDC settings; an issuer over plain http is accepted only on this machine (a test or a sidecar). */
export function parseOidc(env: Env): OidcConfig | undefined {
  const issuer = env.OIDC_ISSUER;
  if (issuer === undefined || issuer === '') return undefined;
  let url: URL;
  try {
    url = new URL(issuer);
  } catch {
    throw new ConfigError('OIDC_ISSUER', `must be the provider's issuer URL, got "${issuer}"`);
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname))) {
    throw new ConfigError('OIDC_ISSUER', `must be an https URL (http only on 127.0.0.1/localhost), got "${issuer}"`);
  }
  const clientId = env.OIDC_CLIENT_ID;
  if (!clientId) throw new ConfigError('OIDC_CLIENT_ID', 'must be set when OIDC_ISSUER is');
  const claim = (name: string, fallback: string): string => {
    const v = env[name];
    if (v === undefined || v === '') return fallback;
    if (!/^[A-Za-z0-9_.:-]{1,100}$/.test(v)) throw new ConfigError(name, `must be a claim name, got "${v}"`);
    return v;
  };
  const scopes = (env.OIDC_SCOPES ?? '').trim() || 'openid profile phone';
  if (!scopes.split(/\s+/).includes('openid')) throw new ConfigError('OIDC_SCOPES', `must include openid, got "${scopes}"`);
  const optionalUrl = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v === '' ? undefined : parseUrl(name, v, '');
  };
  return {
    issuer,
    clientId,
    clientSecret: env.OIDC_CLIENT_SECRET || undefined,
    redirectUri: optionalUrl('OIDC_REDIRECT_URI'),
    postLogoutRedirectUri: optionalUrl('OIDC_POST_LOGOUT_REDIRECT_URI'),
    scopes,
    claims: { name: claim('OIDC_CLAIM_NAME', 'name'), idNumber: claim('OIDC_CLAIM_ID_NUMBER', 'id_number'), mobile: claim('OIDC_CLAIM_MOBILE', 'phone_number') },
    label: env.OIDC_LABEL || '统一身份认证',
  };
}

function parseDatabaseUrl(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError('DATABASE_URL', 'is not a URL (expected postgres://user@host:port/database)');
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new ConfigError('DATABASE_URL', `must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  return raw;
}

function parseLogLevel(raw: string | undefined): LogLevel {
  if (raw === undefined || raw === '') return 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(raw)) {
    throw new ConfigError('LOG_LEVEL', `must be one of ${LOG_LEVELS.join(', ')}; got "${raw}"`);
  }
  return raw as LogLevel;
}

/**
 * An unset SESSION_SECRET is generated once and kept in DATA_DIR, so sessions survive restarts
 * without anyone having to configure a secret for a first run.
 */
function resolveSessionSecret(raw: string | undefined, dataDir: string): string {
  if (raw !== undefined && raw !== '') {
    if (raw.length < 32) throw new ConfigError('SESSION_SECRET', 'must be at least 32 characters long');
    return raw;
  }
  const file = path.join(dataDir, 'session-secret');
  if (existsSync(file)) {
    const kept = readFileSync(file, 'utf8').trim();
    if (kept.length >= 32) return kept;
  }
  const generated = randomBytes(32).toString('hex');
  writeFileSync(file, generated + '\n', { mode: 0o600 });
  return generated;
}

export function loadConfig(env: Env = process.env): Config {
  const production = env.NODE_ENV === 'production';
  const dataDir = path.resolve(env.DATA_DIR || './data');
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new ConfigError('DATA_DIR', `cannot create or use "${dataDir}": ${(err as Error).message}`);
  }
  const port = parsePort('PORT', env.PORT, 3000);
  const demo = parseBoolean('DEMO', env.DEMO, !production);
  // DEMO signs anyone in as anyone, administrators included: never in production.
  if (production && demo) throw new ConfigError('DEMO', `must be off when NODE_ENV=production (DEMO=${env.DEMO ?? ''} signs anyone in as any demo user, administrators included)`);
  const sessionSecret = resolveSessionSecret(env.SESSION_SECRET, dataDir);
  return {
    port,
    dataDir,
    databaseUrl: parseDatabaseUrl(env.DATABASE_URL),
    databasePoolSize: parseInteger(env, 'DATABASE_POOL_SIZE', 10, 1, 1000),
    logLevel: parseLogLevel(env.LOG_LEVEL),
    sessionSecret,
    demo,
    production,
    publicUrl: parseUrl('PUBLIC_URL', env.PUBLIC_URL, `http://127.0.0.1:${port}`),
    scenariosDir: path.resolve(env.SCENARIOS_DIR || path.join(import.meta.dirname, '..', 'scenarios')),
    maxUploadBytes: parseInteger(env, 'MAX_UPLOAD_BYTES', DEFAULT_MAX_UPLOAD_BYTES, 1, 1024 * 1024 * 1024),
    worker: parseBoolean('WORKER', env.WORKER, true),
    deliveryMaxAttempts: parseInteger(env, 'DELIVERY_MAX_ATTEMPTS', 8, 1, 100),
    deliveryBackoffMs: parseInteger(env, 'DELIVERY_BACKOFF_MS', 1000, 1, 3_600_000),
    webhookTimeoutMs: parseInteger(env, 'WEBHOOK_TIMEOUT_MS', 10_000, 100, 300_000),
    loginRateLimit: parseInteger(env, 'LOGIN_RATE_LIMIT', 30, 1, 1_000_000),
    progressRateLimit: parseInteger(env, 'PROGRESS_RATE_LIMIT', 20, 1, 1_000_000),
    maxDraftsPerCitizen: parseInteger(env, 'MAX_DRAFTS_PER_CITIZEN', DEFAULT_MAX_DRAFTS, 1, 10_000),
    supplementDays: parseInteger(env, 'SUPPLEMENT_DAYS', DEFAULT_SUPPLEMENT_DAYS, 1, 365),
    ackStaleMinutes: parseInteger(env, 'ACK_STALE_MINUTES', 60, 1, 100_000),
    partitionMonthsAhead: parseInteger(env, 'PARTITION_MONTHS_AHEAD', 3, 1, 24),
    retentionMonths: parseRetentionMonths(env, 'RETENTION_MONTHS', 1),
    auditRetentionMonths: parseRetentionMonths(env, 'AUDIT_RETENTION_MONTHS', 6),
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    oidc: parseOidc(env),
    ...smsGateway(env, sessionSecret),
    ...materialStore(env),
    demoHumanDepartments: (env.DEMO_HUMAN_DEPARTMENTS ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    counterWindow: (env.COUNTER_WINDOW ?? '').trim().slice(0, 100) || DEFAULT_COUNTER_WINDOW,
  };
}

/** The window recorded on counter filings when COUNTER_WINDOW is unset. */
export const DEFAULT_COUNTER_WINDOW = '政务服务中心综合窗口';

/** The SMS gateway's signing secret when SMS_GATEWAY_SECRET is unset (the simulator derives the same). */
export function deriveSmsGatewaySecret(sessionSecret: string): string {
  return createHmac('sha256', sessionSecret).update('sms-gateway-secret').digest('base64url');
}

/** The SMS gateway (notices): its URL, its signing secret (derived like the department secrets unless set), its timeout. */
function smsGateway(env: Env, sessionSecret: string): Pick<Config, 'smsGatewayUrl' | 'smsGatewaySecret' | 'smsGatewayTimeoutMs'> {
  const url = env.SMS_GATEWAY_URL ? parseUrl('SMS_GATEWAY_URL', env.SMS_GATEWAY_URL, '') : undefined;
  const given = env.SMS_GATEWAY_SECRET ?? '';
  if (given !== '' && given.length < 16) throw new ConfigError('SMS_GATEWAY_SECRET', 'must be at least 16 characters long');
  return {
    smsGatewayUrl: url,
    smsGatewaySecret: given || deriveSmsGatewaySecret(sessionSecret),
    smsGatewayTimeoutMs: parseInteger(env, 'SMS_GATEWAY_TIMEOUT_MS', 5_000, 100, 120_000),
  };
}

/** MATERIAL_STORE and, for `s3`, the bucket and its credentials (S3_*). */
function materialStore(env: Env): Pick<Config, 'materialStore' | 's3'> {
  const kind = env.MATERIAL_STORE || 'fs';
  if (kind === 'fs') return { materialStore: 'fs', s3: undefined };
  if (kind !== 's3') throw new ConfigError('MATERIAL_STORE', `must be fs or s3, not "${kind}"`);
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new ConfigError(name, 'is required when MATERIAL_STORE=s3');
    return value;
  };
  const endpoint = env.S3_ENDPOINT ? parseUrl('S3_ENDPOINT', env.S3_ENDPOINT, '') : undefined;
  const prefix = env.S3_PREFIX ?? 'materials/';
  if (prefix !== '' && !/^[A-Za-z0-9._\-/]+\/$/.test(prefix)) throw new ConfigError('S3_PREFIX', 'must be letters, digits, . _ - / and end with /');
  return {
    materialStore: 's3',
    s3: {
      ...(endpoint ? { endpoint } : {}),
      region: env.S3_REGION || 'us-east-1',
      bucket: required('S3_BUCKET'),
      accessKeyId: required('S3_ACCESS_KEY_ID'),
      secretAccessKey: required('S3_SECRET_ACCESS_KEY'),
      // Self-hosted stores (MinIO…) are addressed by path; AWS itself by virtual host.
      forcePathStyle: parseBoolean('S3_FORCE_PATH_STYLE', env.S3_FORCE_PATH_STYLE, endpoint !== undefined),
      prefix,
      timeoutMs: parseInteger(env, 'S3_TIMEOUT_MS', 10_000, 100, 300_000),
    },
  };
}

/** For entry points: an invalid variable ends the process with a message naming it. */
export function orExit<T>(load: () => T): T {
  try {
    return load();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

export function loadConfigOrExit(): Config {
  return orExit(() => loadConfig());
}
