// Article use cases, free of HTTP. Every change bumps articles.version and writes the matching article_versions
// row in the same transaction. Seam for the matcher: an indexer keeps the version it embedded per article and calls
// articlesChangedSince() (or compares versions) to re-embed only what changed; nothing here knows about embeddings.
import { randomUUID } from 'node:crypto';
import { and, arrayContains, asc, count, desc, eq, getTableColumns, gt, sql, type SQL } from 'drizzle-orm';
import type { Db, Queryable, Tx } from '../db/client.js';
import { articles, articleVersions, type ArticleRow, type ArticleStatus } from '../db/schema/kb.js';
import { AppError } from '../errors.js';
import { createArticleSchema, listArticlesSchema, statusChangeSchema, updateArticleSchema, type ArticleFields, type CreateArticleInput, type ImportedArticle, type ListArticlesInput, type StatusChangeInput, type UpdateArticleInput } from './article-schema.js';
import { parseInput } from '../validation.js';

export type Article = Omit<ArticleRow, 'search'>;
/** Who made a change (the principal's name) and why. */
export interface ChangeContext { by: string; changeNote?: string | null }

// The tsvector is an index input, not part of the article: never select it.
const { search: _search, ...articleColumns } = getTableColumns(articles);
const { articleId: _id, ...versionColumns } = getTableColumns(articleVersions);
type Content = ArticleFields & { status: ArticleStatus };
const contentKeys = ['title', 'body', 'language', 'tags', 'url', 'examples', 'translationGroup', 'status'] as const;

export function newArticleId(): string {
  return randomUUID().replaceAll('-', '').slice(0, 12);
}

export async function createArticle(db: Db, input: CreateArticleInput, ctx: ChangeContext): Promise<Article> {
  const { id = newArticleId(), changeNote, ...content } = parseInput(createArticleSchema, input);
  return db.transaction((tx) => insertArticle(tx, id, content, { by: ctx.by, changeNote: changeNote ?? ctx.changeNote }));
}

export async function getArticle(db: Queryable, id: string) {
  const [article] = await db.select(articleColumns).from(articles).where(eq(articles.id, id));
  if (!article) throw new AppError('not_found', `no article ${id}`);
  return { ...article, versions: await listVersions(db, id) };
}

export async function updateArticle(db: Db, id: string, input: UpdateArticleInput, ctx: ChangeContext): Promise<Article> {
  const { expectedVersion, changeNote, ...patch } = parseInput(updateArticleSchema, input);
  const defined = Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as Partial<Content>;
  return db.transaction(async (tx) => {
    const current = await lockArticle(tx, id, expectedVersion);
    return applyChange(tx, current, { ...current, ...defined }, { by: ctx.by, changeNote: changeNote ?? ctx.changeNote });
  });
}

export const publishArticle = (db: Db, id: string, input: StatusChangeInput, ctx: ChangeContext) => setStatus(db, id, 'published', input, ctx);
export const archiveArticle = (db: Db, id: string, input: StatusChangeInput, ctx: ChangeContext) => setStatus(db, id, 'archived', input, ctx);

async function setStatus(db: Db, id: string, status: ArticleStatus, input: StatusChangeInput, ctx: ChangeContext): Promise<Article> {
  const { expectedVersion, changeNote } = parseInput(statusChangeSchema, input ?? {});
  return db.transaction(async (tx) => {
    const current = await lockArticle(tx, id, expectedVersion);
    return applyChange(tx, current, { ...current, status }, { by: ctx.by, changeNote: changeNote ?? ctx.changeNote ?? status });
  });
}

/** Import: create, update (a new version) or leave alone when nothing differs, so re-importing is idempotent. */
export async function upsertArticle(db: Db, input: ImportedArticle, ctx: ChangeContext): Promise<'created' | 'updated' | 'unchanged'> {
  const { id, ...content } = input;
  return db.transaction(async (tx) => {
    const [current] = await tx.select(articleColumns).from(articles).where(eq(articles.id, id)).for('update');
    if (!current) return (await insertArticle(tx, id, content, ctx), 'created');
    const saved = await applyChange(tx, current, content, ctx);
    return saved.version === current.version ? 'unchanged' : 'updated';
  });
}

