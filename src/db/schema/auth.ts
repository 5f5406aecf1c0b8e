import { pgTable, text, timestamptz, uuid } from '../columns.js';

/** Who may do what. Sessions for the web app will map onto the same roles. */
export const roles = ['admin', 'agent', 'knowledge_manager'] as const;
export type Role = (typeof roles)[number];

/**
 * Long-lived bearer tokens for scripts and integrations. Only a SHA-256 of the token is stored: the token is
 * random (256 bits), so a slow password hash adds nothing, and a plain digest lets us look it up by index.
 */
export const apiTokens = pgTable('api_tokens', {
  id: uuid('id').primaryKey().defaultRandom(),
  name: text('name').notNull(),
  role: text('role', { enum: roles }).notNull(),
  tokenHash: text('token_hash').notNull().unique(),
  createdAt: timestamptz('created_at').notNull().defaultNow(),
  lastUsedAt: timestamptz('last_used_at'),
  revokedAt: timestamptz('revoked_at'),
  /** refused from this moment on; null = until revoked */
  expiresAt: timestamptz('expires_at'),
});

export type ApiToken = typeof apiTokens.$inferSelect;
