import { sql } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { bigserial, index, integer, jsonb, pgTable, text, timestamptz, uuid } from '../columns.js';
import { mailboxes } from './mailboxes.js';

export interface EscalationReasonRecord {
  code: string;
  /** a sentence for the agent: what was detected */
  detail: string;
  at: string;
}

/** 'merged': the case was merged into another (merged_into_id); its messages and open deadlines live there now. */
export const caseStatuses = ['open', 'escalated', 'waiting', 'resolved', 'merged'] as const;
export const casePriorities = ['urgent', 'high', 'normal', 'low'] as const;

export const cases = pgTable(
  'cases',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    reference: text('reference').notNull().unique(),
    mailboxId: integer('mailbox_id').notNull().references(() => mailboxes.id),
    customerAddress: text('customer_address').notNull(),
    customerName: text('customer_name'),
    subject: text('subject').notNull(),
    language: text('language').notNull(),
    status: text('status', { enum: caseStatuses }).notNull().default('open'),
    priority: text('priority', { enum: casePriorities }).notNull().default('normal'),
    firstReplyDueAt: timestamptz('first_reply_due_at').notNull(),
    acknowledgedAt: timestamptz('acknowledged_at'),
    lastCustomerMessageAt: timestamptz('last_customer_message_at').notNull(),
    customerMessageCount: integer('customer_message_count').notNull().default(1),
    category: text('category'),
    /** who holds the case (claimed for review); others see it and cannot claim until the claim expires */
    /** the principal's id: a user id, an API token id or 'config' */
    assigneeId: text('assignee_id'),
    assigneeName: text('assignee_name'),
    claimExpiresAt: timestamptz('claim_expires_at'),
    /** the team escalations go to */
    team: text('team'),
    escalationReasons: jsonb('escalation_reasons').$type<EscalationReasonRecord[]>().notNull().default([]),
    firstHumanReplyAt: timestamptz('first_human_reply_at'),
    lastAgentReplyAt: timestamptz('last_agent_reply_at'),
    resolvedAt: timestamptz('resolved_at'),
    /** set with status 'merged': the case this one's messages were moved into; mail on its thread joins that case */
    mergedIntoId: uuid('merged_into_id').references((): AnyPgColumn => cases.id),
    mergedAt: timestamptz('merged_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [index('cases_due').on(t.firstReplyDueAt).where(sql`status <> 'resolved'`), index('cases_customer').on(t.customerAddress),
    // the customer's other cases: the address in lower case without its plus-tag (src/cases/customer-cases.ts)
    index('cases_customer_key').on(customerKeySql(t.customerAddress)),
  ],
);

export const caseEventTypes = [
  'case_opened',
  'message_joined',
  'message_flagged',
  'acknowledgement_queued',
  'acknowledgement_suppressed',
  'message_unassigned',
  'knowledge_matched',
  'escalated',
  'erasure',
] as const;

/** The case history: what happened and why, including every suppressed acknowledgement with its reasons. */
export const caseEvents = pgTable(
  'case_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    caseId: uuid('case_id').references(() => cases.id),
    inboundMessageId: uuid('inbound_message_id'),
    type: text('type', { enum: caseEventTypes }).notNull(),
    detail: jsonb('detail').$type<Record<string, unknown>>().notNull().default({}),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('case_events_case').on(t.caseId), index('case_events_type').on(t.type, t.createdAt)],
);

/**
 * One customer's address as the database compares it: lower case, plus-tag removed ("Ana+shop@x" is ana@x). Look-alike
 * characters are not folded here: showing a customer's history to a look-alike address would show it to someone else.
 */
export function customerKeySql(column: AnyPgColumn | ReturnType<typeof sql>) {
  // escaped twice: in a tagged template an invalid escape such as \1 would drop the whole segment
  return sql`lower(regexp_replace(${column}, '^([^@+]*)\\+[^@]*@', '\\1@'))`;
}

export type Case = typeof cases.$inferSelect;
export type CaseEvent = typeof caseEvents.$inferSelect;
