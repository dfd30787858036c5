import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from './log.js';

export const ROOT = path.resolve(import.meta.dirname, '..');
export const CLIENT_DIST = path.join(ROOT, 'dist', 'client');
const SOURCES = ['client', 'shared', 'scenarios', 'vite.config.ts'];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === 'node_modules' || entry === 'dist') continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

/** Builds the client when it has never been built or its sources changed since the last build. */
export async function ensureClientBuilt(logger: Logger): Promise<void> {
  const index = path.join(CLIENT_DIST, 'index.html');
  const builtAt = existsSync(index) ? statSync(index).mtimeMs : 0;
  const changedAt = Math.max(...SOURCES.map((s) => newestMtime(path.join(ROOT, s))));
  if (builtAt > changedAt) return;
  logger.info(builtAt ? 'client sources changed: rebuilding the client' : 'building the client (first start)');
  const { build } = await import('vite');
  // Always the production bundle: under NODE_ENV=test or development, React's development build
  // would be what `npm start` serves afterwards.
  const previous = process.env.NODE_ENV;
  process.env.NODE_ENV = 'production';
  try {
    await build({ configFile: path.join(ROOT, 'vite.config.ts'), logLevel: 'warn', mode: 'production' });
  } finally {
    if (previous === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = previous;
  }
}
