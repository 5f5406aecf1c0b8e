// SLA timer hooks. Each runs inside the caller's transaction (or on the database directly) and takes the
// instant to use as `now`, so the case change and its timers commit together and tests control time.
import { and, eq, inArray, isNotNull, isNull } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { slaPolicies, slaTimers, type SlaTimer, type SlaTimerKind } from '../db/schema/sla.js';
import {
  effectivePolicy, mailboxHours, pauseTimer, resumeTimer, retarget, scheduleFromStart, targetMinutes,
  type SlaMailbox, type SlaPolicy,
} from '../domain/sla-policy.js';
import type { BusinessHours } from '../domain/sla-clock.js';

/** `status`: the case's status before the change, where the caller knows it (a reopen is resolved → open). */
export type SlaCase = Pick<Case, 'id' | 'priority'> & { status?: Case['status'] };
const REPLY_KINDS: SlaTimerKind[] = ['first_reply', 'next_reply'];

/** A mailbox's sla_policies rows (one per priority it overrides). */
export function loadPolicies(q: Queryable, mailboxId: number) {
  return q.select().from(slaPolicies).where(eq(slaPolicies.mailboxId, mailboxId));
}

/** The policy in force for a mailbox and priority: its sla_policies row, else the derived default. */
export async function loadPolicy(q: Queryable, mailbox: SlaMailbox, priority: string): Promise<SlaPolicy> {
  return effectivePolicy(mailbox, await loadPolicies(q, mailbox.id), priority);
}

function timerRow(caseId: string, kind: SlaTimerKind, policy: SlaPolicy, hours: BusinessHours, now: Date) {
  const clock = { startedAt: now, targetMinutes: targetMinutes(policy, kind), reminderBeforeMinutes: policy.reminderBeforeMinutes, pausedBusinessMinutes: 0 };
  const { dueAt, remindAt } = scheduleFromStart(clock, hours);
  return { caseId, kind, ...clock, dueAt, remindAt };
}

async function startTimer(q: Queryable, caseId: string, kind: SlaTimerKind, policy: SlaPolicy, hours: BusinessHours, now: Date): Promise<SlaTimer | null> {
  // The partial unique index (one active timer per kind) makes a second start a no-op.
  const [row] = await q.insert(slaTimers).values(timerRow(caseId, kind, policy, hours, now)).onConflictDoNothing().returning();
  return row ?? null;
}

/** A case's first-reply and resolution timers started at `now` under `policy` (rows to insert). */
export function newCaseTimerRows(caseId: string, policy: SlaPolicy, hours: BusinessHours, now: Date) {
  return [timerRow(caseId, 'first_reply', policy, hours, now), timerRow(caseId, 'resolution', policy, hours, now)];
}

async function activeTimers(q: Queryable, caseId: string, opts: { kinds?: SlaTimerKind[]; paused?: boolean } = {}): Promise<SlaTimer[]> {
  return q
    .select()
    .from(slaTimers)
    .where(and(
      eq(slaTimers.caseId, caseId),
      isNull(slaTimers.stoppedAt),
      opts.kinds ? inArray(slaTimers.kind, opts.kinds) : undefined,
      opts.paused === undefined ? undefined : opts.paused ? isNotNull(slaTimers.pausedAt) : isNull(slaTimers.pausedAt),
    ))
    .for('update');
}

/** Keeps cases.first_reply_due_at (the queue's order and the acknowledgement's promise) on the timer's due date. */
async function syncFirstReplyDue(q: Queryable, caseId: string, dueAt: Date): Promise<void> {
  await q.update(cases).set({ firstReplyDueAt: dueAt }).where(eq(cases.id, caseId));
}

/** An agent answered the customer: the first-reply / next-reply timers stop (resolution keeps running). */
export async function onAgentReplied(q: Queryable, caseId: string, now: Date): Promise<number> {
  const stopped = await q
    .update(slaTimers)
    .set({ stoppedAt: now })
    .where(and(eq(slaTimers.caseId, caseId), isNull(slaTimers.stoppedAt), inArray(slaTimers.kind, REPLY_KINDS)))
    .returning({ id: slaTimers.id });
  return stopped.length;
}

async function resumeAll(q: Queryable, caseId: string, hours: BusinessHours, now: Date): Promise<number> {
  const paused = await activeTimers(q, caseId, { paused: true });
  for (const t of paused) {
    const next = resumeTimer(t, now, hours);
    await q.update(slaTimers).set(next).where(eq(slaTimers.id, t.id));
    if (t.kind === 'first_reply') await syncFirstReplyDue(q, caseId, next.dueAt);
  }
  return paused.length;
}

