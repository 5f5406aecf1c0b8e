// The knowledge manager's three answers to a gap: accept (a draft article from the suggestion), merge (its questions
// become another article's examples), dismiss.
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Tx } from '../../db/client.js';
import { gapClusters, gapQuestions, type GapCluster } from '../../db/schema/gaps.js';
import { articles } from '../../db/schema/kb.js';
import { redactPersonalData } from '../../domain/redact.js';
import { AppError } from '../../errors.js';
import { ARTICLE_LIMITS } from '../../kb/article-schema.js';
import { parseInput } from '../../validation.js';
import { createArticle, updateArticle, type Article } from '../../kb/articles.js';
import { distinct, placeholderBody } from '../clustering/presentation.js';
import { GAP_TAG, majority, MAX_EXAMPLES } from './shared.js';
import { redactedSuggestion } from './summary.js';

export interface Decider { by: string }

async function lockOpenCluster(tx: Tx, id: number): Promise<GapCluster> {
  const [cluster] = await tx.select().from(gapClusters).where(eq(gapClusters.id, id)).for('update');
  if (!cluster) throw new AppError('not_found', `no knowledge gap ${id}`);
  if (cluster.status !== 'open') throw new AppError('conflict', `knowledge gap ${id} is already ${cluster.status}`);
  return cluster;
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
    const examples = (parsed.examples ?? suggested.examples).map((e) => e.slice(0, ARTICLE_LIMITS.exampleChars));
    // A savepoint inside this transaction: the article and the decision commit together or not at all.
    const article = await createArticle(tx as unknown as Db, {
      id: parsed.articleId,
      title: (parsed.title ?? (suggested.title || examples[0]) ?? 'New article').slice(0, ARTICLE_LIMITS.titleChars),
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
    const fresh = distinct((ctx.examples ?? cluster.suggestedExamples.map((e) => redactPersonalData(e))).map((e) => e.slice(0, ARTICLE_LIMITS.exampleChars)), MAX_EXAMPLES * 5).filter((e) => !have.has(e));
    const examples = [...target.examples, ...fresh].slice(0, ARTICLE_LIMITS.examples);
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
