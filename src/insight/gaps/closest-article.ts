// The published article closest to a cluster: what a knowledge manager checks before writing a new one.
import { sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client.js';
import { selectRows, sqlLiteral } from '../../db/rows.js';
import { vectorLiteral } from '../../db/schema/kb.js';

export interface ClosestArticle { articleId: string; title: string; score: number }

/** The published article whose nearest chunk (title, section or example question) is closest to the vector. */
export async function closestArticle(q: Queryable, model: string, vector: Float32Array): Promise<ClosestArticle | null> {
  const dims = sql.raw(String(vector.length));
  const v = vectorLiteral(vector);
  // Inlined model literal: the per-model partial HNSW index is usable only with a constant predicate.
  const [row] = await selectRows<{ article_id: string; title: string; similarity: number }>(q, sql`
    SELECT n.article_id, a.title, n.similarity FROM (
      SELECT article_id, 1 - (embedding::vector(${dims}) <=> ${v}::vector(${dims})) AS similarity
      FROM article_chunks WHERE model = ${sql.raw(sqlLiteral(model))}
      ORDER BY embedding::vector(${dims}) <=> ${v}::vector(${dims}) LIMIT 40
    ) n JOIN articles a ON a.id = n.article_id AND a.status = 'published'
    ORDER BY n.similarity DESC, n.article_id LIMIT 1`);
  return row ? { articleId: row.article_id, title: row.title, score: Math.round(Number(row.similarity) * 1000) / 1000 } : null;
}
