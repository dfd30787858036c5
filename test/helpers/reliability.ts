import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { parse, stringify } from 'yaml';
import { createSimulator, type Simulator, type SimulatorOptions } from '../../server/simulator/app.js';
import { webhookSecretNames } from '../../server/simulator/config.js';
import { generateOutputs, type ProducedOutput } from '../../server/simulator/outputs.js';
import { departmentToken, webhookSecret } from '../../server/auth/secrets.js';
import type { Queryable } from '../../server/db/types.js';
import { captureLogger } from './app.js';
import { ApiClient, pdf, until, type TestServer } from './api.js';
import { ROOT, type Spawned } from './process.js';

/**
 * An HTTP server on a fixed port that can stop listening and start again on the same port: a
 * department system going down (connections refused) and coming back at the same address.
 * Counts the requests it served, so tests can tell which of several entry points was used.
 */
export interface Listener {
  readonly port: number;
  readonly url: string;
  readonly requests: number;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function listenOn(handler: http.RequestListener, port = 0): Promise<Listener> {
  let server: http.Server | undefined;
  let requests = 0;
  let bound = port;
  const start = async () => {
    if (server) return;
    const s = http.createServer((req, res) => {
      requests++;
      handler(req, res);
    });
    await new Promise<void>((resolve, reject) => {
      s.once('error', reject);
      s.listen(bound, '127.0.0.1', () => resolve());
    });
    bound = (s.address() as AddressInfo).port;
    server = s;
  };
  await start();
  return {
    get port() {
      return bound;
    },
    get url() {
      return `http://127.0.0.1:${bound}`;
    },
    get requests() {
      return requests;
    },
    start,
    async stop() {
      const s = server;
      if (!s) return;
      server = undefined;
      await new Promise<void>((resolve) => {
        s.close(() => resolve());
        s.closeAllConnections();
      });
    },
  };
}

export interface RunningSimulator {
  sim: Simulator;
  listener: Listener;
  close(): Promise<void>;
}

/**
 * The simulated departments on a stoppable listener, wired to an in-test server's credentials
 * (test/helpers/api.ts `startSimulator` has the same wiring but a listener that cannot be
 * stopped and restarted on its port).
 */
export async function simulatorFor(ts: TestServer, options: Partial<SimulatorOptions> = {}): Promise<RunningSimulator> {
  return serveSimulator({
    apiBase: ts.url,
    secretFor: (code) => (ts.parts.targetFor(code) ? ts.parts.webhookSecretFor(code) : undefined),
    tokenFor: (code) => ts.parts.departmentTokens.get(code),
    ...options,
  });
}

/**
 * The simulated departments for servers running as other processes, with a copy of scenarios/
 * that sends every department's sub-applications to it (give that folder to the processes as
 * SCENARIOS_DIR). Credentials derive from the processes' SESSION_SECRET exactly as the product
 * and `npm run simulate` derive them.
 */
export async function simulatorForProcesses(
  sessionSecret: string,
  apiBase: string,
  options: Partial<SimulatorOptions> = {},
): Promise<RunningSimulator & { scenariosDir: string }> {
  let names = new Map<string, string | undefined>();
  const running = await serveSimulator({
    apiBase,
    secretFor: (code) => (names.has(code) ? webhookSecret(sessionSecret, code, names.get(code)) : undefined),
    tokenFor: (code) => departmentToken(sessionSecret, code),
    ...options,
  });
  const scenariosDir = scenariosPointingAt(running.listener.url);
  names = webhookSecretNames(scenariosDir);
  return { ...running, scenariosDir };
}

/** Every department code in scenarios/departments.yaml. */
export function departmentCodes(): string[] {
  const doc = parse(readFileSync(path.join(ROOT, 'scenarios', 'departments.yaml'), 'utf8')) as { departments: Record<string, unknown> };
  return Object.keys(doc.departments);
}

async function serveSimulator(options: SimulatorOptions): Promise<RunningSimulator> {
  const sim = createSimulator({ processDelayMs: 20, callbackBackoffMs: 50, logger: captureLogger('silent').logger, ...options });
  const listener = await listenOn(sim.app);
  return {
    sim,
    listener,
    async close() {
      await sim.close();
      await listener.stop();
    },
  };
}

function secretVariable(code: string): string {
  return `${code.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}_WEBHOOK_SECRET`;
}

/**
 * A copy of scenarios/ in which every department, inbox ones included, is a webhook to
 * `${simUrl}/departments/<code>`, so a server process started on it sends everything to the
 * test's simulator. Kept outside the checkout: scenarios/ is one of the client build's sources.
 */
export function scenariosPointingAt(simUrl: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-scenarios-'));
  cpSync(path.join(ROOT, 'scenarios'), dir, { recursive: true });
  const file = path.join(dir, 'departments.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { departments: Record<string, { delivery: { channel: string; url?: string; secret?: string } }> };
  for (const [code, d] of Object.entries(doc.departments)) {
    d.delivery = { channel: 'webhook', url: `${simUrl}/departments/${code}`, secret: d.delivery.secret ?? secretVariable(code) };
  }
  writeFileSync(file, stringify(doc));
  return dir;
}

import { NEWBORN_WITH_CARD as NEWBORN } from '../fixtures/newborn.js';

export { NEWBORN };

export type Detail = {
  id: string;
  status: string;
  items: { id: string; itemId: string; department: string; status: string }[];
};

/** A filled-in newborn draft with every material it needs uploaded; returns its id. */
export async function newbornDraft(citizen: ApiClient, answers: Record<string, unknown> = NEWBORN): Promise<string> {
  const created = await citizen.post<{ id: string }>('/api/applications', { bundleId: 'newborn' });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  const id = created.body.id;
  const saved = await citizen.put(`/api/applications/${id}/answers`, { answers });
  expect(saved.status, JSON.stringify(saved.body)).toBe(200);
  const ev = await citizen.get<{ materials: { code: string; disposition: string }[] }>(`/api/applications/${id}/evaluation`);
  for (const m of ev.body.materials.filter((x) => x.disposition === 'upload')) {
    const up = await citizen.upload(`/api/applications/${id}/materials/${encodeURIComponent(m.code)}`, pdf(`${m.code} of ${id}`), `${m.code}.pdf`);
    expect(up.status, JSON.stringify(up.body)).toBe(201);
  }
  // 授权: the applicant allows the licences waived by sharing to be fetched (required to submit).
  expect((await citizen.post(`/api/applications/${id}/authorisation`)).status).toBe(200);
  return id;
}

/** Waits until every listed application (seen by its own applicant) has completed. */
export async function allCompleted(owners: ReadonlyMap<string, ApiClient>, timeoutMs: number): Promise<void> {
  const pending = new Set(owners.keys());
  await until(
    async () => {
      for (const id of [...pending]) {
        const d = await owners.get(id)!.get<Detail>(`/api/applications/${id}`);
        if (d.body.status === 'completed') pending.delete(id);
      }
      return pending.size === 0;
    },
    timeoutMs,
    `${pending.size} application(s) to complete`,
  );
}

export interface SubRow {
  id: string;
  application_id: string;
  department: string;
  status: string;
  round: number;
}

export async function subApplications(db: Queryable, applicationIds: readonly string[]): Promise<SubRow[]> {
  const { rows } = await db.query<SubRow>(
    'SELECT id, application_id, department, status, round FROM sub_applications WHERE application_id = ANY($1::uuid[]) ORDER BY application_id, position',
    [applicationIds],
  );
  return rows;
}

/**
 * The exactly-once evidence from the department's side: it processed the idempotency key of
 * each sub-application (this round) once, and no other key.
 */
export function expectProcessedOnce(byKey: Readonly<Record<string, number>>, subs: readonly SubRow[]): void {
  const keys = subs.map((s) => `${s.id}:${s.round}`).sort();
  expect(Object.keys(byKey).sort()).toEqual(keys);
  const repeated = Object.entries(byKey).filter(([, n]) => n !== 1);
  expect(repeated, 'idempotency keys processed more than once').toEqual([]);
}

/** …and from the product's side: each sub-application was recorded as delivered once. */
export async function expectRecordedDeliveredOnce(db: Queryable, subs: readonly SubRow[]): Promise<void> {
  const { rows } = await db.query<{ sub_application_id: string; n: number }>(
    `SELECT sub_application_id, count(*)::int AS n FROM sub_application_events
      WHERE status = 'delivered' AND sub_application_id = ANY($1::uuid[]) GROUP BY sub_application_id`,
    [subs.map((s) => s.id)],
  );
  const delivered = new Map(rows.map((r) => [r.sub_application_id, r.n]));
  const wrong = subs.filter((s) => delivered.get(s.id) !== 1).map((s) => `${s.id}: ${delivered.get(s.id) ?? 0}`);
  expect(wrong, "sub-applications without exactly one 'delivered' event").toEqual([]);
}

export async function expectDeliveredOnce(db: Queryable, byKey: Readonly<Record<string, number>>, subs: readonly SubRow[]): Promise<void> {
  expectProcessedOnce(byKey, subs);
  await expectRecordedDeliveredOnce(db, subs);
}

/** kill -9 of a spawned entry point (one node process: spawnTs runs it with tsx's loader, no launcher). */
export async function killHard(p: Spawned): Promise<void> {
  if (p.child.pid === undefined) return;
  p.child.kill('SIGKILL');
  await p.exited;
}

/** SIGTERM, then kill -9 of whatever has not stopped after a grace period. */
export async function stopProcess(p: Spawned, graceMs = 10_000): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const stopped = await Promise.race([p.exited.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), graceMs))]);
  if (!stopped) await killHard(p);
}

