// A case being opened is decided before it is written: its escalation, priority and category, its SLA timers under
// the policy for that priority, and the audit entries. The case is then inserted once, in its final state, and the
// timers and audit rows go into the message's last statement (writeTogether). Before, a new case was inserted, then
// escalated (update + audit), triaged (update + audit), and its timers retargeted to the raised priority: up to seven
// statements where two do (bench:statements).
import { randomUUID } from 'node:crypto';
import type { Tx } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { outbox } from '../db/schema/outbox.js';
import { auditLog } from '../db/schema/review.js';
import { slaTimers } from '../db/schema/sla.js';
import { insertRows, insertThen, type Write } from '../db/statement.js';
import { pgText } from '../db/text.js';
import { newCaseReference } from '../domain/case-reference.js';
import { mailboxHours } from '../domain/sla-policy.js';
import type { KnowledgeMatch } from '../kb/knowledge.js';
import type { Logger } from '../logger.js';
import type { MailboxWithPolicies } from '../mailboxes/settings.js';
import { auditRow, SYSTEM_ACTOR, type AuditEntry } from '../audit/log.js';
import { newCaseTimerRows } from '../sla/timers.js';
import type { AcknowledgedCase } from './acknowledgement.js';
import { DEFAULT_PRIORITY, escalationAudit, planEscalation, triage, type EscalationPlan } from './escalate.js';

export interface NewCasePlan {
  values: Omit<typeof cases.$inferInsert, 'reference'> & Omit<AcknowledgedCase, 'reference'>;
  escalation: EscalationPlan | undefined;
  /** the timers and audit rows, written with the message's other independent rows */
  writes: Write[];
}

export function planNewCase(input: {
  settings: MailboxWithPolicies; customerAddress: string; customerName: string | null | undefined; subject: string; text: string; language: string;
  receivedAt: Date; acknowledging: boolean; match: KnowledgeMatch | null; log?: Logger;
}): NewCasePlan {
  const { mailbox } = input.settings;
  const id = randomUUID();
  const now = new Date();
  const escalation = planEscalation({
    kase: { escalationReasons: [], customerMessageCount: 1 }, mailbox, subject: input.subject, text: input.text, language: input.language,
    customerAddress: input.customerAddress, opening: true, match: input.match, rules: input.settings.rules,
  }, now);
  const { priority, category } = triage(escalation?.records.map((r) => r.code) ?? [], input.match);
  // The SLA timers and the acknowledgement's promise come from the same clock and the same policy.
  const timers = newCaseTimerRows(id, input.settings.policyFor(priority), mailboxHours(mailbox), input.receivedAt);
  const opened = { status: 'open' as const, team: null };
  const audits: AuditEntry[] = [];
  if (escalation) audits.push(escalationAudit(id, opened, escalation));
  if (priority !== DEFAULT_PRIORITY || category !== null) {
    audits.push({ caseId: id, actor: SYSTEM_ACTOR, action: 'triaged', before: { priority: DEFAULT_PRIORITY, category: null }, after: { priority, category } });
  }
  return {
    values: {
      id,
      mailboxId: mailbox.id,
      customerAddress: pgText(input.customerAddress),
      customerName: pgText(input.customerName),
      subject: pgText(input.subject.slice(0, 500)),
      language: input.language,
      status: escalation ? 'escalated' : 'open',
      team: escalation?.team ?? null,
      escalationReasons: escalation?.records ?? [],
      priority,
      category,
      firstReplyDueAt: timers[0]!.dueAt,
      lastCustomerMessageAt: input.receivedAt,
      // Set here rather than by a second update: the acknowledgement is queued in this same transaction.
      acknowledgedAt: input.acknowledging ? now : null,
    },
    escalation,
    writes: [insertRows(slaTimers, timers), audits.length > 0 && insertRows(auditLog, audits.map(auditRow))].filter((w): w is Write => Boolean(w)),
  };
}

const openCase = insertThen(cases);

/** The acknowledgement's outbox row, rendered for the case about to be written (its reference included). */
export type AcknowledgementFor = (kase: AcknowledgedCase) => typeof outbox.$inferInsert;

/**
 * Inserts the planned case and, in the same statement, its acknowledgement when one is given. A reference collision
 * (1 in ~1e9 per pair) writes neither and is retried with a new reference. `acknowledged` is false when the
 * acknowledgement was already queued from another mailbox (the outbox's dedupe key), undefined when none was given.
 */
export async function insertCase(
  tx: Tx, plan: NewCasePlan, acknowledgement?: AcknowledgementFor, newReference: () => string = newCaseReference,
): Promise<{ kase: Case; acknowledged?: boolean }> {
  for (let attempt = 0; ; attempt++) {
    const values = { ...plan.values, reference: newReference() };
    const ack = acknowledgement?.(values);
    const { row, wrote } = await openCase(tx, values, ack ? [insertRows(outbox, [ack], { onConflict: outbox.dedupeKey })] : []);
    if (row) return { kase: row, acknowledged: ack ? wrote[0] === 1 : undefined };
    if (attempt > 5) throw new Error('could not allocate a unique case reference');
  }
}
