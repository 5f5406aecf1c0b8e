// The agents' queue and the case detail they work from.
import { and, asc, desc, eq, inArray, isNull, lte, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { caseStatuses, cases, casePriorities } from '../db/schema/cases.js';
import { caseMatches } from '../db/schema/matches.js';
import { auditLog, drafts } from '../db/schema/review.js';
import { customerContext } from '../cases/customer-cases.js';
import { getCase } from '../cases/queries.js';
import { caseNotesOf } from './notes.js';

export interface QueueFilter {
  mailboxId?: number;
  status?: (typeof caseStatuses)[number][];
  priority?: (typeof casePriorities)[number];
  category?: string;
  language?: string;
  assignee?: string;
  /** further conditions (the inbox's search and views, src/inbox/), ANDed with the rest */
  where?: SQL;
  limit?: number;
}

/**
 * The reply the customer waits for now: the running first- or next-reply timer's deadline (a follow-up or a reopened
 * case owes a next reply). Null when no reply clock runs (answered, waiting on the customer, resolved).
 */
const replyTimer = (column: 'due_at' | 'kind') => sql.raw(`(select t.${column} from sla_timers t where t.case_id = "cases"."id"
  and t.kind in ('first_reply', 'next_reply') and t.stopped_at is null and t.paused_at is null order by t.due_at limit 1)`);
const replyDueAt = sql`${replyTimer('due_at')}`.mapWith(cases.firstReplyDueAt) as SQL<Date | null>;
const replyKind = sql<'first_reply' | 'next_reply' | null>`${replyTimer('kind')}`;
/** the queue's order: the reply deadline in force, else the first-reply promise */
const dueOrder = sql`coalesce(${replyTimer('due_at')}, ${cases.firstReplyDueAt})`;

/** urgent first among cases due at the same time */
const priorityRank = sql`case ${cases.priority} when 'urgent' then 0 when 'high' then 1 when 'normal' then 2 else 3 end`;

/** The filter as one SQL condition on cases (the inbox's view counts use it too). */
export function queueConditions(filter: QueueFilter): SQL {
  const conditions: SQL[] = [inArray(cases.status, filter.status?.length ? filter.status : ['open', 'escalated'])];
  if (filter.mailboxId !== undefined) conditions.push(eq(cases.mailboxId, filter.mailboxId));
  if (filter.priority) conditions.push(eq(cases.priority, filter.priority));
  if (filter.category) conditions.push(eq(cases.category, filter.category));
  if (filter.language) conditions.push(eq(cases.language, filter.language));
  if (filter.assignee) conditions.push(eq(cases.assigneeName, filter.assignee));
  if (filter.where) conditions.push(filter.where);
  return and(...conditions)!;
}

/** Cases that need a human, by SLA deadline then priority: agents take the next one, not the one they like. */
export async function reviewQueue(db: Db, filter: QueueFilter = {}) {
  const rows = await db
    .select({
      case: cases,
      // "cases"."id" spelled out: drizzle renders ${cases.id} unqualified, which inside the subquery is the draft's id
      draftStatus: sql<string | null>`(select d.status from drafts d where d.case_id = "cases"."id" and d.status in ('pending','proposed','edited') order by d.created_at desc limit 1)`,
      draftConfidence: sql<number | null>`(select d.confidence from drafts d where d.case_id = "cases"."id" and d.status in ('proposed','edited') order by d.created_at desc limit 1)`,
      replyDueAt, replyKind,
    })
    .from(cases)
    .where(queueConditions(filter))
    .orderBy(asc(dueOrder), asc(priorityRank), asc(cases.createdAt))
    .limit(filter.limit ?? 100);
  return rows.map((r) => ({
    ...r.case, draftStatus: r.draftStatus, draftConfidence: r.draftConfidence === null ? null : Number(r.draftConfidence), replyDueAt: r.replyDueAt, replyKind: r.replyKind,
  }));
}

/** The first case nobody holds (or whose claim expired), in queue order. */
export async function nextUnclaimed(db: Db, filter: QueueFilter, now: Date) {
  const [row] = await db.select({ id: cases.id }).from(cases)
    .where(and(inArray(cases.status, filter.status?.length ? filter.status : ['open', 'escalated']), or(isNull(cases.assigneeId), lte(cases.claimExpiresAt, now)),
      filter.mailboxId !== undefined ? eq(cases.mailboxId, filter.mailboxId) : undefined))
    .orderBy(asc(dueOrder), asc(priorityRank), asc(cases.createdAt))
    .limit(1);
  return row?.id ?? null;
}

/**
 * Everything an agent needs on one screen: conversation, draft with citations, matches, decisions, history, and the
 * customer's other cases with any merge offer.
 */
export async function caseDetail(db: Db, idOrReference: string) {
  const base = await getCase(db, idOrReference);
  const id = base.case.id;
  const [draftRows, matches, history, [reply], notes, customer] = await Promise.all([
    db.select().from(drafts).where(eq(drafts.caseId, id)).orderBy(desc(drafts.createdAt)),
    db.select().from(caseMatches).where(eq(caseMatches.caseId, id)).orderBy(desc(caseMatches.id)),
    db.select().from(auditLog).where(eq(auditLog.caseId, id)).orderBy(asc(auditLog.id)),
    db.select({ replyDueAt, replyKind }).from(cases).where(eq(cases.id, id)),
    caseNotesOf(db, id),
    customerContext(db, base.case),
  ]);
  const current = draftRows.find((d) => ['pending', 'proposed', 'edited'].includes(d.status)) ?? null;
  return { ...base, case: { ...base.case, replyDueAt: reply?.replyDueAt ?? null, replyKind: reply?.replyKind ?? null }, draft: current, drafts: draftRows, matches, audit: history, notes, customer };
}

/**
 * Shadow mode's question: of the drafts auto-send would have sent, how many did agents send unchanged? Agreement
 * high enough is the evidence for turning auto-send on for a mailbox.
 */
export async function autoSendReport(db: Db, mailboxId?: number) {
  const rows = await db
    .select({
      evaluated: sql<number>`count(*)::int`,
      wouldSend: sql<number>`count(*) filter (where (${drafts.autoSend}->>'wouldSend')::boolean)::int`,
      autoSent: sql<number>`count(*) filter (where (${drafts.autoSend}->>'sent')::boolean)::int`,
      wouldSendDecided: sql<number>`count(*) filter (where (${drafts.autoSend}->>'wouldSend')::boolean and ${drafts.status} in ('approved', 'rejected') and not (${drafts.autoSend}->>'sent')::boolean)::int`,
      agentsSentSame: sql<number>`count(*) filter (where (${drafts.autoSend}->>'wouldSend')::boolean and ${drafts.status} = 'approved' and not (${drafts.autoSend}->>'sent')::boolean and btrim(${drafts.body}, E' \n\r\t') = btrim(${drafts.generatedBody}, E' \n\r\t'))::int`,
    })
    .from(drafts)
    .innerJoin(cases, eq(cases.id, drafts.caseId))
    .where(and(sql`${drafts.autoSend} is not null`, mailboxId !== undefined ? eq(cases.mailboxId, mailboxId) : undefined));
  const r = rows[0]!;
  return { ...r, agreement: r.wouldSendDecided ? r.agentsSentSame / r.wouldSendDecided : null };
}
