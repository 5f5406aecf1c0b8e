// Merging a case into another: the same customer asked the same thing twice and two cases opened. One transaction
// moves the source's messages, drafts, notes and matches into the target, keeps the deadline the customer is still
// owed (src/domain/merge-timers.ts), marks the source merged and writes an audit row on both. Nothing is mailed: the
// customer was acknowledged already, and later mail on the source's thread joins the target (followMerges in
// src/cases/thread.ts) without a second acknowledgement.
import { and, asc, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { Db, Tx } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { mailboxes } from '../db/schema/mailboxes.js';
import { caseMatches } from '../db/schema/matches.js';
import { inboundMessages } from '../db/schema/messages.js';
import { caseNotes } from '../db/schema/notes.js';
import { drafts } from '../db/schema/review.js';
import { slaTimers } from '../db/schema/sla.js';
import { planTimerMerge } from '../domain/merge-timers.js';
import { customerKey } from '../domain/same-question.js';
import { AppError } from '../errors.js';
import { audit, type Actor } from '../audit/log.js';
import { refuseIfHeld } from './actions.js';
import { onStatusChanged } from '../sla/timers.js';

const OPEN_DRAFTS = ['pending', 'proposed', 'edited'] as const;

async function findCase(tx: Tx, idOrReference: string): Promise<Case> {
  const byReference = /^FR-/i.test(idOrReference);
  if (!byReference && !/^[0-9a-f-]{36}$/i.test(idOrReference)) throw new AppError('not_found', `no case ${idOrReference.slice(0, 40)}`);
  const [row] = await tx.select({ id: cases.id }).from(cases).where(byReference ? eq(cases.reference, idOrReference.toUpperCase()) : eq(cases.id, idOrReference));
  if (!row) throw new AppError('not_found', `no case ${idOrReference.slice(0, 40)}`);
  return row as Case;
}

function refuse(source: Case, target: Case, actor: Actor, now: Date): void {
  if (source.id === target.id) throw new AppError('bad_request', 'A case cannot be merged into itself.');
  if (source.status === 'merged') throw new AppError('conflict', `${source.reference} was already merged.`);
  if (target.status === 'merged') throw new AppError('bad_request', `${target.reference} was itself merged into another case: merge into that one.`);
  if (source.mailboxId !== target.mailboxId) throw new AppError('bad_request', 'Only cases of the same mailbox can be merged (their settings and deadlines differ).');
  if (customerKey(source.customerAddress) !== customerKey(target.customerAddress)) {
    throw new AppError('bad_request', `The cases belong to different customers (${source.customerAddress}, ${target.customerAddress}): a reply would reach only one of them.`);
  }
  refuseIfHeld(source, actor, now);
  refuseIfHeld(target, actor, now);
}

/** The target's status after the merge: it works on the case when either still needed work. */
function statusAfter(target: Case, source: Case, sourceOwesReply: boolean): Case['status'] {
  const escalated = target.status === 'escalated' || source.status === 'escalated';
  if (target.status === 'open' || target.status === 'escalated') return escalated ? 'escalated' : 'open';
  if (sourceOwesReply) return source.status === 'escalated' ? 'escalated' : 'open';
  return target.status;
}

export interface MergeResult { source: Case; target: Case; messages: number; timers: { moved: number; stopped: number } }

export async function mergeCase(db: Db, input: { source: string; into: string }, actor: Actor, now = new Date()): Promise<MergeResult> {
  return db.transaction(async (tx) => {
    const ids = [(await findCase(tx, input.source)).id, (await findCase(tx, input.into)).id];
    // both rows locked, in id order: two agents merging the same pair the other way round wait instead of deadlocking
    const locked = await tx.select().from(cases).where(inArray(cases.id, ids)).orderBy(asc(cases.id)).for('update');
    const source = locked.find((c) => c.id === ids[0])!;
    const target = locked.find((c) => c.id === ids[1]) ?? source;
    refuse(source, target, actor, now);
    const [mailbox] = await tx.select().from(mailboxes).where(eq(mailboxes.id, target.mailboxId));

    const active = (caseId: string) => tx.select().from(slaTimers).where(and(eq(slaTimers.caseId, caseId), isNull(slaTimers.stoppedAt))).for('update');
    const sourceOwesReply = (await active(source.id)).some((t) => t.kind !== 'resolution' && !t.pausedAt);
    const status = statusAfter(target, source, sourceOwesReply);
    if (status !== target.status) await onStatusChanged(tx, target, mailbox!, status, now);
    const [targetTimers, sourceTimers] = [await active(target.id), await active(source.id)];
    const lite = (t: typeof slaTimers.$inferSelect) => ({ id: t.id, kind: t.kind, dueAt: t.dueAt, paused: t.pausedAt !== null });
    const plan = planTimerMerge({ targetRunning: status === 'open' || status === 'escalated', target: targetTimers.map(lite), source: sourceTimers.map(lite) });
    // stops first: the one-active-timer-per-kind index must hold when a source timer moves in
    if (plan.stop.length) await tx.update(slaTimers).set({ stoppedAt: now }).where(inArray(slaTimers.id, plan.stop));
    if (plan.move.length) await tx.update(slaTimers).set({ caseId: target.id }).where(inArray(slaTimers.id, plan.move));
    const movedFirstReply = sourceTimers.find((t) => plan.move.includes(t.id) && t.kind === 'first_reply');

    const moved = await tx.update(inboundMessages).set({ caseId: target.id }).where(eq(inboundMessages.caseId, source.id)).returning({ id: inboundMessages.id });
    const movedDrafts = await tx.update(drafts).set({ caseId: target.id }).where(eq(drafts.caseId, source.id)).returning({ id: drafts.id });
    const movedNotes = await tx.update(caseNotes).set({ caseId: target.id }).where(eq(caseNotes.caseId, source.id)).returning({ id: caseNotes.id });
    await tx.update(caseMatches).set({ caseId: target.id }).where(eq(caseMatches.caseId, source.id));
    const superseded = await keepOneOpenDraft(tx, target.id, now);

    const reasons = [...target.escalationReasons, ...source.escalationReasons.filter((r) => !target.escalationReasons.some((t) => t.code === r.code && t.detail === r.detail))];
    const [merged] = await tx.update(cases).set({
      status, updatedAt: now, escalationReasons: reasons, team: target.team ?? source.team,
      customerMessageCount: sql`${cases.customerMessageCount} + ${source.customerMessageCount}`,
      lastCustomerMessageAt: source.lastCustomerMessageAt > target.lastCustomerMessageAt ? source.lastCustomerMessageAt : target.lastCustomerMessageAt,
      // acknowledged once is acknowledged: the source's acknowledgement answered this customer's question
      acknowledgedAt: target.acknowledgedAt ?? source.acknowledgedAt,
      ...(movedFirstReply ? { firstReplyDueAt: movedFirstReply.dueAt } : {}),
      ...(status !== target.status && target.status === 'resolved' ? { resolvedAt: null } : {}),
    }).where(eq(cases.id, target.id)).returning();
    const [gone] = await tx.update(cases).set({
      status: 'merged', mergedIntoId: target.id, mergedAt: now, updatedAt: now, assigneeId: null, assigneeName: null, claimExpiresAt: null,
    }).where(eq(cases.id, source.id)).returning();

    const timers = { moved: plan.move.length, stopped: plan.stop.length };
    await audit(tx, { caseId: source.id, actor, action: 'merged_into', before: { status: source.status }, after: { status: 'merged', into: target.reference, messages: moved.length } });
    await audit(tx, {
      caseId: target.id, actor, action: 'merged_from',
      before: { status: target.status },
      after: { status, from: source.reference, messages: moved.length, drafts: movedDrafts.length, notes: movedNotes.length, supersededDrafts: superseded, timers },
    });
    return { source: gone!, target: merged!, messages: moved.length, timers };
  });
}

/**
 * One draft answers the merged conversation: an agent's edited draft wins (their work is not thrown away), else the
 * draft of the newest customer message; the other undecided drafts are superseded, as when the customer writes again.
 */
async function keepOneOpenDraft(tx: Tx, caseId: string, now: Date): Promise<number> {
  const open = await tx.select({ id: drafts.id, status: drafts.status }).from(drafts)
    .innerJoin(inboundMessages, eq(inboundMessages.id, drafts.inboundMessageId))
    .where(and(eq(drafts.caseId, caseId), inArray(drafts.status, [...OPEN_DRAFTS])))
    .orderBy(desc(inboundMessages.receivedAt), desc(drafts.createdAt));
  if (open.length < 2) return 0;
  const keep = open.find((d) => d.status === 'edited') ?? open[0]!;
  const rest = open.filter((d) => d.id !== keep.id).map((d) => d.id);
  await tx.update(drafts).set({ status: 'superseded', updatedAt: now }).where(inArray(drafts.id, rest));
  return rest.length;
}
