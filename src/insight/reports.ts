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
import type { Db } from '../db/client.js';
import { selectRows } from '../db/rows.js';
import { AppError } from '../errors.js';
import { SYSTEM_ACTOR } from '../audit/log.js';
import { assertTimeZone } from '../domain/time-zone.js';

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

export interface ResponseBucket {
  /** local date (YYYY-MM-DD, in the filter's time zone) the bucket starts on; 'total' for the total row */
  start: string;
  cases: number;
  acknowledged: number;
  ackMedianSeconds: number | null;
  ackP90Seconds: number | null;
  firstHumanReplies: number;
  firstHumanMedianMinutes: number | null;
  firstHumanP90Minutes: number | null;
  resolved: number;
  resolutionMedianHours: number | null;
  /** SLA timers of every kind (first reply, next reply, resolution) of the bucket's cases: met / breached */
  slaMet: number;
  slaBreached: number;
  /** met / (met + breached); null when no timer finished either way */
  slaAttainment: number | null;
}

export interface VolumeBucket {
  start: string;
  /** inbound messages received (customer mail, follow-ups, machine mail) */
  messages: number;
  /** cases opened */
  cases: number;
  /** acknowledgements queued */
  acknowledged: number;
  /** messages whose acknowledgement was withheld, not counting follow-ups of an already acknowledged case */
  suppressed: number;
  /** cases escalated (distinct cases with an 'escalated' event in the bucket) */
  escalated: number;
  /** cases opened in the bucket, now resolved or waiting, whose approved reply cited or acknowledgement suggested an article */
  answeredFromKb: number;
  /** cases opened, by language */
  byLanguage: Record<string, number>;
  /** cases opened, by category ('(none)' for uncategorised) */
  byCategory: Record<string, number>;
}

export interface SlaAttainmentRow {
  mailboxId: number;
  priority: string;
  kind: string;
  met: number;
  breached: number;
  attainment: number | null;
}

export const NO_CATEGORY = '(none)';
/** The longest range a report covers: keeps a typo (year 20260) from generating millions of buckets. */
const MAX_RANGE_DAYS = 3700;
const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];
const KIND_ORDER = ['first_reply', 'next_reply', 'resolution'];

// --- shared SQL -------------------------------------------------------------------------------------------------

function checkFilter(f: ReportFilter): void {
  assertTimeZone(f.timeZone);
  if (!reportBuckets.includes(f.bucket)) throw new AppError('bad_request', `bucket: expected one of ${reportBuckets.join(', ')}`);
  if (!(f.from instanceof Date) || !(f.to instanceof Date) || Number.isNaN(f.from.getTime()) || Number.isNaN(f.to.getTime())) {
    throw new AppError('bad_request', 'from and to must be valid dates');
  }
  if (f.to.getTime() <= f.from.getTime()) throw new AppError('bad_request', 'to must be after from');
  if (f.to.getTime() - f.from.getTime() > MAX_RANGE_DAYS * 86_400_000) throw new AppError('bad_request', `a report covers at most ${MAX_RANGE_DAYS} days`);
}

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** The bucket a timestamp expression falls in, as a local timestamp (the unit is one of three fixed words). */
function bucketOf(f: ReportFilter, expr: SQL): SQL {
  return sql`date_trunc(${sql.raw(`'${f.bucket}'`)}, (${expr}) at time zone ${f.timeZone}::text)`;
}

/** The filter's conditions on the case (alias c). Rows joined to no case fail them, so a case filter excludes them. */
function caseConditions(f: ReportFilter, alias = 'c'): SQL[] {
  const c = sql.raw(alias);
  const out: SQL[] = [];
  if (f.mailboxId !== undefined) out.push(sql`${c}.mailbox_id = ${f.mailboxId}`);
  if (f.language) out.push(sql`${c}.language = ${f.language}`);
  if (f.category) out.push(sql`${c}.category = ${f.category}`);
  if (f.priority) out.push(sql`${c}.priority = ${f.priority}`);
  return out;
}

const where = (conditions: SQL[]) => (conditions.length ? sql`where ${sql.join(conditions, sql` and `)}` : sql``);

