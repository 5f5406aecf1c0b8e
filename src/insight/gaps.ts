// Knowledge gaps: the questions the knowledge base did not answer, grouped into topics a knowledge manager can
// turn into articles.
//
// - recordGapQuestion: as mail arrives (escalated for lack of an article, answered without a citation, draft
//   rewritten heavily), the question is embedded and joins the nearest open cluster of the same model when the
//   centroid is close enough (pgvector, cosine), else starts a cluster. Cheap, one transaction per question.
// - recomputeGaps: re-clusters every open question from scratch (average linkage on TF-IDF, src/insight/clustering.ts),
//   keeping cluster ids where the membership mostly carries over. On demand, and via GapMaintainer after every N
//   recorded questions: incremental assignment drifts, the full pass is what the benchmark's purity comes from.
// - listGaps: clusters by size with trend, samples, the closest published article and the suggested article.
// - acceptGap / mergeGap / dismissGap: the knowledge manager's three answers.
import { and, asc, desc, eq, inArray, isNull, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import { fenceUntrusted, untrustedTextRule, type ChatClient } from '../ai/chat.js';
import type { Embedder } from '../ai/embedder.js';
import type { Db, Queryable, Tx } from '../db/client.js';
import { selectRows, sqlLiteral } from '../db/rows.js';
import { insertThen, updateById } from '../db/statement.js';
import { gapClusters, gapQuestions, type GapBodySource, type GapCluster, type GapSource, type GapStatus, gapSources, gapStatuses } from '../db/schema/gaps.js';
import { articles, vectorLiteral } from '../db/schema/kb.js';
import { AppError } from '../errors.js';
import { BatchQueue } from '../jobs/batch-queue.js';
import { namesIn, redactPersonalData } from '../domain/redact.js';
import { parseInput } from '../validation.js';
import { createArticle, updateArticle, type Article } from '../kb/articles.js';
import type { Logger } from '../logger.js';
import {
  addToCentroid, centralOrder, cleanTitle, clusterTexts, distinct, extractiveBody, meanVector, nearestAbove, placeholderBody, trendOf,
  type ClusterOptions, type TrendDirection,
} from './clustering.js';

/** Longest question text kept (the customer's own text is capped at 4000 by customerText already). */
const MAX_TEXT = 4000;
/** Examples a suggested article carries. */
const MAX_EXAMPLES = 10;
/** Members read to summarise one cluster (the most recent; a topic's wording is stable enough). */
const SUMMARY_MEMBERS = 500;
/** Article limits (src/kb/article-schema.ts). */
const MAX_EXAMPLE_CHARS = 2000;
const MAX_ARTICLE_EXAMPLES = 500;
/** Clusters (largest first) whose closest article a recompute stores; the report looks it up live anyway. */
const SNAPSHOT_CLUSTERS = 50;
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

export interface GapQuestionInput {
  inboundMessageId?: string | null;
  caseId?: string | null;
  text: string;
  language: string;
  source: GapSource;
  agentReply?: string | null;
  /** an agent's word on why nothing answered it (a rejected draft's reason) */
  reason?: string | null;
  /** the customer's names known elsewhere (the sender's display name): replaced wherever they appear, not stored */
  names?: string[];
  /** for back-filling from history; defaults to now */
  createdAt?: Date;
}

export interface RecordResult {
  questionId: number;
  clusterId: number | null;
  /** the question started a new cluster */
  newCluster: boolean;
  /** the message had been recorded before (its agent reply, if given, was added) */
  duplicate: boolean;
  similarity: number | null;
}

const lock = (q: Queryable) => q.execute(sql`SELECT pg_advisory_xact_lock(hashtext('firstreply-knowledge-gaps'))`);
const parseVector = (text: string) => Float32Array.from(JSON.parse(text) as number[]);

export async function recordGapQuestion(db: Db, embedder: Embedder, input: GapQuestionInput, opts: GapOptions = {}): Promise<RecordResult> {
  return (await recordGapQuestions(db, embedder, [checkedGapQuestion(input)], opts))[0]!;
}

/**
 * The question as recorded (NULs removed, trimmed, bounded, personal data replaced by placeholders: what a knowledge
 * manager reads and copies into articles needs no customer's name or order number); a clear error for one that cannot be.
 */
export function checkedGapQuestion(input: GapQuestionInput): GapQuestionInput {
  const raw = input.text.replace(/\u0000/g, '').trim().slice(0, MAX_TEXT);
  // A name the question reveals ("Regards, Tom Müller") is hunted for in the reply and the reason too.
  const names = [...(input.names ?? []), ...namesIn(raw)];
  const text = redactPersonalData(raw, names);
  if (!text) throw new AppError('bad_request', 'a knowledge-gap question needs text');
  if (!(gapSources as readonly string[]).includes(input.source)) throw new AppError('bad_request', `unknown gap source ${input.source}`);
  const clean = (v: string | null | undefined) => (v?.trim() ? redactPersonalData(v.replace(/\u0000/g, '').trim().slice(0, MAX_TEXT), names) : null);
  const { names: _names, ...rest } = input;
  return { ...rest, text, agentReply: clean(input.agentReply), reason: clean(input.reason) };
}

/**
 * Records checked questions (checkedGapQuestion), in order, in one transaction: the clustering lock is taken once for
 * all of them, and their embeddings are asked for in one call. Each joins the nearest open cluster when close
 * enough (the ones before it in the batch included), else starts one.
 */
export async function recordGapQuestions(db: Db, embedder: Embedder, inputs: GapQuestionInput[], opts: GapOptions = {}): Promise<RecordResult[]> {
  const results: (RecordResult | undefined)[] = new Array(inputs.length);
  // A message seen before (its agent's reply or a rejected draft's reason arriving later): only that is added,
  // without embedding it again. The pipeline records each new message's question once and skips this look-up; the
  // insert below still recognises a question recorded meanwhile.
  for (const [i, input] of inputs.entries()) {
    if (!input.inboundMessageId || !(input.agentReply || input.reason)) continue;
    const messageId = input.inboundMessageId;
    results[i] = await db.transaction(async (tx) => {
      await lock(tx);
      return addReplyToKnown(tx, messageId, input.agentReply ?? null, input.reason ?? null);
    });
  }
  const todo = inputs.flatMap((input, i) => (results[i] ? [] : [{ input, i }]));
  if (todo.length === 0) return results as RecordResult[];
  const vectors = await embedder.embed(todo.map((t) => t.input.text));
  const model = embedder.model;
  const threshold = opts.assignThreshold ?? defaultAssignThreshold(model);
  await db.transaction(async (tx) => {
    await lock(tx);
    for (const [k, { input, i }] of todo.entries()) results[i] = await addQuestion(tx, input, vectors[k]!, model, threshold);
  });
  return results as RecordResult[];
}

/** One question, under the clustering lock. */
async function addQuestion(tx: Tx, input: GapQuestionInput, vector: Float32Array, model: string, threshold: number): Promise<RecordResult> {
  const { text } = input;
  const agentReply = input.agentReply ?? null;
  const question = {
    inboundMessageId: input.inboundMessageId ?? null, caseId: input.caseId ?? null, text, language: input.language || 'en',
    source: input.source, agentReply, reason: input.reason ?? null, model, embedding: vector, ...(input.createdAt ? { createdAt: input.createdAt } : {}),
  };
  // recorded meanwhile by another process: the same as the early path
  const recordedMeanwhile = async () => (await addReplyToKnown(tx, input.inboundMessageId!, agentReply, input.reason ?? null))!;
  const near = await nearestCluster(tx, model, vector, ['open', 'dismissed']);
  if (near && near.similarity >= threshold) {
    // the question and its cluster's new centroid and size in one statement (the size read under the clustering lock)
    const grown = updateById(gapClusters, near.id, { centroid: addToCentroid(parseVector(near.centroid), near.size, vector), size: near.size + 1, updatedAt: new Date() });
    const { row: inserted } = await joinCluster(tx, { ...question, clusterId: near.id }, [grown]);
    if (!inserted) return recordedMeanwhile();
    if (resummarizeAt(near.size + 1)) await refreshSummary(tx, near.id, ARRIVAL_SUMMARY_MEMBERS);
    return { questionId: inserted.id, clusterId: near.id, newCluster: false, duplicate: false, similarity: near.similarity };
  }
  const [inserted] = await insertQuestion(tx, question);
  if (!inserted) return recordedMeanwhile();
  const [created] = await tx
    .insert(gapClusters)
    .values({ model, centroid: vector, size: 1, title: cleanTitle(text), suggestedExamples: [text.slice(0, MAX_EXAMPLE_CHARS)] })
    .returning({ id: gapClusters.id });
  await tx.update(gapQuestions).set({ clusterId: created!.id }).where(eq(gapQuestions.id, inserted.id));
  await refreshSummary(tx, created!.id, ARRIVAL_SUMMARY_MEMBERS);
  return { questionId: inserted.id, clusterId: created!.id, newCluster: true, duplicate: false, similarity: near?.similarity ?? null };
}

const joinCluster = insertThen(gapQuestions, ['id']);

const insertQuestion = (tx: Tx, row: typeof gapQuestions.$inferInsert) =>
  tx.insert(gapQuestions).values(row).onConflictDoNothing().returning({ id: gapQuestions.id });

/**
 * A message seen before: its agent reply (the answer the article should contain) or an agent's reason is added,
 * nothing else changes.
 */
async function addReplyToKnown(q: Queryable, inboundMessageId: string, agentReply: string | null, reason: string | null = null): Promise<RecordResult | undefined> {
  const [row] = await q.select({ id: gapQuestions.id, clusterId: gapQuestions.clusterId, reply: gapQuestions.agentReply }).from(gapQuestions).where(eq(gapQuestions.inboundMessageId, inboundMessageId));
  if (!row) return undefined;
  if (reason) await q.update(gapQuestions).set({ reason }).where(eq(gapQuestions.id, row.id));
  if (agentReply && agentReply !== row.reply) {
    await q.update(gapQuestions).set({ agentReply }).where(eq(gapQuestions.id, row.id));
    if (row.clusterId !== null) await refreshSummary(q, row.clusterId);
  }
  return { questionId: row.id, clusterId: row.clusterId, newCluster: false, duplicate: true, similarity: null };
}

interface NearCluster { id: number; size: number; status: GapStatus; centroid: string; similarity: number }

async function nearestCluster(q: Queryable, model: string, vector: Float32Array, statuses: GapStatus[]): Promise<NearCluster | undefined> {
  const dims = sql.raw(String(vector.length));
  const v = vectorLiteral(vector);
  const [row] = await selectRows<NearCluster>(q, sql`
    SELECT id, size, status, centroid::text AS centroid, 1 - (centroid::vector(${dims}) <=> ${v}::vector(${dims})) AS similarity
    FROM gap_clusters
    WHERE model = ${model} AND status IN (${sql.join(statuses.map((s) => sql`${s}`), sql`, `)}) AND size > 0
    ORDER BY centroid::vector(${dims}) <=> ${v}::vector(${dims}), id
    LIMIT 1`);
  return row ? { ...row, id: Number(row.id), size: Number(row.size), similarity: Number(row.similarity) } : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Suggested article

export interface Suggestion {
  title: string;
  examples: string[];
  body: string;
  bodySource: GapBodySource;
}

interface Member { text: string; agentReply: string | null }

/** Title, examples and body from the members, offline: the most central questions, and agents' replies condensed. */
export function suggest(members: Member[]): Suggestion {
  const order = centralOrder(members.map((m) => m.text));
  const examples = distinct(order.map((i) => members[i]!.text.slice(0, MAX_EXAMPLE_CHARS)), MAX_EXAMPLES);
  const title = cleanTitle(examples[0] ?? members[0]?.text ?? '');
  const replies = order.map((i) => members[i]!.agentReply).filter((r): r is string => !!r);
  const extracted = extractiveBody(replies);
  return extracted
    ? { title, examples, body: extracted, bodySource: 'agent_replies' }
    : { title, examples, body: placeholderBody(examples), bodySource: 'placeholder' };
}

/**
 * Whether a cluster that just grew to `size` members re-derives its title and examples now. A derivation costs about
 * 1 ms per member read (TF-IDF over each text): for every question of every cluster, it took most of the service's CPU
 * when hundreds of unanswered questions arrived at once (bench:workers profile). So: at each doubling (2, 4, 8, …) and
 * every 256 members, from at most ARRIVAL_SUMMARY_MEMBERS recent members. The size itself is exact at all times, and
 * the full recompute (GapMaintainer) re-derives every cluster from all of its members anyway.
 */
export function resummarizeAt(size: number): boolean {
  return (size & (size - 1)) === 0 || size % 256 === 0;
}

/** Members a cluster's summary reads when a question arrives (the most recent: a topic's wording is stable). */
const ARRIVAL_SUMMARY_MEMBERS = 64;

/** Re-derives size and suggestion from the members (after a question joined, left or got a reply). */
async function refreshSummary(q: Queryable, clusterId: number, members = SUMMARY_MEMBERS): Promise<void> {
  const [cluster] = await q.select({ status: gapClusters.status, bodySource: gapClusters.bodySource }).from(gapClusters).where(eq(gapClusters.id, clusterId));
  if (!cluster) return;
  const [{ n }] = (await selectRows<{ n: number }>(q, sql`SELECT count(*)::int AS n FROM gap_questions WHERE cluster_id = ${clusterId}`)) as [{ n: number }];
  if (Number(n) === 0) {
    // nothing left to show (the questions were erased): an open cluster goes, a decided one keeps its decision
    if (cluster.status === 'open') await q.delete(gapClusters).where(eq(gapClusters.id, clusterId));
    else await q.update(gapClusters).set({ size: 0, title: null, suggestedExamples: [], suggestedBody: null, bodySource: null, updatedAt: new Date() }).where(eq(gapClusters.id, clusterId));
    return;
  }
  const recent = await q
    .select({ text: gapQuestions.text, agentReply: gapQuestions.agentReply })
    .from(gapQuestions)
    .where(eq(gapQuestions.clusterId, clusterId))
    .orderBy(desc(gapQuestions.createdAt), desc(gapQuestions.id))
    .limit(members);
  const s = suggest(recent);
  // A body the chat model drafted stays until the next recompute drafts it again.
  const keepBody = cluster.bodySource === 'chat';
  await q
    .update(gapClusters)
    .set({ size: Number(n), title: s.title, suggestedExamples: s.examples, ...(keepBody ? {} : { suggestedBody: s.body, bodySource: s.bodySource }), updatedAt: new Date() })
    .where(eq(gapClusters.id, clusterId));
}

const chatDraft = z.object({ title: z.string().min(1).max(300), body: z.string().min(1).max(20_000) });

/** The chat model's draft from the questions and the agents' replies; only facts from the replies. */
export async function draftWithChat(chat: ChatClient, input: { language: string; examples: string[]; replies: string[] }): Promise<{ title: string; body: string }> {
  const questions = input.examples.map((e, i) => fenceUntrusted(`question ${i + 1}`, e)).join('\n');
  const replies = input.replies.slice(0, 8).map((r, i) => fenceUntrusted(`agent reply ${i + 1}`, r.slice(0, 3000))).join('\n');
  return chat.completeJson([
    {
      role: 'system',
      content: [
        'You write help-centre articles for a customer support team.',
        'Customers asked the questions below, no article answered them, and agents replied by hand.',
        `Write one article in the language "${input.language}" that answers these questions, in Markdown, as JSON {"title": string, "body": string}.`,
        'Use only facts stated in the agents\' replies; never invent amounts, deadlines, links or policies. Leave out names, greetings and case-specific details.',
        untrustedTextRule,
      ].join('\n'),
    },
    { role: 'user', content: `Questions:\n${questions}\n\nAgents' replies:\n${replies}` },
  ], chatDraft, { temperature: 0.2 });
}

// ---------------------------------------------------------------------------------------------------------------
// Full re-clustering

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

async function draftLargest(db: Db, chat: ChatClient, max: number, log?: Logger): Promise<number> {
  const clusters = await db.select().from(gapClusters).where(and(eq(gapClusters.status, 'open'), eq(gapClusters.bodySource, 'agent_replies'))).orderBy(desc(gapClusters.size), asc(gapClusters.id)).limit(max);
  let drafted = 0;
  for (const c of clusters) {
    const members = await db.select({ reply: gapQuestions.agentReply, language: gapQuestions.language }).from(gapQuestions).where(eq(gapQuestions.clusterId, c.id)).limit(SUMMARY_MEMBERS);
    const replies = members.map((m) => m.reply).filter((r): r is string => !!r);
    try {
      const draft = await draftWithChat(chat, { language: majority(members.map((m) => m.language)) ?? 'en', examples: c.suggestedExamples, replies });
      // only if the cluster did not change meanwhile
      await db.update(gapClusters).set({ title: redactPersonalData(draft.title).slice(0, 300), suggestedBody: redactPersonalData(draft.body), bodySource: 'chat' })
        .where(and(eq(gapClusters.id, c.id), eq(gapClusters.size, c.size), eq(gapClusters.status, 'open')));
      drafted++;
    } catch (err) {
      log?.warn({ err, cluster: c.id }, 'knowledge gaps: the chat model could not draft an article; the extractive draft stays');
    }
  }
  return drafted;
}

// ---------------------------------------------------------------------------------------------------------------
// Closest article

export interface ClosestArticle { articleId: string; title: string; score: number }

/** The published article whose nearest chunk (title, section or example question) is closest to the vector. */
export async function closestArticle(q: Queryable, model: string, vector: Float32Array): Promise<ClosestArticle | null> {
  const dims = sql.raw(String(vector.length));
  const v = vectorLiteral(vector);
  // Inlined model literal: the per-model partial HNSW index is usable only with a constant predicate.
  const [row] = await selectRows<{ article_id: string; title: string; similarity: number }>(q, sql`
    SELECT n.article_id, a.title, n.similarity FROM (
      SELECT article_id, 1 - (embedding::vector(${dims}) <=> ${v}::vector(${dims})) AS similarity
      FROM article_chunks WHERE model = ${sql.raw(sqlLiteral(model))}
      ORDER BY embedding::vector(${dims}) <=> ${v}::vector(${dims}) LIMIT 40
    ) n JOIN articles a ON a.id = n.article_id AND a.status = 'published'
    ORDER BY n.similarity DESC, n.article_id LIMIT 1`);
  return row ? { articleId: row.article_id, title: row.title, score: Math.round(Number(row.similarity) * 1000) / 1000 } : null;
}

// ---------------------------------------------------------------------------------------------------------------
// The report

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

/** A stored suggestion with personal data replaced (older rows, and a chat model's draft, may carry some). */
function redactedSuggestion(s: Suggestion): Suggestion {
  return { ...s, title: redactPersonalData(s.title), examples: s.examples.map((e) => redactPersonalData(e)), body: redactPersonalData(s.body) };
}

// ---------------------------------------------------------------------------------------------------------------
// Decisions

export interface Decider { by: string }

async function lockOpenCluster(tx: Tx, id: number): Promise<GapCluster> {
  const [cluster] = await tx.select().from(gapClusters).where(eq(gapClusters.id, id)).for('update');
  if (!cluster) throw new AppError('not_found', `no knowledge gap ${id}`);
  if (cluster.status !== 'open') throw new AppError('conflict', `knowledge gap ${id} is already ${cluster.status}`);
  return cluster;
}

function majority(values: string[]): string | undefined {
  const counts = new Map<string, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]?.[0];
}

export const acceptGapSchema = z.object({
  /** article id to use (else generated) */
  articleId: z.string().optional(),
  title: z.string().optional(),
  body: z.string().optional(),
  examples: z.array(z.string()).optional(),
  language: z.string().optional(),
});
export type AcceptGapInput = z.input<typeof acceptGapSchema>;

/** Creates a draft article from the suggestion (fields can be overridden) and marks the gap accepted. */
export async function acceptGap(db: Db, id: number, input: AcceptGapInput, ctx: Decider): Promise<{ gap: GapCluster; article: Article }> {
  const parsed = parseInput(acceptGapSchema, input ?? {});
  return db.transaction(async (tx) => {
    const cluster = await lockOpenCluster(tx, id);
    const languages = await tx.select({ language: gapQuestions.language }).from(gapQuestions).where(eq(gapQuestions.clusterId, id));
    const language = (parsed.language ?? majority(languages.map((l) => l.language.slice(0, 2).toLowerCase())) ?? 'en');
    const suggested = redactedSuggestion({ title: cluster.title ?? '', examples: cluster.suggestedExamples, body: cluster.suggestedBody ?? '', bodySource: 'placeholder' });
    const examples = (parsed.examples ?? suggested.examples).map((e) => e.slice(0, MAX_EXAMPLE_CHARS));
    // A savepoint inside this transaction: the article and the decision commit together or not at all.
    const article = await createArticle(tx as unknown as Db, {
      id: parsed.articleId,
      title: (parsed.title ?? (suggested.title || examples[0]) ?? 'New article').slice(0, 300),
      body: parsed.body ?? (suggested.body || placeholderBody(examples)),
      language,
      tags: [GAP_TAG],
      examples,
      status: 'draft',
      changeNote: `from knowledge gap ${id} (${cluster.size} questions)`,
    }, { by: ctx.by });
    const [gap] = await tx.update(gapClusters).set({ status: 'accepted', articleId: article.id, resolvedBy: ctx.by, updatedAt: new Date() }).where(eq(gapClusters.id, id)).returning();
    return { gap: gap!, article };
  });
}

export const mergeGapSchema = z.object({ articleId: z.string().min(1), examples: z.array(z.string()).optional() });

/** Adds the gap's example questions to an existing article (a new version) and marks the gap merged. */
export async function mergeGap(db: Db, id: number, articleId: string, ctx: Decider & { examples?: string[] }): Promise<{ gap: GapCluster; article: Article; added: number }> {
  return db.transaction(async (tx) => {
    const cluster = await lockOpenCluster(tx, id);
    const [target] = await tx.select({ id: articles.id, examples: articles.examples }).from(articles).where(eq(articles.id, articleId));
    if (!target) throw new AppError('not_found', `no article ${articleId}`);
    const have = new Set(target.examples.map((e) => e.trim()));
    const fresh = distinct((ctx.examples ?? cluster.suggestedExamples.map((e) => redactPersonalData(e))).map((e) => e.slice(0, MAX_EXAMPLE_CHARS)), MAX_EXAMPLES * 5).filter((e) => !have.has(e));
    const examples = [...target.examples, ...fresh].slice(0, MAX_ARTICLE_EXAMPLES);
    const added = examples.length - target.examples.length;
    const article = await updateArticle(tx as unknown as Db, articleId, { examples, changeNote: `${added} example questions from knowledge gap ${id}` }, { by: ctx.by });
    const [gap] = await tx.update(gapClusters).set({ status: 'merged', articleId, resolvedBy: ctx.by, updatedAt: new Date() }).where(eq(gapClusters.id, id)).returning();
    return { gap: gap!, article, added };
  });
}

/** Not a gap worth an article: hidden from the open report; similar new questions join it quietly. */
export async function dismissGap(db: Db, id: number, ctx: Decider): Promise<GapCluster> {
  return db.transaction(async (tx) => {
    await lockOpenCluster(tx, id);
    const [gap] = await tx.update(gapClusters).set({ status: 'dismissed', resolvedBy: ctx.by, updatedAt: new Date() }).where(eq(gapClusters.id, id)).returning();
    return gap!;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Keeping it fresh

/**
 * What the pipeline calls: records each question and, after every `recomputeEvery` new ones, re-clusters in the
 * background (one run at a time). Failures are logged, never thrown into the caller's work.
 */
export class GapMaintainer {
  private sinceRecompute = 0;
  private running: Promise<unknown> | undefined;
  private lastRecompute = 0;
  // Questions arriving while a batch is being recorded go into the next one: one transaction and one clustering
  // lock per batch instead of per question (under load about half the pipeline's messages ask a question).
  private readonly batches = new BatchQueue((inputs: GapQuestionInput[]) => this.recordBatch(inputs));

  constructor(private readonly deps: { db: Db; embedder: Embedder; log: Logger; chat?: ChatClient; recomputeEvery?: number; minRecomputeIntervalMs?: number; assignThreshold?: number }) {}

  async record(input: GapQuestionInput): Promise<RecordResult | null> {
    try {
      const result = await this.batches.add(checkedGapQuestion(input));
      if (!result) return null;
      // Re-clustering costs seconds of the (embedded, single-session) database: at most every few minutes.
      const due = Date.now() - this.lastRecompute >= (this.deps.minRecomputeIntervalMs ?? 5 * 60_000);
      if (!result.duplicate && ++this.sinceRecompute >= (this.deps.recomputeEvery ?? 50) && due) {
        this.lastRecompute = Date.now();
        this.recompute();
      }
      return result;
    } catch (err) {
      this.deps.log.warn({ err }, 'knowledge gaps: could not record a question');
      return null;
    }
  }

  /** A batch; when it fails as a whole, each question is tried on its own so one cannot sink the others. */
  private async recordBatch(inputs: GapQuestionInput[]): Promise<(RecordResult | null)[]> {
    const { db, embedder, assignThreshold } = this.deps;
    try {
      return await recordGapQuestions(db, embedder, inputs, { assignThreshold });
    } catch (err) {
      if (inputs.length === 1) throw err;
      const results: (RecordResult | null)[] = [];
      for (const input of inputs) {
        results.push(await recordGapQuestions(db, embedder, [input], { assignThreshold }).then((r) => r[0]!, (e: unknown) => {
          this.deps.log.warn({ err: e }, 'knowledge gaps: could not record a question');
          return null;
        }));
      }
      return results;
    }
  }

  /** Starts a full re-clustering unless one is running; resolves when it is done. */
  recompute(): Promise<unknown> {
    if (this.running) return this.running;
    this.sinceRecompute = 0;
    this.running = recomputeGaps(this.deps.db, this.deps.embedder, { chat: this.deps.chat, log: this.deps.log, assignThreshold: this.deps.assignThreshold })
      .then((report) => this.deps.log.info(report, 'knowledge gaps recomputed'))
      .catch((err) => this.deps.log.warn({ err }, 'knowledge gaps: recompute failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Privacy: the questions are the customer's words

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

/** Questions not yet in any cluster (only after a model change until the next recompute). */
export async function unclusteredCount(q: Queryable): Promise<number> {
  const [row] = await q.select({ n: sql<number>`count(*)::int` }).from(gapQuestions).where(isNull(gapQuestions.clusterId));
  return Number(row?.n ?? 0);
}
