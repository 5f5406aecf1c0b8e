// SLA policy and timer arithmetic: pure functions over the business-hours clock (sla-clock.ts), so the
// acknowledgement's promise, the timers and the worker all count the same business minutes.
import { addBusinessMinutes, businessMinutesBetween, type BusinessHours } from './sla-clock.js';

export { businessMinutesBetween };

export const SLA_PRIORITIES = ['urgent', 'high', 'normal', 'low'] as const;
export type SlaPriority = (typeof SLA_PRIORITIES)[number];
export type TimerKind = 'first_reply' | 'next_reply' | 'resolution';

export interface SlaPolicy {
  firstReplyMinutes: number;
  nextReplyMinutes: number;
  resolutionMinutes: number;
  reminderBeforeMinutes: number;
}

/** What the SLA needs of a mailbox (structurally a `Mailbox` row). */
export interface SlaMailbox {
  id: number;
  timeZone: string;
  businessHours: Omit<BusinessHours, 'timeZone'>;
  firstReplyMinutes: number;
}

export interface SlaPolicySource extends SlaPolicy {
  mailboxId: number;
  priority: string;
}

/** Multipliers of the mailbox's first-reply target used when a mailbox has no policy row for a priority. */
export const DEFAULT_PRIORITY_FACTORS: Readonly<Record<SlaPriority, number>> = Object.freeze({ urgent: 0.25, high: 0.5, normal: 1, low: 2 });
export const DEFAULT_RESOLUTION_FACTOR = 5;
export const DEFAULT_REMINDER_SHARE = 0.2;

export function mailboxHours(mailbox: Pick<SlaMailbox, 'timeZone' | 'businessHours'>): BusinessHours {
  return { timeZone: mailbox.timeZone, ...mailbox.businessHours };
}

/**
 * The policy for a mailbox and priority: its own row if it has one, else derived from the mailbox's first-reply
 * minutes (urgent ×0.25, high ×0.5, normal ×1, low ×2; next reply = first reply; resolution = 5 × first reply;
 * reminder 20% of the first-reply target before a deadline). An unknown priority counts as normal.
 */
export function effectivePolicy(mailbox: Pick<SlaMailbox, 'id' | 'firstReplyMinutes'>, rows: readonly SlaPolicySource[], priority: string): SlaPolicy {
  const row = rows.find((r) => r.mailboxId === mailbox.id && r.priority === priority);
  if (row) {
    return {
      firstReplyMinutes: row.firstReplyMinutes,
      nextReplyMinutes: row.nextReplyMinutes,
      resolutionMinutes: row.resolutionMinutes,
      reminderBeforeMinutes: row.reminderBeforeMinutes,
    };
  }
  const factor = DEFAULT_PRIORITY_FACTORS[priority as SlaPriority] ?? 1;
  const first = Math.max(1, Math.round(mailbox.firstReplyMinutes * factor));
  return {
    firstReplyMinutes: first,
    nextReplyMinutes: first,
    resolutionMinutes: DEFAULT_RESOLUTION_FACTOR * first,
    reminderBeforeMinutes: Math.round(first * DEFAULT_REMINDER_SHARE),
  };
}

export function targetMinutes(policy: SlaPolicy, kind: TimerKind): number {
  return kind === 'first_reply' ? policy.firstReplyMinutes : kind === 'next_reply' ? policy.nextReplyMinutes : policy.resolutionMinutes;
}

/** The arithmetic state of a timer (structurally a `sla_timers` row). */
export interface TimerClock {
  startedAt: Date;
  targetMinutes: number;
  reminderBeforeMinutes: number;
  /** business minutes spent in finished pauses */
  pausedBusinessMinutes: number;
  pausedAt: Date | null;
  remainingBusinessMinutes: number | null;
}

export interface Schedule {
  dueAt: Date;
  /** null when the reminder would not come before the deadline (0, or not shorter than the target) */
  remindAt: Date | null;
}

function reminderOffset(target: number, reminderBefore: number): number | null {
  return reminderBefore > 0 && reminderBefore < target ? target - reminderBefore : null;
}

