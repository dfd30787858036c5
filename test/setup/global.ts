import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { PGlite } from '@electric-sql/pglite';
import { chromiumAvailable, CHROMIUM_PATH } from '../helpers/chromium.js';
import { ensureClientBuilt } from '../../server/client-build.js';
import { createLogger } from '../../server/log.js';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
  }
}

/**
 * Runs once before all suites. On CI a missing PostgreSQL server or Chromium fails the run here,
 * loudly, instead of letting the suites that need them skip.
 */
export default async function setup(project: TestProject): Promise<void> {
  if (process.env.CI === 'true') {
    const missing: string[] = [];
    if (!process.env.TEST_DATABASE_URL) missing.push('TEST_DATABASE_URL is not set (the PostgreSQL suites would not run)');
    if (!chromiumAvailable()) missing.push(`Chromium is missing at ${CHROMIUM_PATH} (the browser suites would not run)`);
    if (missing.length) throw new Error(`CI=true but:\n- ${missing.join('\n- ')}`);
  } else {
    if (!process.env.TEST_DATABASE_URL) console.warn('\n[test] TEST_DATABASE_URL unset: database suites run on PGlite only.\n');
    if (!chromiumAvailable()) console.warn(`\n[test] no Chromium at ${CHROMIUM_PATH}: browser suites are skipped.\n`);
  }

  // Browser suites and spawned servers share one client build; building it here keeps them from racing.
  await ensureClientBuilt(createLogger('warn'));

  // A fresh PGlite takes seconds to initialise; suites start theirs from this prepared copy instead.
  const pg = new PGlite();
  await pg.waitReady;
  const dump = await pg.dumpDataDir('none');
  await pg.close();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'yjs-pglite-'));
  const file = path.join(dir, 'template.tar');
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteTemplate', file);
}
