// Exact in-memory cosine search over chunk vectors: the embedded stand-in for pgvector, used by
// the matcher's cross-validation and by evaluation. Vectors are L2-normalised, so dot = cosine.
import type { ArticleId } from './fusion.js';

export class VectorIndex {
  private data: Float32Array;
  private owners = new Int32Array(1024);
  private articleIds: ArticleId[] = [];
  private articleIndex = new Map<ArticleId, number>();
  private size = 0;

  constructor(readonly dimensions: number, capacity = 1024) {
    this.data = new Float32Array(dimensions * capacity);
  }

  get length(): number {
    return this.size;
  }

  add(articleId: ArticleId, vector: Float32Array): void {
    if (vector.length !== this.dimensions) throw new Error(`expected ${this.dimensions} dimensions, got ${vector.length}`);
    if ((this.size + 1) * this.dimensions > this.data.length) {
      const next = new Float32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    if (this.size + 1 > this.owners.length) {
      const next = new Int32Array(this.owners.length * 2);
      next.set(this.owners);
      this.owners = next;
    }
    let a = this.articleIndex.get(articleId);
    if (a === undefined) {
      a = this.articleIds.length;
      this.articleIds.push(articleId);
      this.articleIndex.set(articleId, a);
    }
    this.data.set(vector, this.size * this.dimensions);
    this.owners[this.size] = a;
    this.size++;
  }

  /** Best cosine per article over all its chunks. */
  maxPerArticle(query: Float32Array): Map<ArticleId, number> {
    const d = this.dimensions;
    const best = new Float32Array(this.articleIds.length).fill(-Infinity);
    const data = this.data;
    const owners = this.owners;
    for (let n = 0, off = 0; n < this.size; n++, off += d) {
      let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      let i = 0;
      for (; i + 3 < d; i += 4) {
        s0 += query[i]! * data[off + i]!;
        s1 += query[i + 1]! * data[off + i + 1]!;
        s2 += query[i + 2]! * data[off + i + 2]!;
        s3 += query[i + 3]! * data[off + i + 3]!;
      }
      for (; i < d; i++) s0 += query[i]! * data[off + i]!;
      const s = s0 + s1 + s2 + s3;
      const a = owners[n]!;
      if (s > best[a]!) best[a] = s;
    }
    const out = new Map<ArticleId, number>();
    this.articleIds.forEach((id, a) => out.set(id, best[a]!));
    return out;
  }
}