async function pauseAll(q: Queryable, caseId: string, hours: BusinessHours, now: Date): Promise<number> {
  const running = await activeTimers(q, caseId, { paused: false });
  for (const t of running) await q.update(slaTimers).set(pauseTimer(t, now, hours)).where(eq(slaTimers.id, t.id));
  return running.length;
}

/**
 * The customer wrote again on an existing case (not an auto-reply): paused timers resume; a next-reply timer
 * starts unless a first- or next-reply timer is already running; a case reopened after resolution gets a new
 * resolution timer.
 */
export async function onCustomerMessage(q: Queryable, kase: SlaCase, mailbox: SlaMailbox, now: Date): Promise<void> {
  const hours = mailboxHours(mailbox);
  await resumeAll(q, kase.id, hours, now);
  const active = new Set((await activeTimers(q, kase.id)).map((t) => t.kind));
  if (active.has('first_reply') && active.has('next_reply') && active.has('resolution')) return;
  const policy = await loadPolicy(q, mailbox, kase.priority);
  if (!active.has('first_reply') && !active.has('next_reply')) await startTimer(q, kase.id, 'next_reply', policy, hours, now);
  if (!active.has('resolution')) await startTimer(q, kase.id, 'resolution', policy, hours, now);
}

/**
 * waiting → every active timer pauses, keeping its remaining business minutes; open / escalated → paused timers
 * resume (due = now + remaining business minutes); resolved → every timer stops. A resolved case reopened (by an
 * agent) owes the customer a reply again: its next-reply and resolution timers start under the case's policy.
 */
export async function onStatusChanged(q: Queryable, kase: SlaCase, mailbox: SlaMailbox, newStatus: Case['status'], now: Date): Promise<void> {
  const hours = mailboxHours(mailbox);
  if (newStatus === 'waiting') await pauseAll(q, kase.id, hours, now);
  else if (newStatus === 'open' || newStatus === 'escalated') {
    await resumeAll(q, kase.id, hours, now);
    if (kase.status === 'resolved') await onReopened(q, kase, mailbox, hours, now);
  } else if (newStatus === 'resolved') await stopAllTimers(q, kase.id, now);
}

async function onReopened(q: Queryable, kase: SlaCase, mailbox: SlaMailbox, hours: BusinessHours, now: Date): Promise<void> {
  const active = new Set((await activeTimers(q, kase.id)).map((t) => t.kind));
  const policy = await loadPolicy(q, mailbox, kase.priority);
  if (!active.has('first_reply') && !active.has('next_reply')) await startTimer(q, kase.id, 'next_reply', policy, hours, now);
  if (!active.has('resolution')) await startTimer(q, kase.id, 'resolution', policy, hours, now);
}

export async function stopAllTimers(q: Queryable, caseId: string, now: Date): Promise<number> {
  const stopped = await q
    .update(slaTimers)
    .set({ stoppedAt: now })
    .where(and(eq(slaTimers.caseId, caseId), isNull(slaTimers.stoppedAt)))
    .returning({ id: slaTimers.id });
  return stopped.length;
}

/**
 * The case's priority changed (pass the case with its new priority): active timers take the new policy's
 * targets, counted from their start (time already used and pauses are kept). A deadline that has now passed
 * fires at the worker's next tick; a timer already breached stays breached.
 */
export async function onPriorityChanged(q: Queryable, kase: SlaCase, mailbox: SlaMailbox, _now: Date): Promise<void> {
  const policy = await loadPolicy(q, mailbox, kase.priority);
  const hours = mailboxHours(mailbox);
  for (const t of await activeTimers(q, kase.id)) {
    const next = retarget(t, policy, t.kind, hours);
    await q.update(slaTimers).set(next).where(eq(slaTimers.id, t.id));
    if (t.kind === 'first_reply' && !t.pausedAt) await syncFirstReplyDue(q, kase.id, next.dueAt);
  }
}

/** Every timer of a case, oldest first (for the case view and tests). */
export async function caseTimers(q: Queryable, caseId: string): Promise<SlaTimer[]> {
  return q.select().from(slaTimers).where(eq(slaTimers.caseId, caseId)).orderBy(slaTimers.createdAt, slaTimers.startedAt, slaTimers.kind);
}
