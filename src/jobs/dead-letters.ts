import { and, eq, inArray } from 'drizzle-orm';
import { audit, type Actor } from '../audit/log.js';
import type { Db } from '../db/client.js';
import { inboundMessages } from '../db/schema/messages.js';
import type { DeadLetter, JobQueue } from './queue.js';

/** What an admin sees of a dead letter's message (null when the message row is gone). */
export type DeadLetterMessage = Pick<typeof inboundMessages.$inferSelect, 'id' | 'mailboxId' | 'source' | 'receivedAt' | 'status' | 'attempts'>;

/** Messages whose processing failed on every attempt, newest first, each with its message's state. */
export async function listDeadLetters(db: Db, queue: JobQueue, limit: number): Promise<(DeadLetter & { message: DeadLetterMessage | null })[]> {
  const letters = await queue.deadLetters(limit);
  const ids = letters.map((l) => l.messageId);
  const messages = ids.length === 0 ? [] : await db
    .select({ id: inboundMessages.id, mailboxId: inboundMessages.mailboxId, source: inboundMessages.source, receivedAt: inboundMessages.receivedAt, status: inboundMessages.status, attempts: inboundMessages.attempts })
    .from(inboundMessages)
    .where(inArray(inboundMessages.id, ids));
  const byId = new Map(messages.map((m) => [m.id, m]));
  return letters.map((l) => ({ ...l, message: byId.get(l.messageId) ?? null }));
}

/**
 * Puts one dead letter back in the queue: its message starts again from 'received' with no attempts counted, and the
 * retry is audited. Returns the message's id, or null when there is no such dead letter.
 */
export async function retryDeadLetter(ctx: { db: Db; queue: JobQueue; actor: Actor }, id: string): Promise<string | null> {
  const { db, queue, actor } = ctx;
  const messageId = await queue.retryDeadLetter(id, async (messageId) => {
    await db
      .update(inboundMessages)
      .set({ status: 'received', attempts: 0, error: null })
      .where(and(eq(inboundMessages.id, messageId), inArray(inboundMessages.status, ['failed', 'received'])));
  });
  if (messageId) await audit(db, { caseId: null, actor, action: 'dead_letter_retried', after: { deadLetter: id, messageId } });
  return messageId;
}
