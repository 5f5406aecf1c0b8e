// The web app: server-rendered pages under /app, sign-in at /signin, assets at /assets, the public help centre at
// /help. Mounted at '/' by src/api/app.ts; every middleware here is scoped to these paths so the JSON API is untouched.
import { Hono, type Context, type ErrorHandler, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from '../../app-deps.js';
import { publicBaseUrl } from '../../config.js';
import { AppError, errorMessage } from '../../errors.js';
import type { Logger } from '../../logger.js';
import { assetRoutes } from '../assets.js';
import { render, type WebEnv } from '../env.js';
import { ErrorPage } from '../pages/error.js';
import { LiveHub } from '../live.js';
import { adminRoutes } from './admin.js';
import { casePageRoutes } from './cases.js';
import { inboxRoutes } from './inbox.js';
import { messageFrameRoutes } from './messages.js';
import { playgroundRoutes } from './playground.js';
import { authRoutes } from './auth.js';
import { passwordResetRoutes } from './password-reset.js';
import { homeRoutes } from './home.js';
import { gapPageRoutes } from './gaps.js';
import { kbPageRoutes } from './kb.js';
import { savedReplyRoutes } from './saved-replies.js';
import { helpRoutes } from './help.js';
import { clearSessionCookie, csrfPasses, isSafeMethod, readSessionToken, sessionOf, type SessionConfig } from '../session-http.js';

const FORM_LIMIT_BYTES = 8 * 1024 * 1024;
const IMPORT_LIMIT_BYTES = 50 * 1024 * 1024;

/** No inline script or style anywhere: the pages load /assets/app.js and /assets/app.css only. */
const pageHeaders = secureHeaders({
  contentSecurityPolicy: {
    defaultSrc: ["'none'"],
    scriptSrc: ["'self'"],
    styleSrc: ["'self'"],
    // Article bodies may show images from the help site.
    imgSrc: ["'self'", 'https:'],
    connectSrc: ["'self'"],
    // The case page shows customer HTML in a sandboxed frame served by /app/messages/:id/html.
    frameSrc: ["'self'"],
    formAction: ["'self'"],
    frameAncestors: ["'none'"],
    baseUri: ["'none'"],
  },
  referrerPolicy: 'same-origin',
});

const formLimit: MiddlewareHandler = async (c, next) => {
  const maxSize = c.req.path === '/app/kb/import' ? IMPORT_LIMIT_BYTES : FORM_LIMIT_BYTES;
  return bodyLimit({ maxSize, onError: () => { throw new AppError('payload_too_large', `uploads are limited to ${maxSize / 1024 / 1024} MB`); } })(c, next);
};

/**
 * Every /app request needs a live session (else: sign-in, coming back here afterwards), and every state-changing one
 * the session's CSRF token plus a same-origin check.
 */
function sessionGate(db: AppDeps['database']['db'], config: SessionConfig): MiddlewareHandler<WebEnv> {
  return async (c, next) => {
    const session = await sessionOf(c, db, config);
    if (!session) {
      if (readSessionToken(c, config)) clearSessionCookie(c, config);
      if (c.req.header('x-requested-with') === 'fetch') return c.text('Your session has ended: sign in again.', 401);
      const url = new URL(c.req.url);
      const back = isSafeMethod(c.req.method) ? url.pathname + url.search : '/app';
      return c.redirect(`/signin?next=${encodeURIComponent(back)}`, 303);
    }
    const viewer = { id: session.principal.id, name: session.principal.name, email: session.userEmail, role: session.principal.role, csrf: session.csrfToken };
    if (!(await csrfPasses(c, session))) {
      return render(c, <ErrorPage status={403} viewer={viewer} message="This form has expired or came from another site. Reload the page and try again." />, 403);
    }
    c.set('viewer', viewer);
    c.set('principal', session.principal);
    await next();
  };
}

function pageErrors(log: Logger): ErrorHandler<WebEnv> {
  return (err, c: Context<WebEnv>) => {
    let status = 500;
    let message = 'Something went wrong on our side. Try again in a moment.';
    if (err instanceof AppError) {
      if (err.code === 'unauthorized') return c.redirect('/signin', 303);
      status = err.httpStatus;
      if (status < 500) message = err.message;
    } else if (err instanceof HTTPException && err.status < 500) {
      status = err.status;
      message = err.message || 'The request was not accepted.';
    } else {
      log.error({ err: errorMessage(err), path: c.req.path }, 'unexpected error in a web page');
    }
    const shown = ([400, 403, 404, 409, 413, 429, 500] as const).find((s) => s === status) ?? 500;
    return render(c, <ErrorPage status={shown} viewer={c.get('viewer')} message={message} />, shown);
  };
}

export type WebDeps = Pick<AppDeps, 'config' | 'database' | 'log' | 'knowledge' | 'review' | 'rawStore'>;

export function webRoutes(deps: WebDeps) {
  const db = deps.database.db;
  const onError = pageErrors(deps.log);
  const hub = new LiveHub(db);

  // The mail frame has its own headers (a frame-friendly CSP without scripts); it must not get the pages' ones.
  const frames = new Hono<WebEnv>();
  frames.use('*', sessionGate(db, deps.config));
  frames.route('/', messageFrameRoutes(db, deps.rawStore));
  frames.onError(onError);

  const pages = new Hono<WebEnv>();
  pages.use('*', pageHeaders, formLimit, sessionGate(db, deps.config));
  pages.route('/', homeRoutes(db, deps.config));
  pages.route('/', inboxRoutes({ db, review: deps.review, hub }));
  pages.route('/', casePageRoutes({ db, review: deps.review, rawStore: deps.rawStore, hub, config: deps.config }));
  pages.route('/kb/gaps', gapPageRoutes(db, deps.knowledge));
  pages.route('/kb', playgroundRoutes(deps.knowledge, db));
  pages.route('/kb', savedReplyRoutes(db));
  pages.route('/kb', kbPageRoutes(db, deps.knowledge, publicBaseUrl(deps.config)));
  pages.route('/admin', adminRoutes(db, deps.config, deps.knowledge));
  pages.all('*', (c) => render(c, <ErrorPage status={404} viewer={c.get('viewer')} message="There is no page at this address." />, 404));
  pages.onError(onError);

  const auth = new Hono<WebEnv>();
  auth.use('/signin', pageHeaders, bodyLimit({ maxSize: 64 * 1024 }));
  auth.use('/signin/*', pageHeaders, bodyLimit({ maxSize: 64 * 1024 }));
  auth.use('/reset-password', pageHeaders, bodyLimit({ maxSize: 64 * 1024 }));
  auth.use('/signout', pageHeaders);
  auth.route('/', authRoutes(db, deps.config));
  auth.route('/', passwordResetRoutes(db, deps.config));
  auth.onError(onError);

  // The public help centre: the pages' strict headers, no session (nothing there is personal or changes state).
  const help = new Hono<WebEnv>();
  help.use('*', pageHeaders);
  help.route('/', helpRoutes(db));
  help.onError(onError);

  // onError must be set before mounting: route() copies each sub-app's handlers together with its error handler.
  return new Hono().route('/', assetRoutes()).route('/', auth).route('/app/messages', frames).route('/app', pages).route('/help', help);
}