/**
 * Due and reminder instants of a running timer, counted from its start: the target plus every business
 * minute it spent paused. A timer started outside business hours starts counting at the next opening.
 */
export function scheduleFromStart(timer: Pick<TimerClock, 'startedAt' | 'targetMinutes' | 'reminderBeforeMinutes' | 'pausedBusinessMinutes'>, hours: BusinessHours): Schedule {
  const paused = Math.max(0, timer.pausedBusinessMinutes);
  const offset = reminderOffset(timer.targetMinutes, timer.reminderBeforeMinutes);
  return {
    dueAt: addBusinessMinutes(timer.startedAt, timer.targetMinutes + paused, hours),
    remindAt: offset === null ? null : addBusinessMinutes(timer.startedAt, offset + paused, hours),
  };
}

/** Business minutes left before the deadline at `at` (never negative: an overdue timer has 0 left). */
export function remainingAt(timer: Pick<TimerClock, 'startedAt' | 'targetMinutes' | 'pausedBusinessMinutes'>, at: Date, hours: BusinessHours): number {
  const used = businessMinutesBetween(timer.startedAt, at, hours) - Math.max(0, timer.pausedBusinessMinutes);
  return Math.max(0, timer.targetMinutes - Math.max(0, used));
}

/** Pausing at `now` keeps what is left of the target; the deadline stops moving closer. */
export function pauseTimer(timer: TimerClock, now: Date, hours: BusinessHours): { pausedAt: Date; remainingBusinessMinutes: number } {
  if (timer.pausedAt) return { pausedAt: timer.pausedAt, remainingBusinessMinutes: timer.remainingBusinessMinutes ?? 0 };
  return { pausedAt: now, remainingBusinessMinutes: remainingAt(timer, now, hours) };
}

/**
 * Resuming at `now`: the deadline is what was left, counted from now (due = addBusinessMinutes(now, remaining));
 * the business minutes of the pause are added to the timer's paused total so a later recomputation from the
 * start (priority change) agrees.
 */
export function resumeTimer(
  timer: TimerClock,
  now: Date,
  hours: BusinessHours,
): Schedule & { pausedAt: null; remainingBusinessMinutes: null; pausedBusinessMinutes: number } {
  if (!timer.pausedAt) {
    return { ...scheduleFromStart(timer, hours), pausedAt: null, remainingBusinessMinutes: null, pausedBusinessMinutes: timer.pausedBusinessMinutes };
  }
  const remaining = Math.max(0, timer.remainingBusinessMinutes ?? remainingAt(timer, timer.pausedAt, hours));
  const pausedBusinessMinutes = Math.max(0, timer.pausedBusinessMinutes) + Math.max(0, businessMinutesBetween(timer.pausedAt, now, hours));
  const remindIn = reminderOffset(timer.targetMinutes, timer.reminderBeforeMinutes) === null ? null : remaining - timer.reminderBeforeMinutes;
  return {
    dueAt: addBusinessMinutes(now, remaining, hours),
    // A reminder point already passed while the case was waiting comes due at once.
    remindAt: remindIn === null ? null : addBusinessMinutes(now, Math.max(0, remindIn), hours),
    pausedAt: null,
    remainingBusinessMinutes: null,
    pausedBusinessMinutes,
  };
}

/**
 * A new target (priority changed): a running timer is rescheduled from its start; a paused one keeps its pause
 * and gets the new remainder (what it has used so far is unchanged).
 */
export function retarget(
  timer: TimerClock,
  policy: SlaPolicy,
  kind: TimerKind,
  hours: BusinessHours,
): Schedule & { targetMinutes: number; reminderBeforeMinutes: number; remainingBusinessMinutes: number | null } {
  const next = { ...timer, targetMinutes: targetMinutes(policy, kind), reminderBeforeMinutes: policy.reminderBeforeMinutes };
  const schedule = scheduleFromStart(next, hours);
  return {
    ...schedule,
    targetMinutes: next.targetMinutes,
    reminderBeforeMinutes: next.reminderBeforeMinutes,
    remainingBusinessMinutes: timer.pausedAt ? remainingAt(next, timer.pausedAt, hours) : null,
  };
}
