// First-response (acknowledgement and first human reply), resolution and SLA figures per bucket of opened cases
// (definitions: ./query.ts).
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { SYSTEM_ACTOR } from '../../audit/log.js';
import { bucketStarts, checkFilter, num, ratio, round, scopedCases, type ReportFilter } from './query.js';

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
