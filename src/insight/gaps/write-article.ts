// Writing the article a knowledge gap asks for, in the web app's editor: what the editor starts from (the gap's
// suggestion), and saving it, which creates the draft with everything the knowledge manager typed and accepts the gap
// in the same transaction. Nothing is decided before they save: leaving the editor leaves the gap open.
// (acceptGap in decisions.ts is the API's one-step version: the suggestion as it stands, with a few fields overridden.)
import { asc, eq, ne, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { gapClusters, type GapCluster, type GapStatus } from '../../db/schema/gaps.js';
import { articles } from '../../db/schema/kb.js';
import { redactPersonalData } from '../../domain/redact.js';
import { AppError } from '../../errors.js';
import type { CreateArticleInput } from '../../kb/article-schema.js';
import { createArticle, type Article } from '../../kb/articles.js';
import { placeholderBody } from '../clustering/presentation.js';
import { closestArticle, type ClosestArticle } from './closest-article.js';
import { GAP_TAG } from './shared.js';

/** What the editor and the merge page show of one gap. */
export interface GapDraft {
  id: number;
  status: GapStatus;
  size: number;
  title: string;
  body: string;
  examples: string[];
  /** the language most of its questions are in (two letters), else 'en' */
  language: string;
  closest: ClosestArticle | null;
}

/** Most frequent two-letter language among the questions (ties: alphabetical), as acceptGap chooses it. */
async function majorityLanguage(q: Queryable, clusterId: number): Promise<string> {
  const [row] = await selectRows<{ language: string }>(q, sql`
    SELECT lower(left(language, 2)) AS language FROM gap_questions WHERE cluster_id = ${clusterId}
    GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  return row?.language && /^[a-z]{2}$/.test(row.language) ? row.language : 'en';
}

/** The gap's suggestion with personal data replaced (older rows, or a chat model's draft, may carry some). */
export async function gapDraft(db: Db, id: number): Promise<GapDraft> {
  const [c] = await db.select().from(gapClusters).where(eq(gapClusters.id, id));
  if (!c) throw new AppError('not_found', `no knowledge gap ${id}`);
  const examples = c.suggestedExamples.map((e) => redactPersonalData(e));
  return {
    id: c.id,
    status: c.status,
    size: c.size,
    title: redactPersonalData(c.title ?? ''),
    body: redactPersonalData(c.suggestedBody ?? '') || placeholderBody(examples),
    examples,
    language: await majorityLanguage(db, c.id),
    closest: c.size > 0 ? await closestArticle(db, c.model, Float32Array.from(c.centroid)) : null,
  };
}

/**
 * Creates the article as written in the editor (a draft unless the input says otherwise, tagged knowledge-gap) and
 * marks the gap accepted with it, together or not at all. A gap decided meanwhile is a conflict: nothing is saved.
 */
export async function writeGapArticle(db: Db, id: number, input: CreateArticleInput, ctx: { by: string }): Promise<{ gap: GapCluster; article: Article }> {
  return db.transaction(async (tx) => {
    const [cluster] = await tx.select().from(gapClusters).where(eq(gapClusters.id, id)).for('update');
    if (!cluster) throw new AppError('not_found', `no knowledge gap ${id}`);
    if (cluster.status !== 'open') throw new AppError('conflict', `knowledge gap ${id} is already ${cluster.status}: the article was not saved`);
    const tags = [...new Set([...(input.tags ?? []), GAP_TAG])];
    // A savepoint inside this transaction, as in acceptGap.
    const article = await createArticle(tx as unknown as Db, {
      ...input,
      tags,
      changeNote: input.changeNote ?? `from knowledge gap ${id} (${cluster.size} questions)`,
    }, ctx);
    const [gap] = await tx.update(gapClusters).set({ status: 'accepted', articleId: article.id, resolvedBy: ctx.by, updatedAt: new Date() }).where(eq(gapClusters.id, id)).returning();
    return { gap: gap!, article };
  });
}

/** Articles a gap's questions may be merged into (not archived), by title; at most `limit`, the closest always among them. */
export async function mergeTargets(db: Queryable, closestId: string | null, limit = 1000): Promise<{ id: string; title: string; language: string; status: string }[]> {
  const rows = await db.select({ id: articles.id, title: articles.title, language: articles.language, status: articles.status }).from(articles)
    .where(ne(articles.status, 'archived')).orderBy(asc(articles.title), asc(articles.id)).limit(limit);
  if (closestId && !rows.some((r) => r.id === closestId)) {
    const [closest] = await db.select({ id: articles.id, title: articles.title, language: articles.language, status: articles.status }).from(articles).where(eq(articles.id, closestId));
    if (closest) rows.unshift(closest);
  }
  return rows;
}
