// What the knowledge-gap modules share: the clustering lock, the stored vector format, and the limits.
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';

/** Examples a suggested article carries. */
export const MAX_EXAMPLES = 10;
/** Members read to summarise one cluster (the most recent; a topic's wording is stable enough). */
export const SUMMARY_MEMBERS = 500;
export const GAP_TAG = 'knowledge-gap';

/**
 * Cosine between a question and a cluster centroid at or above which the question joins the cluster as it arrives.
 * The offline hashed embedding was measured on BANKING77 (bench/gaps.ts): 0.4 balanced purity and fragmentation.
 * Other models (OpenAI) put related texts closer together; 0.6 is an unmeasured starting point, configurable.
 */
export function defaultAssignThreshold(model: string): number {
  return model.startsWith('local-hash') ? 0.4 : 0.6;
}

export interface GapOptions {
  assignThreshold?: number;
}

/** One clustering at a time: recording, recomputing and erasing take it in their transaction. */
export const lock = (q: Queryable) => q.execute(sql`SELECT pg_advisory_xact_lock(hashtext('firstreply-knowledge-gaps'))`);
/** A vector column read as text ('[0.1,0.2,…]'). */
export { parseVector } from '../../db/schema/kb.js';

/** The most frequent value (ties: the first in sort order). */
export function majority(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}
