import { timingSafeEqual } from 'node:crypto';
import type { MiddlewareHandler } from 'hono';
import { AppError } from '../errors.js';

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Bearer-token guard for machine callers. When the token is not configured the routes behind it are off
 * (404), so nothing is ever open by default.
 */
export function requireBearer(token: string | undefined, what: string): MiddlewareHandler {
  return async (c, next) => {
    if (!token) throw new AppError('not_found', `${what} is off: set its token to enable it`);
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7) : '';
    if (!given || !sameSecret(given, token)) throw new AppError('unauthorized', 'a valid bearer token is required');
    await next();
  };
}
