// Escalating an existing case, whoever does it (the SLA worker at a breach, an agent, the pipeline on a follow-up):
// the case's status, team and reasons, its history event, the audit row, the team notice and the webhook, all in
// the caller's transaction. The caller holds the case row locked.
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { caseEvents, cases, type Case, type EscalationReasonRecord } from '../db/schema/cases.js';
import type { Mailbox } from '../db/schema/mailboxes.js';
import { escalationTeam, isEscalationReasonCode, type EscalationReason } from '../domain/escalation/reasons.js';
import { mailboxRules } from './mailbox-rules.js';
import type { Logger } from '../logger.js';
import { audit, type Actor } from '../audit/log.js';
import { announceEscalation, type Announced } from './announce.js';

export interface EscalateCase {
  /** the case as locked, before the change */
  kase: Case;
  mailbox: Mailbox;
  actor: Actor;
  reason: EscalationReasonRecord;
  /** an explicit team (an agent's choice); otherwise the case's team, else the rules' routing */
  team?: string | null;
  /** one announcement per key (see Announcement.key) */
  key: string;
  messageIdDomain: string;
  now: Date;
  /** extra fields for the reason in the case event, the case event itself and the audit row */
  reasonDetail?: Record<string, unknown>;
  eventDetail?: Record<string, unknown>;
  auditAfter?: Record<string, unknown>;
  /** public base URL of the web app for the notice's link (publicBaseUrl(config)) */
  appUrl: string;
  log?: Logger;
}

export async function escalateCase(tx: Tx, input: EscalateCase): Promise<{ kase: Case } & Announced> {
  const { kase: before, mailbox, reason, now } = input;
  const rules = mailboxRules(mailbox, input.log);
  const records = [...before.escalationReasons, reason];
  const reasons = records.map((r) => ({ code: r.code, detail: r.detail })) as EscalationReason[];
  const routable = reasons.filter((r) => isEscalationReasonCode(r.code));
  const team = input.team ?? before.team ?? escalationTeam(routable, rules);
  const [kase] = await tx.update(cases).set({ status: 'escalated', team, escalationReasons: records, updatedAt: now }).where(eq(cases.id, before.id)).returning();
  await tx.insert(caseEvents).values({ caseId: before.id, type: 'escalated', detail: { reasons: [{ code: reason.code, detail: reason.detail, ...input.reasonDetail }], team, ...input.eventDetail } });
  await audit(tx, {
    caseId: before.id, actor: input.actor, action: 'escalated',
    before: { status: before.status, team: before.team },
    after: { status: 'escalated', team, reasons: [reason.code], ...input.auditAfter },
  });
  const announced = await announceEscalation(tx, {
    kase: kase!, mailbox, rules, team, reasons, key: input.key, messageIdDomain: input.messageIdDomain, appUrl: input.appUrl, now,
  });
  return { kase: kase!, ...announced };
}
