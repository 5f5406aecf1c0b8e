import { sql, type SQLWrapper } from 'drizzle-orm';
import type { Queryable } from './client.js';

/**
 * Independent writes (inserts, updates that use nothing another returns) as ONE statement: each becomes a
 * data-modifying CTE, which PostgreSQL runs all of, on one snapshot. One round trip instead of one per write — what
 * a statement costs on the embedded database (PGlite's single session) and in the client's CPU on PostgreSQL.
 * The writes must not depend on each other's effects (they cannot see them) and must not need their results.
 */
export async function writeTogether(q: Queryable, writes: readonly (SQLWrapper | undefined | false)[]): Promise<void> {
  const all = writes.filter((w): w is SQLWrapper => Boolean(w));
  if (all.length === 0) return;
  if (all.length === 1) {
    await q.execute(all[0]!.getSQL());
    return;
  }
  const ctes = all.map((w, i) => sql`${sql.raw(`write_${i}`)} AS (${w.getSQL()})`);
  await q.execute(sql`WITH ${sql.join(ctes, sql`, `)} SELECT 1`);
}
