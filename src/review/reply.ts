import type { Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { outbox } from '../db/schema/outbox.js';
import { newMessageId, threadHeaders } from '../domain/message-ids.js';

/** Our subject for a reply: "Re: <their subject>" carrying the case reference, added once. */
export function replySubject(subject: string, reference: string): string {
  const base = /^\s*(re|aw|sv|rv|res|ответ|回复)\s*:/i.test(subject) ? subject.trim() : `Re: ${subject.trim()}`;
  return base.includes(reference) ? base : `${base} [${reference}]`;
}

/** An approved agent reply as an outbox row: from the mailbox address, threaded under the customer's last message. */
export function replyOutboxRow(input: {
  kase: Case;
  mailbox: Mailbox;
  body: string;
  language: string;
  lastCustomerMessage: { id: string; messageId: string | null; references: string[] } | null;
  approvedBy: string;
  messageIdDomain: string;
}): typeof outbox.$inferInsert {
  const { kase, mailbox } = input;
  return {
    caseId: kase.id,
    inboundMessageId: input.lastCustomerMessage?.id ?? null,
    kind: 'reply',
    messageId: newMessageId('reply', kase.reference, input.messageIdDomain),
    fromAddress: mailbox.address,
    fromName: mailbox.displayName,
    toAddress: kase.customerAddress,
    subject: replySubject(kase.subject, kase.reference),
    textBody: input.body,
    approvedBy: input.approvedBy,
    headers: {
      'Content-Language': input.language,
      'X-Firstreply-Case': kase.reference,
      ...threadHeaders(input.lastCustomerMessage?.messageId ?? null, input.lastCustomerMessage?.references ?? []),
    },
  };
}
