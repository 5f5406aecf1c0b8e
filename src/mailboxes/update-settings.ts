// Verb: an admin saves a mailbox's review and SLA settings (threshold, auto-send, automatic-mail rules, business
// hours, first reply). Escalation rules and SLA policies have their own verbs.
import { z } from 'zod';
import { verb } from '../audit/verb.js';
import { mailboxSettingsSchema } from './settings-input.js';
import { writeMailboxSettings } from './write-settings.js';

export const mailboxId = z.number().int().positive();

export const updateMailboxSettings = verb(
  z.object({ mailboxId, settings: mailboxSettingsSchema }),
  (tx, input, ctx) => writeMailboxSettings(tx, ctx.actor, input.mailboxId, input.settings),
);
