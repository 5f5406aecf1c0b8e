import pino, { type DestinationStream, type Logger } from 'pino';

export type { DestinationStream, Logger };

// drizzle's DrizzleQueryError message ends in "\nparams: <every bound value>" (raw mail, bodies, addresses), and
// PostgreSQL errors put row values in `detail` ("Key (message_id)=(…) already exists") and `where` ("JSON data, line 1: …").
// In a stack the values end where the frames begin.
const QUERY_PARAMS = /\nparams: (?!\(not logged\))[\s\S]*?(?=\n {4}at |$)/;
const scrub = (text: string) => text.replace(QUERY_PARAMS, '\nparams: (not logged)');

function scrubSerialized(err: Record<string, unknown>): Record<string, unknown> {
  const { params: _params, detail: _detail, where: _where, ...rest } = err;
  if (typeof rest.message === 'string') rest.message = scrub(rest.message);
  if (typeof rest.stack === 'string') rest.stack = scrub(rest.stack);
  return rest;
}

/** Every `err` logged, whether an Error or errorMessage(err)'s string, without a failed query's values. */
function errSerializer(err: unknown): unknown {
  if (typeof err === 'string') return scrub(err);
  if (!(err instanceof Error)) return err;
  // Scrubbed before pino appends the causes' messages and stacks (the driver's own error says what went wrong).
  const safe = QUERY_PARAMS.test(err.message)
    ? Object.assign(new Error(scrub(err.message), { cause: err.cause }), { stack: err.stack && scrub(err.stack), query: (err as { query?: unknown }).query })
    : err;
  return { ...scrubSerialized(pino.stdSerializers.err(safe) as unknown as Record<string, unknown>), type: err.constructor.name };
}

/**
 * Structured logs. Message bodies and addresses are logged only at debug level: call sites put them under
 * `customer` and the default level drops them by redaction, so an info-level log can be shared safely.
 * `destination` (default stdout) lets tests read what would have been written.
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const redact = level === 'debug' || level === 'trace' ? [] : ['customer', '*.customer'];
  const options = { level, redact: { paths: redact, remove: true }, base: { service: 'firstreply' }, serializers: { err: errSerializer } };
  return destination ? pino(options, destination) : pino(options);
}
