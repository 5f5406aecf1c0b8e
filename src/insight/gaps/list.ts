// The gap report: clusters by size with trend, sources, samples, the closest published article and the suggested
// article.
import { and, asc, desc, eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { gapClusters, gapQuestions, type GapSource, type GapStatus, gapSources, gapStatuses } from '../../db/schema/gaps.js';
import { redactPersonalData } from '../../domain/redact.js';
import { parseInput } from '../../validation.js';
import { trendOf, type TrendDirection } from '../clustering/presentation.js';
import { closestArticle, type ClosestArticle } from './closest-article.js';
import { redactedSuggestion, type Suggestion } from './summary.js';

export interface GapSample {
  id: number;
  text: string;
  language: string;
  source: GapSource;
  inboundMessageId: string | null;
  caseId: string | null;
  /** why an agent said nothing answered it (a rejected draft's reason) */
  reason: string | null;
  createdAt: string;
}

export interface GapReport {
  id: number;
  status: GapStatus;
  size: number;
  model: string;
  trend: { last7Days: number; previous7Days: number; direction: TrendDirection };
  sources: Record<GapSource, number>;
  /** questions with an agent's reply (the suggested body is drawn from them) */
  withReplies: number;
  languages: Record<string, number>;
  samples: GapSample[];
  closestArticle: ClosestArticle | null;
  suggestion: Suggestion;
  articleId: string | null;
  resolvedBy: string | null;
  createdAt: string;
  updatedAt: string;
}

export const listGapsSchema = z.object({
  status: z.enum(gapStatuses).default('open'),
  limit: z.coerce.number().int().min(1).max(200).default(20),
  minSize: z.coerce.number().int().min(1).default(1),
});

export async function listGaps(db: Db, input: { status?: GapStatus; limit?: number; minSize?: number; now?: Date } = {}): Promise<GapReport[]> {
  const { status, limit, minSize } = parseInput(listGapsSchema, input);
  const now = input.now ?? new Date();
  const clusters = await db.select().from(gapClusters)
    .where(and(eq(gapClusters.status, status), sql`${gapClusters.size} >= ${minSize}`))
    .orderBy(desc(gapClusters.size), asc(gapClusters.id)).limit(limit);
  if (!clusters.length) return [];
  const ids = sql.join(clusters.map((c) => sql`${c.id}::bigint`), sql`, `);
  const week = 7 * 86_400_000;
  const [d7, d14] = [new Date(now.getTime() - week).toISOString(), new Date(now.getTime() - 2 * week).toISOString()];
  const stats = await selectRows<{ cluster_id: number; last7: number; prev7: number; replies: number; source: GapSource; language: string; n: number }>(db, sql`
    SELECT cluster_id, source, language, count(*)::int AS n,
      count(*) FILTER (WHERE created_at >= ${d7}::timestamptz AND created_at <= ${now.toISOString()}::timestamptz)::int AS last7,
      count(*) FILTER (WHERE created_at >= ${d14}::timestamptz AND created_at < ${d7}::timestamptz)::int AS prev7,
      count(*) FILTER (WHERE agent_reply IS NOT NULL)::int AS replies
    FROM gap_questions WHERE cluster_id IN (${ids}) GROUP BY cluster_id, source, language`);
  const samples = await selectRows<{ id: number; cluster_id: number; text: string; language: string; source: GapSource; inbound_message_id: string | null; case_id: string | null; reason: string | null; created_at: string | Date }>(db, sql`
    SELECT id, cluster_id, text, language, source, inbound_message_id, case_id, reason, created_at FROM (
      SELECT q.*, row_number() OVER (PARTITION BY cluster_id ORDER BY created_at DESC, id DESC) AS rn
      FROM gap_questions q WHERE cluster_id IN (${ids})
    ) s WHERE rn <= 5 ORDER BY cluster_id, rn`);
  const out: GapReport[] = [];
  for (const c of clusters) {
    const mine = stats.filter((s) => Number(s.cluster_id) === c.id);
    const sum = (f: (s: (typeof mine)[number]) => number) => mine.reduce((n, s) => n + Number(f(s)), 0);
    const sources = Object.fromEntries(gapSources.map((s) => [s, sum((x) => (x.source === s ? x.n : 0))])) as Record<GapSource, number>;
    const languages: Record<string, number> = {};
    for (const s of mine) languages[s.language] = (languages[s.language] ?? 0) + Number(s.n);
    out.push({
      id: c.id,
      status: c.status,
      size: c.size,
      model: c.model,
      trend: trendOf(sum((s) => s.last7), sum((s) => s.prev7)),
      sources,
      withReplies: sum((s) => s.replies),
      languages,
      samples: samples.filter((s) => Number(s.cluster_id) === c.id).map((s) => ({
        // Redacted again on display: questions recorded before redaction existed are still stored as written.
        id: Number(s.id), text: redactPersonalData(s.text), language: s.language, source: s.source, inboundMessageId: s.inbound_message_id, caseId: s.case_id,
        reason: s.reason, createdAt: new Date(s.created_at).toISOString(),
      })),
      closestArticle: c.size > 0 ? await closestArticle(db, c.model, Float32Array.from(c.centroid)) : null,
      suggestion: redactedSuggestion({ title: c.title ?? '', examples: c.suggestedExamples, body: c.suggestedBody ?? '', bodySource: c.bodySource ?? 'placeholder' }),
      articleId: c.articleId,
      resolvedBy: c.resolvedBy,
      createdAt: c.createdAt.toISOString(),
      updatedAt: c.updatedAt.toISOString(),
    });
  }
  return out;
}

/** Questions not yet in any cluster (only after a model change until the next recompute). */
export async function unclusteredCount(q: Queryable): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(gapQuestions).where(isNull(gapQuestions.clusterId));
  return Number(row?.n ?? 0);
}
