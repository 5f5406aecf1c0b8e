// Admin changes with their audit row, written in the same transaction: API tokens, users, mailbox settings (auto-send
// and escalation rules, webhook included). Each row says who, what, and the fields before and after; secrets
// (passwords, tokens, the webhook's signing secret) never reach the audit log, only that they changed.
import { eq } from 'drizzle-orm';
import { createApiToken, revokeApiToken } from '../auth/tokens.js';
import { createUser, type NewUser, type PublicUser } from '../auth/users.js';
import type { Db } from '../db/client.js';
import { apiTokens, type Role } from '../db/schema/auth.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { AppError } from '../errors.js';
import { audit, changedFields, type Actor } from '../audit/log.js';

export async function createTokenAudited(db: Db, actor: Actor, input: { name: string; role: Role; expiresInDays?: number | null }) {
  return db.transaction(async (tx) => {
    const created = await createApiToken(tx, input);
    await audit(tx, {
      caseId: null, actor, action: 'token_created',
      after: { id: created.id, name: input.name.trim(), role: input.role, expiresAt: created.expiresAt?.toISOString() ?? null },
    });
    return created;
  });
}

export async function revokeTokenAudited(db: Db, actor: Actor, id: string): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [before] = await tx.select({ name: apiTokens.name, role: apiTokens.role }).from(apiTokens).where(eq(apiTokens.id, id));
    if (!before || !(await revokeApiToken(tx, id))) return false;
    await audit(tx, { caseId: null, actor, action: 'token_revoked', before: { id, ...before, revoked: false }, after: { id, revoked: true } });
    return true;
  });
}

export async function createUserAudited(db: Db, actor: Actor, input: NewUser): Promise<PublicUser> {
  return db.transaction(async (tx) => {
    const user = await createUser(tx, input);
    await audit(tx, { caseId: null, actor, action: 'user_created', after: { id: user.id, email: user.email, name: user.name, role: user.role } });
    return user;
  });
}

/** The webhook's signing secret is shown in the audit as changed or not, never as its value. */
function redactRules(rules: unknown): unknown {
  if (!rules || typeof rules !== 'object') return rules;
  const { webhookSecret, ...rest } = rules as Record<string, unknown>;
  return webhookSecret === undefined ? rest : { ...rest, webhookSecret: `(secret, ${String(webhookSecret).length} characters)` };
}

/** Saves a mailbox's settings; the audit row holds only the fields that changed. */
export async function updateMailboxAudited(db: Db, actor: Actor, mailboxId: number, update: Partial<Mailbox>): Promise<void> {
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(mailboxes).where(eq(mailboxes.id, mailboxId)).for('update');
    if (!before) throw new AppError('not_found', 'no such mailbox');
    const [after] = await tx.update(mailboxes).set(update).where(eq(mailboxes.id, mailboxId)).returning();
    const view = (m: Mailbox) => ({ ...m, escalationRules: redactRules(m.escalationRules) }) as Record<string, unknown>;
    const diff = changedFields(view(before), view(after!));
    delete diff.before.updatedAt;
    delete diff.after.updatedAt;
    if (Object.keys(diff.after).length === 0) return;
    // a changed secret of the same length still shows as changed
    const secret = (m: Mailbox) => (m.escalationRules as { webhookSecret?: string } | null)?.webhookSecret;
    if (secret(before) !== secret(after!) && !('escalationRules' in diff.after)) {
      diff.before.webhookSecret = '(previous secret)';
      diff.after.webhookSecret = '(new secret)';
    }
    await audit(tx, { caseId: null, actor, action: 'mailbox_settings_changed', before: { mailbox: before.key, ...diff.before }, after: { mailbox: before.key, ...diff.after } });
  });
}
