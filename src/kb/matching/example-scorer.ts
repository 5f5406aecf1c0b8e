// What the matcher learns from article examples: a multinomial logistic regression (softmax)
// over sparse TF-IDF features, one class per article. Retrained in-process whenever the
// articles change; 10k examples x 77 articles train in a few seconds on one core.
import type { SparseVector } from './tfidf.js';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example step */
  l2: number;
  seed: number;
}

export const defaultTrainOptions: TrainOptions = { epochs: 12, learningRate: 0.5, l2: 1e-5, seed: 1 };

export interface ExampleScorer {
  readonly classes: number;
  readonly features: number;
  readonly weights: Float32Array; // features x classes, row-major
  readonly bias: Float32Array;
}

/** Deterministic PRNG (mulberry32) so training is reproducible. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function logits(model: ExampleScorer, x: SparseVector, out = new Float32Array(model.classes)): Float32Array {
  const C = model.classes;
  out.set(model.bias);
  const W = model.weights;
  for (let k = 0; k < x.idx.length; k++) {
    const base = x.idx[k]! * C;
    const v = x.val[k]!;
    for (let c = 0; c < C; c++) out[c]! += v * W[base + c]!;
  }
  return out;
}

export function softmaxInPlace(z: Float32Array): Float32Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

export function predictProba(model: ExampleScorer, x: SparseVector): Float32Array {
  return softmaxInPlace(logits(model, x));
}

export function trainExampleScorer(
  xs: SparseVector[],
  ys: number[],
  classes: number,
  features: number,
  opts: TrainOptions = defaultTrainOptions,
): ExampleScorer {
  const C = classes;
  const W = new Float32Array(features * C);
  const b = new Float32Array(C);
  // L2 via a global scale (true weights = scale * W) keeps each step sparse.
  let scale = 1;
  const order = Array.from(xs.keys());
  const rand = rng(opts.seed);
  const z = new Float32Array(C);
  const total = opts.epochs * xs.length;
  let t = 0;
  for (let epoch = 0; epoch < opts.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    for (const n of order) {
      const lr = opts.learningRate * (1 - t / total) + 1e-4;
      t++;
      const x = xs[n]!;
      z.set(b);
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * C;
        const v = x.val[k]! * scale;
        for (let c = 0; c < C; c++) z[c]! += v * W[base + c]!;
      }
      softmaxInPlace(z);
      z[ys[n]!]! -= 1; // gradient of cross-entropy wrt logits
      scale *= 1 - lr * opts.l2;
      const step = lr / scale;
      for (let k = 0; k < x.idx.length; k++) {
        const base = x.idx[k]! * C;
        const v = x.val[k]! * step;
        for (let c = 0; c < C; c++) W[base + c]! -= v * z[c]!;
      }
      for (let c = 0; c < C; c++) b[c]! -= lr * z[c]!;
      if (scale < 1e-4) {
        for (let i = 0; i < W.length; i++) W[i]! *= scale;
        scale = 1;
      }
    }
  }
  for (let i = 0; i < W.length; i++) W[i]! *= scale;
  return { classes: C, features, weights: W, bias: b };
}
