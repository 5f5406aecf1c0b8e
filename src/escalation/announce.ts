// Telling people about an escalation, in the transaction that escalates the case: the team's e-mail notice and the
// signed webhook are both outbox rows, so they survive a crash and are retried like any outgoing mail. Every
// escalation path (pipeline, SLA breach, agent) goes through here.
import { newMessageId } from '../domain/message-ids.js';
import type { Queryable } from '../db/client.js';
import type { Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { outbox } from '../db/schema/outbox.js';
import type { EscalationReason } from '../domain/escalation/reasons.js';
import { teamAddressFor, type EscalationRules } from '../domain/escalation-rules.js';
import { escalationNoticeRow, escalationWebhookPayload } from './notify.js';

export const WEBHOOK_EVENT = 'case.escalated';

export interface Announcement {
  kase: Case;
  mailbox: Mailbox;
  rules: EscalationRules;
  team: string;
  /** every reason the case carries (the notice lists them all) */
  reasons: readonly EscalationReason[];
  /** one notice and one webhook per key: e.g. the case and its set of reasons, or one agent escalation */
  key: string;
  messageIdDomain: string;
  inboundMessageId?: string | null;
  /** public base URL of the web app for links (publicBaseUrl(config)) */
  appUrl: string;
  now?: Date;
}

export interface Announced {
  noticeQueued: boolean;
  webhookQueued: boolean;
}

/** The webhook's outbox row: the target URL in to_address, the JSON body in text_body; signed when it is sent. */
export function escalationWebhookRow(a: Announcement): typeof outbox.$inferInsert | null {
  const { webhookUrl, webhookSecret } = a.rules;
  if (!webhookUrl || !webhookSecret) return null;
  const payload = escalationWebhookPayload({ kase: a.kase, team: a.team, reasons: a.reasons, at: a.now, appUrl: a.appUrl });
  return {
    caseId: a.kase.id,
    inboundMessageId: a.inboundMessageId ?? null,
    kind: 'webhook',
    // also the X-Firstreply-Delivery id: the same on every attempt, so receivers drop duplicates
    messageId: newMessageId('webhook', a.kase.reference, a.messageIdDomain),
    fromAddress: a.mailbox.address,
    fromName: a.mailbox.displayName,
    toAddress: webhookUrl,
    subject: WEBHOOK_EVENT,
    textBody: JSON.stringify(payload),
    headers: { 'X-Firstreply-Event': WEBHOOK_EVENT },
    dedupeKey: `webhook:${a.key}`,
  };
}

/** Queues the team notice (if the team has an address) and the webhook (if configured). */
export async function announceEscalation(tx: Queryable, a: Announcement): Promise<Announced> {
  const teamAddress = teamAddressFor(a.rules, a.team, null);
  const rows: (typeof outbox.$inferInsert)[] = [];
  if (teamAddress) {
    rows.push({
      ...escalationNoticeRow({
        kase: a.kase, mailbox: a.mailbox, team: a.team, teamAddress, reasons: a.reasons, messageIdDomain: a.messageIdDomain,
        inboundMessageId: a.inboundMessageId, appUrl: a.appUrl,
      }),
      dedupeKey: a.key,
    });
  }
  const webhook = escalationWebhookRow(a);
  if (webhook) rows.push(webhook);
  if (rows.length === 0) return { noticeQueued: false, webhookQueued: false };
  const inserted = await tx.insert(outbox).values(rows).onConflictDoNothing({ target: outbox.dedupeKey }).returning({ kind: outbox.kind });
  return { noticeQueued: inserted.some((r) => r.kind === 'notification'), webhookQueued: inserted.some((r) => r.kind === 'webhook') };
}
