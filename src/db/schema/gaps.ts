import { sql } from 'drizzle-orm';
import { bigint, type AnyPgColumn } from 'drizzle-orm/pg-core';
import { bigserial, index, integer, pgTable, real, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { cases } from './cases.js';
import { articles, vectorAnySize } from './kb.js';
import { inboundMessages } from './messages.js';

/** 'rejected_draft': an agent rejected the case's draft, saying why (`reason`). */
export const gapSources = ['no_article', 'uncited_reply', 'rewritten_draft', 'rejected_draft'] as const;
export type GapSource = (typeof gapSources)[number];
export const gapStatuses = ['open', 'accepted', 'merged', 'dismissed'] as const;
export type GapStatus = (typeof gapStatuses)[number];
export const gapBodySources = ['agent_replies', 'chat', 'placeholder'] as const;
export type GapBodySource = (typeof gapBodySources)[number];

/**
 * A group of customer questions no article answers (see src/insight/gaps/). `centroid` is the mean of the
 * members' embeddings (same model, no fixed size, as article_chunks); the suggestion columns are what a knowledge
 * manager accepts as a draft article. `closest_*` is a snapshot from the last recompute (the report computes it live).
 */
export const gapClusters = pgTable(
  'gap_clusters',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    model: text('model').notNull(),
    centroid: vectorAnySize('centroid').notNull(),
    size: integer('size').notNull().default(0),
    status: text('status', { enum: gapStatuses }).notNull().default('open'),
    title: text('title'),
    suggestedExamples: text('suggested_examples').array().notNull().default(sql`'{}'::text[]`),
    suggestedBody: text('suggested_body'),
    bodySource: text('body_source', { enum: gapBodySources }),
    closestArticleId: text('closest_article_id').references(() => articles.id, { onDelete: 'set null' }),
    closestScore: real('closest_score'),
    /** the draft created on accept, or the article the examples were merged into */
    articleId: text('article_id').references(() => articles.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    resolvedBy: text('resolved_by'),
  },
  (t) => [index('gap_clusters_status_size').on(t.status, t.size), index('gap_clusters_model').on(t.model, t.status)],
);

/**
 * A customer question the knowledge base did not answer: escalated for lack of an article, answered by an agent
 * without citing one, or whose draft the agent rewrote heavily. One row per inbound message (a later reply
 * fills `agent_reply` of the same row). The text is the customer's own words: erased with the customer.
 */
export const gapQuestions = pgTable(
  'gap_questions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    inboundMessageId: uuid('inbound_message_id').references(() => inboundMessages.id, { onDelete: 'cascade' }),
    caseId: uuid('case_id').references(() => cases.id, { onDelete: 'set null' }),
    text: text('text').notNull(),
    language: text('language').notNull(),
    source: text('source', { enum: gapSources }).notNull(),
    agentReply: text('agent_reply'),
    /** an agent's word on why nothing answered it (a rejected draft's reason), personal data removed */
    reason: text('reason'),
    model: text('model').notNull(),
    embedding: vectorAnySize('embedding').notNull(),
    clusterId: bigint('cluster_id', { mode: 'number' }).references((): AnyPgColumn => gapClusters.id, { onDelete: 'set null' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('gap_questions_inbound_message').on(t.inboundMessageId),
    index('gap_questions_cluster').on(t.clusterId, t.createdAt),
    index('gap_questions_case').on(t.caseId),
  ],
);

export type GapCluster = typeof gapClusters.$inferSelect;
export type GapQuestion = typeof gapQuestions.$inferSelect;
