import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * Structured logs. Message bodies and addresses are logged only at debug level: call sites put them under
 * `customer` and the default level drops them by redaction, so an info-level log can be shared safely.
 */
export function createLogger(level: string): Logger {
  const redact = level === 'debug' || level === 'trace' ? [] : ['customer', '*.customer'];
  return pino({ level, redact: { paths: redact, remove: true }, base: { service: 'firstreply' } });
}
