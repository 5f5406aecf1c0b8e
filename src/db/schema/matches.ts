import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, jsonb, pgTable, real, text, timestamptz, uuid } from '../columns.js';
import { cases } from './cases.js';

export interface MatchedArticleRecord {
  articleId: string;
  version: number;
  title: string;
  score: number;
  contributions: Record<string, number>;
}

/**
 * Every knowledge-base match made for a customer message: what was suggested in the acknowledgement, with which
 * confidence against which threshold. The draft, escalation and article-performance reports read from here.
 */
export const caseMatches = pgTable(
  'case_matches',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    inboundMessageId: uuid('inbound_message_id').notNull(),
    model: text('model').notNull(),
    confidence: real('confidence').notNull(),
    threshold: real('threshold').notNull(),
    escalate: boolean('escalate').notNull(),
    /** ranked candidates, best first */
    ranked: jsonb('ranked').$type<MatchedArticleRecord[]>().notNull(),
    /** the article ids (and versions) the acknowledgement suggested, possibly translations of ranked ones */
    suggested: jsonb('suggested').$type<{ articleId: string; version: number }[]>().notNull().default(sql`'[]'::jsonb`),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('case_matches_case').on(t.caseId), index('case_matches_created').on(t.createdAt)],
);

export type CaseMatch = typeof caseMatches.$inferSelect;
