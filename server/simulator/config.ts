import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { ConfigError, loadConfig, parseInteger, parsePort, parseUrl, type Env, type LogLevel } from '../config.js';
import type { Latency } from './app.js';

/** Settings of the standalone simulator (`npm run simulate`), all from environment variables. */
export interface SimulatorConfig {
  port: number;
  host: string;
  /** The product the simulated departments report back to. */
  apiBase: string;
  logLevel: LogLevel;
  /** Department credentials derive from it, exactly as the product derives them. */
  sessionSecret: string;
  latencyMs: Latency;
  failureRate: number;
  processDelayMs: number;
  autoProcess: boolean | string[];
  /** How often it looks for cases still waiting on the departments, in ms (0: only at start). */
  reconcileEveryMs: number;
  scenariosDir: string;
}

function parseLatency(raw: string | undefined): Latency {
  if (raw === undefined || raw === '') return 0;
  const m = /^(\d+)(?:\s*-\s*(\d+))?$/.exec(raw.trim());
  const lo = Number(m?.[1]);
  const hi = m?.[2] === undefined ? lo : Number(m[2]);
  if (!m || hi < lo) throw new ConfigError('SIMULATOR_LATENCY_MS', `must be ms like "50" or a range like "20-200", got "${raw}"`);
  return lo === hi ? lo : [lo, hi];
}

function parseRate(raw: string | undefined): number {
  if (raw === undefined || raw === '') return 0;
  const n = Number(raw);
  if (!/^\d*\.?\d+$/.test(raw.trim()) || n > 1) throw new ConfigError('SIMULATOR_FAILURE_RATE', `must be a number from 0 to 1, got "${raw}"`);
  return n;
}

function parseAutoProcess(raw: string | undefined): boolean | string[] {
  if (raw === undefined || raw === '' || /^(all|1|true|on|yes)$/i.test(raw)) return true;
  if (/^(none|0|false|off|no)$/i.test(raw)) return false;
  const codes = raw.split(',').map((c) => c.trim()).filter(Boolean);
  const bad = codes.find((c) => !/^[a-z][a-zA-Z0-9]*$/.test(c));
  if (bad !== undefined) throw new ConfigError('SIMULATOR_AUTO_PROCESS', `"${bad}" is not a department code (use all, none or codes separated by commas)`);
  return codes;
}

export function loadSimulatorConfig(env: Env = process.env): SimulatorConfig {
  // The product's own settings: its port (where to call back), log level and session secret.
  const product = loadConfig(env);
  return {
    port: parsePort('SIMULATOR_PORT', env.SIMULATOR_PORT, 4100),
    host: env.SIMULATOR_HOST || '127.0.0.1',
    apiBase: parseUrl('SIMULATOR_API_BASE', env.SIMULATOR_API_BASE, `http://127.0.0.1:${product.port}`),
    logLevel: product.logLevel,
    sessionSecret: product.sessionSecret,
    latencyMs: parseLatency(env.SIMULATOR_LATENCY_MS),
    failureRate: parseRate(env.SIMULATOR_FAILURE_RATE),
    processDelayMs: parseInteger(env, 'SIMULATOR_PROCESS_DELAY_MS', 3000, 0, 86_400_000),
    autoProcess: parseAutoProcess(env.SIMULATOR_AUTO_PROCESS),
    reconcileEveryMs: 1000 * parseInteger(env, 'SIMULATOR_RECONCILE_SECONDS', 60, 0, 86_400),
    scenariosDir: path.resolve(env.SCENARIOS_DIR || './scenarios'),
  };
}

/**
 * Department code → the NAME of the environment variable holding its webhook secret (`secret:`
 * in departments.yaml or departments/*.yaml), for webhook departments. Only that one field is
 * read, leniently: the scenario loader is what validates these files.
 */
export function webhookSecretNames(scenariosDir: string): Map<string, string | undefined> {
  const files: string[] = [];
  const single = path.join(scenariosDir, 'departments.yaml');
  if (existsSync(single)) files.push(single);
  const dir = path.join(scenariosDir, 'departments');
  if (existsSync(dir)) for (const f of readdirSync(dir).sort()) if (/\.ya?ml$/.test(f)) files.push(path.join(dir, f));
  const names = new Map<string, string | undefined>();
  for (const file of files) {
    const doc: unknown = parse(readFileSync(file, 'utf8'));
    const departments = (doc as { departments?: unknown } | null)?.departments;
    if (!departments || typeof departments !== 'object') continue;
    for (const [code, dept] of Object.entries(departments as Record<string, unknown>)) {
      const delivery = (dept as { delivery?: { channel?: unknown; secret?: unknown } } | null)?.delivery;
      if (delivery?.channel !== 'webhook') continue;
      names.set(code, typeof delivery.secret === 'string' ? delivery.secret : undefined);
    }
  }
  return names;
}
