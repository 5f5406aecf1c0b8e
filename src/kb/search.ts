// The database half of matching: nearest chunks by pgvector (HNSW, one model only) and full-text rank in the
// question's language, each reduced to one score per published article.
import { createHash } from 'node:crypto';
import { sql, type SQL } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client.js';
import { selectRows, sqlLiteral } from '../db/rows.js';
import { vectorLiteral } from '../db/schema/kb.js';
import { HNSW_EF_SEARCH } from '../db/session.js';
import { PLAN_EACH_TIME } from '../db/prepared.js';
import { orQuery, textSearchConfig } from './indexing/text-search-config.js';

export interface ChunkSearchInput {
  model: string;
  dimensions: number;
  vector: Float32Array;
  text: string;
  language: string;
  /** nearest chunks fetched before reducing to articles */
  nearest?: number;
  /** HNSW candidate list size; must be at least `nearest` or HNSW returns fewer rows */
  efSearch?: number;
}

export interface ChunkSearchResult {
  /** best cosine similarity per article */
  vector: Map<string, number>;
  /**
   * full-text rank of the article's own text (title and sections) per article found by the vector search, divided by
   * the best such rank (0..1).
   * Example questions are left to the learned and vector signals: ranking thousands of example rows that share
   * a common word ("card") cost tens of milliseconds per query for no gain.
   */
  fts: Map<string, number>;
  /** the found articles (published), by id */
  articles: Map<string, PublishedArticle>;
  /** the published articles of the found articles' translation groups (found ones included) */
  translations: PublishedArticle[];
}

export interface PublishedArticle {
  id: string;
  version: number;
  title: string;
  url: string | null;
  language: string;
  translationGroup: string | null;
  tags: string[];
}

const FOUND_COLUMNS = sql.raw(`found.article_id, found.similarity, found.version, found.title, found.url, found.language,
        found.translation_group, found.tags, false AS translation`);

export const DEFAULT_NEAREST = 64;
export const DEFAULT_EF_SEARCH = HNSW_EF_SEARCH;
/** The full-text rank is computed for this many of the nearest articles (by best chunk similarity) only. */
export const FULL_TEXT_RERANK_ARTICLES = 8;

/** One HNSW index per model, a partial expression index so vectors of different sizes share the table. */
export function hnswIndexName(model: string): string {
  return `article_chunks_hnsw_${createHash('sha256').update(model).digest('hex').slice(0, 12)}`;
}

/**
 * pgvector builds the HNSW graph in memory only while it fits `maintenance_work_mem`; past that it falls back to
 * inserting element by element into the on-disk graph, many times slower. With the 64 MB default that happens at about
 * 25k chunks of 384 dimensions (100k chunks: 612 s). Raised for this one statement to what the graph needs (capped).
 */
export const HNSW_BUILD_MEMORY_CAP_MB = 1024;

export function hnswBuildMemoryMb(rows: number, dimensions: number): number {
  // per element: the vector, ~2m neighbour candidates on layer 0 and a few on upper layers, element header; +25%
  return Math.ceil((rows * (dimensions * 4 + 1024) * 1.25) / 2 ** 20);
}

export async function ensureHnswIndex(db: Queryable, model: string, dimensions: number): Promise<void> {
  const name = hnswIndexName(model);
  const [exists] = await selectRows<{ name: string | null }>(db, sql`SELECT to_regclass(${name})::text AS name`);
  if (exists?.name) return;
  await db.transaction(async (tx) => {
    const [row] = await selectRows<{ rows: number; mb: number }>(tx, sql`SELECT
      (SELECT count(*) FROM article_chunks WHERE model = ${model})::float8 AS rows,
      (SELECT setting::float8 * (CASE unit WHEN 'kB' THEN 1.0 / 1024 WHEN 'MB' THEN 1 WHEN '8kB' THEN 8.0 / 1024 ELSE 1 END)
         FROM pg_settings WHERE name = 'maintenance_work_mem') AS mb`);
    const wanted = Math.min(hnswBuildMemoryMb(Number(row?.rows ?? 0), dimensions), HNSW_BUILD_MEMORY_CAP_MB);
    if (wanted > Number(row?.mb ?? 0)) await tx.execute(sql.raw(`SET LOCAL maintenance_work_mem = '${wanted}MB'`));
    await tx.execute(sql.raw(
      `CREATE INDEX IF NOT EXISTS ${name} ON article_chunks USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE model = ${sqlLiteral(model)}`,
    ));
  });
}

