import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

/**
 * Structured logs. Message bodies and addresses are logged only at debug level: call sites put them under
 * `customer` and the default level drops them by redaction, so an info-level log can be shared safely.
 * `destination` (default stdout) lets tests read what would have been written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const redact = level === 'debug' || level === 'trace' ? [] : ['customer', '*.customer'];
  const options = { level, redact: { paths: redact, remove: true }, base: { service: 'firstreply' } };
  return destination ? pino(options, destination) : pino(options);
}