/**
 * Cases of the filter that opened in [from, to), with their opening instant and bucket (CTE body). A case row is
 * written after its first message was stored (opened_at <= created_at), so created_at >= from is a safe pre-filter
 * that spares the min() lookup for older cases.
 */
function scopedCases(f: ReportFilter): SQL {
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
async function bucketStarts(db: Db, f: ReportFilter): Promise<string[]> {
  const unit = sql.raw(`'1 ${f.bucket}'`);
  const rows = await selectRows<{ start: string }>(db, sql`
    select to_char(g, 'YYYY-MM-DD') as start
    from generate_series(${bucketOf(f, ts(f.from))}, ${bucketOf(f, sql`${ts(f.to)} - interval '1 microsecond'`)}, interval ${unit}) g
    order by g`);
  return rows.map((r) => r.start);
}

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));
/** Two decimals: percentile_cont's interpolation leaves float noise (51.00000000000001). */
const round = (v: unknown): number | null => (v === null || v === undefined ? null : Math.round(Number(v) * 100) / 100);
const ratio = (met: number, breached: number): number | null => (met + breached === 0 ? null : met / (met + breached));

// --- response times ---------------------------------------------------------------------------------------------

interface ResponseRow {
  start: string | null;
  is_total: boolean;
  cases: number;
  acknowledged: number;
  ack_median: number | null;
  ack_p90: number | null;
  human: number;
  human_median: number | null;
  human_p90: number | null;
  resolved: number;
  resolution_median: number | null;
  sla_met: number;
  sla_breached: number;
}

function emptyResponseBucket(start: string): ResponseBucket {
  return {
    start, cases: 0, acknowledged: 0, ackMedianSeconds: null, ackP90Seconds: null, firstHumanReplies: 0, firstHumanMedianMinutes: null,
    firstHumanP90Minutes: null, resolved: 0, resolutionMedianHours: null, slaMet: 0, slaBreached: 0, slaAttainment: null,
  };
}

function toResponseBucket(start: string, r: ResponseRow): ResponseBucket {
  const slaMet = num(r.sla_met);
  const slaBreached = num(r.sla_breached);
  return {
    start,
    cases: num(r.cases),
    acknowledged: num(r.acknowledged),
    ackMedianSeconds: round(r.ack_median),
    ackP90Seconds: round(r.ack_p90),
    firstHumanReplies: num(r.human),
    firstHumanMedianMinutes: round(r.human_median),
    firstHumanP90Minutes: round(r.human_p90),
    resolved: num(r.resolved),
    resolutionMedianHours: round(r.resolution_median),
    slaMet,
    slaBreached,
    slaAttainment: ratio(slaMet, slaBreached),
  };
}

/** First-response (acknowledgement and first human reply), resolution and SLA figures per bucket of opened cases. */
export async function responseTimes(db: Db, f: ReportFilter): Promise<{ buckets: ResponseBucket[]; total: ResponseBucket }> {
  checkFilter(f);
  const rows = await selectRows<ResponseRow>(db, sql`
    with ${scopedCases(f)},
    measured as (
      select s.bucket,
        extract(epoch from (coalesce(ack.sent_at, case when ack.id is null then s.acknowledged_at end) - s.opened_at))::float8 as ack_seconds,
        extract(epoch from ((case when hr.replies = 0 then s.first_human_reply_at else hr.first_at end) - s.opened_at))::float8 / 60 as human_minutes,
        case when s.status = 'resolved' then extract(epoch from (s.resolved_at - s.opened_at))::float8 / 3600 end as resolution_hours,
        sla.met, sla.breached
      from scoped s
      left join lateral (
        select o.id, case when o.status = 'sent' then o.sent_at end as sent_at
        from outbox o where o.case_id = s.id and o.kind = 'acknowledgement' order by o.created_at limit 1
      ) ack on true
      left join lateral (
        select count(*)::int as replies, min(o.created_at) filter (where o.approved_by is distinct from ${SYSTEM_ACTOR.name}) as first_at
        from outbox o where o.case_id = s.id and o.kind = 'reply'
      ) hr on true
      left join lateral (
        select count(*) filter (where t.breached_at is null and t.stopped_at is not null)::int as met,
               count(*) filter (where t.breached_at is not null)::int as breached
        from sla_timers t where t.case_id = s.id
      ) sla on true
    )
    select to_char(bucket, 'YYYY-MM-DD') as start, grouping(bucket) = 1 as is_total,
      count(*)::int as cases,
      count(ack_seconds)::int as acknowledged,
      percentile_cont(0.5) within group (order by ack_seconds) as ack_median,
      percentile_cont(0.9) within group (order by ack_seconds) as ack_p90,
      count(human_minutes)::int as human,
      percentile_cont(0.5) within group (order by human_minutes) as human_median,
      percentile_cont(0.9) within group (order by human_minutes) as human_p90,
      count(resolution_hours)::int as resolved,
      percentile_cont(0.5) within group (order by resolution_hours) as resolution_median,
      coalesce(sum(met), 0)::int as sla_met,
      coalesce(sum(breached), 0)::int as sla_breached
    from measured
    group by grouping sets ((bucket), ())`);
  const byStart = new Map(rows.filter((r) => !r.is_total).map((r) => [r.start!, r]));
  const buckets = (await bucketStarts(db, f)).map((start) => {
    const row = byStart.get(start);
    return row ? toResponseBucket(start, row) : emptyResponseBucket(start);
  });
  const totalRow = rows.find((r) => r.is_total);
  return { buckets, total: totalRow ? toResponseBucket('total', totalRow) : emptyResponseBucket('total') };
}

