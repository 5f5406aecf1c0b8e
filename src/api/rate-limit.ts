// Request limits for the API: how often (token buckets) and how much (body size).
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { AppError } from '../errors.js';

/**
 * Token buckets per key (a client IP, a token): `burst` requests at once, refilled at `ratePerSecond`. In-process and
 * in-memory like the sign-in limiter (src/web/rate-limit.ts, which counts failures in a window and fits failed
 * sign-ins, not a steady request rate): with several API processes each keeps its own buckets.
 */
export class TokenBucketLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly ratePerSecond: number,
    private readonly burst: number,
    private readonly now: () => number = Date.now,
    // Bounds memory when someone sprays many keys: the least recently used keys go first (a dropped key
    // starts again with a full bucket, which is what an idle key would have had anyway).
    private readonly maxKeys = 100_000,
  ) {
    if (!(ratePerSecond > 0) || !(burst >= 1)) throw new Error('a token bucket needs ratePerSecond > 0 and burst >= 1');
  }

  /** Takes a token: 0 when the request may go ahead, else the milliseconds until the next token. */
  take(key: string): number {
    const now = this.now();
    const bucket = this.buckets.get(key);
    const elapsed = bucket ? Math.max(0, now - bucket.at) : 0;
    let tokens = bucket ? Math.min(this.burst, bucket.tokens + (elapsed * this.ratePerSecond) / 1000) : this.burst;
    const allowed = tokens >= 1;
    if (allowed) tokens -= 1;
    this.buckets.delete(key);
    this.buckets.set(key, { tokens, at: now });
    if (this.buckets.size > this.maxKeys) this.buckets.delete(this.buckets.keys().next().value!);
    return allowed ? 0 : Math.max(1, Math.ceil(((1 - tokens) * 1000) / this.ratePerSecond));
  }
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

/** 429 with Retry-After (whole seconds) and the standard error body when the key's bucket is empty. */
export function rateLimit(limiter: TokenBucketLimiter, keyOf: (c: Context) => string, what: string): MiddlewareHandler {
  return async (c, next) => {
    const waitMs = limiter.take(keyOf(c));
    if (waitMs > 0) {
      c.header('retry-after', String(Math.ceil(waitMs / 1000)));
      throw new AppError('rate_limited', `too many requests to ${what}; try again in ${Math.ceil(waitMs / 1000)} s`, true);
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
