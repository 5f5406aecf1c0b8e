// Mail whose SMTP hand-off was interrupted by a crash ('uncertain'): the server may or may not have taken it. It is
// never resent on its own (at most once: a customer must not get it twice); an admin who checked the mail server's
// log decides: send it again (risk: a duplicate) or record it as delivered (risk: it never arrived). Audited.
import { and, asc, count, eq } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client.js';
import { outbox } from '../db/schema/outbox.js';
import { AppError } from '../errors.js';
import { audit, type Actor } from '../audit/log.js';

export const UNCERTAIN_RISK =
  'The process stopped while handing these mails to the mail server: each may or may not have been delivered. ' +
  'They are not resent automatically, so nobody gets one twice. Check the mail server\'s log for the Message-ID, ' +
  'then resend (if it never arrived; if it did, the recipient gets it twice) or mark it delivered (if it did).';

export function listUncertain(db: Queryable, limit = 200) {
  return db
    .select({ id: outbox.id, kind: outbox.kind, toAddress: outbox.toAddress, subject: outbox.subject, messageId: outbox.messageId, attempts: outbox.attempts, createdAt: outbox.createdAt, caseId: outbox.caseId })
    .from(outbox)
    .where(eq(outbox.status, 'uncertain'))
    .orderBy(asc(outbox.createdAt))
    .limit(limit);
}

export async function countUncertain(db: Queryable): Promise<number> {
  const [row] = await db.select({ n: count() }).from(outbox).where(eq(outbox.status, 'uncertain'));
  return Number(row?.n ?? 0);
}

/** 'resend': back to pending, due now. 'delivered': recorded as sent. Only a row still uncertain is changed. */
export async function settleUncertain(db: Db, actor: Actor, id: string, decision: 'resend' | 'delivered'): Promise<void> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new AppError('not_found', 'no uncertain mail with that id');
  await db.transaction(async (tx) => {
    const now = new Date();
    const [row] = await tx
      .update(outbox)
      .set(decision === 'resend'
        ? { status: 'pending', nextAttemptAt: now, leaseUntil: null, lastError: null }
        : { status: 'sent', sentAt: now, leaseUntil: null })
      .where(and(eq(outbox.id, id), eq(outbox.status, 'uncertain')))
      .returning({ caseId: outbox.caseId, messageId: outbox.messageId, kind: outbox.kind });
    if (!row) throw new AppError('not_found', 'no uncertain mail with that id');
    await audit(tx, {
      caseId: row.caseId, actor, action: decision === 'resend' ? 'uncertain_mail_resent' : 'uncertain_mail_marked_delivered',
      before: { outboxId: id, messageId: row.messageId, kind: row.kind, status: 'uncertain' },
      after: { outboxId: id, status: decision === 'resend' ? 'pending' : 'sent' },
    });
  });
}