// --- volumes ----------------------------------------------------------------------------------------------------

/** Messages, cases, acknowledgements, suppressions, escalations and answers from the knowledge base per bucket. */
export async function volumes(db: Db, f: ReportFilter): Promise<{ buckets: VolumeBucket[] }> {
  checkFilter(f);
  // Messages by the time they were received; a case filter other than the mailbox applies through the message's case.
  const messageConditions: SQL[] = [sql`m.received_at >= ${ts(f.from)}`, sql`m.received_at < ${ts(f.to)}`];
  if (f.mailboxId !== undefined) messageConditions.push(sql`m.mailbox_id = ${f.mailboxId}`);
  messageConditions.push(...caseConditions({ ...f, mailboxId: undefined }));
  const messages = selectRows<{ start: string; n: number }>(db, sql`
    select to_char(${bucketOf(f, sql`m.received_at`)}, 'YYYY-MM-DD') as start, count(*)::int as n
    from inbound_messages m left join cases c on c.id = m.case_id
    ${where(messageConditions)}
    group by 1`);

  // Events by the time they happened. Events without a case (machine mail) carry their message, hence its mailbox.
  const eventConditions: SQL[] = [
    sql`e.type in ('acknowledgement_queued', 'acknowledgement_suppressed', 'escalated')`,
    sql`e.created_at >= ${ts(f.from)}`, sql`e.created_at < ${ts(f.to)}`,
  ];
  if (f.mailboxId !== undefined) eventConditions.push(sql`coalesce(c.mailbox_id, m.mailbox_id) = ${f.mailboxId}`);
  eventConditions.push(...caseConditions({ ...f, mailboxId: undefined }));
  const events = selectRows<{ start: string; acknowledged: number; suppressed: number; escalated: number }>(db, sql`
    select to_char(${bucketOf(f, sql`e.created_at`)}, 'YYYY-MM-DD') as start,
      count(*) filter (where e.type = 'acknowledgement_queued')::int as acknowledged,
      count(*) filter (where e.type = 'acknowledgement_suppressed' and not coalesce((
        select bool_and(r->>'code' in ('case_already_acknowledged', 'acknowledged_in_other_mailbox'))
        from jsonb_array_elements(case when jsonb_typeof(e.detail->'reasons') = 'array' then e.detail->'reasons' else '[]'::jsonb end) r
      ), false))::int as suppressed,
      count(distinct e.case_id) filter (where e.type = 'escalated')::int as escalated
    from case_events e
    left join cases c on c.id = e.case_id
    left join inbound_messages m on m.id = e.inbound_message_id
    ${where(eventConditions)}
    group by 1`);

  const opened = selectRows<{ start: string; language: string; category: string | null; cases: number; answered: number }>(db, sql`
    with ${scopedCases(f)}
    select to_char(s.bucket, 'YYYY-MM-DD') as start, s.language, s.category, count(*)::int as cases,
      count(*) filter (where s.status in ('resolved', 'waiting') and (
        exists (select 1 from drafts d where d.case_id = s.id and d.status = 'approved' and jsonb_array_length(d.citations) > 0)
        or exists (
          select 1 from outbox o join case_matches cm on cm.case_id = o.case_id and cm.inbound_message_id = o.inbound_message_id
          where o.case_id = s.id and o.kind = 'acknowledgement' and jsonb_array_length(cm.suggested) > 0
        )
      ))::int as answered
    from scoped s
    group by 1, 2, 3`);

  const [messageRows, eventRows, openedRows, starts] = await Promise.all([messages, events, opened, bucketStarts(db, f)]);
  const buckets = new Map<string, VolumeBucket>(starts.map((start) => [start, {
    start, messages: 0, cases: 0, acknowledged: 0, suppressed: 0, escalated: 0, answeredFromKb: 0, byLanguage: {}, byCategory: {},
  }]));
  for (const r of messageRows) {
    const b = buckets.get(r.start);
    if (b) b.messages += num(r.n);
  }
  for (const r of eventRows) {
    const b = buckets.get(r.start);
    if (!b) continue;
    b.acknowledged += num(r.acknowledged);
    b.suppressed += num(r.suppressed);
    b.escalated += num(r.escalated);
  }
  for (const r of openedRows) {
    const b = buckets.get(r.start);
    if (!b) continue;
    const n = num(r.cases);
    b.cases += n;
    b.answeredFromKb += num(r.answered);
    b.byLanguage[r.language] = (b.byLanguage[r.language] ?? 0) + n;
    const category = r.category ?? NO_CATEGORY;
    b.byCategory[category] = (b.byCategory[category] ?? 0) + n;
  }
  return { buckets: [...buckets.values()] };
}

