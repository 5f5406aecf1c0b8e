// Pure parts of the knowledge-gap report: grouping unanswered questions, and turning a group into a suggested
// article. No database, no I/O: src/insight/gaps/ feeds these with rows and stores what they return.
//
// Two clusterings work together:
// - incremental (as mail arrives): each new question joins the nearest open cluster when its embedding is close
//   enough to the cluster's centroid, else starts a cluster (leader clustering, done with pgvector in gaps/record.ts);
// - recompute (on demand and periodically): every open question is re-clustered from scratch with average-linkage
//   agglomerative clustering on TF-IDF vectors fitted on the questions themselves (words, word pairs and
//   character n-grams, the matcher's features), then a merge pass that folds small clusters into a near larger one
//   by embedding centroid. Measured on BANKING77 (bench/gaps.ts, src/insight/gaps-research.md), the TF-IDF space
//   separates topics much better than the 384-d hashed embedding, whose collisions blur rare but decisive words.
//
// This file: the recompute's clustering.
import { fitTfidf, sparseDot, vectorize, type SparseVector } from '../../text/tfidf.js';
import { defaultFeatureOptions, type FeatureOptions } from '../../text/features.js';
import { cosine } from './vectors.js';

/**
 * Average-linkage agglomerative clustering on a dense symmetric similarity matrix (row-major, n×n, diagonal
 * ignored). Merges the most similar pair of clusters while their average pairwise similarity is at least `stop`.
 * `weights` (default 1 each) lets pre-grouped points count as several members. Returns a label per point,
 * labels numbered 0.. in order of first appearance. O(n²) memory; near O(n²) time in practice (nearest-neighbour
 * bookkeeping with Lance-Williams updates).
 */
export function averageLinkage(sim: Float32Array, n: number, stop: number, weights?: ArrayLike<number>): number[] {
  const size = Float64Array.from({ length: n }, (_, i) => weights?.[i] ?? 1);
  const active = new Uint8Array(n).fill(1);
  const parent = Int32Array.from({ length: n }, (_, i) => i);
  const nn = new Int32Array(n).fill(-1);
  const nnSim = new Float64Array(n).fill(-Infinity);
  const refresh = (i: number) => {
    let best = -1;
    let bestSim = -Infinity;
    const row = i * n;
    for (let k = 0; k < n; k++) {
      if (k === i || !active[k]) continue;
      const s = sim[row + k]!;
      if (s > bestSim) [best, bestSim] = [k, s];
    }
    nn[i] = best;
    nnSim[i] = bestSim;
  };
  for (let i = 0; i < n; i++) refresh(i);
  for (;;) {
    let i = -1;
    let best = -Infinity;
    for (let k = 0; k < n; k++) if (active[k] && nnSim[k] > best) [i, best] = [k, nnSim[k]!];
    if (i < 0 || best < stop) break;
    const j = nn[i]!;
    // merge j into i
    const [si, sj] = [size[i]!, size[j]!];
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i || k === j) continue;
      const s = (si * sim[i * n + k]! + sj * sim[j * n + k]!) / (si + sj);
      sim[i * n + k] = s;
      sim[k * n + i] = s;
    }
    size[i] = si + sj;
    active[j] = 0;
    parent[j] = i;
    for (let k = 0; k < n; k++) {
      if (!active[k] || k === i) continue;
      if (nn[k] === i || nn[k] === j) refresh(k);
      else if (sim[k * n + i]! > nnSim[k]!) [nn[k], nnSim[k]] = [i, sim[k * n + i]!];
    }
    refresh(i);
  }
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const labels = new Map<number, number>();
  return Array.from({ length: n }, (_, i) => {
    const r = root(i);
    if (!labels.has(r)) labels.set(r, labels.size);
    return labels.get(r)!;
  });
}

/** Pairwise similarity matrix of sparse unit vectors. */
export function sparseSimilarity(vectors: SparseVector[]): Float32Array {
  const n = vectors.length;
  const sim = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const s = sparseDot(vectors[i]!, vectors[j]!);
      sim[i * n + j] = s;
      sim[j * n + i] = s;
    }
  }
  return sim;
}

export interface ClusterOptions {
  /** average similarity (TF-IDF cosine) below which two groups stay apart */
  stop: number;
  /** merge pass: clusters smaller than this join the nearest cluster at least as large ... */
  smallCluster: number;
  /** ... when the cosine of their embedding centroids is at least this */
  mergeThreshold: number;
  features: FeatureOptions;
  /** above this many questions, near-duplicates are grouped first (leader pass) so the matrix stays bounded */
  maxPoints: number;
  /** leader pass threshold used only above maxPoints */
  leaderThreshold: number;
}

