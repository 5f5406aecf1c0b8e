// TF-IDF over the knowledge base's own example questions. Fitted at KB load (cheap: ~1 s for
// 10k examples), so the vocabulary and IDF follow the articles as they change.
import { type FeatureOptions, defaultFeatureOptions, extractFeatures, familyWeight, recentFeatures } from './features.js';

export interface SparseVector {
  idx: Int32Array;
  val: Float32Array;
}

export interface TfidfModel {
  readonly opts: FeatureOptions;
  readonly vocab: Map<string, number>;
  readonly idf: Float32Array;
}

export function fitTfidf(texts: string[], opts: FeatureOptions = defaultFeatureOptions, minDf = 1): TfidfModel {
  const df = new Map<string, number>();
  for (const t of texts) for (const k of extractFeatures(t, opts).keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const vocab = new Map<string, number>();
  const idfList: number[] = [];
  const n = texts.length;
  for (const [k, d] of df) {
    if (d < minDf) continue;
    vocab.set(k, idfList.length);
    // smooth idf, as in common IR practice; family weight folded in so vectors stay plain
    idfList.push((Math.log((1 + n) / (1 + d)) + 1) * familyWeight(k, opts));
  }
  return { opts, vocab, idf: Float32Array.from(idfList) };
}

/** Sublinear-tf TF-IDF vector, L2-normalised, indices ascending. Unknown features are dropped. */
export function vectorize(model: TfidfModel, text: string): SparseVector {
  const pairs: [number, number][] = [];
  for (const [k, c] of recentFeatures(text, model.opts)) {
    const j = model.vocab.get(k);
    if (j === undefined) continue;
    pairs.push([j, (1 + Math.log(c)) * model.idf[j]!]);
  }
  pairs.sort((a, b) => a[0] - b[0]);
  let norm = 0;
  for (const [, v] of pairs) norm += v * v;
  const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  return {
    idx: Int32Array.from(pairs, (p) => p[0]),
    val: Float32Array.from(pairs, (p) => p[1] * inv),
  };
}

export function sparseDot(a: SparseVector, b: SparseVector): number {
  let i = 0;
  let j = 0;
  let s = 0;
  while (i < a.idx.length && j < b.idx.length) {
    const ai = a.idx[i]!;
    const bj = b.idx[j]!;
    if (ai === bj) s += a.val[i++]! * b.val[j++]!;
    else if (ai < bj) i++;
    else j++;
  }
  return s;
}
