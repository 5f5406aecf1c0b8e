// Pure parts of the knowledge-gap report: grouping unanswered questions, and turning a group into a suggested
// article. No database, no I/O: src/insight/gaps.ts feeds these with rows and stores what they return.
//
// Two clusterings work together:
// - incremental (as mail arrives): each new question joins the nearest open cluster when its embedding is close
//   enough to the cluster's centroid, else starts a cluster (leader clustering, done with pgvector in gaps.ts);
// - recompute (on demand and periodically): every open question is re-clustered from scratch with average-linkage
//   agglomerative clustering on TF-IDF vectors fitted on the questions themselves (words, word pairs and
//   character n-grams, the matcher's features), then a merge pass that folds small clusters into a near larger one
//   by embedding centroid. Measured on BANKING77 (bench/gaps.ts, src/insight/gaps-research.md), the TF-IDF space
//   separates topics much better than the 384-d hashed embedding, whose collisions blur rare but decisive words.
import { fitTfidf, sparseDot, vectorize, type SparseVector } from '../text/tfidf.js';
import { defaultFeatureOptions, lightStem, normalizeText, type FeatureOptions } from '../text/features.js';

// ---------------------------------------------------------------------------------------------------------------
// Dense vectors (embeddings, centroids)

export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) s += a[i]! * b[i]!;
  return s;
}

export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const d = Math.sqrt(dot(a, a) * dot(b, b));
  return d > 0 ? dot(a, b) / d : 0;
}

/** Running mean: the centroid of `size` members with one more member `v`. */
export function addToCentroid(centroid: ArrayLike<number>, size: number, v: ArrayLike<number>): Float32Array {
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = ((centroid[i] ?? 0) * size + v[i]!) / (size + 1);
  return out;
}

export function meanVector(vectors: ArrayLike<number>[]): Float32Array {
  const dims = vectors[0]?.length ?? 0;
  const out = new Float32Array(dims);
  for (const v of vectors) for (let i = 0; i < dims; i++) out[i]! += v[i]!;
  if (vectors.length) for (let i = 0; i < dims; i++) out[i]! /= vectors.length;
  return out;
}

/** Leader clustering step: the best centroid at or above `threshold`, or -1 (start a new cluster). */
export function nearestAbove(v: ArrayLike<number>, centroids: ArrayLike<number>[], threshold: number): { index: number; similarity: number } {
  let index = -1;
  let similarity = -Infinity;
  centroids.forEach((c, i) => {
    const s = cosine(v, c);
    if (s > similarity) [index, similarity] = [i, s];
  });
  return similarity >= threshold ? { index, similarity } : { index: -1, similarity };
}

// ---------------------------------------------------------------------------------------------------------------
// Agglomerative average linkage

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

// ---------------------------------------------------------------------------------------------------------------
// Cluster presentation

/** Indices of members ordered by closeness to their cluster (mean TF-IDF similarity to the others), best first. */
export function centralOrder(texts: string[], features: FeatureOptions = defaultFeatureOptions): number[] {
  if (texts.length <= 1) return texts.map((_, i) => i);
  const model = fitTfidf(texts, features);
  const vectors = texts.map((t) => vectorize(model, t));
  // mean vector, then each member's similarity to it: O(n) instead of O(n²)
  const mean = new Map<number, number>();
  for (const v of vectors) v.idx.forEach((j, k) => mean.set(j, (mean.get(j) ?? 0) + v.val[k]!));
  const score = vectors.map((v) => {
    let s = 0;
    v.idx.forEach((j, k) => (s += v.val[k]! * (mean.get(j) ?? 0)));
    return s;
  });
  return texts.map((_, i) => i).sort((a, b) => score[b]! - score[a]! || a - b);
}

/** The question as a title: one line, no greeting, no trailing punctuation run, capitalised, at most 120 chars. */
export function cleanTitle(text: string): string {
  let t = text.replace(/\s+/g, ' ').trim();
  t = t.replace(/^(hi|hello|hey|dear [^,]{0,40}|good (morning|afternoon|evening)|hola|buenos d[ií]as|buenas tardes)[,!. ]+/i, '');
  // first sentence that is a question, else the first sentence
  const sentences = t.split(/(?<=[.?!])\s+/).filter((s) => s.trim());
  t = sentences.find((s) => /[?¿]/.test(s)) ?? sentences[0] ?? t;
  t = t.replace(/[\s.!?,;:]+$/u, '').replace(/^[¿¡\s]+/u, '');
  if (t.length > 120) t = t.slice(0, 120).replace(/\s+\S*$/, '') + '…';
  return t ? t[0]!.toUpperCase() + t.slice(1) : 'Untitled question';
}

/** A key under which trivially different questions count as one (case, punctuation, spacing). */
export function dedupeKey(text: string): string {
  return normalizeText(text).split(' ').map(lightStem).join(' ');
}

/** Up to `max` distinct texts in the given order. */
export function distinct(texts: string[], max: number): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const t of texts) {
    const k = dedupeKey(t);
    if (!k || seen.has(k)) continue;
    seen.add(k);
    out.push(t.replace(/\s+/g, ' ').trim());
    if (out.length >= max) break;
  }
  return out;
}

