import { pino, type Logger, type DestinationStream } from 'pino';
import { redactText } from './redact.js';
import type { LogLevel } from './config.js';

export type { Logger };

/**
 * Structured JSON logs. Every line passes through redactText before it leaves the process:
 * 公民身份号码, mobile numbers and names never reach a log in clear.
 */
export function createLogger(level: LogLevel, destination?: DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'yijianshi' },
      timestamp: pino.stdTimeFunctions.isoTime,
      hooks: { streamWrite: redactText },
      // Credentials never belong in a log, masked or not.
      redact: { paths: ['req.headers.cookie', 'req.headers.authorization', 'headers.cookie', 'headers.authorization'], remove: true },
    },
    destination,
  );
}
