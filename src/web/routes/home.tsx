// /app itself and the dashboard (charts from src/insight/reports/, each with a CSV export).
import { Hono, type Context } from 'hono';
import type { Config } from '../../config.js';
import type { Db } from '../../db/client.js';
import { articleStatuses } from '../../db/schema/kb.js';
import { assertTimeZone, localDate, localDateStart } from '../../domain/time-zone.js';
import type { ReportFilter } from '../../insight/reports/query.js';
import { listArticles } from '../../kb/articles.js';
import { AppError } from '../../errors.js';
import { homeFor } from '../access.js';
import { chartCsv, chartIds, dashboardData, type ChartId } from '../dashboard-data.js';
import { render, type WebEnv } from '../env.js';
import { DashboardPage, type DashboardFilters } from '../pages/dashboard.js';
import { listMailboxNames } from '../../mailboxes/queries.js';
import { allow } from './guards.js';

const DEFAULT_DAYS = 30;

function dashboardFilters(c: Context, defaultTz: string): { filters: DashboardFilters; report: ReportFilter; query: string } {
  const q = c.req.query();
  const tz = (q.tz ?? '').trim() || defaultTz;
  assertTimeZone(tz);
  const today = localDate(new Date(), tz);
  const to = /^\d{4}-\d\d-\d\d$/.test(q.to ?? '') ? q.to! : today;
  const from = /^\d{4}-\d\d-\d\d$/.test(q.from ?? '') ? q.from! : localDate(new Date(localDateStart(to, tz).getTime() - (DEFAULT_DAYS - 1) * 86_400_000), tz);
  const bucket = (['day', 'week', 'month'] as const).find((b) => b === q.bucket) ?? 'day';
  const mailbox = /^\d{1,9}$/.test(q.mailbox ?? '') ? q.mailbox! : '';
  if (from > to) throw new AppError('bad_request', 'The start date is after the end date.');
  const filters = { from, to, bucket, mailbox, tz };
  const report: ReportFilter = { from: localDateStart(from, tz), to: localDateStart(to, tz, 1), timeZone: tz, bucket, ...(mailbox ? { mailboxId: Number(mailbox) } : {}) };
  const query = `?${new URLSearchParams(Object.entries(filters).filter(([, v]) => v) as [string, string][]).toString()}`;
  return { filters, report, query };
}

export function homeRoutes(db: Db, config: Pick<Config, 'TIME_ZONE'>) {
  return new Hono<WebEnv>()
    .get('/', (c) => c.redirect(homeFor(c.get('viewer').role), 303))
    .get('/dashboard', allow('dashboard'), async (c) => {
      const { filters, report, query } = dashboardFilters(c, config.TIME_ZONE);
      const [counts, data, names] = await Promise.all([
        Promise.all(articleStatuses.map(async (status) => [status, (await listArticles(db, { status, limit: 1 })).total] as const)),
        dashboardData(db, report),
        listMailboxNames(db),
      ]);
      return render(c, (
        <DashboardPage viewer={c.get('viewer')} articles={Object.fromEntries(counts)} filters={filters} query={query}
          mailboxes={[...names].map(([id, label]) => ({ id, label }))} {...data} />
      ));
    })
    .get('/dashboard/:file{[a-z-]+\\.csv}', allow('dashboard'), async (c) => {
      const id = c.req.param('file').replace(/\.csv$/, '') as ChartId;
      if (!chartIds.includes(id)) throw new AppError('not_found', 'no such chart');
      const { filters, report } = dashboardFilters(c, config.TIME_ZONE);
      const chart = (await dashboardData(db, report)).charts.find((x) => x.id === id)!;
      return c.body(chartCsv(chart), 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="firstreply-${id}-${filters.from}-${filters.to}.csv"`,
        'cache-control': 'no-store',
      });
    });
}