/** The statement searchChunks runs (with hnsw.ef_search = efSearch), exported for EXPLAIN in benchmarks. */
export function chunkSearchStatement(input: ChunkSearchInput): { efSearch: number; statement: SQL } {
  const nearest = Math.trunc(input.nearest ?? DEFAULT_NEAREST);
  const efSearch = Math.trunc(Math.max(input.efSearch ?? DEFAULT_EF_SEARCH, nearest));
  const dims = sql.raw(String(Math.trunc(input.dimensions)));
  // Inlined model literal: the planner can only use the partial index when the predicate is a constant.
  const model = sql.raw(sqlLiteral(input.model));
  const q = vectorLiteral(input.vector);
  const words = orQuery(input.text);
  const config = textSearchConfig(input.language);
  // The found articles' details and the published articles of their translation groups come back with the search:
  // the match needs them for its candidates and suggestions, and a second statement was a round trip per message.
  const translations = sql`
      UNION ALL
      SELECT t.id, NULL, t.version, t.title, t.url, t.language, t.translation_group, t.tags, true, NULL
      FROM articles t
      WHERE t.status = 'published' AND t.translation_group IN (SELECT translation_group FROM found WHERE translation_group IS NOT NULL)`;
  // One statement (fewer round trips). MATERIALIZED: otherwise the planner may run the HNSW search once per article in
  // a nested loop (measured 77x). Full-text rank only for the FULL_TEXT_RERANK_ARTICLES articles nearest by vector: it
  // only reorders near-ties among candidates (weight 0.1). Measured at 100k chunks (bench:search): ranking every title
  // and section sharing a word with the question, p50 47 / p99 240 ms; every article the vector search found (~30),
  // p50 23 / p99 50 ms; the nearest 8, p50 10 / p99 15 ms, with BANKING77 quality unchanged (bench:match top-1 0.9159
  // vs 0.9162, held-out escalation identical). Each article's ~10 title and section rows are read by article_id.
  const ranked = words
    ? sql`, ranked AS MATERIALIZED (
        SELECT c.article_id, max(ts_rank_cd(c.search, q.query)) AS rank
        FROM (SELECT article_id FROM found ORDER BY similarity DESC LIMIT ${sql.raw(String(FULL_TEXT_RERANK_ARTICLES))}) top
        JOIN article_chunks c ON c.article_id = top.article_id AND c.model = ${model} AND c.kind IN ('title', 'section')
        CROSS JOIN websearch_to_tsquery(${config}::regconfig, ${words}) AS q(query)
        WHERE c.search @@ q.query
        GROUP BY c.article_id
      )
      SELECT ${FOUND_COLUMNS}, ranked.rank FROM found LEFT JOIN ranked ON ranked.article_id = found.article_id${translations}`
    : sql` SELECT ${FOUND_COLUMNS}, NULL::float8 AS rank FROM found${translations}`;
  // Unnamed (PLAN_EACH_TIME): a generic plan of this statement is slower (see db/prepared.ts).
  const statement = sql`${sql.raw(PLAN_EACH_TIME)}
      WITH near AS MATERIALIZED (
        SELECT article_id, 1 - (embedding::vector(${dims}) <=> ${q}::vector(${dims})) AS similarity
        FROM article_chunks WHERE model = ${model}
        ORDER BY embedding::vector(${dims}) <=> ${q}::vector(${dims}) LIMIT ${sql.raw(String(nearest))}
      ), found AS MATERIALIZED (
        SELECT near.article_id, max(near.similarity) AS similarity,
          a.version, a.title, a.url, a.language, a.translation_group, a.tags
        FROM near JOIN articles a ON a.id = near.article_id AND a.status = 'published'
        GROUP BY near.article_id, a.id
      )${ranked}`;
  return { efSearch, statement };
}

export async function searchChunks(db: Db, input: ChunkSearchInput): Promise<ChunkSearchResult> {
  const { efSearch, statement } = chunkSearchStatement(input);
  type Row = {
    article_id: string; similarity: number | null; rank: number | null; translation: boolean;
    version: number; title: string; url: string | null; language: string; translation_group: string | null; tags: string[];
  };
  // Every session starts with hnsw.ef_search = HNSW_EF_SEARCH (db/session.ts): one statement, no transaction.
  const rows = efSearch === HNSW_EF_SEARCH
    ? await selectRows<Row>(db, statement)
    : await db.transaction(async (tx) => {
        await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${efSearch}`));
        return selectRows<Row>(tx, statement);
      });
  const found = rows.filter((r) => !r.translation);
  const vector = new Map(found.map((r) => [r.article_id, Number(r.similarity)]));
  const best = Math.max(0, ...found.map((r) => Number(r.rank ?? 0)));
  const fts = new Map(found.filter((r) => r.rank !== null && Number(r.rank) > 0).map((r) => [r.article_id, best > 0 ? Number(r.rank) / best : 0]));
  const article = (r: Row): PublishedArticle => ({
    id: r.article_id, version: r.version, title: r.title, url: r.url, language: r.language, translationGroup: r.translation_group, tags: r.tags,
  });
  return { vector, fts, articles: new Map(found.map((r) => [r.article_id, article(r)])), translations: rows.filter((r) => r.translation).map(article) };
}
