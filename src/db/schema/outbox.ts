import { sql } from 'drizzle-orm';
import { index, integer, jsonb, pgTable, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { cases } from './cases.js';

/** 'webhook': a signed HTTP call (the escalation webhook): the URL in to_address, the JSON body in text_body. */
export const outboxKinds = ['acknowledgement', 'reply', 'update', 'notification', 'webhook'] as const;
/**
 * pending → sending (leased by a worker, its SMTP transaction under way) → sent | failed.
 * A row found in 'sending' after its lease expired may or may not have reached the server: it becomes
 * 'uncertain' and is never resent automatically, so a crash can never make the customer get it twice.
 * 'claimed' (leased, not yet handed over) is no longer written: earlier versions claimed a batch, then marked it
 * sending; such rows are taken again once their lease runs out.
 */
export const outboxStatuses = ['pending', 'claimed', 'sending', 'sent', 'failed', 'uncertain'] as const;

export const outbox = pgTable(
  'outbox',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').references(() => cases.id),
    inboundMessageId: uuid('inbound_message_id'),
    kind: text('kind', { enum: outboxKinds }).notNull(),
    messageId: text('message_id').notNull().unique(),
    fromAddress: text('from_address').notNull(),
    fromName: text('from_name').notNull(),
    toAddress: text('to_address').notNull(),
    /** the recipient compared as the per-sender cap compares it (src/domain/address-identity.ts): look-alikes and plus-tags fold together */
    recipientKey: text('recipient_key'),
    subject: text('subject').notNull(),
    textBody: text('text_body').notNull(),
    headers: jsonb('headers').$type<Record<string, string>>().notNull().default({}),
    status: text('status', { enum: outboxStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamptz('next_attempt_at').notNull().defaultNow(),
    leaseUntil: timestamptz('lease_until'),
    lastError: text('last_error'),
    /** makes one-off messages idempotent, e.g. 'sla-update:<timer>' so a breach update goes out once */
    dedupeKey: text('dedupe_key').unique(),
    /** who approved it (agent replies) */
    approvedBy: text('approved_by'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    sentAt: timestamptz('sent_at'),
  },
  (t) => [
    // At most one acknowledgement per case, whatever number of workers race for it.
    uniqueIndex('outbox_one_ack_per_case').on(t.caseId).where(sql`kind = 'acknowledgement'`),
    index('outbox_due').on(t.nextAttemptAt).where(sql`status in ('pending', 'claimed', 'sending')`),
    index('outbox_recipient').on(t.toAddress, t.createdAt),
    index('outbox_recipient_key').on(t.recipientKey, t.createdAt),
    index('outbox_case').on(t.caseId),
  ],
);

export type OutboxRow = typeof outbox.$inferSelect;
