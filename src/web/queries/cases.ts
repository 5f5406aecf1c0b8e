// Read-only queries the web pages need beyond src/review/inbox.ts: filter choices, message bodies for the frame,
// the live-update signature. Mailboxes are read in src/mailboxes/queries.ts.
import { asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { caseEvents, cases } from '../../db/schema/cases.js';
import { mailboxes } from '../../db/schema/mailboxes.js';
import { inboundMessages } from '../../db/schema/messages.js';
import { auditLog, drafts } from '../../db/schema/review.js';
import { AppError } from '../../errors.js';

/** The distinct values the inbox filters offer. */
export async function filterChoices(db: Db) {
  const distinct = async (column: typeof cases.category | typeof cases.language | typeof cases.assigneeName) =>
    (await db.selectDistinct({ v: column }).from(cases).where(isNotNull(column)).orderBy(asc(column)).limit(200)).map((r) => r.v as string);
  const [mailboxRows, categories, languages, assignees] = await Promise.all([
    db.select({ id: mailboxes.id, displayName: mailboxes.displayName, address: mailboxes.address }).from(mailboxes).orderBy(asc(mailboxes.id)),
    distinct(cases.category), distinct(cases.language), distinct(cases.assigneeName),
  ]);
  return { mailboxes: mailboxRows, categories, languages, assignees };
}

/** Per-message details the case page shows that caseDetail leaves out: HTML presence and the sender verdict. */
export async function messageExtras(db: Db, caseId: string) {
  const rows = await db
    .select({ id: inboundMessages.id, hasHtml: sql<boolean>`${inboundMessages.htmlBody} is not null and length(${inboundMessages.htmlBody}) > 0`, senderAuth: inboundMessages.senderAuth, fromName: inboundMessages.fromName })
    .from(inboundMessages).where(eq(inboundMessages.caseId, caseId));
  return new Map(rows.map((r) => [r.id, r]));
}

export async function messageHtml(db: Db, messageId: string): Promise<{ html: string | null; caseId: string | null }> {
  if (!/^[0-9a-f-]{36}$/i.test(messageId)) throw new AppError('not_found', 'no such message');
  const [row] = await db.select({ html: inboundMessages.htmlBody, caseId: inboundMessages.caseId }).from(inboundMessages).where(eq(inboundMessages.id, messageId));
  if (!row) throw new AppError('not_found', 'no such message');
  return row;
}

/** A change marker: anything an agent sees in the inbox or on a case page moves one of these. */
export interface Marks { cases: number; updated: string | null; audit: number; events: number; drafts: string | null }

export async function changeMarks(db: Db): Promise<Marks> {
  const rows = await db.execute(sql`select
      (select count(*)::int from cases) as cases,
      (select max(updated_at)::text from cases) as updated,
      (select coalesce(max(id), 0)::int from audit_log) as audit,
      (select coalesce(max(id), 0)::int from case_events) as events,
      (select max(updated_at)::text from drafts) as drafts`);
  const r = ((rows as unknown as { rows: Record<string, unknown>[] }).rows ?? (rows as unknown as Record<string, unknown>[]))[0]!;
  return { cases: Number(r.cases), updated: (r.updated as string) ?? null, audit: Number(r.audit), events: Number(r.events), drafts: (r.drafts as string) ?? null };
}

/** One case's own marker, so a case page learns its case changed (not just any case). */
export async function caseMark(db: Db, caseId: string): Promise<string> {
  const [k] = await db.select({ updated: cases.updatedAt, assignee: cases.assigneeId, status: cases.status, priority: cases.priority, category: cases.category }).from(cases).where(eq(cases.id, caseId));
  if (!k) return 'gone';
  const [[a], [e], [d]] = await Promise.all([
    db.select({ id: sql<number>`coalesce(max(${auditLog.id}), 0)::int` }).from(auditLog).where(eq(auditLog.caseId, caseId)),
    db.select({ id: sql<number>`coalesce(max(${caseEvents.id}), 0)::int` }).from(caseEvents).where(eq(caseEvents.caseId, caseId)),
    db.select({ at: sql<string | null>`max(${drafts.updatedAt})::text` }).from(drafts).where(eq(drafts.caseId, caseId)),
  ]);
  return [k.updated.toISOString(), k.assignee ?? '', k.status, k.priority, k.category ?? '', a?.id ?? 0, e?.id ?? 0, d?.at ?? ''].join('|');
}
