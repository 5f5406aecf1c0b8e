// The inbox search as SQL: every word in the subject, the customer's address or name, or the reference (ILIKE, so
// the same on PostgreSQL and PGlite, no extension needed); and the jump to a case by its exact reference.
import { and, eq, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import type { SearchTerm } from './search-term.js';

/** Patterns come escaped from parseSearch; the backslash is PostgreSQL's default LIKE escape. */
export function searchCondition(term: SearchTerm): SQL {
  return and(...term.patterns.map((p) => or(
    sql`${cases.subject} ilike ${p}`,
    sql`${cases.customerAddress} ilike ${p}`,
    sql`coalesce(${cases.customerName}, '') ilike ${p}`,
    sql`${cases.reference} ilike ${p}`,
  )))!;
}

/** The case an exact reference names, whatever its status (the search box jumps there). */
export async function caseIdByReference(db: Queryable, reference: string): Promise<string | null> {
  const [row] = await db.select({ id: cases.id }).from(cases).where(eq(cases.reference, reference.toUpperCase())).limit(1);
  return row?.id ?? null;
}
