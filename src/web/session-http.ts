// The HTTP side of web sessions: which cookie, when it is Secure, and the CSRF rules for cookie-authenticated
// requests. Shared by the pages (src/web) and the API's authenticate() so both treat a session the same way.
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { csrf } from 'hono/csrf';
import { HTTPException } from 'hono/http-exception';
import { findSession, sameToken, type SessionInfo } from '../auth/sessions.js';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';

export type SessionConfig = Pick<Config, 'COOKIE_SECURE' | 'SESSION_TTL_HOURS'>;

// __Host- makes browsers refuse the cookie unless it is Secure, host-only and Path=/: no subdomain can plant one.
export const SECURE_COOKIE = '__Host-firstreply_session';
export const PLAIN_COOKIE = 'firstreply_session';
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

/** Whether the request reached us over HTTPS, directly or through a proxy that says so (X-Forwarded-Proto). */
export function isHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === 'https:') return true;
  return c.req.header('x-forwarded-proto')?.split(',')[0]?.trim().toLowerCase() === 'https';
}

export function secureCookies(c: Context, config: Pick<Config, 'COOKIE_SECURE'>): boolean {
  return config.COOKIE_SECURE === 'auto' ? isHttps(c) : config.COOKIE_SECURE === 'true';
}

/** Only the cookie matching the request's security is read: on HTTPS a plain cookie (settable by anyone on the network path or a sibling subdomain) is ignored. */
function cookieName(c: Context, config: SessionConfig): string {
  return secureCookies(c, config) ? SECURE_COOKIE : PLAIN_COOKIE;
}

export function readSessionToken(c: Context, config: SessionConfig): string | undefined {
  return getCookie(c, cookieName(c, config));
}

export function setSessionCookie(c: Context, config: SessionConfig, token: string, maxAgeSeconds: number): void {
  setCookie(c, cookieName(c, config), token, {
    httpOnly: true, secure: secureCookies(c, config), sameSite: 'Lax', path: '/', maxAge: maxAgeSeconds,
  });
}

export function clearSessionCookie(c: Context, config: SessionConfig): void {
  deleteCookie(c, cookieName(c, config), { httpOnly: true, secure: secureCookies(c, config), sameSite: 'Lax', path: '/' });
}

const SESSION_KEY = 'webSession';

/** The live session behind the request's cookie, looked up once per request. */
export async function sessionOf(c: Context, db: Db, config: SessionConfig): Promise<SessionInfo | null> {
  const cached = c.get(SESSION_KEY as never) as SessionInfo | null | undefined;
  if (cached !== undefined) return cached;
  const token = readSessionToken(c, config);
  const session = token ? await findSession(db, token, { ttlHours: config.SESSION_TTL_HOURS }) : null;
  c.set(SESSION_KEY as never, session as never);
  return session;
}

export const isSafeMethod = (method: string) => /^(GET|HEAD|OPTIONS)$/i.test(method);

/** hono's origin / Sec-Fetch-Site check; behind a TLS-terminating proxy the request URL says http while the browser's Origin says https. */
const originCheck = csrf({
  origin: (origin, c) => {
    const url = new URL(c.req.url);
    return origin === url.origin || origin === `${isHttps(c) ? 'https' : 'http'}://${c.req.header('host') ?? url.host}`;
  },
});

export async function originAllowed(c: Context): Promise<boolean> {
  try {
    await originCheck(c, async () => undefined);
    return true;
  } catch (err) {
    if (err instanceof HTTPException && err.status === 403) return false;
    throw err;
  }
}

/** The CSRF token a request carries: the x-csrf-token header, else the _csrf field of a form body. */
export async function csrfTokenOf(c: Context): Promise<string | undefined> {
  const header = c.req.header(CSRF_HEADER);
  if (header) return header;
  const type = c.req.header('content-type')?.split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'multipart/form-data') return undefined;
  const form = await c.req.parseBody({ all: true });
  const value = form[CSRF_FIELD];
  return typeof value === 'string' ? value : undefined;
}

/** A state-changing request authenticated by cookie must pass the origin check and carry its session's token. */
export async function csrfPasses(c: Context, session: SessionInfo): Promise<boolean> {
  if (isSafeMethod(c.req.method)) return true;
  if (!(await originAllowed(c))) return false;
  return sameToken(await csrfTokenOf(c), session.csrfToken);
}
