// Personal inbox views: saved from the current filters and search, listed for their owner, deleted by them only.
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.js';
import { inboxViews, type SavedInboxFilters } from '../db/schema/inbox-views.js';
import { AppError } from '../errors.js';

export const VIEWS_PER_USER = 30;
const viewName = z.string().trim().min(1, 'Give the view a name.').max(60, 'Keep the name under 60 characters.');

export function listInboxViews(db: Queryable, userId: string) {
  return db.select().from(inboxViews).where(eq(inboxViews.userId, userId)).orderBy(asc(inboxViews.name), asc(inboxViews.id));
}

/** Saving under an existing name replaces that view's filters (as "save" does in Zendesk and Help Scout). */
export async function saveInboxView(db: Queryable, userId: string, input: { name: string; filters: SavedInboxFilters }) {
  const parsed = viewName.safeParse(input.name);
  if (!parsed.success) throw new AppError('bad_request', parsed.error.issues[0]!.message);
  const existing = await listInboxViews(db, userId);
  if (existing.length >= VIEWS_PER_USER && !existing.some((v) => v.name === parsed.data)) {
    throw new AppError('bad_request', `You have ${VIEWS_PER_USER} views already: delete one first.`);
  }
  const [row] = await db.insert(inboxViews).values({ userId, name: parsed.data, filters: input.filters })
    .onConflictDoUpdate({ target: [inboxViews.userId, inboxViews.name], set: { filters: input.filters } })
    .returning();
  return row!;
}

/** Only the owner's own view goes; anyone else's id is "no such view". */
export async function deleteInboxView(db: Queryable, userId: string, id: number): Promise<void> {
  const gone = await db.delete(inboxViews).where(and(eq(inboxViews.id, id), eq(inboxViews.userId, userId))).returning({ id: inboxViews.id });
  if (gone.length === 0) throw new AppError('not_found', 'no such view');
}
