// /app itself, the inbox placeholder and the dashboard.
import { Hono } from 'hono';
import { listCases } from '../../cases/queries.js';
import type { Db } from '../../db/client.js';
import { articleStatuses } from '../../db/schema/kb.js';
import { listArticles } from '../../kb/articles.js';
import { homeFor } from '../access.js';
import { render, type WebEnv } from '../env.js';
import { DashboardPage } from '../pages/dashboard.js';
import { InboxPage } from '../pages/inbox.js';
import { allow } from './guards.js';

const INBOX_LIMIT = 200;

export function homeRoutes(db: Db) {
  return new Hono<WebEnv>()
    .get('/', (c) => c.redirect(homeFor(c.get('viewer').role), 303))
    .get('/inbox', allow('inbox'), async (c) => {
      const cases = await listCases(db, { limit: INBOX_LIMIT });
      return render(c, <InboxPage viewer={c.get('viewer')} cases={cases} limit={INBOX_LIMIT} />);
    })
    .get('/dashboard', allow('dashboard'), async (c) => {
      const counts = await Promise.all(articleStatuses.map(async (status) => [status, (await listArticles(db, { status, limit: 1 })).total] as const));
      return render(c, <DashboardPage viewer={c.get('viewer')} articles={Object.fromEntries(counts)} />);
    });
}
