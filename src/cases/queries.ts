import { and, asc, count, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { caseEvents, cases } from '../db/schema/cases.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { describeRecipientChoice, type RecipientChoice } from '../domain/acknowledgement-recipient.js';
import { describeSuppression, type SuppressionReason } from '../domain/guard.js';
import { AppError } from '../errors.js';
import type { RawStore } from '../mail/raw-store.js';

const messageSummary = {
  id: inboundMessages.id,
  source: inboundMessages.source,
  status: inboundMessages.status,
  receivedAt: inboundMessages.receivedAt,
  size: inboundMessages.size,
  flags: inboundMessages.flags,
  error: inboundMessages.error,
  fromAddress: inboundMessages.fromAddress,
  subject: inboundMessages.subject,
  language: inboundMessages.language,
  caseId: inboundMessages.caseId,
};

export async function listCases(db: Db, opts: { status?: string; limit: number }) {
  return db
    .select()
    .from(cases)
    .where(opts.status ? eq(cases.status, opts.status as never) : undefined)
    .orderBy(asc(cases.firstReplyDueAt))
    .limit(opts.limit);
}

/** A case with its conversation, its history (guard decisions in words) and its outgoing mail. */
export async function getCase(db: Db, idOrReference: string) {
  const byReference = /^FR-/i.test(idOrReference);
  if (!byReference && !/^[0-9a-f-]{36}$/i.test(idOrReference)) throw new AppError('not_found', 'no such case');
  const [kase] = await db.select().from(cases).where(byReference ? eq(cases.reference, idOrReference.toUpperCase()) : eq(cases.id, idOrReference));
  if (!kase) throw new AppError('not_found', 'no such case');
  const [messages, events, mails] = await Promise.all([
    db.select({ ...messageSummary, textBody: inboundMessages.textBody }).from(inboundMessages).where(eq(inboundMessages.caseId, kase.id)).orderBy(asc(inboundMessages.receivedAt)),
    db.select().from(caseEvents).where(eq(caseEvents.caseId, kase.id)).orderBy(asc(caseEvents.id)),
    db.select().from(outbox).where(eq(outbox.caseId, kase.id)).orderBy(asc(outbox.createdAt)),
  ]);
  return { case: kase, messages, events: events.map(withExplanation), outbox: mails };
}

/** Messages a human should look at: flagged by the parser, failed in the pipeline, or with no case. */
export async function listMessages(db: Db, opts: { attention: boolean; limit: number }) {
  const needsAttention = sql`(cardinality(${inboundMessages.flags}) > 0 or ${inboundMessages.status} = 'failed')`;
  return db
    .select(messageSummary)
    .from(inboundMessages)
    .where(opts.attention ? needsAttention : undefined)
    .orderBy(desc(inboundMessages.receivedAt))
    .limit(opts.limit);
}

export async function getRawMessage(db: Db, rawStore: RawStore, id: string): Promise<Buffer> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', 'no such message');
  const [row] = await db.select({ raw: inboundMessages.raw, rawPath: inboundMessages.rawPath }).from(inboundMessages).where(eq(inboundMessages.id, id));
  if (!row) throw new AppError('not_found', 'no such message');
  return rawStore.load(row);
}

export async function messageEvents(db: Db, messageIds: string[]) {
  if (messageIds.length === 0) return [];
  const rows = await db.select().from(caseEvents).where(inArray(caseEvents.inboundMessageId, messageIds)).orderBy(asc(caseEvents.id));
  return rows.map(withExplanation);
}

export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.select({ status: outbox.status, n: count() }).from(outbox).groupBy(outbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}

// Reasons whose detail says more than the code's sentence: "not verified: DNS failed (…)" is what an agent needs to see.
const DETAILED = new Set<SuppressionReason>(['sender_not_verified']);

function withExplanation<T extends { type: string; detail: Record<string, unknown> }>(event: T) {
  const reasons = (event.detail.reasons as { code: SuppressionReason; detail?: string }[] | undefined) ?? [];
  const said = (r: { code: SuppressionReason; detail?: string }) => (DETAILED.has(r.code) && r.detail ? r.detail : describeSuppression(r.code));
  const explanation =
    event.type === 'acknowledgement_suppressed' || event.type === 'message_unassigned'
      ? `no acknowledgement: ${reasons.map(said).join('; ') || 'no case to acknowledge'}`
      : event.type === 'acknowledgement_queued' ? acknowledgedTo(event.detail.recipient as RecipientChoice | null | undefined) : undefined;
  return { ...event, explanation };
}

/** Which address the acknowledgement went to and why (issue 17: never an unproven Reply-To). */
function acknowledgedTo(recipient: RecipientChoice | null | undefined): string | undefined {
  if (!recipient?.address) return undefined;
  const ignored = recipient.ignoredReplyTo ? ` (Reply-To ${recipient.ignoredReplyTo} not used)` : '';
  const proven = recipient.proven ? '' : '; the sender is not proven, so the subject and name were not repeated';
  return `sent to ${recipient.address}, ${describeRecipientChoice(recipient.why)}${ignored}${proven}`;
}
