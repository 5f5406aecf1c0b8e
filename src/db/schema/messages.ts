import { sql } from 'drizzle-orm';
import { bytea, index, integer, jsonb, pgTable, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { mailboxes } from './mailboxes.js';

export interface SmtpEnvelope {
  remoteAddress: string | null;
  helo: string | null;
  /** '' is the null sender (<>) */
  mailFrom: string | null;
  rcptTo: string[];
}

export const messageStatuses = ['received', 'processed', 'failed'] as const;
export const messageSources = ['imap', 'smtp', 'webhook', 'import'] as const;

/**
 * Every inbound message, stored raw before anything else happens. Status 'received' is the pipeline's
 * queue: a message stays there until parse → guard → thread → acknowledge committed.
 */
export const inboundMessages = pgTable(
  'inbound_messages',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    mailboxId: integer('mailbox_id').notNull().references(() => mailboxes.id),
    source: text('source', { enum: messageSources }).notNull(),
    dedupeKey: text('dedupe_key').notNull(),
    // The raw bytes live here, or — for large messages on the embedded database, where a huge bytea
    // parameter blocks PGlite for seconds — in a content-addressed file named by rawPath.
    raw: bytea('raw'),
    rawPath: text('raw_path'),
    size: integer('size').notNull(),
    receivedAt: timestamptz('received_at').notNull().defaultNow(),
    status: text('status', { enum: messageStatuses }).notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    flags: text('flags').array().notNull().default(sql`'{}'::text[]`),
    error: text('error'),
    messageId: text('message_id'),
    inReplyTo: text('in_reply_to'),
    references: text('references').array().notNull().default(sql`'{}'::text[]`),
    fromAddress: text('from_address'),
    fromName: text('from_name'),
    replyTo: text('reply_to'),
    subject: text('subject'),
    textBody: text('text_body'),
    htmlBody: text('html_body'),
    language: text('language'),
    sentAt: timestamptz('sent_at'),
    caseId: uuid('case_id'),
    /** SMTP only: who handed us the message (for SPF), as the listener saw it */
    envelope: jsonb('envelope').$type<SmtpEnvelope>(),
    /** SPF/DKIM/DMARC verdict, shown to agents; a failed DMARC means no acknowledgement */
    senderAuth: jsonb('sender_auth').$type<Record<string, unknown>>(),
    processedAt: timestamptz('processed_at'),
  },
  (t) => [
    uniqueIndex('inbound_messages_dedupe').on(t.mailboxId, t.dedupeKey),
    index('inbound_messages_pending').on(t.receivedAt).where(sql`status = 'received'`),
    index('inbound_messages_message_id').on(t.messageId),
    index('inbound_messages_case').on(t.caseId),
  ],
);

export type InboundMessage = typeof inboundMessages.$inferSelect;
