// Embedding cache keyed by content hash: only texts never embedded with this model reach the wrapped embedder.
import { createHash } from 'node:crypto';
import { and, eq, inArray } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { embeddingCache } from '../db/schema/ai.js';
import type { Embedder } from './embedder.js';

export interface EmbeddingStore {
  /** the cached vectors among `hashes`; absent hashes are misses */
  get(model: string, hashes: string[]): Promise<Map<string, Float32Array>>;
  put(model: string, entries: Map<string, Float32Array>): Promise<void>;
}

export const contentHash = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export class CachedEmbedder implements Embedder {
  constructor(
    private readonly inner: Embedder,
    private readonly store: EmbeddingStore,
  ) {}

  get model(): string {
    return this.inner.model;
  }

  get dimensions(): number {
    return this.inner.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const hashes = texts.map(contentHash);
    const unique = [...new Set(hashes)];
    const found = unique.length > 0 ? await this.store.get(this.model, unique) : new Map<string, Float32Array>();
    // Each distinct missing text is embedded once, even when it appears several times in `texts`.
    const missing = new Map<string, string>();
    hashes.forEach((h, i) => found.has(h) || missing.has(h) || missing.set(h, texts[i]!));
    if (missing.size > 0) {
      const vectors = await this.inner.embed([...missing.values()]);
      const fresh = new Map([...missing.keys()].map((h, i) => [h, vectors[i]!]));
      await this.store.put(this.model, fresh);
      for (const [h, v] of fresh) found.set(h, v);
    }
    return hashes.map((h) => found.get(h)!);
  }
}

/** Bounded in-process cache, least recently used out first. Copies vectors so callers cannot alter the cache. */
export class MemoryEmbeddingStore implements EmbeddingStore {
  private readonly entries = new Map<string, Float32Array>();

  constructor(private readonly maxEntries = 10_000) {}

  get size(): number {
    return this.entries.size;
  }

  async get(model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (const hash of hashes) {
      const key = `${model}\u0000${hash}`;
      const v = this.entries.get(key);
      if (!v) continue;
      // Map keeps insertion order: re-inserting marks the entry as recently used.
      this.entries.delete(key);
      this.entries.set(key, v);
      found.set(hash, new Float32Array(v));
    }
    return found;
  }

  async put(model: string, entries: Map<string, Float32Array>): Promise<void> {
    for (const [hash, v] of entries) {
      const key = `${model}\u0000${hash}`;
      this.entries.delete(key);
      this.entries.set(key, new Float32Array(v));
    }
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
  }
}

// Bounded statements: a 1536-dimension vector is ~15 KB of SQL text, and hash lists become bind parameters.
const chunkSize = 200;

/** Shared across processes and restarts, in the embedding_cache table. */
export class DatabaseEmbeddingStore implements EmbeddingStore {
  constructor(private readonly db: Queryable) {}

  async get(model: string, hashes: string[]): Promise<Map<string, Float32Array>> {
    const found = new Map<string, Float32Array>();
    for (const part of chunks(hashes, chunkSize)) {
      const rows = await this.db
        .select({ hash: embeddingCache.contentHash, embedding: embeddingCache.embedding })
        .from(embeddingCache)
        .where(and(eq(embeddingCache.model, model), inArray(embeddingCache.contentHash, part)));
      for (const row of rows) found.set(row.hash, Float32Array.from(row.embedding));
    }
    return found;
  }

  async put(model: string, entries: Map<string, Float32Array>): Promise<void> {
    const rows = [...entries].map(([contentHash, v]) => ({ model, contentHash, embedding: Array.from(v) }));
    // Two workers embedding the same new text both insert; the vectors are equal, so the first one stays.
    for (const part of chunks(rows, chunkSize)) await this.db.insert(embeddingCache).values(part).onConflictDoNothing();
  }
}

function chunks<T>(items: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
