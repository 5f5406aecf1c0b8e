// Verb: an admin saves a mailbox's escalation rules. The document is validated with the rules schema (every field
// named on error) and stored as written: fields left at their defaults stay absent, so a later default applies.
import { z } from 'zod';
import { verb } from '../audit/verb.js';
import { escalationRulesSchema } from '../domain/escalation-rules.js';
import { mailboxId } from './update-settings.js';
import { writeMailboxSettings } from './write-settings.js';

const rulesDocument = z.record(z.string(), z.unknown()).superRefine((doc, ctx) => {
  const result = escalationRulesSchema.safeParse(doc);
  if (!result.success) for (const issue of result.error.issues) ctx.addIssue({ code: 'custom', path: issue.path, message: issue.message });
});

export const setEscalationRules = verb(
  z.object({ mailboxId, rules: rulesDocument }),
  (tx, input, ctx) => writeMailboxSettings(tx, ctx.actor, input.mailboxId, { escalationRules: Object.keys(input.rules).length ? input.rules : null }),
);
