import { describe, it, expect } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, ConfigError, parseTrustProxy } from '../../server/config.js';
import { loadSimulatorConfig } from '../../server/simulator/config.js';

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'yjs-config-'));
}

describe('loadConfig', () => {
  it('runs with no configuration at all: port 3000, PGlite, demo on, info logs', () => {
    const dataDir = tmp();
    const c = loadConfig({ DATA_DIR: dataDir });
    expect(c).toMatchObject({ port: 3000, dataDir, databaseUrl: undefined, logLevel: 'info', demo: true, production: false });
  });

  it('generates SESSION_SECRET once and keeps it in DATA_DIR', () => {
    const dataDir = tmp();
    const first = loadConfig({ DATA_DIR: dataDir }).sessionSecret;
    expect(first).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(dataDir, 'session-secret'), 'utf8').trim()).toBe(first);
    expect(loadConfig({ DATA_DIR: dataDir }).sessionSecret).toBe(first);
  });

  it('uses a given SESSION_SECRET and refuses a short one', () => {
    const secret = 'x'.repeat(40);
    expect(loadConfig({ DATA_DIR: tmp(), SESSION_SECRET: secret }).sessionSecret).toBe(secret);
    expect(() => loadConfig({ DATA_DIR: tmp(), SESSION_SECRET: 'short' })).toThrow(/SESSION_SECRET/);
  });

  it('turns DEMO off by default in production, and honours an explicit value', () => {
    expect(loadConfig({ DATA_DIR: tmp(), NODE_ENV: 'production' }).demo).toBe(false);
    expect(loadConfig({ DATA_DIR: tmp(), NODE_ENV: 'production', DEMO: 'off' }).demo).toBe(false);
    expect(loadConfig({ DATA_DIR: tmp(), DEMO: '0' }).demo).toBe(false);
    expect(loadConfig({ DATA_DIR: tmp(), DEMO: 'on' }).demo).toBe(true);
  });

  it('trusts only the proxies TRUST_PROXY names, loopback by default, never any client', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).trustProxy).toEqual(['loopback']);
    expect(parseTrustProxy('none')).toEqual([]);
    expect(parseTrustProxy('loopback, 10.0.0.0/8,::1,uniquelocal')).toEqual(['loopback', '10.0.0.0/8', '::1', 'uniquelocal']);
    for (const bad of ['true', '1', '10.0.0.0/33', 'proxy.example', '10.0.0.1/8/1']) {
      expect(() => parseTrustProxy(bad)).toThrow(/^配置错误 \/ invalid configuration: TRUST_PROXY: must be none, or a comma list of loopback, linklocal, uniquelocal, IP addresses and CIDR ranges; got "/);
    }
  });

  it('reads MAX_DRAFTS_PER_CITIZEN, 20 by default', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).maxDraftsPerCitizen).toBe(20);
    expect(loadConfig({ DATA_DIR: tmp(), MAX_DRAFTS_PER_CITIZEN: '3' }).maxDraftsPerCitizen).toBe(3);
    expect(() => loadConfig({ DATA_DIR: tmp(), MAX_DRAFTS_PER_CITIZEN: '0' })).toThrow(/MAX_DRAFTS_PER_CITIZEN/);
  });

  it('refuses to start in production with DEMO on, naming both variables', () => {
    for (const on of ['1', 'on', 'true']) {
      const load = () => loadConfig({ DATA_DIR: tmp(), NODE_ENV: 'production', DEMO: on });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(`配置错误 / invalid configuration: DEMO: must be off when NODE_ENV=production (DEMO=${on} signs anyone in as any demo user, administrators included)`);
    }
  });

  it.each([
    ['PORT', 'eighty'],
    ['PORT', '70000'],
    ['PORT', '-1'],
    ['DEMO', 'maybe'],
    ['LOG_LEVEL', 'loud'],
    ['DATABASE_URL', 'mysql://localhost/db'],
    ['DATABASE_URL', 'not a url'],
  ])('refuses %s=%s with a message naming the variable', (name, value) => {
    let caught: unknown;
    try {
      loadConfig({ DATA_DIR: tmp(), [name]: value });
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).variable).toBe(name);
    expect((caught as Error).message).toContain(name);
  });

  it('keeps every month by default, and reads the retention settings with the audit log never under six months', () => {
    expect(loadConfig({ DATA_DIR: tmp() })).toMatchObject({ partitionMonthsAhead: 3, retentionMonths: undefined, auditRetentionMonths: undefined });
    expect(loadConfig({ DATA_DIR: tmp(), RETENTION_MONTHS: '0', AUDIT_RETENTION_MONTHS: '0' })).toMatchObject({ retentionMonths: undefined, auditRetentionMonths: undefined });
    expect(loadConfig({ DATA_DIR: tmp(), PARTITION_MONTHS_AHEAD: '6', RETENTION_MONTHS: '24', AUDIT_RETENTION_MONTHS: '60' })).toMatchObject({
      partitionMonthsAhead: 6,
      retentionMonths: 24,
      auditRetentionMonths: 60,
    });
    for (const [name, value] of [['AUDIT_RETENTION_MONTHS', '5'], ['RETENTION_MONTHS', '-1'], ['RETENTION_MONTHS', 'two'], ['PARTITION_MONTHS_AHEAD', '0']] as const) {
      expect(() => loadConfig({ DATA_DIR: tmp(), [name]: value }), `${name}=${value}`).toThrow(new RegExp(name));
    }
  });

  it('keeps ten PostgreSQL connections per process unless DATABASE_POOL_SIZE says otherwise (1–1000)', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).databasePoolSize).toBe(10);
    expect(loadConfig({ DATA_DIR: tmp(), DATABASE_POOL_SIZE: '40' }).databasePoolSize).toBe(40);
    for (const value of ['0', '1001', 'many', '2.5']) {
      expect(() => loadConfig({ DATA_DIR: tmp(), DATABASE_POOL_SIZE: value }), value).toThrow(/DATABASE_POOL_SIZE/);
    }
  });

  it('accepts a PostgreSQL URL and a valid port and log level', () => {
    const c = loadConfig({ DATA_DIR: tmp(), DATABASE_URL: 'postgres://root@127.0.0.1:5432/test', PORT: '8080', LOG_LEVEL: 'debug' });
    expect(c).toMatchObject({ databaseUrl: 'postgres://root@127.0.0.1:5432/test', port: 8080, logLevel: 'debug' });
  });
});

