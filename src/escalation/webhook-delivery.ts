// Sending a 'webhook' outbox row: one signed POST per attempt; the outbox worker retries with its own backoff. The
// secret is read from the case's mailbox when the call is made (a rotated secret signs calls still queued) and is
// never stored on the row. A webhook is at-least-once: a crash mid-call sends it again with the same
// X-Firstreply-Delivery id, which receivers use to drop the duplicate.
import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import { mailboxes } from '../db/schema/mailboxes.js';
import type { OutboxRow } from '../db/schema/outbox.js';
import { mailboxRules } from './mailbox-rules.js';
import { AppError } from '../errors.js';
import { deliverWebhook } from './notify.js';

export type WebhookSender = (row: Pick<OutboxRow, 'caseId' | 'toAddress' | 'textBody' | 'messageId'>) => Promise<void>;

export function webhookSender(db: Queryable, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): WebhookSender {
  return async (row) => {
    const secret = row.caseId ? await secretFor(db, row.caseId) : undefined;
    if (!secret) throw new AppError('conflict', 'the mailbox no longer has a webhookSecret: not sent', false);
    const result = await deliverWebhook(row.toAddress, secret, JSON.parse(row.textBody) as unknown, {
      attempts: 1, timeoutMs: options.timeoutMs ?? 5000, fetch: options.fetch, deliveryId: row.messageId,
    });
    if (!result.delivered) throw new AppError('unavailable', `webhook not delivered: ${result.error ?? 'unknown error'}`, result.retryable);
  };
}

async function secretFor(db: Queryable, caseId: string): Promise<string | undefined> {
  const [row] = await db.select({ mailbox: mailboxes }).from(cases).innerJoin(mailboxes, eq(mailboxes.id, cases.mailboxId)).where(eq(cases.id, caseId));
  return row ? mailboxRules(row.mailbox).webhookSecret : undefined;
}
