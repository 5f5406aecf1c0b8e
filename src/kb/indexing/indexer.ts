// Keeps article_chunks in step with the published articles for one embedding model. Incremental: an article is
// re-embedded only when its fingerprint (every chunk's content) changed; a chunk whose text was embedded before by
// the same model reuses that vector (the cache by content hash). Safe to run from several processes at once.
import { and, eq, inArray, ne, sql } from 'drizzle-orm';
import type { Embedder } from '../../ai/embedder.js';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { articleChunks, articleGeneratedQuestions, articleIndexState, articleLearnedExamples, articles } from '../../db/schema/kb.js';
import { vectorLiteral } from '../../db/schema/kb.js';
import { ensureHnswIndex, hnswIndexName } from '../search.js';
import { chunkArticle, fingerprint, type Chunk } from './chunks.js';
import { textSearchConfig } from './text-search-config.js';

export interface IndexedArticle {
  id: string;
  version: number;
  title: string;
  language: string;
  /** the body's sections as chunked: what the article says, learned from */
  sections: string[];
  /** example questions, questions learned from agents' decisions and generated ones: learned from, and held out to calibrate */
  questions: string[];
  /** how many of the questions the knowledge manager wrote (the rest were learned from agents' decisions or generated) */
  authoredQuestions: number;
  fingerprint: string;
}

export interface IndexReport {
  model: string;
  published: number;
  articlesEmbedded: number;
  articlesRemoved: number;
  chunksEmbedded: number;
  chunksReused: number;
  prunedModels: string[];
  /** ids of articles (re-)embedded or removed in this run */
  changedIds: string[];
  ms: number;
  /** the published articles as indexed, for training the learned signal */
  articles: IndexedArticle[];
}

export interface IndexOptions {
  /** delete other models' chunks and indexes once this model covers every published article */
  prune?: boolean;
  /** chunks embedded and written per transaction */
  batchChunks?: number;
  onProgress?(done: number, total: number): void;
}

interface Pending extends IndexedArticle { chunks: Chunk[] }

/** One statement-level lock per model, so two indexers never interleave deletes and inserts for one article. */
const lockKey = (model: string) => sql`SELECT pg_advisory_xact_lock(hashtext(${`firstreply-kb-index:${model}`}))`;

export async function indexKnowledgeBase(db: Db, embedder: Embedder, opts: IndexOptions = {}): Promise<IndexReport> {
  const started = performance.now();
  const model = embedder.model;
  const published = await loadPublished(db);
  const state = new Map(
    (await db.select({ id: articleIndexState.articleId, fp: articleIndexState.fingerprint }).from(articleIndexState).where(eq(articleIndexState.model, model)))
      .map((r) => [r.id, r.fp]),
  );
  const changed = published.filter((a) => state.get(a.id) !== a.fingerprint);

  // Articles no longer published leave the index at once (matching also joins on status, so this is tidiness).
  const removed = await db.transaction(async (tx) => {
    await tx.execute(lockKey(model));
    await tx.execute(sql`DELETE FROM article_chunks c WHERE c.model = ${model}
      AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = c.article_id AND a.status = 'published')`);
    return selectRows<{ article_id: string }>(tx, sql`DELETE FROM article_index_state s WHERE s.model = ${model}
      AND NOT EXISTS (SELECT 1 FROM articles a WHERE a.id = s.article_id AND a.status = 'published') RETURNING s.article_id`);
  });

  let chunksEmbedded = 0, chunksReused = 0, done = 0, dimensions = embedder.dimensions;
  const total = changed.reduce((n, a) => n + a.chunks.length, 0);
  for (const batch of batches(changed, opts.batchChunks ?? 2000)) {
    const hashes = [...new Set(batch.flatMap((a) => a.chunks.map((c) => c.contentHash)))];
    const known = await storedVectors(db, model, hashes);
    const missing = [...new Map(batch.flatMap((a) => a.chunks).filter((c) => !known.has(c.contentHash)).map((c) => [c.contentHash, c.text])).entries()];
    const vectors = missing.length ? await embedder.embed(missing.map(([, text]) => text)) : [];
    missing.forEach(([hash], i) => known.set(hash, vectorLiteral(vectors[i]!)));
    if (vectors[0]) dimensions = vectors[0].length;
    chunksEmbedded += missing.length;
    chunksReused += batch.reduce((n, a) => n + a.chunks.length, 0) - missing.length;
    await writeBatch(db, model, batch, known);
    done += batch.reduce((n, a) => n + a.chunks.length, 0);
    opts.onProgress?.(done, total);
  }
  // Built after the first bulk load (much cheaper than growing the graph row by row), then maintained by inserts.
  if (total > 0) {
    await ensureHnswIndex(db, model, dimensions);
    // fresh statistics after a bulk change, so the planner picks the HNSW and full-text indexes
    await db.execute(sql`ANALYZE article_chunks`);
  }

  const prunedModels = opts.prune && published.length > 0 ? await pruneOtherModels(db, model) : [];
  return {
    model, published: published.length, articlesEmbedded: changed.length, articlesRemoved: removed.length,
    chunksEmbedded, chunksReused, prunedModels, ms: Math.round(performance.now() - started),
    changedIds: [...changed.map((a) => a.id), ...removed.map((r) => r.article_id)],
    articles: published.map(({ chunks: _c, ...a }) => a),
  };
}

