// The gap questions are the customer's words: exported and erased with the customer (src/privacy).
import { asc, eq, inArray, or, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { gapClusters, gapQuestions } from '../../db/schema/gaps.js';
import { meanVector } from '../clustering/vectors.js';
import { parseVector } from './shared.js';
import { refreshSummary } from './summary.js';

/** Deletes the gap questions of these messages or cases and re-derives the clusters they were in. */
export async function eraseGapQuestions(tx: Queryable, scope: { messageIds: string[]; caseIds: string[] }): Promise<number> {
  const where = or(
    scope.messageIds.length ? inArray(gapQuestions.inboundMessageId, scope.messageIds) : undefined,
    scope.caseIds.length ? inArray(gapQuestions.caseId, scope.caseIds) : undefined,
  );
  if (!where) return 0;
  const deleted = await tx.delete(gapQuestions).where(where).returning({ clusterId: gapQuestions.clusterId });
  const clusters = [...new Set(deleted.map((d) => d.clusterId).filter((c): c is number => c !== null))];
  for (const c of clusters) {
    await refreshSummary(tx, c);
    // the centroid moves too (open clusters only: a decided one is no longer matched against)
    const rest = await selectRows<{ embedding: string }>(tx, sql`SELECT embedding::text AS embedding FROM gap_questions WHERE cluster_id = ${c}`);
    if (rest.length) await tx.update(gapClusters).set({ centroid: meanVector(rest.map((r) => parseVector(r.embedding))) }).where(eq(gapClusters.id, c));
  }
  return deleted.length;
}

export async function exportGapQuestions(q: Queryable, scope: { messageIds: string[]; caseIds: string[] }) {
  const where = or(
    scope.messageIds.length ? inArray(gapQuestions.inboundMessageId, scope.messageIds) : undefined,
    scope.caseIds.length ? inArray(gapQuestions.caseId, scope.caseIds) : undefined,
  );
  if (!where) return [];
  return q
    .select({ id: gapQuestions.id, inboundMessageId: gapQuestions.inboundMessageId, caseId: gapQuestions.caseId, text: gapQuestions.text, language: gapQuestions.language, source: gapQuestions.source, agentReply: gapQuestions.agentReply, reason: gapQuestions.reason, clusterId: gapQuestions.clusterId, createdAt: gapQuestions.createdAt })
    .from(gapQuestions)
    .where(where)
    .orderBy(asc(gapQuestions.id));
}
