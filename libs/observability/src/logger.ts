import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/**
 * Structured JSON logs with fixed message strings. What guests said, their names and any secret never go
 * into a log line: the paths below are redacted wherever they appear.
 */
const REDACT = [
  'text',
  'name',
  'token',
  'apiKey',
  'passcode',
  'secret',
  '*.text',
  '*.name',
  '*.token',
  '*.apiKey',
  '*.passcode',
  '*.secret',
  'req.headers.authorization',
];

export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    level,
    base: { service },
    redact: { paths: REDACT, censor: '[redacted]' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
  });
}
