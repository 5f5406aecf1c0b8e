// Messages, cases, acknowledgements, suppressions, escalations and answers from the knowledge base per bucket
// (definitions: ./query.ts).
import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { bucketOf, bucketStarts, caseConditions, checkFilter, NO_CATEGORY, num, scopedCases, ts, where, type ReportFilter } from './query.js';

/** A range's outcome counts (a bucket's, or the sum of all buckets'). */
export interface VolumeTotals {
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
}

export interface VolumeBucket extends VolumeTotals {
  start: string;
  /** cases opened, by language */
  byLanguage: Record<string, number>;
  /** cases opened, by category ('(none)' for uncategorised) */
  byCategory: Record<string, number>;
}

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
