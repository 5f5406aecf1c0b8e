// Recording a question the knowledge base did not answer, as mail arrives (escalated for lack of an article,
// answered without a citation, draft rewritten heavily): the question is embedded and joins the nearest open cluster
// of the same model when the centroid is close enough (pgvector, cosine), else starts a cluster. Cheap, one
// transaction per batch.
import { eq, sql } from 'drizzle-orm';
import type { Embedder } from '../../ai/embedder.js';
import type { Db, Queryable, Tx } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { insertThen, updateById } from '../../db/statement.js';
import { gapClusters, gapQuestions, type GapSource, type GapStatus, gapSources } from '../../db/schema/gaps.js';
import { vectorLiteral } from '../../db/schema/kb.js';
import { namesIn, redactPersonalData } from '../../domain/redact.js';
import { AppError } from '../../errors.js';
import { ARTICLE_LIMITS } from '../../kb/article-schema.js';
import { cleanTitle } from '../clustering/presentation.js';
import { addToCentroid } from '../clustering/vectors.js';
import { defaultAssignThreshold, lock, parseVector, type GapOptions } from './shared.js';
import { ARRIVAL_SUMMARY_MEMBERS, refreshSummary, resummarizeAt } from './summary.js';

/** Longest question text kept (the customer's own text is capped at 4000 by customerText already). */
const MAX_TEXT = 4000;

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
    .values({ model, centroid: vector, size: 1, title: cleanTitle(text), suggestedExamples: [text.slice(0, ARTICLE_LIMITS.exampleChars)] })
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
export async function addReplyToKnown(q: Queryable, inboundMessageId: string, agentReply: string | null, reason: string | null = null): Promise<RecordResult | undefined> {
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
