import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { casePriorities } from '../../db/schema/cases.js';
import { AppError } from '../../errors.js';
import { articlePerformance } from '../../insight/article-performance.js';
import { localDate, localDateStart } from '../../domain/time-zone.js';
import { toCsv } from '../../insight/reports/csv.js';
import { reportBuckets, type ReportBucket, type ReportFilter } from '../../insight/reports/query.js';
import { responseTimes, type ResponseBucket } from '../../insight/reports/response-times.js';
import { slaAttainment } from '../../insight/reports/sla-attainment.js';
import { volumes } from '../../insight/reports/volumes.js';
import { reportTimeZone } from '../../insight/reports/zone.js';
import type { AuthEnv } from '../principal.js';
import { apiRoutes } from '../route-registry.js';

const DEFAULT_DAYS = 30;
const RESPONSE_COLUMNS: (keyof ResponseBucket)[] = [
  'start', 'cases', 'acknowledged', 'ackMedianSeconds', 'ackP90Seconds', 'firstHumanReplies', 'firstHumanMedianMinutes',
  'firstHumanP90Minutes', 'resolved', 'resolutionMedianHours', 'slaMet', 'slaBreached', 'slaAttainment',
];
const VOLUME_COLUMNS = ['start', 'messages', 'cases', 'acknowledged', 'suppressed', 'escalated', 'answeredFromKb'];
const SLA_COLUMNS = ['mailboxId', 'priority', 'kind', 'met', 'breached', 'attainment'];
const ARTICLE_COLUMNS = ['articleId', 'version', 'title', 'suggested', 'cited', 'approvedUnchanged', 'edited', 'rejected', 'deflected'];
const COMPETING_COLUMNS = ['a', 'aTitle', 'b', 'bTitle', 'sharedQuestions', 'example', 'exampleReference'];

const common = {
  /** YYYY-MM-DD (a local date in tz: from its start; `to` inclusive, up to the end of that day) or an ISO instant with Z / offset */
  from: z.string().max(40).optional(),
  to: z.string().max(40).optional(),
  tz: z.string().max(64).optional(),
  format: z.enum(['json', 'csv']).default('json'),
};
const reportQuery = z.object({
  ...common,
  bucket: z.enum(reportBuckets as [ReportBucket, ...ReportBucket[]]).default('day'),
  mailbox: z.coerce.number().int().positive().optional(),
  language: z.string().min(1).max(10).optional(),
  category: z.string().min(1).max(100).optional(),
  priority: z.enum(casePriorities).optional(),
});
const articleQuery = z.object({
  ...common,
  part: z.enum(['articles', 'never-matched', 'competing']).default('articles'),
  margin: z.coerce.number().min(0).max(1).optional(),
  minShared: z.coerce.number().int().min(1).max(100_000).optional(),
});

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:\d{2})$/i;

/** A date-only bound is a local day in tz; `inclusiveEnd` makes `to=2026-10-31` cover all of that day. */
function parseBound(name: string, value: string, timeZone: string, inclusiveEnd: boolean): Date {
  if (DATE_ONLY.test(value)) return localDateStart(value, timeZone, inclusiveEnd ? 1 : 0);
  const at = INSTANT.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(at.getTime())) throw new AppError('bad_request', `${name}: expected YYYY-MM-DD or an ISO date-time with Z or an offset (got '${value}')`);
  return at;
}

function csvResponse(c: Context, name: string, csv: string): Response {
  return c.body(csv, 200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${name.replace(/[^A-Za-z0-9._-]/g, '_')}.csv"`,
  });
}

/**
 * Reports for the dashboard and spreadsheets: JSON by default, `?format=csv` for a download. Readable by every role.
 * Query: from, to (YYYY-MM-DD local dates in tz, `to` inclusive; or ISO instants), tz (IANA; default the mailbox's
 * zone when `mailbox` is given, else UTC), bucket (day|week|month), mailbox, language, category, priority.
 */
