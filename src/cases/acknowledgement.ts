import { createHash } from 'node:crypto';
import type { Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import type { outbox } from '../db/schema/outbox.js';
import { renderAcknowledgement, type TemplateSet } from '../domain/acknowledgement.js';
import { senderCapKey } from '../domain/address-identity.js';
import { newMessageId, threadHeaders } from '../domain/message-ids.js';

export interface SuggestedArticle {
  title: string;
  url: string;
}

/**
 * One acknowledgement per customer email, whichever of our mailboxes it reached (To: support@, Cc: billing@): the
 * outbox's unique dedupe key makes a second mailbox's acknowledgement of the same Message-ID from the same customer
 * a no-op, even when two workers process the two copies at the same moment. Null without a Message-ID.
 */
export function acknowledgementDedupeKey(recipient: string, customerMessageId: string | null): string | null {
  if (!customerMessageId) return null;
  return `ack:${createHash('sha256').update(`${recipient.toLowerCase()}\n${customerMessageId}`).digest('hex')}`;
}

/** The outbox row for a case's acknowledgement: template-rendered, never written by a language model. */
/** What an acknowledgement is rendered from: known before a new case is written. */
export type AcknowledgedCase = Pick<Case, 'id' | 'reference' | 'language' | 'customerName' | 'subject' | 'firstReplyDueAt'>;

export function acknowledgementOutboxRow(input: {
  /** the case as it is (or is about to be) written */
  kase: AcknowledgedCase;
  mailbox: Mailbox;
  recipient: string;
  /**
   * false for an address sender authentication did not prove: the subject and the name are the sender's words, and
   * an acknowledgement repeating them to a stranger would carry the sender's spam (issue 17). Default true.
   */
  echoCustomerText?: boolean;
  customerMessageId: string | null;
  customerReferences: string[];
  inboundMessageId: string;
  articles: SuggestedArticle[];
  templates: TemplateSet;
  messageIdDomain: string;
}): typeof outbox.$inferInsert {
  const { kase, mailbox } = input;
  const echo = input.echoCustomerText ?? true;
  const rendered = renderAcknowledgement(
    {
      language: kase.language,
      reference: kase.reference,
      customerName: echo ? kase.customerName : null,
      subject: echo ? kase.subject : '',
      expectedReplyAt: kase.firstReplyDueAt,
      timeZone: mailbox.timeZone,
      articles: input.articles,
    },
    input.templates,
  );
  const headers: Record<string, string> = {
    'Auto-Submitted': 'auto-replied',
    // Asks Exchange and friends not to answer our acknowledgement with their own auto-reply.
    'X-Auto-Response-Suppress': 'All',
    'Content-Language': rendered.language,
    'X-Firstreply-Case': kase.reference,
  };
  Object.assign(headers, threadHeaders(input.customerMessageId, input.customerReferences));
  return {
    caseId: kase.id,
    inboundMessageId: input.inboundMessageId,
    kind: 'acknowledgement',
    messageId: newMessageId('ack', kase.reference, input.messageIdDomain),
    fromAddress: mailbox.address,
    fromName: mailbox.displayName,
    toAddress: input.recipient,
    recipientKey: senderCapKey(input.recipient),
    subject: rendered.subject,
    textBody: rendered.text,
    headers,
    dedupeKey: acknowledgementDedupeKey(input.recipient, input.customerMessageId),
  };
}
