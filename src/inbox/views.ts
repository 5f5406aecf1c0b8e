// Inbox views: the built-in ones every agent has, and each view's count, all computed in one query per page.
import { and, eq, gt, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import type { InboxView } from '../db/schema/inbox-views.js';
import { queueConditions, type QueueFilter } from '../review/inbox.js';
import type { SavedInboxFilters } from '../db/schema/inbox-views.js';
import { queueFilterOf } from './filters.js';
import { builtInViewKeys, type BuiltInViewKey } from './view-keys.js';

/** "Due soon": the reply deadline in force is less than this far away (or already passed). */
export const DUE_SOON_MINUTES = 60;

export { builtInViewKeys, builtInViewLabels, type BuiltInViewKey } from './view-keys.js';

/**
 * The reply deadline in force, as the inbox's urgency shows it: a running first- or next-reply timer's, else the
 * first-reply promise while no human has answered; null when no reply is owed.
 */
const replyDeadline = sql`coalesce(
  (select min(t.due_at) from sla_timers t where t.case_id = "cases"."id" and t.kind in ('first_reply', 'next_reply') and t.stopped_at is null and t.paused_at is null),
  case when ${cases.firstHumanReplyAt} is null then ${cases.firstReplyDueAt} end)`;

/** What a built-in view adds to the queue's filter, for this viewer at this time. */
export function builtInFilter(key: BuiltInViewKey, viewer: { id: string }, now: Date): QueueFilter {
  switch (key) {
    case 'all': return {};
    case 'mine': return { where: and(eq(cases.assigneeId, viewer.id), gt(cases.claimExpiresAt, now)) };
    case 'unassigned': return { where: or(isNull(cases.assigneeId), isNull(cases.claimExpiresAt), lte(cases.claimExpiresAt, now)) };
    case 'escalated': return { status: ['escalated'] };
    case 'due': return { where: sql`${replyDeadline} <= ${new Date(now.getTime() + DUE_SOON_MINUTES * 60_000)}` };
    case 'review': return { where: sql`exists (select 1 from drafts d where d.case_id = "cases"."id" and d.status in ('proposed', 'edited'))` };
  }
}

/** The URL's filters within a built-in view: both apply; the URL's status, when given, wins over the view's. */
export function withinView(filter: QueueFilter, view: QueueFilter): QueueFilter {
  return { ...filter, status: filter.status ?? view.status, where: filter.where && view.where ? and(filter.where, view.where) : filter.where ?? view.where };
}

/** The queue filter for the inbox URL's (or a personal view's) filters, search and built-in view together. */
export function inboxFilter(f: SavedInboxFilters, viewer: { id: string }, now: Date): QueueFilter {
  const own = queueFilterOf(f);
  return f.view ? withinView(own, builtInFilter(f.view, viewer, now)) : own;
}

export interface ViewCounts { builtIn: Record<BuiltInViewKey, number>; personal: Map<number, number> }

/** Every view's count in one scan of cases: one `count(*) filter (where …)` column per view. */
export async function viewCounts(db: Queryable, viewer: { id: string }, now: Date, personal: Pick<InboxView, 'id' | 'filters'>[]): Promise<ViewCounts> {
  const columns: Record<string, SQL<number>> = {};
  for (const key of builtInViewKeys) columns[`b_${key}`] = countWhere(queueConditions(builtInFilter(key, viewer, now)));
  for (const view of personal) columns[`p_${view.id}`] = countWhere(queueConditions(inboxFilter(view.filters, viewer, now)));
  const [row] = await db.select(columns).from(cases);
  const value = (k: string) => Number(row?.[k] ?? 0);
  return {
    builtIn: Object.fromEntries(builtInViewKeys.map((k) => [k, value(`b_${k}`)])) as Record<BuiltInViewKey, number>,
    personal: new Map(personal.map((v) => [v.id, value(`p_${v.id}`)])),
  };
}

const countWhere = (condition: SQL) => sql<number>`count(*) filter (where ${condition})::int`;