/**
 * Waits for a spawned process to be ready by `probe`, failing at once (with its output) if it
 * exits first: test/helpers/process.ts `waitFor` would keep probing a dead process until its timeout.
 */
export async function whenReady(p: Spawned, probe: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (p.child.exitCode !== null || p.child.signalCode !== null) throw new Error(`${what}: the process exited first:\n${p.output().slice(-3000)}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}:\n${p.output().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export async function healthy(url: string): Promise<boolean> {
  return (await fetch(`${url}/api/health`)).ok;
}

/**
 * Plays every department's staff through the department API with the departments' bearer
 * tokens, signing each write: accepts what was delivered and completes what was accepted.
 * Returns a stop function; calls that fail (the server being down) are simply tried again.
 */
export function playDepartments(base: string, credentials: ReadonlyMap<string, { token: string; secret: string }>): () => Promise<void> {
  let running = true;
  const play = async (code: string, api: ApiClient) => {
    while (running) {
      try {
        for (const [status, action] of [['delivered', 'accept'], ['accepted', 'complete']] as const) {
          const list = await api.get<{ id: string }[]>(`/api/departments/${code}/sub-applications?status=${status}`);
          if (list.status !== 200) continue;
          for (const { id } of list.body) {
            let outputs: Record<string, unknown> | undefined;
            if (action === 'complete') {
              const sub = await api.get<{ produces: ProducedOutput[] }>(`/api/sub-applications/${id}`);
              outputs = generateOutputs(sub.body.produces);
            }
            await api.post(`/api/sub-applications/${id}/actions`, { action, ...(outputs ? { outputs } : {}) });
          }
        }
      } catch {
        /* the server is down or restarting: the next round tries again */
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const loops = [...credentials].map(([code, { token, secret }]) => play(code, new ApiClient(base, token, secret)));
  return async () => {
    running = false;
    await Promise.all(loops);
  };
}