describe('loadSimulatorConfig (the same parsers as the product)', () => {
  it('defaults: port 4100, the product on its PORT, no latency, no failures', () => {
    const c = loadSimulatorConfig({ DATA_DIR: tmp(), PORT: '3456' });
    expect(c).toMatchObject({ port: 4100, host: '127.0.0.1', apiBase: 'http://127.0.0.1:3456', latencyMs: 0, failureRate: 0, processDelayMs: 3000, autoProcess: true });
  });

  it('reads every setting and names the variable it refuses', () => {
    const c = loadSimulatorConfig({ DATA_DIR: tmp(), SIMULATOR_PORT: '0', SIMULATOR_API_BASE: 'https://yjs.example.gov.cn/', SIMULATOR_LATENCY_MS: '20-200', SIMULATOR_FAILURE_RATE: '0.25', SIMULATOR_PROCESS_DELAY_MS: '10', SIMULATOR_AUTO_PROCESS: 'health,civil' });
    expect(c).toMatchObject({ port: 0, apiBase: 'https://yjs.example.gov.cn', latencyMs: [20, 200], failureRate: 0.25, processDelayMs: 10, autoProcess: ['health', 'civil'] });
    for (const [name, value] of [['SIMULATOR_PORT', '70000'], ['SIMULATOR_API_BASE', 'ftp://x'], ['SIMULATOR_PROCESS_DELAY_MS', '-1'], ['SIMULATOR_LATENCY_MS', '9-3'], ['SIMULATOR_FAILURE_RATE', '2']] as const) {
      expect(() => loadSimulatorConfig({ DATA_DIR: tmp(), [name]: value }), name).toThrow(new RegExp(name));
    }
  });
});
