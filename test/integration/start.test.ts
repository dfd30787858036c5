import { describe, it, expect } from 'vitest';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { freePort, spawnTs, waitFor } from '../helpers/process.js';
import { postgresUrlWithSchema } from '../helpers/db.js';

async function health(port: number): Promise<{ status: number; body: unknown } | undefined> {
  const res = await fetch(`http://127.0.0.1:${port}/api/health`);
  return { status: res.status, body: await res.json() };
}

/** Starts the embedded server in a fresh data folder. */
function embedded(port: number, dataDir = mkdtempSync(path.join(os.tmpdir(), 'yjs-start-'))) {
  return { dataDir, server: spawnTs('server/main.ts', { PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info', DATABASE_URL: '' }) };
}

/** Starts again on a folder a stopped server left: it opens, and finds its migrations recorded. */
async function reopens(port: number, dataDir: string): Promise<void> {
  const { server } = embedded(port, dataDir);
  try {
    expect(await waitFor(() => health(port), 60_000, 'the health endpoint after restart')).toMatchObject({ status: 200 });
    expect(server.output()).not.toContain('migrations applied');
  } finally {
    server.child.kill('SIGTERM');
    await server.exited;
  }
}

describe('npm start (server/main.ts as its own process)', () => {
  it('runs on embedded PGlite with no configuration, serves the client, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const { dataDir, server } = embedded(port);
    try {
      const h = await waitFor(() => health(port), 60_000, 'the health endpoint');
      expect(h).toEqual({ status: 200, body: { status: 'ok', db: 'pglite' } });
      const page = await fetch(`http://127.0.0.1:${port}/some/client/route`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    } finally {
      server.child.kill('SIGKILL');
    }
    // The data directory was closed cleanly.
    await reopens(port, dataDir);
  }, 150_000);

  it('stops cleanly on a SIGTERM that comes while it is still starting, and the folder opens again', async () => {
    const port = await freePort();
    const { dataDir, server } = embedded(port);
    try {
      // The migrations are applied before the scenarios load and the ports open: still starting.
      await waitFor(async () => (server.output().includes('migrations applied') ? true : undefined), 60_000, 'the migrations');
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
      expect(server.output()).toContain('"msg":"stopped"');
    } finally {
      server.child.kill('SIGKILL');
    }
    await reopens(port, dataDir);
  }, 150_000);

  it('stops at start-up with a message naming an invalid variable', async () => {
    const server = spawnTs('server/main.ts', { PORT: 'eighty', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'yjs-start-')) });
    expect(await server.exited).toBe(1);
    expect(server.output()).toMatch(/PORT/);
  });

  it.runIf(process.env.TEST_DATABASE_URL)('runs on a PostgreSQL server when DATABASE_URL is set', async () => {
    const url = process.env.TEST_DATABASE_URL!;
    const schema = `t_start_${Date.now().toString(36)}`;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`CREATE SCHEMA ${schema}`);
    const port = await freePort();
    const server = spawnTs('server/main.ts', {
      PORT: String(port),
      DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'yjs-start-')),
      DATABASE_URL: postgresUrlWithSchema(url, schema),
    });
    try {
      expect(await waitFor(() => health(port), 60_000, 'the health endpoint')).toEqual({ status: 200, body: { status: 'ok', db: 'postgres' } });
      server.child.kill('SIGTERM');
      expect(await server.exited).toBe(0);
    } finally {
      server.child.kill('SIGKILL');
      await admin.query(`DROP SCHEMA ${schema} CASCADE`);
      await admin.end();
    }
  }, 90_000);
});
