import { eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { mailboxCalibrations } from '../db/schema/labels.js';
import { effectivePolicy, type SlaPolicy } from '../domain/sla-policy.js';
import { loadPolicies } from '../sla/timers.js';
import type { EscalationRules } from '../domain/escalation-rules.js';
import { mailboxRules } from '../escalation/mailbox-rules.js';
import type { Logger } from '../logger.js';

/** A mailbox's own escalation threshold: set by an admin, or fitted from its agents' labels. */
export interface MailboxThreshold {
  threshold: number;
  chosenBy: 'configuration' | 'agent-labels';
}

export interface MailboxWithPolicies {
  mailbox: Mailbox;
  /** null: the knowledge base's own (MATCH_THRESHOLD, cross-validation or the prior) */
  threshold: MailboxThreshold | null;
  /** the escalation rules, validated once when the settings are read (a broken document: the defaults, logged) */
  rules: EscalationRules;
  /** the SLA policy in force for a priority (the mailbox's own row, else the derived default) */
  policyFor(priority: string): SlaPolicy;
}

/**
 * A mailbox's settings and SLA policies, read once per batch of messages rather than once per message. Admins change
 * thresholds, rules, auto-send and policies while the service runs: a change applies from the next batch, and a
 * batch takes well under a second. Use a fresh instance per batch.
 */
export class MailboxSettings {
  private readonly reads = new Map<number, Promise<MailboxWithPolicies | null>>();

  constructor(private readonly db: Queryable, private readonly log?: Logger) {}

  get(mailboxId: number): Promise<MailboxWithPolicies | null> {
    let read = this.reads.get(mailboxId);
    if (!read) {
      read = this.load(mailboxId);
      // a failed read (database restarting) is not remembered: the next message tries again
      read.catch(() => this.reads.delete(mailboxId));
      this.reads.set(mailboxId, read);
    }
    return read;
  }

  private async load(mailboxId: number): Promise<MailboxWithPolicies | null> {
    const [[mailbox], policies, [fitted]] = await Promise.all([
      this.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)),
      loadPolicies(this.db, mailboxId),
      this.db.select({ threshold: mailboxCalibrations.threshold }).from(mailboxCalibrations).where(eq(mailboxCalibrations.mailboxId, mailboxId)),
    ]);
    if (!mailbox) return null;
    return { mailbox, rules: mailboxRules(mailbox, this.log), threshold: mailboxThreshold(mailbox, fitted), policyFor: (priority) => effectivePolicy(mailbox, policies, priority) };
  }
}

/** An admin's threshold wins over the one fitted from agents' labels. */
export function mailboxThreshold(mailbox: Pick<Mailbox, 'matchThreshold'>, fitted: { threshold: number } | undefined): MailboxThreshold | null {
  if (mailbox.matchThreshold !== null) return { threshold: mailbox.matchThreshold, chosenBy: 'configuration' };
  return fitted ? { threshold: fitted.threshold, chosenBy: 'agent-labels' } : null;
}