export function reportRoutes(db: Db, auth: MiddlewareHandler<AuthEnv>) {
  async function filterOf(q: z.output<typeof reportQuery>) {
    const timeZone = await reportTimeZone(db, q.tz, q.mailbox);
    const now = new Date();
    const to = q.to ? parseBound('to', q.to, timeZone, true) : localDateStart(localDate(now, timeZone), timeZone, 1);
    const from = q.from ? parseBound('from', q.from, timeZone, false) : localDateStart(localDate(new Date(to.getTime() - 1), timeZone), timeZone, 1 - DEFAULT_DAYS);
    const filter: ReportFilter = {
      from, to, timeZone, bucket: q.bucket,
      ...(q.mailbox !== undefined ? { mailboxId: q.mailbox } : {}),
      ...(q.language ? { language: q.language } : {}),
      ...(q.category ? { category: q.category } : {}),
      ...(q.priority ? { priority: q.priority } : {}),
    };
    const label = `${localDate(from, timeZone)}_${localDate(new Date(to.getTime() - 1), timeZone)}`;
    const echo = { ...filter, from: from.toISOString(), to: to.toISOString() };
    return { filter, format: q.format, label, echo };
  }

  const report = (path: string, summary: string) => ({
    method: 'get' as const, path, summary, query: reportQuery,
    responses: { 200: { description: 'format=json: { filter, … }; format=csv: a download', contentType: 'application/json' } },
  });
  return apiRoutes({ authenticate: auth, access: { roles: ['admin', 'agent', 'knowledge_manager'] } })
    .route(report('/response-times', 'Acknowledgement, first human reply and resolution times per bucket'), async (c, { query }) => {
      const { filter, format, label, echo } = await filterOf(query);
      const result = await responseTimes(db, filter);
      if (format === 'csv') return csvResponse(c, `response-times_${label}`, toCsv([...result.buckets, result.total] as unknown as Record<string, unknown>[], RESPONSE_COLUMNS));
      return c.json({ filter: echo, ...result });
    })
    .route(report('/volumes', 'Messages and cases per bucket, by language and category'), async (c, { query }) => {
      const { filter, format, label, echo } = await filterOf(query);
      const result = await volumes(db, filter);
      if (format === 'csv') {
        const languages = [...new Set(result.buckets.flatMap((b) => Object.keys(b.byLanguage)))].sort();
        const categories = [...new Set(result.buckets.flatMap((b) => Object.keys(b.byCategory)))].sort();
        const rows = result.buckets.map(({ byLanguage, byCategory, ...rest }) => ({
          ...rest,
          ...Object.fromEntries(languages.map((l) => [`language:${l}`, byLanguage[l] ?? 0])),
          ...Object.fromEntries(categories.map((k) => [`category:${k}`, byCategory[k] ?? 0])),
        }));
        const columns = [...VOLUME_COLUMNS, ...languages.map((l) => `language:${l}`), ...categories.map((k) => `category:${k}`)];
        return csvResponse(c, `volumes_${label}`, toCsv(rows, columns));
      }
      return c.json({ filter: echo, ...result });
    })
    .route(report('/sla', 'SLA attainment per mailbox, priority and kind'), async (c, { query }) => {
      const { filter, format, label, echo } = await filterOf(query);
      const result = await slaAttainment(db, filter);
      if (format === 'csv') return csvResponse(c, `sla_${label}`, toCsv(result.rows as unknown as Record<string, unknown>[], SLA_COLUMNS));
      return c.json({ filter: echo, ...result });
    })
    .route({
      method: 'get', path: '/articles', summary: 'How each article performed; part=never-matched|competing for the other lists', query: articleQuery,
      responses: { 200: { description: 'format=json: { filter, articles, neverMatched, competing }; format=csv: the part as a download', contentType: 'application/json' } },
    }, async (c, { query: q }) => {
      const timeZone = await reportTimeZone(db, q.tz, undefined);
      const from = q.from ? parseBound('from', q.from, timeZone, false) : undefined;
      const to = q.to ? parseBound('to', q.to, timeZone, true) : undefined;
      const result = await articlePerformance(db, { from, to, margin: q.margin, minShared: q.minShared });
      if (q.format === 'csv') {
        const label = `${from ? localDate(from, timeZone) : 'start'}_${to ? localDate(new Date(to.getTime() - 1), timeZone) : 'now'}`;
        if (q.part === 'never-matched') return csvResponse(c, `articles-never-matched_${label}`, toCsv(result.neverMatched, ['articleId', 'title']));
        if (q.part === 'competing') return csvResponse(c, `articles-competing_${label}`, toCsv(result.competing as unknown as Record<string, unknown>[], COMPETING_COLUMNS));
        return csvResponse(c, `articles_${label}`, toCsv(result.articles as unknown as Record<string, unknown>[], ARTICLE_COLUMNS));
      }
      return c.json({ filter: { from: from?.toISOString() ?? null, to: to?.toISOString() ?? null, timeZone }, ...result });
    })
    .hono;
}
