// The pipeline's escalation step: the mailbox's rules applied to a customer message (asks for a person, anger,
// legal or cancellation threats, VIP, repeated contact, prompt injection, no confident article). New reasons
// escalate the case to a team and queue one notice per distinct set of reasons for the team's address.
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { outbox } from '../db/schema/outbox.js';
import { detectEscalation, escalationTeam, mergeEscalationReasons, type EscalationReason } from '../domain/escalation.js';
import { DEFAULT_ESCALATION_RULES, parseEscalationRules, teamAddressFor, type EscalationRules } from '../domain/escalation-rules.js';
import { deliverWebhook, escalationNoticeRow, escalationWebhookPayload } from '../escalation/notify.js';
import type { Logger } from '../logger.js';
import type { KnowledgeMatch } from '../kb/knowledge.js';
import { audit, SYSTEM_ACTOR } from '../review/audit.js';
import { categoryFor, priorityFor, raisedPriority } from '../domain/triage.js';
import { onPriorityChanged } from '../sla/timers.js';

export interface Escalation {
  kase: Case;
  team: string;
  added: EscalationReason[];
  reasons: EscalationReason[];
  rules: EscalationRules;
  noticeQueued: boolean;
}

/** A broken rules document must not stop mail: it is logged and the defaults apply. */
export function mailboxRules(mailbox: Mailbox, log?: Logger): EscalationRules {
  try {
    return parseEscalationRules(mailbox.escalationRules);
  } catch (err) {
    log?.error({ err, mailbox: mailbox.key }, 'invalid escalation rules; using the defaults');
    return DEFAULT_ESCALATION_RULES;
  }
}

export async function escalateIfNeeded(tx: Tx, input: {
  kase: Case; mailbox: Mailbox; subject: string; text: string; language: string; customerAddress: string | null;
  messageId: string; opening: boolean; match: KnowledgeMatch | null; messageIdDomain: string; log?: Logger;
}): Promise<Escalation | undefined> {
  const rules = mailboxRules(input.mailbox, input.log);
  const detected = detectEscalation({
    subject: input.subject, text: input.text, language: input.language, fromAddress: input.customerAddress,
    customerMessageCount: input.kase.customerMessageCount, rules,
    // a weak match escalates a new case; on a follow-up the agent already has the case in hand
    match: input.opening ? input.match : null,
  });
  const now = new Date();
  const { records, added } = mergeEscalationReasons(input.kase.escalationReasons, detected.reasons, now);
  if (added.length === 0) return undefined;
  const all = records.map((r) => ({ code: r.code, detail: r.detail })) as EscalationReason[];
  const team = escalationTeam(all, rules);
  const [kase] = await tx.update(cases).set({ status: 'escalated', team, escalationReasons: records, updatedAt: now }).where(eq(cases.id, input.kase.id)).returning();
  await audit(tx, { caseId: kase!.id, actor: SYSTEM_ACTOR, action: 'escalated', before: { status: input.kase.status, team: input.kase.team }, after: { status: 'escalated', team, reasons: added.map((r) => r.code) } });
  const teamAddress = teamAddressFor(rules, team, null);
  let noticeQueued = false;
  if (teamAddress) {
    const inserted = await tx.insert(outbox)
      .values(escalationNoticeRow({ kase: kase!, mailbox: input.mailbox, team, teamAddress, reasons: all, messageIdDomain: input.messageIdDomain, inboundMessageId: input.messageId }))
      .onConflictDoNothing({ target: outbox.dedupeKey })
      .returning({ id: outbox.id });
    noticeQueued = inserted.length > 0;
  }
  return { kase: kase!, team, added, reasons: all, rules, noticeQueued };
}

/** The optional signed webhook, after commit and best effort (the team's email notice is the durable channel). */
export function notifyWebhook(escalation: Escalation, log: Logger): void {
  const { webhookUrl, webhookSecret } = escalation.rules;
  if (!webhookUrl || !webhookSecret) return;
  const payload = escalationWebhookPayload({ kase: escalation.kase, team: escalation.team, reasons: escalation.reasons });
  deliverWebhook(webhookUrl, webhookSecret, payload, { timeoutMs: 5000, attempts: 3 })
    .then((r) => { if (!r.delivered) log.warn({ status: r.status, error: r.error, case: escalation.kase.reference }, 'escalation webhook not delivered'); })
    .catch((err) => log.warn({ err }, 'escalation webhook failed'));
}

/**
 * A new case's starting priority and category (from the escalation signals and the matched article's tag), set
 * once when the case opens; the SLA deadlines follow a raised priority. Agents change both later (audited).
 */
export async function triageNewCase(tx: Tx, input: { kase: Case; mailbox: Mailbox; match: KnowledgeMatch | null }): Promise<Case> {
  const { kase, mailbox } = input;
  const priority = raisedPriority(kase.priority, priorityFor(kase.escalationReasons.map((r) => r.code)));
  const category = kase.category ?? categoryFor(input.match);
  if (priority === kase.priority && category === kase.category) return kase;
  const [updated] = await tx.update(cases).set({ priority, category }).where(eq(cases.id, kase.id)).returning();
  await audit(tx, { caseId: kase.id, actor: SYSTEM_ACTOR, action: 'triaged', before: { priority: kase.priority, category: kase.category }, after: { priority, category } });
  if (priority === kase.priority) return updated!;
  // a higher priority brings the deadlines forward; the acknowledgement must promise the new first-reply time
  await onPriorityChanged(tx, updated!, mailbox, new Date());
  const [reread] = await tx.select().from(cases).where(eq(cases.id, kase.id));
  return reread!;
}
