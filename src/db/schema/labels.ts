import { sql } from 'drizzle-orm';
import { bigserial, index, integer, jsonb, pgTable, real, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { cases } from './cases.js';
import { mailboxes } from './mailboxes.js';

/** What an agent's decision says about a case's question: this article answers it, or no article does. */
export const matchLabelSources = ['approved_reply', 'agent_pick', 'no_article', 'rejected_draft'] as const;
export type MatchLabelSource = (typeof matchLabelSources)[number];

/**
 * Every agent decision is a label for the matcher: the latest decision on a case is its label (one row per case).
 * `articleId` null = no article answers the question (a gap candidate). The mailbox's escalation threshold is re-fitted
 * from these once there are enough of them (mailbox_calibrations).
 */
export const matchLabels = pgTable(
  'match_labels',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    mailboxId: integer('mailbox_id').notNull().references(() => mailboxes.id),
    caseId: uuid('case_id').notNull().references(() => cases.id, { onDelete: 'cascade' }),
    question: text('question').notNull(),
    language: text('language').notNull(),
    articleId: text('article_id'),
    source: text('source', { enum: matchLabelSources }).notNull(),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('match_labels_case').on(t.caseId), index('match_labels_mailbox').on(t.mailboxId, t.createdAt)],
);

export interface CurvePoint {
  threshold: number;
  inScopeAccuracy: number;
  escalationRecall: number;
  answeredPrecision: number;
}

/** A mailbox's threshold fitted from its agents' labels, with the trade-off curve it was chosen from. */
export const mailboxCalibrations = pgTable('mailbox_calibrations', {
  mailboxId: integer('mailbox_id').primaryKey().references(() => mailboxes.id),
  threshold: real('threshold').notNull(),
  labels: integer('labels').notNull(),
  answerable: integer('answerable').notNull(),
  unanswerable: integer('unanswerable').notNull(),
  curve: jsonb('curve').$type<CurvePoint[]>().notNull().default(sql`'[]'::jsonb`),
  /** the figures at the chosen threshold */
  chosen: jsonb('chosen').$type<CurvePoint>().notNull(),
  fittedAt: timestamptz('fitted_at').notNull().defaultNow(),
});

export type MatchLabel = typeof matchLabels.$inferSelect;
export type MailboxCalibration = typeof mailboxCalibrations.$inferSelect;
