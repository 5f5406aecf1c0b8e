import { randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { every } from 'hono/combine';
import { secureHeaders } from 'hono/secure-headers';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { Inbound } from '../mail/inbound.js';
import type { KnowledgeBase } from '../kb/knowledge.js';
import type { RawStore } from '../mail/raw-store.js';
import type { Metrics } from '../metrics.js';
import { webRoutes } from '../web/routes.js';
import { errorResponse } from './errors.js';
import { authenticate, requireRole } from './principal.js';
import { caseRoutes, messageRoutes } from './routes/cases.js';
import { inboundRoutes } from './routes/inbound.js';
import { kbRoutes } from './routes/kb.js';
import { reviewRoutes } from './routes/review.js';
import { reportRoutes } from './routes/reports.js';
import type { Review } from '../review/actions.js';
import { opsRoutes, type MailConnectionStatus } from './routes/ops.js';

export interface AppDeps {
  config: Config;
  database: Database;
  inbound: Inbound;
  metrics: Metrics;
  log: Logger;
  rawStore: RawStore;
  mailStatus(): MailConnectionStatus[];
  knowledge: KnowledgeBase;
  review: Review;
}

export function createApp(deps: AppDeps) {
  const app = new Hono();
  app.use(async (c, next) => {
    const requestId = c.req.header('x-request-id')?.slice(0, 100) || randomUUID();
    c.set('requestId' as never, requestId as never);
    c.header('x-request-id', requestId);
    await next();
  });
  app.use(secureHeaders());
  app.onError((err, c) => errorResponse(err, c, deps.log));
  app.notFound((c) => c.json({ error: { code: 'not_found', message: 'no such route', retryable: false } }, 404));

  app.route('/', opsRoutes(deps.database, deps.metrics, deps.mailStatus));
  app.route('/api/inbound', inboundRoutes(deps.inbound, deps.config.INBOUND_TOKEN, deps.config.MAX_MESSAGE_BYTES));
  const auth = authenticate(deps.database.db, deps.config);
  const operator = every(auth, requireRole('admin', 'agent'));
  app.route('/api/cases', caseRoutes(deps.database.db, operator));
  app.route('/api/review', reviewRoutes(deps.database.db, operator, deps.review));
  app.route('/api/reports', reportRoutes(deps.database.db, auth));
  app.route('/api/messages', messageRoutes(deps.database.db, operator, deps.rawStore));
  app.route('/api/kb', kbRoutes(deps.database.db, auth, deps.knowledge));
  app.route('/', webRoutes(deps));
  return app;
}
