import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';
import { findPrincipalByToken, type Principal, type Role } from '../auth/tokens.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { AppError } from '../errors.js';
import { csrfPasses, sessionOf } from '../web/session-http.js';

/** Hono env for routes behind authenticate(): the principal is set when the bearer token was valid. */
export type AuthEnv = { Variables: { principal?: Principal } };

/** The configured API_TOKEN is the bootstrap credential: an admin, so a fresh install can create real tokens. */
const CONFIG_PRINCIPAL: Principal = { kind: 'config', id: 'config', name: 'API_TOKEN', role: 'admin' };

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Resolves `Authorization: Bearer ...` to a principal. It never rejects by itself: requireRole decides, so a
 * route can be public, and a missing or unknown token is reported the same way (401) wherever it is checked.
 * Without a bearer header, a web session cookie resolves to its user's principal; a state-changing request
 * authenticated that way must carry the session's CSRF token (x-csrf-token), else 403.
 */
export function authenticate(db: Db, config: Pick<Config, 'API_TOKEN' | 'COOKIE_SECURE' | 'SESSION_TTL_HOURS'>): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (given) {
      const principal = config.API_TOKEN && sameSecret(given, config.API_TOKEN) ? CONFIG_PRINCIPAL : await findPrincipalByToken(db, given);
      if (principal) c.set('principal', principal);
    } else if (!header) {
      const session = await sessionOf(c, db, config);
      if (session && !(await csrfPasses(c, session))) throw new AppError('forbidden', 'a request signed in by cookie needs the x-csrf-token header');
      if (session) c.set('principal', session.principal);
    }
    await next();
  };
}

export function requireRole(...allowed: Role[]): MiddlewareHandler<AuthEnv> {
  return async (c, next) => {
    const principal = c.get('principal');
    if (!principal) throw new AppError('unauthorized', 'a valid bearer token is required');
    if (!allowed.includes(principal.role)) {
      throw new AppError('forbidden', `this needs the role ${allowed.join(' or ')}; the token has the role ${principal.role}`);
    }
    await next();
  };
}

/** The caller of a route behind requireRole; its absence is a wiring bug, reported as 401 rather than a crash. */
export function principalOf(c: Context<AuthEnv>): Principal {
  const principal = c.get('principal');
  if (!principal) throw new AppError('unauthorized', 'a valid bearer token is required');
  return principal;
}
