// Dense vectors (embeddings, centroids): cosine, running means, the leader-clustering step.

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
