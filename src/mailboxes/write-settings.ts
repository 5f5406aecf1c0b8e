// Writing a mailbox row's settings with its audit row (inside a verb's transaction): only the fields that changed,
// before and after; the escalation webhook's signing secret only as changed, never its value.
import { eq } from 'drizzle-orm';
import type { Tx } from '../db/client.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { AppError } from '../errors.js';
import { audit, changedFields, type Actor } from '../audit/log.js';

/** The webhook's signing secret is shown in the audit as changed or not, never as its value. */
function redactRules(rules: unknown): unknown {
  if (!rules || typeof rules !== 'object') return rules;
  const { webhookSecret, ...rest } = rules as Record<string, unknown>;
  return webhookSecret === undefined ? rest : { ...rest, webhookSecret: `(secret, ${String(webhookSecret).length} characters)` };
}

/** Locks the row, applies the update and audits what changed; nothing changed: no audit row. */
export async function writeMailboxSettings(tx: Tx, actor: Actor, mailboxId: number, update: Partial<Mailbox>): Promise<Mailbox> {
  const [before] = await tx.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)).for('update');
  if (!before) throw new AppError('not_found', 'no such mailbox');
  const [after] = await tx.update(mailboxes).set(update).where(eq(mailboxes.id, mailboxId)).returning();
  const view = (m: Mailbox) => ({ ...m, escalationRules: redactRules(m.escalationRules) }) as Record<string, unknown>;
  const diff = changedFields(view(before), view(after!));
  if (Object.keys(diff.after).length === 0) return after!;
  // a changed secret of the same length still shows as changed
  const secret = (m: Mailbox) => (m.escalationRules as { webhookSecret?: string } | null)?.webhookSecret;
  if (secret(before) !== secret(after!) && !('escalationRules' in diff.after)) {
    diff.before.webhookSecret = '(previous secret)';
    diff.after.webhookSecret = '(new secret)';
  }
  await audit(tx, { caseId: null, actor, action: 'mailbox_settings_changed', before: { mailbox: before.key, ...diff.before }, after: { mailbox: before.key, ...diff.after } });
  return after!;
}

