// The full re-clustering (average linkage on TF-IDF, src/insight/clustering/linkage.ts), keeping cluster ids where the
// membership mostly carries over. On demand, and via GapMaintainer after every N recorded questions: incremental
// assignment drifts, the full pass is what the benchmark's purity comes from.
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import type { ChatClient } from '../../ai/chat.js';
import type { Embedder } from '../../ai/embedder.js';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { gapClusters, gapQuestions } from '../../db/schema/gaps.js';
import type { Logger } from '../../logger.js';
import { clusterTexts, type ClusterOptions } from '../clustering/linkage.js';
import { addToCentroid, meanVector, nearestAbove } from '../clustering/vectors.js';
import { draftLargest } from './chat-draft.js';
import { closestArticle } from './closest-article.js';
import { defaultAssignThreshold, lock, parseVector } from './shared.js';
import { suggest, type Suggestion } from './summary.js';

/** Clusters (largest first) whose closest article a recompute stores; the report looks it up live anyway. */
const SNAPSHOT_CLUSTERS = 50;

export interface RecomputeOptions {
  /** for questions recorded while the recompute ran (default: defaultAssignThreshold) */
  assignThreshold?: number;
  /** drafts bodies for the largest clusters that have agents' replies */
  chat?: ChatClient;
  /** how many clusters (largest first) the chat model drafts for */
  chatDrafts?: number;
  cluster?: Partial<ClusterOptions>;
  log?: Logger;
}

export interface RecomputeReport {
  questions: number;
  clusters: number;
  /** clusters of 2 or more questions */
  groups: number;
  reembedded: number;
  kept: number;
  created: number;
  removed: number;
  /** questions recorded while the clustering ran, assigned by centroid */
  late: number;
  chatDrafted: number;
  ms: number;
}

/**
 * Re-clusters every question not in a decided (accepted, merged, dismissed) cluster. Questions embedded by another
 * model are embedded again first, so every open centroid is in the current model's space. The clustering runs on a
 * snapshot outside any transaction (the embedded database is one session: a long transaction would stall the
 * service); one short transaction then swaps the open clusters, and questions recorded meanwhile join the nearest
 * new cluster as they would have on arrival.
 */
