// Request limits for the API: how often (rate-limiter-flexible, counted in PostgreSQL so that every API process shares
// one count; in memory on the embedded database, which one process owns) and how much (body size).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Database, SqlExecutor } from '../db/client.js';
import { AppError } from '../errors.js';

/** Where the counts live: this process's memory, or a table every process on the same PostgreSQL shares. */
export type RateLimitStore = { kind: 'memory' } | { kind: 'postgres'; execute: SqlExecutor };

export const MEMORY_RATE_LIMITS: RateLimitStore = { kind: 'memory' };
/** rate-limiter-flexible's table (key, points, expire), created by the library itself. */
const TABLE = 'rate_limits';

/** rate-limiter-flexible's Postgres store calls `query({ text, values })` on a pool: the service's own connections. */
const storeClient = (execute: SqlExecutor) => ({
  query: async (q: { text: string; values?: unknown[] }) => {
    const result = await execute(q.text, q.values);
    const last = Array.isArray(result) ? result[result.length - 1]! : result;
    return { rowCount: last.rows.length, ...last };
  },
});

const CREATE_RACE_CODES = new Set(['23505', '42710', '42P07']);

/**
 * On PostgreSQL: creates the limiter table when missing (the library's own statement). On PGlite: memory. Processes
 * starting together on a fresh database race on CREATE TABLE IF NOT EXISTS: the loser gets a unique violation on the
 * catalogue (23505), 'type "rate_limits" already exists' (42710) or 'relation ... already exists' (42P07), and a second
 * try finds the table.
 */
export async function openRateLimitStore(database: Pick<Database, 'kind' | 'execute'>): Promise<RateLimitStore> {
  if (database.kind !== 'postgres') return MEMORY_RATE_LIMITS;
  const create = () => new Promise<void>((resolve, reject) => {
    new RateLimiterPostgres({ storeClient: storeClient(database.execute), storeType: 'pool', tableName: TABLE, points: 1, duration: 1, clearExpiredByTimeout: false }, (err?: unknown) => (err ? reject(err) : resolve()));
  });
  await create().catch((err: { code?: string }) => {
    if (!CREATE_RACE_CODES.has(err?.code ?? '')) throw err;
    return create();
  });
  return { kind: 'postgres', execute: database.execute };
}

/**
 * `burst` requests at once per key, and on average `ratePerSecond`: a window of burst / ratePerSecond seconds that
 * allows `burst` requests. On PostgreSQL a failing store falls back to counting in this process.
 */
export function createRateLimiter(store: RateLimitStore, name: string, { ratePerSecond, burst }: RateLimitOptions): RateLimiterAbstract {
  if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('a rate limit needs ratePerSecond > 0 and burst >= 1');
  const points = Math.floor(burst);
  const duration = Math.max(1, Math.ceil(points / ratePerSecond));
  const memory = new RateLimiterMemory({ keyPrefix: name, points, duration });
  if (store.kind === 'memory') return memory;
  return new RateLimiterPostgres({
    storeClient: storeClient(store.execute), storeType: 'pool', tableName: TABLE, tableCreated: true, keyPrefix: name, points, duration,
    insuranceLimiter: memory,
  });
}

export interface RateLimitOptions {
  /** steady requests per second per key */
  ratePerSecond: number;
  /** requests allowed at once per key */
  burst: number;
}

/** The peer address. X-Forwarded-For is not trusted (anyone can send it); behind a proxy all clients share its address. */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** 429 with Retry-After (whole seconds) and the standard error body when the key has used its requests. */
export function rateLimit(limiter: RateLimiterAbstract, keyOf: (c: Context) => string, what: string): MiddlewareHandler {
  return async (c, next) => {
    try {
      await limiter.consume(keyOf(c));
    } catch (refused) {
      if (!(refused instanceof RateLimiterRes)) throw refused;
      const seconds = Math.max(1, Math.ceil(refused.msBeforeNext / 1000));
      c.header('retry-after', String(seconds));
      throw new AppError('rate_limited', `too many requests to ${what}; try again in ${seconds} s`, true);
    }
    await next();
  };
}

/**
 * hono's bodyLimit, answering 413 from Content-Length before the body stream is touched: once hono has wrapped the
 * request body in a web stream, @hono/node-server can no longer drain what the client is still sending, resets the
 * connection, and the client sees "other side closed" instead of the 413. Bodies without a length are counted as
 * they stream in.
 */
export function boundedBody(maxSize: number, message: string): MiddlewareHandler {
  const tooLarge = (): never => { throw new AppError('payload_too_large', message); };
  const streaming = bodyLimit({
    maxSize,
    onError: (c) => {
      // The rest of a streamed body is not read: the connection cannot carry another request.
      c.header('connection', 'close');
      return tooLarge();
    },
  });
  return async (c, next) => {
    const length = c.req.header('content-length');
    if (length !== undefined && !c.req.header('transfer-encoding') && Number(length) > maxSize) tooLarge();
    return streaming(c, next);
  };
}
