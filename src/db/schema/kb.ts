import { sql } from 'drizzle-orm';
import { customType, primaryKey } from 'drizzle-orm/pg-core';
import { index, integer, pgTable, text, timestamptz } from '../columns.js';

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
