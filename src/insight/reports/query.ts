// Reports: first-response time (the automatic acknowledgement and the first human reply apart), resolution time,
// SLA attainment and volumes, in buckets of local days, weeks or months of a time zone.
//
// Definitions (one place, so the API, the CSV and the dashboard say the same thing):
// - A case belongs to the bucket in which it opened. "Opened" = when its first message was received
//   (min inbound_messages.received_at of the case; cases.created_at when it has none): the customer's clock,
//   not the pipeline's. from is inclusive, to exclusive.
// - Buckets are local calendar units: date_trunc(bucket, ts AT TIME ZONE tz), so the 25-hour day of a DST change
//   is one day and 23:30 UTC can be the next local day. Weeks start on Monday (ISO).
// - Acknowledgement time: opened → the acknowledgement's sent_at (outbox kind 'acknowledgement', status 'sent').
//   One queued but not (yet) sent, failed or uncertain does not count as acknowledged. A case whose outbox row is
//   gone (privacy erasure) falls back to cases.acknowledged_at.
// - First human reply: opened → the first outbox 'reply' approved by a person. Replies auto-sent by the system
//   (approved_by = the system actor) are automatic replies and excluded, as Zendesk excludes automatic replies
//   from first reply time; the acknowledgement is never a reply. Without any reply row (erased), falls back to
//   cases.first_human_reply_at.
// - Resolution time: opened → resolved_at, for cases whose status is 'resolved' now.
// - SLA: a timer is breached when breached_at is set (the SLA worker marks it when its due time passes); met when it
//   stopped without having been breached. Timers still running (or paused) count as neither.
// - Medians and percentiles: percentile_cont (interpolated), over the cases that have the value.
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { assertTimeZone } from '../../domain/time-zone.js';
import { AppError } from '../../errors.js';

export type ReportBucket = 'day' | 'week' | 'month';
export const reportBuckets: readonly ReportBucket[] = ['day', 'week', 'month'];

export interface ReportFilter {
  from: Date;
  to: Date;
  timeZone: string;
  bucket: ReportBucket;
  mailboxId?: number;
  language?: string;
  category?: string;
  priority?: string;
}

export const NO_CATEGORY = '(none)';
/** The longest range a report covers: keeps a typo (year 20260) from generating millions of buckets. */
const MAX_RANGE_DAYS = 3700;
// --- shared SQL -------------------------------------------------------------------------------------------------

export function checkFilter(f: ReportFilter): void {
  assertTimeZone(f.timeZone);
  if (!reportBuckets.includes(f.bucket)) throw new AppError('bad_request', `bucket: expected one of ${reportBuckets.join(', ')}`);
  if (!(f.from instanceof Date) || !(f.to instanceof Date) || Number.isNaN(f.from.getTime()) || Number.isNaN(f.to.getTime())) {
    throw new AppError('bad_request', 'from and to must be valid dates');
  }
  if (f.to.getTime() <= f.from.getTime()) throw new AppError('bad_request', 'to must be after from');
  if (f.to.getTime() - f.from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new AppError('bad_request', `a report covers at most ${MAX_RANGE_DAYS} days`);
}

export const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The bucket a timestamp expression falls in, as a local timestamp (the unit is one of three fixed words). */
export function bucketOf(f: ReportFilter, expr: SQL): SQL {
  return sql`date_trunc(${sql.raw(`'${f.bucket}'`)}, (${expr}) at time zone ${f.timeZone}::text)`;
}

/** The filter's conditions on the case (alias c). Rows joined to no case fail them, so a case filter excludes them. */
export function caseConditions(f: ReportFilter, alias = 'c'): SQL[] {
  const c = sql.raw(alias);
  const out: SQL[] = [];
  if (f.mailboxId !== undefined) out.push(sql`${c}.mailbox_id = ${f.mailboxId}`);
  if (f.language) out.push(sql`${c}.language = ${f.language}`);
  if (f.category) out.push(sql`${c}.category = ${f.category}`);
  if (f.priority) out.push(sql`${c}.priority = ${f.priority}`);
  return out;
}

export const where = (conditions: SQL[]) => (conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``);

/**
 * Cases of the filter that opened in [from, to), with their opening instant and bucket (CTE body). A case row is
 * written after its first message was stored (opened_at <= created_at), so created_at >= from is a safe pre-filter
 * that spares the min() lookup for older cases.
 */
export function scopedCases(f: ReportFilter): SQL {
  return sql`
    opened as (
      select c.*, coalesce((select min(m.received_at) from inbound_messages m where m.case_id = c.id), c.created_at) as opened_at
      from cases c ${where([...caseConditions(f), sql`c.created_at >= ${ts(f.from)}`])}
    ),
    scoped as (
      select o.*, ${bucketOf(f, sql`o.opened_at`)} as bucket
      from opened o where o.opened_at >= ${ts(f.from)} and o.opened_at < ${ts(f.to)}
    )`;
}

/** Every bucket start of the range, as local dates, empty ones included. */
export async function bucketStarts(db: Db, f: ReportFilter): Promise<string[]> {
  const unit = sql.raw(`'1 ${f.bucket}'`);
  const rows = await selectRows<{ start: string }>(db, sql`
    select to_char(g, 'YYYY-MM-DD') as start
    from generate_series(${bucketOf(f, ts(f.from))}, ${bucketOf(f, sql`${ts(f.to)} - interval '1 microsecond'`)}, interval ${unit}) g
    order by g`);
  return rows.map((r) => r.start);
}

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
/** Two decimals: percentile_cont's interpolation leaves float noise (51.00000000000001). */
export const round = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
export const ratio = (met: number, breached: number): number | null => (met + breached === 0 ? null : met / (met + breached));
