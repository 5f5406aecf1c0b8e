// GET / (to the start page or sign-in), GET/POST /signin and POST /signout.
import { getConnInfo } from '@hono/node-server/conninfo';
import { Hono, type Context } from 'hono';
import { createSession, deleteSession, purgeExpiredSessions } from '../../auth/sessions.js';
import { checkCredentials, normalizeEmail } from '../../auth/users.js';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { homeFor, safeNext } from '../access.js';
import { field, formOf, render } from '../env.js';
import { ErrorPage } from '../pages/error.js';
import { SignInPage } from '../pages/signin.js';
import { SignInThrottle } from '../signin-throttle.js';
import { clearSessionCookie, csrfPasses, originAllowed, readSessionToken, sessionOf, setSessionCookie } from '../session-http.js';

type AuthConfig = Pick<Config, 'COOKIE_SECURE' | 'SESSION_TTL_HOURS' | 'SIGNIN_MAX_ATTEMPTS_PER_15MIN'>;

// One message for unknown email, wrong password and disabled account: the form must not reveal who has an account.
export const SIGNIN_FAILED = 'The email or password is not right.';
export const WINDOW_MS = 15 * 60_000;

/** The peer address. X-Forwarded-For is not trusted (anyone can send it); behind a proxy all clients share its address. */
export function clientIp(c: Context): string {
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

export function waitText(ms: number): string {
  if (ms < 60_000) {
    const seconds = Math.max(1, Math.ceil(ms / 1000));
    return `${seconds} second${seconds === 1 ? '' : 's'}`;
  }
  const minutes = Math.ceil(ms / 60_000);
  return `${minutes} minute${minutes === 1 ? '' : 's'}`;
}

export function authRoutes(db: Db, config: AuthConfig) {
  // In-process (see rate-limit.ts): failures per client address + account with a growing delay, and per client
  // address; never per email alone, so nobody can lock a named user out from elsewhere (signin-throttle.ts).
  const throttle = new SignInThrottle({ maxFailures: config.SIGNIN_MAX_ATTEMPTS_PER_15MIN, windowMs: WINDOW_MS });

  return new Hono()
    // The bare address leads somewhere useful: the viewer's start page, or sign-in.
    .get('/', async (c) => {
      const session = await sessionOf(c, db, config);
      return c.redirect(session ? homeFor(session.principal.role) : '/signin', 303);
    })
    .get('/signin', async (c) => {
      const next = safeNext(c.req.query('next'));
      const session = await sessionOf(c, db, config);
      if (session) return c.redirect(next ?? homeFor(session.principal.role), 303);
      return render(c, <SignInPage next={next} notice={c.req.query('done')} />);
    })
    .post('/signin', async (c) => {
      if (!(await originAllowed(c))) return render(c, <ErrorPage status={403} message="This sign-in form came from another site." />, 403);
      const form = await formOf(c);
      const email = normalizeEmail(field(form, 'email')).slice(0, 254);
      const password = field(form, 'password');
      const next = safeNext(field(form, 'next'));
      const ip = clientIp(c);
      const waitMs = throttle.retryAfterMs(ip, email);
      if (waitMs > 0) {
        c.header('retry-after', String(Math.ceil(waitMs / 1000)));
        return render(c, <SignInPage email={email} next={next} error={`Too many sign-in attempts. Try again in ${waitText(waitMs)}.`} />, 429);
      }
      const user = email && password ? await checkCredentials(db, email, password) : null;
      if (!user) {
        throttle.fail(ip, email);
        return render(c, <SignInPage email={email} next={next} error={SIGNIN_FAILED} />, 401);
      }
      throttle.succeed(ip, email);
      // A fresh session id at every sign-in: a cookie planted before sign-in (session fixation) stays worthless.
      const previous = readSessionToken(c, config);
      if (previous) await deleteSession(db, previous);
      await purgeExpiredSessions(db);
      const session = await createSession(db, user.id, { ttlHours: config.SESSION_TTL_HOURS, userAgent: c.req.header('user-agent') });
      setSessionCookie(c, config, session.token, session.maxAgeSeconds);
      return c.redirect(next ?? homeFor(user.role), 303);
    })
    .post('/signout', async (c) => {
      const session = await sessionOf(c, db, config);
      if (!session) return c.redirect('/signin', 303);
      if (!(await csrfPasses(c, session))) {
        return render(c, <ErrorPage status={403} message="This form has expired or came from another site. Reload the page and try again." />, 403);
      }
      await deleteSession(db, readSessionToken(c, config)!);
      clearSessionCookie(c, config);
      return c.redirect('/signin?done=signed-out', 303);
    });
}
