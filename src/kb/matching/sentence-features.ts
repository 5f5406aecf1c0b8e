// The English sentence encoder's vector as features of the learned model: appended to a question's n-gram
// features (indices after the vocabulary's), scaled so the dense half weighs against the sparse one. Measured on
// BANKING77 (issue 16): n-grams alone top-1 0.913 / 0.746 (all / 10 examples per intent), with the vector appended
// 0.928 / 0.803. The vectors of a knowledge base's texts are computed once per training (SentenceVectors).
import type { Embedder } from '../../ai/embedder.js';
import type { SparseVector } from '../../text/tfidf.js';

export interface SentenceFeatureOptions {
  /** the sentence encoder (e.g. USE-lite behind its content-hash cache) */
  embedder: Embedder;
  /** multiplies the unit-length vector before it joins the unit-length n-gram vector; 0 = a ranking signal only */
  scale: number;
}

/** Default weight of the sentence vector against the n-grams (both unit length); see BENCHMARKS.md. */
export const SENTENCE_FEATURE_SCALE = 1;

/** Texts' sentence vectors, each text encoded once per training however often folds reuse it. */
export class SentenceVectors {
  private readonly vectors = new Map<string, Float32Array>();
  constructor(readonly opts: SentenceFeatureOptions) {}

  get dimensions(): number {
    return this.opts.embedder.dimensions;
  }

  async load(texts: string[]): Promise<void> {
    const missing = [...new Set(texts.filter((t) => !this.vectors.has(t)))];
    if (missing.length === 0) return;
    const found = await this.opts.embedder.embed(missing);
    missing.forEach((t, i) => this.vectors.set(t, found[i]!));
  }

  get(text: string): Float32Array | undefined {
    return this.vectors.get(text);
  }
}

/** `x` (indices ascending, all below `offset`) followed by `scale * v` at offset..offset+v.length-1. */
export function withSentence(x: SparseVector, v: Float32Array | undefined, offset: number, scale: number): SparseVector {
  if (!v || scale === 0) return x;
  const n = x.idx.length;
  const idx = new Int32Array(n + v.length);
  const val = new Float32Array(n + v.length);
  idx.set(x.idx);
  val.set(x.val);
  for (let j = 0; j < v.length; j++) {
    idx[n + j] = offset + j;
    val[n + j] = scale * v[j]!;
  }
  return { idx, val };
}
