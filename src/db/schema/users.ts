import { index, pgTable, text, timestamptz, uuid } from '../columns.js';
import { roles } from './auth.js';

/**
 * People who sign in to the web app. Emails are stored lower-cased (the unique index then means "one account per
 * address" however it was typed); a disabled user keeps their row so history that names them still makes sense.
 */
export const users = pgTable('users', {
  id: uuid('id').primaryKey().defaultRandom(),
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  /** `scrypt$N$r$p$salt$hash`, see src/auth/passwords.ts. */
  passwordHash: text('password_hash').notNull(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  disabledAt: timestamptz('disabled_at'),
});

/**
 * Web sessions. The cookie carries a random 256-bit token; only its SHA-256 is the id, so a database leak does not
 * hand out live sessions (the token is random, a slow hash would add nothing). The CSRF token is per session.
 */
export const sessions = pgTable(
  'sessions',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    csrfToken: text('csrf_token').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    lastSeenAt: timestamptz('last_seen_at').notNull().defaultNow(),
    userAgent: text('user_agent'),
  },
  (t) => [index('sessions_user').on(t.userId), index('sessions_expires').on(t.expiresAt)],
);

export type User = typeof users.$inferSelect;
export type SessionRow = typeof sessions.$inferSelect;

/**
 * Password reset links (Forgot password?, or an admin's "send reset link"). Only the SHA-256 of the link's random
 * 256-bit token is stored; a link works once (used_at) and until expires_at. requested_by: 'self' or the admin's id.
 */
export const passwordResets = pgTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: uuid('user_id').notNull().references(() => users.id, { onDelete: 'cascade' }),
    requestedBy: text('requested_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    expiresAt: timestamptz('expires_at').notNull(),
    usedAt: timestamptz('used_at'),
  },
  (t) => [index('password_resets_user').on(t.userId)],
);

export type PasswordResetRow = typeof passwordResets.$inferSelect;
