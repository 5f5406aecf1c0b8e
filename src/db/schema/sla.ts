import { sql } from 'drizzle-orm';
import { check, doublePrecision } from 'drizzle-orm/pg-core';
import { index, integer, pgTable, serial, text, timestamptz, uniqueIndex, uuid } from '../columns.js';
import { casePriorities, cases } from './cases.js';
import { mailboxes } from './mailboxes.js';

/**
 * SLA targets per mailbox and case priority, in business minutes of the mailbox's business hours. A mailbox
 * without a row for a priority uses targets derived from its first-reply setting (see effectivePolicy).
 */
export const slaPolicies = pgTable(
  'sla_policies',
  {
    id: serial('id').primaryKey(),
    mailboxId: integer('mailbox_id').notNull().references(() => mailboxes.id, { onDelete: 'cascade' }),
    priority: text('priority', { enum: casePriorities }).notNull(),
    firstReplyMinutes: integer('first_reply_minutes').notNull(),
    nextReplyMinutes: integer('next_reply_minutes').notNull(),
    resolutionMinutes: integer('resolution_minutes').notNull(),
    /** the assignee is reminded this many business minutes before a deadline; 0 = no reminder */
    reminderBeforeMinutes: integer('reminder_before_minutes').notNull(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('sla_policies_mailbox_priority').on(t.mailboxId, t.priority),
    check('sla_policies_positive', sql`${t.firstReplyMinutes} > 0 and ${t.nextReplyMinutes} > 0 and ${t.resolutionMinutes} > 0 and ${t.reminderBeforeMinutes} >= 0`),
  ],
);

export const slaTimerKinds = ['first_reply', 'next_reply', 'resolution'] as const;
export type SlaTimerKind = (typeof slaTimerKinds)[number];

/**
 * One running deadline of a case. Everything the worker needs is in the row, so timers survive restarts:
 * active = stopped_at is null; running = active and not paused. While paused (case waiting on the customer)
 * remaining_business_minutes holds what was left; paused_business_minutes accumulates finished pauses so the
 * due date can always be recomputed from started_at: due = started_at + (target + paused) business minutes.
 */
export const slaTimers = pgTable(
  'sla_timers',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    caseId: uuid('case_id').notNull().references(() => cases.id),
    kind: text('kind', { enum: slaTimerKinds }).notNull(),
    /** the policy's target for this kind when started (or when the priority last changed), business minutes */
    targetMinutes: integer('target_minutes').notNull(),
    reminderBeforeMinutes: integer('reminder_before_minutes').notNull(),
    startedAt: timestamptz('started_at').notNull(),
    dueAt: timestamptz('due_at').notNull(),
    /** null = no reminder for this timer */
    remindAt: timestamptz('remind_at'),
    pausedAt: timestamptz('paused_at'),
    remainingBusinessMinutes: doublePrecision('remaining_business_minutes'),
    pausedBusinessMinutes: doublePrecision('paused_business_minutes').notNull().default(0),
    remindedAt: timestamptz('reminded_at'),
    breachedAt: timestamptz('breached_at'),
    stoppedAt: timestamptz('stopped_at'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    index('sla_timers_case').on(t.caseId),
    // At most one active timer of each kind per case, whatever number of transactions race to start one.
    uniqueIndex('sla_timers_one_active').on(t.caseId, t.kind).where(sql`stopped_at is null`),
    index('sla_timers_due').on(t.dueAt).where(sql`stopped_at is null and paused_at is null and breached_at is null`),
    index('sla_timers_remind').on(t.remindAt).where(sql`stopped_at is null and paused_at is null and reminded_at is null and breached_at is null and remind_at is not null`),
  ],
);

export type SlaPolicyRow = typeof slaPolicies.$inferSelect;
export type SlaTimer = typeof slaTimers.$inferSelect;
