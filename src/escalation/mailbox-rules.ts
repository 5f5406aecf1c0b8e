import type { Mailbox } from '../db/schema/mailboxes.js';
import { DEFAULT_ESCALATION_RULES, parseEscalationRules, type EscalationRules } from '../domain/escalation-rules.js';
import type { Logger } from '../logger.js';

/** A broken rules document must not stop mail: it is logged and the defaults apply. */
export function mailboxRules(mailbox: Mailbox, log?: Logger): EscalationRules {
  try {
    return parseEscalationRules(mailbox.escalationRules);
  } catch (err) {
    log?.error({ err, mailbox: mailbox.key }, 'invalid escalation rules; using the defaults');
    return DEFAULT_ESCALATION_RULES;
  }
}
