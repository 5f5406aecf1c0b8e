import { createHash, randomBytes } from 'node:crypto';
import { and, eq, gt, isNull, lt, or } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { apiTokens, roles, type Role } from '../db/schema/auth.js';
import { AppError } from '../errors.js';

export type { Role };

/** Whoever is calling: an API token, the configured API_TOKEN, and later a web session — all resolve to this. */
export type Principal = { kind: 'token' | 'config' | 'session'; id: string; name: string; role: Role };

const TOKEN_PREFIX = 'fr_';
// Writing last_used_at on every request would turn each read into a write; a minute is precise enough to audit.
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The longest expiry a token can be given, in days (ten years). */
export const MAX_TOKEN_DAYS = 3650;

/** The token is shown once, to the caller; only its hash is stored. `expiresInDays`: refused after that (none: until revoked). */
export async function createApiToken(db: Queryable, input: { name: string; role: Role; expiresInDays?: number | null }): Promise<{ token: string; id: string; expiresAt: Date | null }> {
  const name = input.name.trim();
  if (!name || name.length > 200) throw new AppError('bad_request', 'name: expected 1 to 200 characters');
  if (!roles.includes(input.role)) throw new AppError('bad_request', `role: expected one of ${roles.join(', ')}`);
  const days = input.expiresInDays;
  if (days != null && !(Number.isInteger(days) && days >= 1 && days <= MAX_TOKEN_DAYS)) {
    throw new AppError('bad_request', `expires: expected a whole number of days from 1 to ${MAX_TOKEN_DAYS}`);
  }
  const expiresAt = days != null ? new Date(Date.now() + days * 86_400_000) : null;
  const token = TOKEN_PREFIX + randomBytes(32).toString('base64url');
  const [row] = await db.insert(apiTokens).values({ name, role: input.role, tokenHash: hashToken(token), expiresAt }).returning({ id: apiTokens.id });
  return { token, id: row!.id, expiresAt };
}

export async function findPrincipalByToken(db: Queryable, token: string): Promise<Principal | null> {
  // Anything without our prefix cannot be one of our tokens: skip the query (e.g. a mistyped API_TOKEN).
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const [row] = await db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, lastUsedAt: apiTokens.lastUsedAt })
    .from(apiTokens)
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt), or(isNull(apiTokens.expiresAt), gt(apiTokens.expiresAt, new Date()))));
  if (!row) return null;
  const now = new Date();
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
    const stale = new Date(now.getTime() - LAST_USED_RESOLUTION_MS);
    // The condition repeats the check so concurrent requests write at most once.
    await db
      .update(apiTokens)
      .set({ lastUsedAt: now })
      .where(and(eq(apiTokens.id, row.id), or(isNull(apiTokens.lastUsedAt), lt(apiTokens.lastUsedAt, stale))));
  }
  return { kind: 'token', id: row.id, name: row.name, role: row.role };
}

export async function revokeApiToken(db: Queryable, id: string): Promise<boolean> {
  const rows = await db.update(apiTokens).set({ revokedAt: new Date() }).where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt))).returning({ id: apiTokens.id });
  return rows.length > 0;
}

export async function listApiTokens(db: Queryable) {
  return db
    .select({ id: apiTokens.id, name: apiTokens.name, role: apiTokens.role, createdAt: apiTokens.createdAt, lastUsedAt: apiTokens.lastUsedAt, revokedAt: apiTokens.revokedAt, expiresAt: apiTokens.expiresAt })
    .from(apiTokens)
    .orderBy(apiTokens.createdAt);
}
