import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { secureHeaders } from 'hono/secure-headers';
import type { AppDeps } from '../app-deps.js';
import { webRoutes } from '../web/routes/index.js';
import { isHttps } from '../web/session-http.js';
import { errorResponse } from './errors.js';
import { boundedBody, type RateLimitOptions, type RateLimitStore } from './rate-limit.js';
import { authenticate } from './principal.js';
import { declaredRoutes, type DeclaredRoute } from './route-registry.js';
import { openApiRoutes } from './routes/openapi.js';
import { caseRoutes, messageRoutes } from './routes/cases.js';
import { DEFAULT_INBOUND_RATE_LIMIT, inboundRoutes } from './routes/inbound.js';
import { kbRoutes } from './routes/kb.js';
import { reviewRoutes } from './routes/review.js';
import { reportRoutes } from './routes/reports.js';
import { gapRoutes } from './routes/gaps.js';
import { jobRoutes } from './routes/jobs.js';
import { opsRoutes } from './routes/ops.js';

export interface ApiLimits {
  /** the largest body of any /api request, except the routes in OWN_BODY_LIMITS */
  jsonBodyMaxBytes: number;
  /** POST /api/inbound/raw, per client IP and per token */
  inboundRateLimit: RateLimitOptions;
  /** Strict-Transport-Security max-age, sent only on HTTPS requests (directly or X-Forwarded-Proto); 0 = never */
  hstsMaxAgeSeconds: number;
}

export const DEFAULT_API_LIMITS: ApiLimits = {
  jsonBodyMaxBytes: 1024 * 1024,
  inboundRateLimit: DEFAULT_INBOUND_RATE_LIMIT,
  hstsMaxAgeSeconds: 180 * 24 * 3600,
};

/** Routes with a larger limit of their own (raw mail up to MAX_MESSAGE_BYTES, knowledge-base imports up to 50 MiB). */
const OWN_BODY_LIMITS = new Set(['/api/inbound/raw', '/api/kb/import']);

/** Responses without a policy of their own (JSON, CSV, text, raw mail) load nothing and may not be framed. */
const API_CSP = "default-src 'none'; frame-ancestors 'none'";
/**
 * An HTML response that set no policy (an error page rendered outside the pages' middleware, e.g. in the mail
 * frame): no script at all, the app's own CSS, and framing by our own pages only, as the mail frame is.
 */
const FALLBACK_HTML_CSP = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'self'; base-uri 'none'";

/** The service's parts, and the request limits and security headers (defaults in DEFAULT_API_LIMITS until they are configuration). */
export function createApp(deps: AppDeps & { limits?: Partial<ApiLimits>; /** where rate limits are counted (openRateLimitStore); in memory when absent */ rateLimitStore?: RateLimitStore }) {
  const app = new Hono();
  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId' as never, requestId as never);
    c.header('x-request-id', requestId);
    await next();
  });
  const limits = { ...DEFAULT_API_LIMITS, ...deps.limits };
  // HSTS is decided here for every response (the pages' own secureHeaders would send it over plain HTTP too), and a
  // response that set no CSP of its own gets one.
  app.use(async (c, next) => {
    await next();
    if (limits.hstsMaxAgeSeconds > 0 && isHttps(c)) c.res.headers.set('strict-transport-security', `max-age=${limits.hstsMaxAgeSeconds}; includeSubDomains`);
    else c.res.headers.delete('strict-transport-security');
    const type = c.res.headers.get('content-type') ?? '';
    if (!c.res.headers.has('content-security-policy')) c.res.headers.set('content-security-policy', type.startsWith('text/html') ? FALLBACK_HTML_CSP : API_CSP);
  });
  // Defaults for every response; a header the web app set for its pages or the mail frame (overwrite: false) is kept.
  app.use(secureHeaders({ strictTransportSecurity: false, overwrite: false }));
  const jsonLimit = boundedBody(limits.jsonBodyMaxBytes, `request bodies are limited to ${limits.jsonBodyMaxBytes} bytes`);
  app.use('/api/*', (c, next) => (OWN_BODY_LIMITS.has(c.req.path) ? next() : jsonLimit(c, next)));
  app.onError((err, c) => errorResponse(err, c, deps.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route', retryable: false } }, 404));

  app.route('/', opsRoutes(deps.database, deps.metrics, deps.mailStatus, () => deps.queue.counts()));
  // Every /api route is mounted through `api`, which also collects its declaration for /api/openapi.json.
  const documented: DeclaredRoute[] = [];
  const api = (prefix: string, routes: Hono<any>) => {
    app.route(prefix, routes);
    for (const route of declaredRoutes(routes)) documented.push({ ...route, path: route.path === '/' ? prefix : prefix + route.path });
  };
  api('/api/inbound', inboundRoutes(deps.inbound, deps.config.INBOUND_TOKEN, deps.config.MAX_MESSAGE_BYTES, { rateLimit: limits.inboundRateLimit, store: deps.rateLimitStore }));
  const auth = authenticate(deps.database.db, deps.config);
  api('/api/cases', caseRoutes(deps.database.db, auth));
  api('/api/review', reviewRoutes(deps.database.db, auth, deps.review));
  api('/api/reports', reportRoutes(deps.database.db, auth));
  api('/api/messages', messageRoutes(deps.database.db, auth, deps.rawStore));
  api('/api/kb/gaps', gapRoutes(deps.database.db, auth, deps.embedder, { knowledge: deps.knowledge, chat: deps.chat, log: deps.log }));
  api('/api/kb', kbRoutes(deps.database.db, auth, deps.knowledge));
  api('/api/jobs', jobRoutes(deps.database.db, auth, deps.queue));
  api('/api', openApiRoutes(() => documented));
  app.route('/', webRoutes(deps));
  return app;
}
