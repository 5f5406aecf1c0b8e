// What the public help centre reads: published articles only, per language, with their published translations.
// Drafts and archived articles do not exist here (callers answer 404). No personal data, so pages may be cached.
import { and, asc, count, eq, ne, sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { articles } from '../db/schema/kb.js';
import { listArticles } from './articles.js';

export interface HelpLanguage { language: string; articles: number }
export interface HelpEntry { id: string; title: string; tags: string[]; version: number }
export interface HelpArticle extends HelpEntry { language: string; body: string; updatedAt: Date; translations: { id: string; language: string; title: string; version: number }[] }

/** Longest search the index accepts (the article search's own limit). */
export const MAX_HELP_QUERY = 500;
/** Articles one index page lists; a help centre larger than this is searched, not browsed. */
export const HELP_INDEX_LIMIT = 500;

const published = eq(articles.status, 'published');

export async function helpLanguages(db: Queryable): Promise<HelpLanguage[]> {
  const rows = await db.select({ language: articles.language, n: count() }).from(articles).where(published).groupBy(articles.language).orderBy(asc(articles.language));
  return rows.map((r) => ({ language: r.language, articles: Number(r.n) }));
}

/** A language's published articles by title; with `query`, those the article search finds, best first. */
export async function helpIndex(db: Queryable, language: string, query?: string): Promise<HelpEntry[]> {
  const q = query?.trim().slice(0, MAX_HELP_QUERY);
  const pick = (a: HelpEntry): HelpEntry => ({ id: a.id, title: a.title, tags: a.tags, version: a.version });
  if (q) return (await listArticles(db, { status: 'published', language, q, limit: HELP_INDEX_LIMIT })).articles.map(pick);
  return db.select({ id: articles.id, title: articles.title, tags: articles.tags, version: articles.version }).from(articles)
    .where(and(published, eq(articles.language, language)))
    .orderBy(sql`lower(${articles.title})`, asc(articles.id))
    .limit(HELP_INDEX_LIMIT);
}

/** The published article `id` in `language` with its published translations, or undefined. */
export async function helpArticle(db: Queryable, language: string, id: string): Promise<HelpArticle | undefined> {
  const [a] = await db
    .select({ id: articles.id, title: articles.title, tags: articles.tags, version: articles.version, language: articles.language, body: articles.body, updatedAt: articles.updatedAt, group: articles.translationGroup })
    .from(articles)
    .where(and(published, eq(articles.id, id), eq(articles.language, language)));
  if (!a) return undefined;
  const translations = a.group
    ? await db.select({ id: articles.id, language: articles.language, title: articles.title, version: articles.version }).from(articles)
        .where(and(published, eq(articles.translationGroup, a.group), ne(articles.id, a.id)))
        .orderBy(asc(articles.language), asc(articles.id))
    : [];
  const { group: _group, ...article } = a;
  return { ...article, translations };
}
