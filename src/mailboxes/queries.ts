// Reading mailboxes for the admin pages and for names shown beside cases.
import { asc, eq } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { mailboxes } from '../db/schema/mailboxes.js';
import { slaPolicies } from '../db/schema/sla.js';
import { AppError } from '../errors.js';

export async function listMailboxes(db: Queryable) {
  const [rows, policies] = await Promise.all([
    db.select().from(mailboxes).orderBy(asc(mailboxes.id)),
    db.select().from(slaPolicies).orderBy(asc(slaPolicies.mailboxId), asc(slaPolicies.priority)),
  ]);
  return rows.map((m) => ({ ...m, policies: policies.filter((p) => p.mailboxId === m.id) }));
}

export async function getMailbox(db: Queryable, id: number) {
  const [row] = await db.select().from(mailboxes).where(eq(mailboxes.id, id));
  if (!row) throw new AppError('not_found', 'no such mailbox');
  return row;
}

export async function listMailboxNames(db: Queryable): Promise<Map<number, string>> {
  const rows = await db.select({ id: mailboxes.id, displayName: mailboxes.displayName, address: mailboxes.address }).from(mailboxes);
  return new Map(rows.map((r) => [r.id, `${r.displayName} <${r.address}>`]));
}
