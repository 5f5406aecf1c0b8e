// The pipeline's escalation step: the mailbox's rules applied to a customer message (asks for a person, anger,
// legal or cancellation threats, VIP, repeated contact, prompt injection, no confident article). New reasons
// escalate the case to a team and queue one notice per distinct set of reasons for the team's address.
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { cases, type Case, type EscalationReasonRecord } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { detectEscalation } from '../domain/escalation/detect.js';
import { escalationTeam, mergeEscalationReasons, type EscalationReason } from '../domain/escalation/reasons.js';
import type { EscalationRules } from '../domain/escalation-rules.js';
import { announceEscalation } from '../escalation/announce.js';
import { escalationDedupeKey } from '../escalation/notify.js';
import type { KnowledgeMatch } from '../kb/knowledge.js';
import { audit, SYSTEM_ACTOR, type AuditEntry } from '../audit/log.js';
import { categoryFor, priorityFor, raisedPriority, type Priority } from '../domain/triage.js';

/** A new case's priority until its escalation signals raise it. */
export const DEFAULT_PRIORITY: Priority = 'normal';

export interface Escalation {
  kase: Case;
  team: string;
  added: EscalationReason[];
  reasons: EscalationReason[];
  rules: EscalationRules;
  noticeQueued: boolean;
  webhookQueued: boolean;
}

/** What a customer message adds to its case's escalation under the mailbox's rules: nothing, or the new reasons. */
export interface EscalationPlan {
  rules: EscalationRules;
  /** every reason the case will carry, as stored */
  records: EscalationReasonRecord[];
  added: EscalationReason[];
  reasons: EscalationReason[];
  team: string;
}

export interface EscalationInput {
  kase: Pick<Case, 'escalationReasons' | 'customerMessageCount'>;
  mailbox: Mailbox; subject: string; text: string; language: string; customerAddress: string | null;
  opening: boolean; match: KnowledgeMatch | null;
  /** the mailbox's rules, parsed once per batch (MailboxSettings), not per message */
  rules: EscalationRules;
}

/** The decision alone (no database): used for a case being opened, which is written once in its final state. */
export function planEscalation(input: EscalationInput, now: Date): EscalationPlan | undefined {
  const { rules } = input;
  const detected = detectEscalation({
    subject: input.subject, text: input.text, language: input.language, fromAddress: input.customerAddress,
    customerMessageCount: input.kase.customerMessageCount, rules,
    // a weak match escalates a new case; on a follow-up the agent already has the case in hand
    match: input.opening ? input.match : null,
  });
  const { records, added } = mergeEscalationReasons(input.kase.escalationReasons, detected.reasons, now);
  if (added.length === 0) return undefined;
  const reasons = records.map((r) => ({ code: r.code, detail: r.detail })) as EscalationReason[];
  return { rules, records, added, reasons, team: escalationTeam(reasons, rules) };
}

/** The audit entry of an escalation. */
export function escalationAudit(caseId: string, before: Pick<Case, 'status' | 'team'>, plan: EscalationPlan): AuditEntry {
  return { caseId, actor: SYSTEM_ACTOR, action: 'escalated', before: { status: before.status, team: before.team }, after: { status: 'escalated', team: plan.team, reasons: plan.added.map((r) => r.code) } };
}

/** One notice and one webhook per distinct set of reasons (the team notice only if the team has an address). */
export function queueEscalationNotice(tx: Tx, input: { kase: Case; mailbox: Mailbox; plan: EscalationPlan; messageIdDomain: string; appUrl: string; messageId: string }) {
  const { plan, kase } = input;
  return announceEscalation(tx, {
    kase, mailbox: input.mailbox, rules: plan.rules, team: plan.team, reasons: plan.reasons, key: escalationDedupeKey(kase.id, plan.reasons),
    messageIdDomain: input.messageIdDomain, appUrl: input.appUrl, inboundMessageId: input.messageId,
  });
}

export async function escalateIfNeeded(tx: Tx, input: EscalationInput & { kase: Case; messageId: string; messageIdDomain: string; appUrl: string }): Promise<Escalation | undefined> {
  const now = new Date();
  const plan = planEscalation(input, now);
  if (!plan) return undefined;
  const [kase] = await tx.update(cases).set({ status: 'escalated', team: plan.team, escalationReasons: plan.records, updatedAt: now }).where(eq(cases.id, input.kase.id)).returning();
  await audit(tx, escalationAudit(kase!.id, input.kase, plan));
  const announced = await queueEscalationNotice(tx, { kase: kase!, mailbox: input.mailbox, plan, messageIdDomain: input.messageIdDomain, appUrl: input.appUrl, messageId: input.messageId });
  return { kase: kase!, team: plan.team, added: plan.added, reasons: plan.reasons, rules: plan.rules, ...announced };
}

/**
 * A new case's starting priority and category, from the escalation signals and the matched article's tag, set once
 * when the case opens (its SLA deadlines follow from that priority). Agents change both later (audited).
 */
export function triage(reasonCodes: readonly string[], match: KnowledgeMatch | null): { priority: Priority; category: string | null } {
  return { priority: raisedPriority(DEFAULT_PRIORITY, priorityFor(reasonCodes)), category: categoryFor(match) };
}
