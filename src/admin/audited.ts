// Admin changes with their audit row, written in the same transaction: API tokens and users (mailbox settings are
// verbs in src/mailboxes/). Each row says who, what, and the fields before and after; secrets (passwords, tokens)
// never reach the audit log, only that they changed.
import { eq } from 'drizzle-orm';
import { createApiToken, revokeApiToken } from '../auth/tokens.js';
import { createUser, type NewUser, type PublicUser } from '../auth/users.js';
import type { Db } from '../db/client.js';
import { apiTokens, type Role } from '../db/schema/auth.js';
import { AppError } from '../errors.js';
import { audit, type Actor } from '../audit/log.js';

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
