import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { inboundMessages } from '../db/schema/messages.js';
import { outbox } from '../db/schema/outbox.js';
import { caseReferenceIn } from '../domain/case-reference.js';

/**
 * The case a message continues, if any: first by the messages it answers (ours or the customer's own
 * earlier ones), then by a case reference in the subject — the latter only for the case's own customer,
 * so a stranger cannot join someone else's case by typing a reference.
 */
export async function findCaseForMessage(
  db: Queryable,
  input: { mailboxId: number; inReplyTo: string | null; references: string[]; subject: string; customerAddress: string | null },
): Promise<Case | null> {
  const ids = [...new Set([input.inReplyTo, ...input.references].filter((x): x is string => !!x))].slice(-50);
  if (ids.length > 0) {
    const caseIds = await db
      .select({ caseId: outbox.caseId })
      .from(outbox)
      .where(inArray(outbox.messageId, ids))
      .union(
        db
          .select({ caseId: inboundMessages.caseId })
          .from(inboundMessages)
          .where(and(eq(inboundMessages.mailboxId, input.mailboxId), inArray(inboundMessages.messageId, ids))),
      );
    const found = caseIds.map((r) => r.caseId).filter((x): x is string => !!x);
    if (found.length > 0) {
      const [c] = await db
        .select()
        .from(cases)
        .where(and(inArray(cases.id, found), eq(cases.mailboxId, input.mailboxId)))
        .orderBy(sql`${cases.createdAt} desc`)
        .limit(1);
      if (c) return c;
    }
  }
  const reference = caseReferenceIn(input.subject);
  if (reference && input.customerAddress) {
    const [c] = await db
      .select()
      .from(cases)
      .where(and(eq(cases.reference, reference), eq(cases.mailboxId, input.mailboxId), eq(cases.customerAddress, input.customerAddress)));
    if (c) return c;
  }
  return null;
}
