import { sql } from 'drizzle-orm';
import { bigserial, boolean, index, integer, jsonb, pgTable, real, text, timestamptz, uuid } from '../columns.js';
import { cases } from './cases.js';

export const draftStatuses = ['pending', 'proposed', 'edited', 'approved', 'rejected', 'superseded'] as const;
export type DraftStatus = (typeof draftStatuses)[number];

export interface DraftSentence {
  text: string;
  citations: { articleId: string; version: number }[];
  /** greeting, answer, closing...: only answer sentences need a citation */
  kind?: string;
}
export interface DraftCitation {
  articleId: string;
  version: number;
  title: string;
  url: string | null;
}

/**
 * A proposed reply to one customer message. 'pending' rows are the draft worker's queue; the composed text lands in
 * `body` (what the agent edits) and `generatedBody` (kept as written, to measure how much agents change).
 */
export const drafts = pgTable(
  'drafts',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    inboundMessageId: uuid('inbound_message_id').notNull(),
    status: text('status', { enum: draftStatuses }).notNull().default('pending'),
    generator: text('generator'),
    promptVersion: text('prompt_version'),
    language: text('language'),
    subject: text('subject'),
    body: text('body'),
    generatedBody: text('generated_body'),
    sentences: jsonb('sentences').$type<DraftSentence[]>().notNull().default([]),
    citations: jsonb('citations').$type<DraftCitation[]>().notNull().default([]),
    confidence: real('confidence'),
    unsupportedSentences: integer('unsupported_sentences').notNull().default(0),
    injectionSuspected: boolean('injection_suspected').notNull().default(false),
    strippedLinks: text('stripped_links').array().notNull().default(sql`'{}'::text[]`),
    attempts: integer('attempts').notNull().default(0),
    /** when a model draft should be tried again (the model was unavailable; an offline draft stands meanwhile) */
    modelRetryAt: timestamptz('model_retry_at'),
    modelError: text('model_error'),
    leaseUntil: timestamptz('lease_until'),
    decidedBy: text('decided_by'),
    decidedAt: timestamptz('decided_at'),
    rejectReason: text('reject_reason'),
    outboxId: uuid('outbox_id'),
    /** set when an article this draft cites changed after it was written */
    staleSince: timestamptz('stale_since'),
    /** the auto-send verdict for this draft (also computed in shadow mode, for the agreement report) */
    autoSend: jsonb('auto_send').$type<{ mode: string; wouldSend: boolean; sent: boolean; blockers: string[] }>(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    index('drafts_case').on(t.caseId),
    index('drafts_pending').on(t.createdAt).where(sql`status = 'pending'`),
    index('drafts_model_retry').on(t.modelRetryAt).where(sql`model_retry_at is not null`),
  ],
);

/** Who did what to a case, with the state before and after: every agent action and every automatic one. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id'),
    actorId: text('actor_id').notNull(),
    actorName: text('actor_name').notNull(),
    action: text('action').notNull(),
    before: jsonb('before').$type<Record<string, unknown>>(),
    after: jsonb('after').$type<Record<string, unknown>>(),
    at: timestamptz('at').notNull().defaultNow(),
  },
  (t) => [index('audit_log_case').on(t.caseId, t.id), index('audit_log_at').on(t.at)],
);

export type Draft = typeof drafts.$inferSelect;
export type AuditEntry = typeof auditLog.$inferSelect;
