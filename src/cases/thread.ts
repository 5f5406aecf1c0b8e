import { and, asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { caseReferenceIn } from '../domain/case-reference.js';
import { chooseThread } from '../domain/threading.js';

/**
 * The case a message continues, if any: the messages it answers (ours or the customer's own earlier ones) and a case
 * reference in the subject, weighed by the threading rules (src/domain/threading.ts). A subject reference alone joins
 * only the case's own customer, so a stranger cannot join someone else's case by typing a reference.
 */
export async function findCaseForMessage(
  db: Queryable,
  input: { mailboxId: number; inReplyTo: string | null; references: string[]; subject: string; customerAddress: string | null },
): Promise<Case | null> {
  const ids = [...new Set([input.inReplyTo, ...input.references].filter((x): x is string => !!x))].slice(-50);
  const caseOfMessage = new Map<string, string>();
  if (ids.length > 0) {
    const rows = await db
      .select({ messageId: inboundMessages.messageId, caseId: inboundMessages.caseId })
      .from(inboundMessages)
      .where(and(eq(inboundMessages.mailboxId, input.mailboxId), inArray(inboundMessages.messageId, ids)))
      .union(db.select({ messageId: outbox.messageId, caseId: outbox.caseId }).from(outbox).where(inArray(outbox.messageId, ids)));
    for (const r of rows) if (r.messageId && r.caseId && !caseOfMessage.has(r.messageId)) caseOfMessage.set(r.messageId, r.caseId);
  }
  const subjectReference = caseReferenceIn(input.subject);
  const which: SQL[] = [];
  if (caseOfMessage.size > 0) which.push(inArray(cases.id, [...new Set(caseOfMessage.values())]));
  if (subjectReference) which.push(eq(cases.reference, subjectReference));
  if (which.length === 0) return null;
  // Locked, in id order as a merge locks them: a merge running now (src/review/merge-cases.ts) finishes first, and
  // the message follows it to the remaining case.
  const found = await db.select().from(cases).where(and(eq(cases.mailboxId, input.mailboxId), or(...which))).orderBy(asc(cases.id)).for('update');
  const choice = chooseThread(
    { inReplyTo: input.inReplyTo, references: input.references, subjectReference },
    caseOfMessage,
    found.map((c) => ({ caseId: c.id, reference: c.reference, ownCustomer: !!input.customerAddress && c.customerAddress === input.customerAddress })),
  );
  return choice ? followMerges(db, found.find((c) => c.id === choice.caseId)!) : null;
}

const MAX_MERGE_HOPS = 10;

/** The case mail on `kase`'s thread belongs to: kase itself, or the case it was merged into (review/merge-cases.ts), … */
export async function followMerges(q: Queryable, kase: Case): Promise<Case> {
  let current = kase;
  for (let hop = 0; current.mergedIntoId && hop < MAX_MERGE_HOPS; hop++) {
    const [next] = await q.select().from(cases).where(eq(cases.id, current.mergedIntoId));
    if (!next) break;
    current = next;
  }
  return current;
}
