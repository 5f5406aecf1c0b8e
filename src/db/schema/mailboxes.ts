import { integer, jsonb, pgTable, real, serial, text, timestamptz } from '../columns.js';

/** A support address we receive on. Every message and case belongs to exactly one. */
export const mailboxes = pgTable('mailboxes', {
  id: serial('id').primaryKey(),
  key: text('key').notNull().unique(),
  address: text('address').notNull(),
  displayName: text('display_name').notNull(),
  timeZone: text('time_zone').notNull(),
  businessHours: jsonb('business_hours').$type<{ days: number[]; open: string; close: string; holidays: string[] }>().notNull(),
  firstReplyMinutes: integer('first_reply_minutes').notNull(),
  maxAcksPerSender24h: integer('max_acks_per_sender_24h').notNull(),
  /** Escalate below this match confidence; null = the threshold the matcher chose from the knowledge base's own data. */
  matchThreshold: real('match_threshold'),
  /** answering without review: 'off' (default), 'shadow' (compute and report only) or 'on' */
  autoSendMode: text('auto_send_mode', { enum: ['off', 'shadow', 'on'] }).notNull().default('off'),
  autoSendMinConfidence: real('auto_send_min_confidence').notNull().default(0.9),
  /** escalation rules (VIPs, teams, phrases, toggles); null = the defaults */
  escalationRules: jsonb('escalation_rules').$type<Record<string, unknown>>(),
  /**
   * Senders whose Reply-To we acknowledge although it is on another domain: a web form relaying customers' messages
   * ("noreply@ourshop.example" or the whole domain "ourshop.example"). Empty: only From and a same-domain Reply-To.
   */
  trustedRelays: jsonb('trusted_relays').$type<string[]>().notNull().default([]),
  /** what to do when the From domain publishes no DMARC record: most small senders do not, so acknowledge by default */
  dmarcNoneAction: text('dmarc_none_action', { enum: ['acknowledge', 'withhold'] }).notNull().default('acknowledge'),
  /** DMARC could not be checked (DNS timeout, SERVFAIL, broken resolver): a forged From cannot be told apart */
  dmarcTemperrorAction: text('dmarc_temperror_action', { enum: ['acknowledge', 'withhold'] }).notNull().default('withhold'),
  /**
   * Languages whose articles may be suggested when none is in the customer's language (in order, e.g. ["en"]).
   * Empty (the default): a customer writing in a language the knowledge base lacks gets no article links.
   */
  fallbackLanguages: jsonb('fallback_languages').$type<string[]>().notNull().default([]),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
});

/** Where IMAP ingestion stopped: UIDVALIDITY + last UID, never the \Seen flag. */
export const imapCursors = pgTable('imap_cursors', {
  mailboxKey: text('mailbox_key').primaryKey(),
  uidValidity: text('uid_validity').notNull(),
  lastUid: integer('last_uid').notNull(),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export type Mailbox = typeof mailboxes.$inferSelect;