// --- SLA attainment ---------------------------------------------------------------------------------------------

/**
 * Per policy (mailbox × the case's priority × timer kind), for the timers of cases opened in the range: how many were
 * met and breached. Policies whose timers are all still running appear with attainment null.
 */
export async function slaAttainment(db: Db, f: ReportFilter): Promise<{ rows: SlaAttainmentRow[] }> {
  checkFilter(f);
  const rows = await selectRows<{ mailbox_id: number; priority: string; kind: string; met: number; breached: number }>(db, sql`
    with ${scopedCases(f)}
    select s.mailbox_id, s.priority, t.kind,
      count(*) filter (where t.breached_at is null and t.stopped_at is not null)::int as met,
      count(*) filter (where t.breached_at is not null)::int as breached
    from scoped s join sla_timers t on t.case_id = s.id
    group by 1, 2, 3`);
  const rank = (list: string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);
  return {
    rows: rows
      .map((r) => ({ mailboxId: num(r.mailbox_id), priority: r.priority, kind: r.kind, met: num(r.met), breached: num(r.breached), attainment: ratio(num(r.met), num(r.breached)) }))
      .sort((a, b) => a.mailboxId - b.mailboxId || rank(PRIORITY_ORDER, a.priority) - rank(PRIORITY_ORDER, b.priority) || rank(KIND_ORDER, a.kind) - rank(KIND_ORDER, b.kind)),
  };
}

// --- CSV --------------------------------------------------------------------------------------------------------

/** Characters that make a spreadsheet read a cell as a formula (plus tab and CR, which some use to hide one). */
const FORMULA_START = /^[=+\-@\t\r]/;

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'boolean' || typeof value === 'bigint') text = String(value);
  else if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else {
    const json = JSON.stringify(value);
    text = FORMULA_START.test(json) ? `'${json}` : json;
  }
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/**
 * RFC 4180 CSV: a header row (the keys in order of first appearance, or `columns`), CRLF line ends, fields with a
 * quote, comma or line break quoted with quotes doubled. Text starting with = + - @ (or tab / CR) gets a leading '
 * so a spreadsheet shows it instead of evaluating it; numbers stay numbers (-5 is not a formula).
 */
export function toCsv(rows: Record<string, unknown>[], columns?: string[]): string {
  const header = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))];
  if (header.length === 0) return '';
  const lines = [header.map(csvCell).join(','), ...rows.map((r) => header.map((k) => csvCell(r[k])).join(','))];
  return `${lines.join('\r\n')}\r\n`;
}
