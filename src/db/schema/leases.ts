import { pgTable, text, timestamptz } from '../columns.js';

/**
 * Work only one process may do at a time — reading one IMAP mailbox — is leased: the holder renews the lease well
 * before it expires; when a holder dies its lease runs out and another worker takes the work over.
 */
export const workerLeases = pgTable('worker_leases', {
  name: text('name').primaryKey(),
  holder: text('holder').notNull(),
  acquiredAt: timestamptz('acquired_at').notNull().defaultNow(),
  renewedAt: timestamptz('renewed_at').notNull().defaultNow(),
  expiresAt: timestamptz('expires_at').notNull(),
});

export type WorkerLease = typeof workerLeases.$inferSelect;
