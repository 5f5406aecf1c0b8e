// Web sessions in the database, free of HTTP (cookies live in src/web/session-http.ts).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { sessions, users } from '../db/schema/users.js';
import type { Principal } from './tokens.js';

/**
 * Sliding expiry: a session lives SESSION_TTL_HOURS past its last use, but never longer than this after sign-in
 * (or the TTL itself, when that is longer), so a stolen cookie that is kept busy still dies.
 */
export const ABSOLUTE_SESSION_HOURS = 7 * 24;
// Like API tokens: moving expires_at on every request would turn each page view into a write.
const TOUCH_RESOLUTION_MS = 60_000;
const HOUR_MS = 3_600_000;

export interface SessionInfo {
  id: string;
  csrfToken: string;
  expiresAt: Date;
  principal: Principal;
  userEmail: string;
}

function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function absoluteExpiry(createdAt: Date, ttlHours: number): number {
  return createdAt.getTime() + Math.max(ABSOLUTE_SESSION_HOURS, ttlHours) * HOUR_MS;
}

/** Returns the cookie value (shown to the browser once, stored only as its hash) and the session's CSRF token. */
export async function createSession(db: Queryable, userId: string, opts: { ttlHours: number; userAgent?: string | null; now?: Date }) {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  const now = opts.now ?? new Date();
  const expiresAt = new Date(now.getTime() + opts.ttlHours * HOUR_MS);
  await db.insert(sessions).values({
    id: sessionId(token), userId, csrfToken, createdAt: now, lastSeenAt: now, expiresAt, userAgent: opts.userAgent?.slice(0, 300) ?? null,
  });
  return { token, csrfToken, expiresAt, maxAgeSeconds: Math.floor((absoluteExpiry(now, opts.ttlHours) - now.getTime()) / 1000) };
}

/** The live session for a cookie value, or null when unknown, expired or its user is disabled. Extends it when used. */
export async function findSession(db: Queryable, token: string, opts: { ttlHours: number; now?: Date }): Promise<SessionInfo | null> {
  if (!token || token.length > 100) return null;
  const now = opts.now ?? new Date();
  const [row] = await db
    .select({
      id: sessions.id, csrfToken: sessions.csrfToken, createdAt: sessions.createdAt, expiresAt: sessions.expiresAt, lastSeenAt: sessions.lastSeenAt,
      userId: users.id, name: users.name, email: users.email, role: users.role,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(and(eq(sessions.id, sessionId(token)), gt(sessions.expiresAt, now), isNull(users.disabledAt)));
  if (!row) return null;
  let expiresAt = row.expiresAt;
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_RESOLUTION_MS) {
    expiresAt = new Date(Math.min(now.getTime() + opts.ttlHours * HOUR_MS, absoluteExpiry(row.createdAt, opts.ttlHours)));
    await db.update(sessions).set({ lastSeenAt: now, expiresAt }).where(eq(sessions.id, row.id));
  }
  return {
    id: row.id,
    csrfToken: row.csrfToken,
    expiresAt,
    principal: { kind: 'session', id: row.userId, name: row.name, role: row.role },
    userEmail: row.email,
  };
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  if (token) await db.delete(sessions).where(eq(sessions.id, sessionId(token)));
}

/** Called at sign-in: expired rows are useless and only grow the table. */
export async function purgeExpiredSessions(db: Queryable, now = new Date()): Promise<void> {
  await db.delete(sessions).where(lt(sessions.expiresAt, now));
}

export function sameToken(given: string | undefined | null, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
