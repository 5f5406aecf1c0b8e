import type { SQL } from 'drizzle-orm';
import type { Queryable } from './client.js';

/** Rows of a raw SQL query; both drivers (pg, PGlite) return `{ rows }` from execute(). */
export async function selectRows<T>(q: Queryable, query: SQL): Promise<T[]> {
  return ((await q.execute(query)) as unknown as { rows: T[] }).rows;
}

/** A string as an SQL literal, for the few places a value must be inlined (partial-index predicates). */
export function sqlLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}