/**
 * Words and word pairs weigh in full, character n-grams (typos, inflections, unspaced scripts) at half: measured on
 * BANKING77 (bench/gaps.ts; notes in src/insight/gaps-research.md), half-weight n-grams with a 0.18 stop kept
 * distinct topics apart (purity 0.87 vs 0.81 at full weight) while still joining rephrasings of one topic.
 */
export const clusterFeatures: FeatureOptions = { ...defaultFeatureOptions, weights: { word: 1, bigram: 1, char: 0.5 } };

export const defaultClusterOptions: ClusterOptions = {
  stop: 0.18,
  smallCluster: 5,
  mergeThreshold: 0.5,
  features: clusterFeatures,
  maxPoints: 4000,
  leaderThreshold: 0.5,
};

/**
 * Clusters texts from scratch; returns one label per text (0..k-1). With `embeddings` (one per text), a merge pass
 * follows: TF-IDF fitted on a small pool keeps a handful of questions in another language, or worded unusually,
 * apart from their topic; their embeddings' centroid is often close enough to join it (see mergeSmallClusters).
 */
export function clusterTexts(texts: string[], options: Partial<ClusterOptions> = {}, embeddings?: ArrayLike<number>[]): number[] {
  const opts = { ...defaultClusterOptions, ...options };
  const labels = linkTexts(texts, opts);
  return embeddings ? mergeSmallClusters(labels, embeddings, opts.smallCluster, opts.mergeThreshold) : labels;
}

/**
 * Merge pass: clusters smaller than `small`, smallest first, join the cluster (at least as large) whose centroid is
 * nearest when the cosine is at least `threshold`. Returns labels renumbered 0.. in order of first appearance.
 */
export function mergeSmallClusters(labels: number[], vectors: ArrayLike<number>[], small: number, threshold: number): number[] {
  const dims = vectors[0]?.length ?? 0;
  const sums = new Map<number, Float64Array>();
  const sizes = new Map<number, number>();
  labels.forEach((l, i) => {
    let sum = sums.get(l);
    if (!sum) sums.set(l, (sum = new Float64Array(dims)));
    const v = vectors[i]!;
    for (let d = 0; d < dims; d++) sum[d]! += v[d]!;
    sizes.set(l, (sizes.get(l) ?? 0) + 1);
  });
  const into = new Map<number, number>();
  const order = [...sizes.keys()].sort((a, b) => sizes.get(a)! - sizes.get(b)! || a - b);
  for (const l of order) {
    const size = sizes.get(l)!;
    if (size >= small) break;
    let best = -1;
    let bestSim = -Infinity;
    for (const [other, otherSize] of sizes) {
      if (other === l || otherSize < size) continue;
      const s = cosine(sums.get(l)!, sums.get(other)!);
      if (s > bestSim || (s === bestSim && other < best)) [best, bestSim] = [other, s];
    }
    if (best < 0 || bestSim < threshold) continue;
    const target = sums.get(best)!;
    const mine = sums.get(l)!;
    for (let d = 0; d < dims; d++) target[d]! += mine[d]!;
    sizes.set(best, sizes.get(best)! + size);
    sizes.delete(l);
    sums.delete(l);
    into.set(l, best);
  }
  const final = (l: number): number => (into.has(l) ? final(into.get(l)!) : l);
  const renumber = new Map<number, number>();
  return labels.map((l) => {
    const f = final(l);
    if (!renumber.has(f)) renumber.set(f, renumber.size);
    return renumber.get(f)!;
  });
}

function linkTexts(texts: string[], opts: ClusterOptions): number[] {
  if (texts.length === 0) return [];
  const model = fitTfidf(texts, opts.features);
  const vectors = texts.map((t) => vectorize(model, t));
  if (texts.length <= opts.maxPoints) return averageLinkage(sparseSimilarity(vectors), texts.length, opts.stop);
  // Too many for a full matrix: leaders absorb their close neighbours, then the leaders are clustered with
  // their group sizes as weights (similarity between groups approximated by their leaders').
  const leaders: number[] = [];
  const leaderOf = new Int32Array(texts.length);
  vectors.forEach((v, i) => {
    let best = -1;
    let bestSim = opts.leaderThreshold;
    for (let l = 0; l < leaders.length; l++) {
      const s = sparseDot(v, vectors[leaders[l]!]!);
      if (s >= bestSim) [best, bestSim] = [l, s];
    }
    if (best < 0) {
      best = leaders.length;
      leaders.push(i);
    }
    leaderOf[i] = best;
  });
  const weights = new Float64Array(leaders.length);
  for (const l of leaderOf) weights[l]! += 1;
  const labels = averageLinkage(sparseSimilarity(leaders.map((i) => vectors[i]!)), leaders.length, opts.stop, weights);
  return Array.from(leaderOf, (l) => labels[l]!);
}