export async function listArticles(db: Queryable, input: ListArticlesInput = {}) {
  const f = parseInput(listArticlesSchema, input);
  // websearch syntax: quoted phrases, "or", and -exclusions work the way people type them into search boxes.
  const query = f.q ? sql`websearch_to_tsquery('simple', ${f.q})` : undefined;
  const where = and(
    f.status ? eq(articles.status, f.status) : undefined,
    f.language ? eq(articles.language, f.language) : undefined,
    f.tag ? arrayContains(articles.tags, [f.tag]) : undefined,
    query ? sql`${articles.search} @@ ${query}` : undefined,
  );
  const order: SQL[] = query ? [sql`ts_rank(${articles.search}, ${query}) desc`, asc(articles.id)] : [desc(articles.updatedAt), asc(articles.id)];
  const rows = await db.select(articleColumns).from(articles).where(where).orderBy(...order).limit(f.limit).offset(f.offset);
  const [total] = await db.select({ n: count() }).from(articles).where(where);
  return { articles: rows, total: total!.n };
}

/** Every article in id order, for export. */
export async function allArticles(db: Queryable): Promise<Article[]> {
  return db.select(articleColumns).from(articles).orderBy(asc(articles.id));
}

export async function listVersions(db: Queryable, id: string) {
  return db
    .select({ version: articleVersions.version, status: articleVersions.status, title: articleVersions.title, createdAt: articleVersions.createdAt, createdBy: articleVersions.createdBy, changeNote: articleVersions.changeNote })
    .from(articleVersions)
    .where(eq(articleVersions.articleId, id))
    .orderBy(desc(articleVersions.version));
}

export async function getVersion(db: Queryable, id: string, version: number) {
  const [row] = await db.select({ articleId: articleVersions.articleId, ...versionColumns }).from(articleVersions).where(and(eq(articleVersions.articleId, id), eq(articleVersions.version, version)));
  if (!row) throw new AppError('not_found', `article ${id} has no version ${version}`);
  return row;
}

/** For the matcher's indexer: what changed after a point in time, including archived articles to drop. */
export async function articlesChangedSince(db: Queryable, since: Date) {
  return db
    .select({ id: articles.id, version: articles.version, status: articles.status, language: articles.language, updatedAt: articles.updatedAt })
    .from(articles)
    .where(gt(articles.updatedAt, since))
    .orderBy(asc(articles.updatedAt));
}

async function insertArticle(tx: Tx, id: string, content: Content, ctx: ChangeContext): Promise<Article> {
  const now = new Date();
  const [row] = await tx
    .insert(articles)
    .values({ id, ...content, version: 1, createdAt: now, updatedAt: now, updatedBy: ctx.by })
    .onConflictDoNothing()
    .returning(articleColumns);
  if (!row) throw new AppError('conflict', `an article with id ${id} already exists`);
  await writeVersion(tx, row, ctx);
  return row;
}

async function lockArticle(tx: Tx, id: string, expectedVersion: number | undefined): Promise<Article> {
  const [current] = await tx.select(articleColumns).from(articles).where(eq(articles.id, id)).for('update');
  if (!current) throw new AppError('not_found', `no article ${id}`);
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    throw new AppError('conflict', `article ${id} is at version ${current.version}, not ${expectedVersion}: reload it and apply your change again`);
  }
  return current;
}

/** Saves `next` as a new version unless it equals the current content (then nothing is written). */
async function applyChange(tx: Tx, current: Article, next: Content, ctx: ChangeContext): Promise<Article> {
  if (sameContent(current, next)) return current;
  const content = Object.fromEntries(contentKeys.map((k) => [k, next[k]])) as Content;
  const [row] = await tx
    .update(articles)
    .set({ ...content, version: current.version + 1, updatedAt: new Date(), updatedBy: ctx.by })
    .where(and(eq(articles.id, current.id), eq(articles.version, current.version)))
    .returning(articleColumns);
  if (!row) throw new AppError('conflict', `article ${current.id} changed meanwhile: reload it`, true);
  await writeVersion(tx, row, ctx);
  return row;
}

async function writeVersion(tx: Tx, a: Article, ctx: ChangeContext): Promise<void> {
  await tx.insert(articleVersions).values({
    articleId: a.id, version: a.version, title: a.title, body: a.body, language: a.language, tags: a.tags, url: a.url,
    status: a.status, examples: a.examples, translationGroup: a.translationGroup, createdAt: a.updatedAt, createdBy: ctx.by,
    changeNote: ctx.changeNote ?? null,
  });
}

function sameContent(a: Content, b: Content): boolean {
  return contentKeys.every((k) => JSON.stringify(a[k] ?? null) === JSON.stringify(b[k] ?? null));
}
