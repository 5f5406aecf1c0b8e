import { sql } from 'drizzle-orm';
import { customType, primaryKey } from 'drizzle-orm/pg-core';
import pgvector from 'pgvector';
import { bigserial, index, integer, pgTable, text, timestamptz, uniqueIndex, uuid } from '../columns.js';

export const articleStatuses = ['draft', 'published', 'archived'] as const;
export type ArticleStatus = (typeof articleStatuses)[number];

const tsvector = customType<{ data: string }>({ dataType: () => 'tsvector' });

/**
 * Knowledge-base articles, current state. `version` grows by one on every change and `updated_at` moves with it:
 * the matcher's indexer re-embeds an article when the version it indexed differs (see articlesChangedSince).
 *
 * Full-text search uses the 'simple' configuration (lower-casing, no stemming, no stop words): articles come in
 * many languages and a single generated column cannot pick a stemmer per row without a custom immutable function.
 * Language-aware ranking can be added later as a second generated column or an expression index per language
 * ('english', 'spanish', ...) next to this one; the matcher fuses it with vectors anyway. Title words weigh more.
 */
export const articles = pgTable(
  'articles',
  {
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language').notNull(),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    url: text('url'),
    status: text('status', { enum: articleStatuses }).notNull().default('draft'),
    examples: text('examples').array().notNull().default(sql`'{}'::text[]`),
    translationGroup: text('translation_group'),
    version: integer('version').notNull().default(1),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    updatedBy: text('updated_by').notNull(),
    search: tsvector('search')
      .notNull()
      .generatedAlwaysAs(sql`setweight(to_tsvector('simple', title), 'A') || setweight(to_tsvector('simple', body), 'B')`),
  },
  (t) => [
    index('articles_search').using('gin', t.search),
    index('articles_tags').using('gin', t.tags),
    index('articles_updated').on(t.updatedAt),
    index('articles_translation_group').on(t.translationGroup),
  ],
);

/** Every state an article has been in: written in the same transaction as each create, edit, publish or archive. */
export const articleVersions = pgTable(
  'article_versions',
  {
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    version: integer('version').notNull(),
    title: text('title').notNull(),
    body: text('body').notNull(),
    language: text('language').notNull(),
    tags: text('tags').array().notNull(),
    url: text('url'),
    status: text('status', { enum: articleStatuses }).notNull(),
    examples: text('examples').array().notNull(),
    translationGroup: text('translation_group'),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    createdBy: text('created_by').notNull(),
    changeNote: text('change_note'),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.version] })],
);

export type ArticleRow = typeof articles.$inferSelect;
export type ArticleVersion = typeof articleVersions.$inferSelect;

const vectorTexts = new WeakMap<object, string>();

/**
 * A vector as pgvector's text form. A message's embedding is sent more than once (the knowledge-base search, and the
 * knowledge-gap question and cluster search when nothing answered it): the text of a vector is kept with it.
 * Vectors are not changed after they are made.
 */
export function vectorLiteral(v: ArrayLike<number>): string {
  let text = vectorTexts.get(v);
  if (text === undefined) {
    text = pgvector.toSql(Array.from(v, (x) => (Number.isFinite(x) ? x : 0)))!;
    vectorTexts.set(v, text);
  }
  return text;
}

/** A vector from pgvector's text form ('[1,2,3]'), as a column or an expression like a centroid reads back. */
export function parseVector(text: string): Float32Array {
  return Float32Array.from(pgvector.fromSql(text) as number[]);
}

/**
 * pgvector column without a fixed size: each embedding model has its own size, and the HNSW index is a partial
 * expression index per model (`embedding::vector(N) ... WHERE model = '...'`, created by the indexer), so vectors of
 * two models can sit side by side during a re-embed while every search filters on exactly one model.
 */
export const vectorAnySize = customType<{ data: Float32Array | number[]; driverData: string }>({
  dataType: () => 'vector',
  toDriver: vectorLiteral,
  fromDriver: parseVector,
});

export const chunkKinds = ['title', 'section', 'example', 'learned_example', 'generated_question'] as const;
export type ChunkKind = (typeof chunkKinds)[number];

/**
 * What the matcher searches: each published article cut into its title, its sections and its example questions
 * (plus questions learned from approved replies), embedded by one model. `search` is a tsvector built with the
 * article language's text-search configuration (english, spanish, russian, ... or simple), set by the indexer.
 */
export const articleChunks = pgTable(
  'article_chunks',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    articleVersion: integer('article_version').notNull(),
    model: text('model').notNull(),
    kind: text('kind', { enum: chunkKinds }).notNull(),
    position: integer('position').notNull(),
    text: text('text').notNull(),
    contentHash: text('content_hash').notNull(),
    search: tsvector('search').notNull(),
    embedding: vectorAnySize('embedding').notNull(),
  },
  (t) => [
    index('article_chunks_article').on(t.articleId, t.model),
    index('article_chunks_hash').on(t.model, t.contentHash),
    // full-text search ranks the article's own text (title, sections); examples are left to the other signals
    index('article_chunks_search').using('gin', t.search).where(sql`kind in ('title', 'section')`),
  ],
);

/** Per article and model: the fingerprint of what was embedded, so the indexer re-embeds only what changed. */
export const articleIndexState = pgTable(
  'article_index_state',
  {
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    model: text('model').notNull(),
    fingerprint: text('fingerprint').notNull(),
    articleVersion: integer('article_version').notNull(),
    indexedAt: timestamptz('indexed_at').notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.articleId, t.model] })],
);

/**
 * Questions learned from work: the customer text of a case whose approved reply cited the article. They count as
 * example questions for matching without creating a new article version (nobody edited the article).
 */
export const articleLearnedExamples = pgTable(
  'article_learned_examples',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    text: text('text').notNull(),
    /** 'approved_reply': the approved reply cited it; 'agent_pick': an agent said it is the right article */
    source: text('source', { enum: ['approved_reply', 'agent_pick'] }).notNull(),
    caseId: uuid('case_id'),
    createdBy: text('created_by').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [index('article_learned_examples_article').on(t.articleId), uniqueIndex('article_learned_examples_unique').on(t.articleId, t.caseId)],
);

/**
 * Questions a chat model wrote for a published article (in its language, from its title and body): matching examples
 * for a knowledge base that has none yet. Never authored examples (they do not switch a language to cross-validated
 * confidence); the knowledge manager sees them on the article page and deletes the ones that are wrong.
 */
export const articleGeneratedQuestions = pgTable(
  'article_generated_questions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    articleId: text('article_id').notNull().references(() => articles.id, { onDelete: 'cascade' }),
    /** the article version whose text the questions were written from */
    articleVersion: integer('article_version').notNull(),
    language: text('language').notNull(),
    text: text('text').notNull(),
    model: text('model').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [uniqueIndex('article_generated_questions_unique').on(t.articleId, t.text)],
);

/**
 * Per article: the text (title, body, language) questions were last generated from. Kept apart from the questions so
 * that deleting every generated question does not bring them back, and a change of tags alone (a new version, same
 * text) does not ask the model again.
 */
export const articleQuestionGenerations = pgTable('article_question_generations', {
  articleId: text('article_id').primaryKey().references(() => articles.id, { onDelete: 'cascade' }),
  articleVersion: integer('article_version').notNull(),
  sourceHash: text('source_hash').notNull(),
  model: text('model').notNull(),
  generatedAt: timestamptz('generated_at').notNull().defaultNow(),
});