async function loadPublished(db: Db): Promise<Pending[]> {
  const rows = await db
    .select({ id: articles.id, version: articles.version, title: articles.title, body: articles.body, language: articles.language, examples: articles.examples })
    .from(articles)
    .where(eq(articles.status, 'published'))
    .orderBy(articles.id);
  const learned = await db
    .select({ articleId: articleLearnedExamples.articleId, text: articleLearnedExamples.text })
    .from(articleLearnedExamples)
    .innerJoin(articles, and(eq(articles.id, articleLearnedExamples.articleId), eq(articles.status, 'published')))
    .orderBy(articleLearnedExamples.id);
  const generated = await db
    .select({ articleId: articleGeneratedQuestions.articleId, text: articleGeneratedQuestions.text })
    .from(articleGeneratedQuestions)
    .innerJoin(articles, and(eq(articles.id, articleGeneratedQuestions.articleId), eq(articles.status, 'published')))
    .orderBy(articleGeneratedQuestions.id);
  const learnedBy = groupTexts(learned);
  const generatedBy = groupTexts(generated);
  return rows.map((r) => {
    const learnedExamples = learnedBy.get(r.id) ?? [];
    const generatedQuestions = generatedBy.get(r.id) ?? [];
    const chunks = chunkArticle({ title: r.title, body: r.body, examples: r.examples, learnedExamples, generatedQuestions });
    return {
      id: r.id, version: r.version, title: r.title, language: r.language, chunks, fingerprint: fingerprint(chunks),
      sections: chunks.filter((c) => c.kind === 'section').map((c) => c.text),
      questions: chunks.filter((c) => c.kind === 'example' || c.kind === 'learned_example' || c.kind === 'generated_question').map((c) => c.text),
      // generated questions teach the matcher but are no evidence a knowledge manager wrote for calibration
      authoredQuestions: chunks.filter((c) => c.kind === 'example').length,
    };
  });
}

function groupTexts(rows: { articleId: string; text: string }[]): Map<string, string[]> {
  const by = new Map<string, string[]>();
  for (const r of rows) {
    const list = by.get(r.articleId);
    if (list) list.push(r.text);
    else by.set(r.articleId, [r.text]);
  }
  return by;
}

function* batches(list: Pending[], maxChunks: number): Generator<Pending[]> {
  let batch: Pending[] = [];
  let size = 0;
  for (const a of list) {
    if (size > 0 && size + a.chunks.length > maxChunks) {
      yield batch;
      batch = [];
      size = 0;
    }
    batch.push(a);
    size += a.chunks.length;
  }
  if (batch.length) yield batch;
}

/** Vectors this model already produced, by chunk content hash, as pgvector text. */
export async function storedVectors(db: Db, model: string, hashes: string[]): Promise<Map<string, string>> {
  const known = new Map<string, string>();
  for (let i = 0; i < hashes.length; i += 1000) {
    const rows = await db
      .selectDistinctOn([articleChunks.contentHash], { hash: articleChunks.contentHash, embedding: sql<string>`${articleChunks.embedding}::text` })
      .from(articleChunks)
      .where(and(eq(articleChunks.model, model), inArray(articleChunks.contentHash, hashes.slice(i, i + 1000))));
    for (const r of rows) known.set(r.hash, r.embedding);
  }
  return known;
}

async function writeBatch(db: Db, model: string, batch: Pending[], vectors: Map<string, string>): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.execute(lockKey(model));
    const ids = batch.map((a) => a.id);
    await tx.delete(articleChunks).where(and(eq(articleChunks.model, model), inArray(articleChunks.articleId, ids)));
    const rows = batch.flatMap((a) => a.chunks.map((c) => sql`(${a.id}, ${a.version}, ${model}, ${c.kind}, ${c.position}, ${c.text}, ${c.contentHash},
      to_tsvector(${textSearchConfig(a.language)}::regconfig, ${c.text}), ${vectors.get(c.contentHash)!}::vector)`));
    for (let i = 0; i < rows.length; i += 500) {
      await tx.execute(sql`INSERT INTO article_chunks (article_id, article_version, model, kind, position, text, content_hash, search, embedding)
        VALUES ${sql.join(rows.slice(i, i + 500), sql`, `)}`);
    }
    await tx.insert(articleIndexState)
      .values(batch.map((a) => ({ articleId: a.id, model, fingerprint: a.fingerprint, articleVersion: a.version })))
      .onConflictDoUpdate({
        target: [articleIndexState.articleId, articleIndexState.model],
        set: { fingerprint: sql`excluded.fingerprint`, articleVersion: sql`excluded.article_version`, indexedAt: sql`now()` },
      });
  });
}

/** After a model change has been fully indexed, the old model's vectors and index are dead weight. */
async function pruneOtherModels(db: Db, model: string): Promise<string[]> {
  const others = await db.selectDistinct({ model: articleChunks.model }).from(articleChunks).where(ne(articleChunks.model, model));
  for (const { model: old } of others) {
    await db.transaction(async (tx) => {
      await tx.execute(lockKey(old));
      await tx.delete(articleChunks).where(eq(articleChunks.model, old));
      await tx.delete(articleIndexState).where(eq(articleIndexState.model, old));
    });
    await db.execute(sql.raw(`DROP INDEX IF EXISTS ${hnswIndexName(old)}`));
  }
  return others.map((o) => o.model);
}