export async function recomputeGaps(db: Db, embedder: Embedder, opts: RecomputeOptions = {}): Promise<RecomputeReport> {
  const started = performance.now();
  const model = embedder.model;
  const threshold = opts.assignThreshold ?? defaultAssignThreshold(model);
  const reembedded = await reembedOpen(db, embedder);
  const snapshot = (await selectRows<OpenRow>(db, sql`
    SELECT q.id, q.text, q.agent_reply AS reply, q.model, q.embedding::text AS embedding
    FROM gap_questions q LEFT JOIN gap_clusters c ON c.id = q.cluster_id
    WHERE q.cluster_id IS NULL OR c.status = 'open'
    ORDER BY q.id`)).filter((r) => r.model === model).map((r) => ({ ...r, id: Number(r.id) }));
  const vectors = snapshot.map((r) => parseVector(r.embedding));
  const labels = clusterTexts(snapshot.map((r) => r.text), opts.cluster, vectors);
  const byLabel = new Map<number, number[]>();
  labels.forEach((l, i) => byLabel.set(l, [...(byLabel.get(l) ?? []), i]));
  const planned: Planned[] = [...byLabel.values()].map((members) => ({
    questionIds: members.map((i) => snapshot[i]!.id),
    model,
    centroid: meanVector(members.map((i) => vectors[i]!)),
    suggestion: suggest(members.map((i) => ({ text: snapshot[i]!.text, agentReply: snapshot[i]!.reply }))),
  }));

  const result = await db.transaction(async (tx) => {
    await lock(tx);
    const current = (await selectRows<{ id: number; cluster_id: number | null; model: string }>(tx, sql`
      SELECT q.id, q.cluster_id, q.model FROM gap_questions q LEFT JOIN gap_clusters c ON c.id = q.cluster_id
      WHERE q.cluster_id IS NULL OR c.status = 'open'`)).map((r) => ({ id: Number(r.id), clusterId: r.cluster_id === null ? null : Number(r.cluster_id), model: r.model }));
    const clusterOf = new Map(current.map((r) => [r.id, r.clusterId]));
    // Erased meanwhile: gone from the plan.
    for (const p of planned) p.questionIds = p.questionIds.filter((id) => clusterOf.has(id));
    const groups = planned.filter((p) => p.questionIds.length > 0);
    // Recorded meanwhile: joins the nearest new cluster of its model, or stands alone.
    const inPlan = new Set(snapshot.map((r) => r.id));
    const late = current.filter((r) => !inPlan.has(r.id));
    const lateRows = late.length
      ? await selectRows<OpenRow>(tx, sql`SELECT id, text, agent_reply AS reply, model, embedding::text AS embedding FROM gap_questions WHERE id IN (${sql.join(late.map((r) => sql`${r.id}::bigint`), sql`, `)})`)
      : [];
    for (const r of lateRows) {
      const v = parseVector(r.embedding);
      const candidates = groups.filter((g) => g.model === r.model);
      const near = nearestAbove(v, candidates.map((g) => g.centroid), threshold);
      const target = near.index >= 0 ? candidates[near.index]! : undefined;
      if (target) {
        target.centroid = addToCentroid(target.centroid, target.questionIds.length, v);
        target.questionIds.push(Number(r.id));
      } else {
        groups.push({ questionIds: [Number(r.id)], model: r.model, centroid: v, suggestion: suggest([{ text: r.text, agentReply: r.reply }]) });
      }
    }
    groups.sort((a, b) => b.questionIds.length - a.questionIds.length);

    // Cluster ids survive where most of a new group comes from one old open cluster (greedy by overlap).
    const oldOpen = await tx.select({ id: gapClusters.id, createdAt: gapClusters.createdAt }).from(gapClusters).where(eq(gapClusters.status, 'open'));
    const overlaps: { group: number; old: number; n: number }[] = [];
    groups.forEach((g, k) => {
      const counts = new Map<number, number>();
      for (const id of g.questionIds) {
        const old = clusterOf.get(id);
        if (old !== null && old !== undefined) counts.set(old, (counts.get(old) ?? 0) + 1);
      }
      for (const [old, n] of counts) overlaps.push({ group: k, old, n });
    });
    overlaps.sort((a, b) => b.n - a.n || a.old - b.old);
    const idOf = new Map<number, number>();
    const used = new Set<number>();
    for (const o of overlaps) {
      if (idOf.has(o.group) || used.has(o.old)) continue;
      idOf.set(o.group, o.old);
      used.add(o.old);
    }
    const createdAtOf = new Map(oldOpen.map((c) => [c.id, c.createdAt]));
    const now = new Date();

    // Swap: the open clusters go (their questions' cluster_id becomes null), the new ones come with kept ids.
    if (oldOpen.length) await tx.delete(gapClusters).where(eq(gapClusters.status, 'open'));
    const ids: number[] = [];
    for (let i = 0; i < groups.length; i += 200) {
      const rows = groups.slice(i, i + 200).map((g, j) => {
        const id = idOf.get(i + j);
        return {
          ...(id !== undefined ? { id } : {}),
          model: g.model, centroid: g.centroid, size: g.questionIds.length, status: 'open' as const,
          title: g.suggestion.title, suggestedExamples: g.suggestion.examples, suggestedBody: g.suggestion.body, bodySource: g.suggestion.bodySource,
          createdAt: (id !== undefined ? createdAtOf.get(id) : undefined) ?? now, updatedAt: now,
        };
      });
      const inserted = await tx.insert(gapClusters).values(rows).returning({ id: gapClusters.id });
      ids.push(...inserted.map((r) => r.id));
    }
    const assignments = groups.flatMap((g, k) => g.questionIds.map((q) => [q, ids[k]!] as const));
    for (let i = 0; i < assignments.length; i += 1000) {
      const values = sql.join(assignments.slice(i, i + 1000).map(([q, c]) => sql`(${q}::bigint, ${c}::bigint)`), sql`, `);
      await tx.execute(sql`UPDATE gap_questions SET cluster_id = v.c FROM (VALUES ${values}) AS v(q, c) WHERE gap_questions.id = v.q`);
    }
    return {
      questions: assignments.length, clusters: groups.length, groups: groups.filter((g) => g.questionIds.length >= 2).length,
      kept: used.size, created: groups.length - used.size, removed: oldOpen.length - used.size, late: lateRows.length,
    };
  });

  // Snapshot of the closest article for the largest clusters (the report looks it up live anyway).
  const largest = await db.select({ id: gapClusters.id, model: gapClusters.model, centroid: gapClusters.centroid }).from(gapClusters)
    .where(and(eq(gapClusters.status, 'open'), sql`${gapClusters.size} >= 2`))
    .orderBy(desc(gapClusters.size), asc(gapClusters.id)).limit(SNAPSHOT_CLUSTERS);
  for (const c of largest) {
    const closest = await closestArticle(db, c.model, Float32Array.from(c.centroid));
    await db.update(gapClusters).set({ closestArticleId: closest?.articleId ?? null, closestScore: closest?.score ?? null }).where(eq(gapClusters.id, c.id));
  }
  const chatDrafted = opts.chat ? await draftLargest(db, opts.chat, opts.chatDrafts ?? 20, opts.log) : 0;
  return { ...result, reembedded, chatDrafted, ms: Math.round(performance.now() - started) };
}

interface OpenRow { id: number; text: string; reply: string | null; model: string; embedding: string }
interface Planned { questionIds: number[]; model: string; centroid: Float32Array; suggestion: Suggestion }

async function reembedOpen(db: Db, embedder: Embedder): Promise<number> {
  let total = 0;
  for (;;) {
    const stale = await selectRows<{ id: number; text: string }>(db, sql`
      SELECT q.id, q.text FROM gap_questions q LEFT JOIN gap_clusters c ON c.id = q.cluster_id
      WHERE (q.cluster_id IS NULL OR c.status = 'open') AND q.model <> ${embedder.model}
      ORDER BY q.id LIMIT 256`);
    if (!stale.length) return total;
    const vectors = await embedder.embed(stale.map((r) => r.text));
    await db.transaction(async (tx) => {
      for (const [i, r] of stale.entries()) {
        await tx.update(gapQuestions).set({ model: embedder.model, embedding: vectors[i]! }).where(eq(gapQuestions.id, Number(r.id)));
      }
    });
    total += stale.length;
  }
}