const SALUTATION = /^(hi|hello|hey|dear|good (morning|afternoon|evening)|hola|buenos d[ií]as|buenas tardes|estimad[oa]s?)\b[^,.!?\n]{0,40}[,.!]\s*/i;
const CLOSING = /^(thanks|thank you|many thanks|kind regards|best regards|regards|best|cheers|sincerely|gracias|saludos|un saludo|atentamente|let us know|feel free|please let|do not hesitate|don't hesitate)\b/i;

/** Sentences of a reply without salutation, thanks, sign-off and quoted history. */
export function replySentences(reply: string): string[] {
  const lines = reply.replace(/\r\n?/g, '\n').split('\n');
  const own: string[] = [];
  for (const line of lines) {
    if (/^\s*>/.test(line) || /^on\b.{0,300}\bwrote:$/i.test(line.trim()) || /^--\s?$/.test(line)) break;
    own.push(line.trim());
  }
  return own
    .join('\n')
    .replace(SALUTATION, '')
    // a line break ends a sentence after punctuation and before a list item; elsewhere it is a hard wrap
    .replace(/([.?!:])\n/g, '$1\n\n')
    .replace(/\n(?=\s*([-*•]|\d+[.)])\s)/g, '\n\n')
    .split(/(?<=[.?!])\s+|\n{2,}/)
    .map((s) => s.replace(SALUTATION, '').replace(/\s+/g, ' ').trim())
    // a sentence ends with punctuation, a list item starts with a marker; a bare line is a name or a signature
    .filter((s) => s.length >= 12 && (/[.?!:]$/.test(s) || /^([-*•]|\d+[.)])\s/.test(s)) && !CLOSING.test(s) && !/^(your case|case reference|ref)\b/i.test(s))
    .map((s) => s[0]!.toUpperCase() + s.slice(1));
}

/**
 * Extractive summary of agents' replies: sentences scored by how many replies say something similar (TF-IDF
 * centroid similarity), the best `max` kept in their order of appearance within the most representative reply
 * first. Returns '' when there is nothing to extract.
 */
export function extractiveBody(replies: string[], max = 5): string {
  const perReply = replies.map(replySentences).filter((s) => s.length);
  if (!perReply.length) return '';
  const all = perReply.flatMap((sentences, r) => sentences.map((text, k) => ({ text, r, k })));
  const order = centralOrder(all.map((s) => s.text));
  const picked: typeof all = [];
  const seen = new Set<string>();
  for (const i of order) {
    const s = all[i]!;
    const key = dedupeKey(s.text);
    if (seen.has(key)) continue;
    seen.add(key);
    picked.push(s);
    if (picked.length >= max) break;
  }
  picked.sort((a, b) => a.r - b.r || a.k - b.k);
  return picked.map((s) => s.text).join(' ');
}

export function placeholderBody(examples: string[]): string {
  return [
    'No agent reply is on record for these questions yet: write the answer here before publishing.',
    '',
    'Customers asked, for example:',
    ...examples.slice(0, 5).map((e) => `- ${e}`),
  ].join('\n');
}

export type TrendDirection = 'rising' | 'falling' | 'steady' | 'new' | 'quiet';

/** Questions in the last 7 days against the 7 before, in a word a knowledge manager can sort by. */
export function trendOf(last7Days: number, previous7Days: number): { last7Days: number; previous7Days: number; direction: TrendDirection } {
  const direction: TrendDirection =
    previous7Days === 0 ? (last7Days > 0 ? 'new' : 'quiet')
      : last7Days > previous7Days * 1.25 ? 'rising'
        : last7Days < previous7Days * 0.8 ? 'falling'
          : 'steady';
  return { last7Days, previous7Days, direction };
}

/** Counts for trendOf from the members' dates. */
export function weekCounts(dates: Date[], now: Date): [number, number] {
  const week = 7 * 86_400_000;
  let last = 0;
  let previous = 0;
  for (const d of dates) {
    const age = now.getTime() - d.getTime();
    if (age >= 0 && age < week) last++;
    else if (age >= week && age < 2 * week) previous++;
  }
  return [last, previous];
}

// ---------------------------------------------------------------------------------------------------------------
// Heavily rewritten drafts

/** Word-level Levenshtein distance, normalised by the longer text (0 = same words, 1 = nothing kept). */
export function editRatio(draft: string, sent: string): number {
  const a = normalizeText(draft).split(' ').filter(Boolean);
  const b = normalizeText(sent).split(' ').filter(Boolean);
  const longest = Math.max(a.length, b.length);
  if (longest === 0) return 0;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[b.length]! / longest;
}

/** A draft counts as rewritten heavily (the article it drew on did not answer) from this share of words changed. */
export const HEAVY_REWRITE = 0.5;

export const isHeavilyRewritten = (draft: string, sent: string, threshold = HEAVY_REWRITE) => editRatio(draft, sent) >= threshold;

/**
 * Whether an approved reply reveals a knowledge gap, and which kind: sent without citing any article, or drafted
 * from articles but rewritten heavily by the agent. null = the knowledge base answered.
 */
export function gapSourceOfReply(reply: { generatedBody: string | null; sentBody: string; citations: number }): 'uncited_reply' | 'rewritten_draft' | null {
  if (reply.citations === 0) return 'uncited_reply';
  if (reply.generatedBody && isHeavilyRewritten(reply.generatedBody, reply.sentBody)) return 'rewritten_draft';
  return null;
}
