// The database half of matching: nearest chunks by pgvector (HNSW, one model only) and full-text rank in the
// question's language, each reduced to one score per published article.
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client.js';
import { selectRows, sqlLiteral } from '../db/rows.js';
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
   * full-text rank of the article's own text (title and sections) per article, divided by the best rank (0..1).
   * Example questions are left to the learned and vector signals: ranking thousands of example rows that share
   * a common word ("card") cost tens of milliseconds per query for no gain.
   */
  fts: Map<string, number>;
}

export const DEFAULT_NEAREST = 64;
export const DEFAULT_EF_SEARCH = 100;

export function vectorLiteral(v: ArrayLike<number>): string {
  return `[${Array.from(v, (x) => (Number.isFinite(x) ? x : 0)).join(',')}]`;
}

/** One HNSW index per model, a partial expression index so vectors of different sizes share the table. */
export function hnswIndexName(model: string): string {
  return `article_chunks_hnsw_${createHash('sha256').update(model).digest('hex').slice(0, 12)}`;
}

export async function ensureHnswIndex(db: Queryable, model: string, dimensions: number): Promise<void> {
  await db.execute(sql.raw(
    `CREATE INDEX IF NOT EXISTS ${hnswIndexName(model)} ON article_chunks USING hnsw ((embedding::vector(${dimensions})) vector_cosine_ops) WHERE model = ${sqlLiteral(model)}`,
  ));
}

export async function searchChunks(db: Db, input: ChunkSearchInput): Promise<ChunkSearchResult> {
  const nearest = input.nearest ?? DEFAULT_NEAREST;
  const ef = Math.max(input.efSearch ?? DEFAULT_EF_SEARCH, nearest);
  const dims = sql.raw(String(Math.trunc(input.dimensions)));
  // Inlined model literal: the planner can only use the partial index when the predicate is a constant.
  const model = sql.raw(sqlLiteral(input.model));
  const q = vectorLiteral(input.vector);
  const words = orQuery(input.text);
  const config = textSearchConfig(input.language);
  return db.transaction(async (tx) => {
    await tx.execute(sql.raw(`SET LOCAL hnsw.ef_search = ${ef}`));
    // MATERIALIZED: otherwise the planner may run the HNSW search once per article in a nested loop (measured 77x).
    const near = await selectRows<{ article_id: string; similarity: number }>(tx, sql`
      WITH near AS MATERIALIZED (
        SELECT article_id, 1 - (embedding::vector(${dims}) <=> ${q}::vector(${dims})) AS similarity
        FROM article_chunks WHERE model = ${model}
        ORDER BY embedding::vector(${dims}) <=> ${q}::vector(${dims}) LIMIT ${nearest}
      )
      SELECT near.article_id, near.similarity FROM near JOIN articles a ON a.id = near.article_id AND a.status = 'published'`);
    const ranked = words
      ? await selectRows<{ article_id: string; rank: number }>(tx, sql`
          SELECT c.article_id, max(ts_rank_cd(c.search, q.query)) AS rank
          FROM article_chunks c
          CROSS JOIN websearch_to_tsquery(${config}::regconfig, ${words}) AS q(query)
          JOIN articles a ON a.id = c.article_id AND a.status = 'published'
          WHERE c.model = ${model} AND c.kind IN ('title', 'section') AND c.search @@ q.query
          GROUP BY c.article_id ORDER BY rank DESC LIMIT 20`)
      : [];
    const vector = new Map<string, number>();
    for (const r of near) vector.set(r.article_id, Math.max(vector.get(r.article_id) ?? -1, Number(r.similarity)));
    const best = Math.max(0, ...ranked.map((r) => Number(r.rank)));
    const fts = new Map(ranked.map((r) => [r.article_id, best > 0 ? Number(r.rank) / best : 0]));
    return { vector, fts };
  });
}
