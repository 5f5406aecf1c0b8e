// Naive auto-responders: vacation programs that write no RFC 3834 header, and answer every mail they get, threaded or
// not. The guard cannot see them by their headers, so two traces in the database give them away: they answer with the
// same text each time, and they answer our mail within seconds. The first joins a repeat to its first message's case
// (no case and no acknowledgement of its own); the second only keeps the "still on it" update from answering them.
// Neither hides a person's mail from an agent (issue 17, item 4).
import { and, desc, eq, gt, inArray, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { caseEvents, cases, type Case } from '../db/schema/cases.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import type { RecipientChoice } from '../domain/acknowledgement-recipient.js';

/** The flag a stored message carries when a machine wrote it, or very likely did (see the window below). */
export const AUTOMATIC_REPLY_FLAG = 'automatic_reply';
/** Outgoing kinds a responder answers: ours to the customer (acknowledgement, update, agent reply). */
const TO_CUSTOMER = ['acknowledgement', 'update', 'reply'] as const;

/**
 * A message on the case sooner than this after our last mail to the customer counts as an automatic answer to it when
 * deciding on the SLA update: an auto-responder answers in seconds (measured from the outbox row's creation, since it
 * may answer before we record "sent"). A person who writes back that fast is still on the case and drafted for; they
 * only miss the "still on it" update, which their own message made moot.
 */
export const QUICK_REPLY_SECONDS = 90;

/**
 * The case of an earlier message with exactly this subject and text from the same customer address within 24 hours:
 * a responder's second "I am on vacation" joins its first instead of opening a case. Read only for a sender who got
 * automatic mail from us that day and whose message threads nowhere, so ordinary mail pays no extra statement.
 */
export async function caseOfRepeatedText(
  q: Queryable, input: { mailboxId: number; messageId: string; customerAddress: string; subject: string; text: string; since: Date },
): Promise<Case | null> {
  if (!input.text.trim()) return null;
  const [row] = await q
    .select({ kase: cases })
    .from(cases)
    .innerJoin(inboundMessages, eq(inboundMessages.caseId, cases.id))
    .where(and(
      eq(cases.mailboxId, input.mailboxId), eq(cases.customerAddress, input.customerAddress), gt(cases.updatedAt, input.since),
      ne(inboundMessages.id, input.messageId), gt(inboundMessages.receivedAt, input.since),
      sql`btrim(${inboundMessages.textBody}) = btrim(${input.text})`,
      sql`btrim(${inboundMessages.subject}) = btrim(${input.subject})`,
    ))
    .orderBy(desc(inboundMessages.receivedAt))
    .limit(1);
  return row?.kase ?? null;
}

/**
 * Whether the customer has written since our last mail on this case, and only machines did: then a "still working on
 * it" update would only feed the responder another message to answer. Their messages on any of their cases count (an
 * unthreaded responder's answer lands on a case of its own). No message since: the customer still waits on the question
 * we acknowledged, and the update is due.
 */
export async function onlyAutomaticRepliesSinceOurLastMail(q: Queryable, kase: Pick<Case, 'id' | 'mailboxId' | 'customerAddress'>): Promise<boolean> {
  const [row] = await q
    .select({
      total: sql<number>`count(*)`.mapWith(Number),
      automatic: sql<number>`count(*) filter (where ${AUTOMATIC_REPLY_FLAG} = any(${inboundMessages.flags})
        or ${inboundMessages.receivedAt} < last_mail.at + make_interval(secs => ${QUICK_REPLY_SECONDS}))`.mapWith(Number),
    })
    .from(inboundMessages)
    .innerJoin(sql`(select max(${outbox.createdAt}) as at from ${outbox}
        where ${outbox.caseId} = ${kase.id} and ${inArray(outbox.kind, [...TO_CUSTOMER])}) as last_mail`, sql`true`)
    .where(and(
      sql`${inboundMessages.receivedAt} > last_mail.at`,
      // through the customer's cases (indexed), not a scan of every message's sender
      sql`${inboundMessages.caseId} in (select ${cases.id} from ${cases}
        where ${cases.mailboxId} = ${kase.mailboxId} and ${cases.customerAddress} = ${kase.customerAddress})`,
    ));
  return (row?.total ?? 0) > 0 && row!.total === row!.automatic;
}

/** Who the case's acknowledgement went to and why, as the pipeline recorded it; null for a case never acknowledged. */
export async function acknowledgedRecipient(q: Queryable, caseId: string): Promise<RecipientChoice | null> {
  const [row] = await q
    .select({ detail: caseEvents.detail })
    .from(caseEvents)
    .where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'acknowledgement_queued')))
    .orderBy(desc(caseEvents.createdAt))
    .limit(1);
  const recipient = (row?.detail as { recipient?: RecipientChoice | null } | undefined)?.recipient;
  return recipient?.address ? recipient : null;
}
