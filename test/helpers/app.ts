import { Writable } from 'node:stream';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../../server/config.js';
import { createLogger, type Logger } from '../../server/log.js';

/** A logger whose every line is kept, so a test can read exactly what would have been written. */
export function captureLogger(level: Config['logLevel'] = 'info'): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      done();
    },
  });
  return { logger: createLogger(level, stream), lines };
}

export function testConfig(overrides: Record<string, string> = {}): Config {
  return loadConfig({ DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'yjs-data-')), LOG_LEVEL: 'silent', ...overrides });
}
