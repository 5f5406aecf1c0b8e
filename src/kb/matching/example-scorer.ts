// What the matcher learns from article examples: a multinomial logistic regression (softmax)
// over sparse TF-IDF features, one class per article, trained with dropout; optionally an ensemble
// with linear SVMs (multi-class hinge). Retrained in-process whenever the articles change;
// 10k examples x 77 articles train in ~6 s on one core.
import type { SparseVector } from '../../text/tfidf.js';

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  /** L2 penalty per example step */
  l2: number;
  seed: number;
  /** 'logistic': softmax cross-entropy (default); 'hinge': multi-class hinge (Crammer-Singer), a linear SVM */
  loss?: 'logistic' | 'hinge';
  /** dropout training: each feature of an example is dropped with this probability at each step (0 = off) */
  dropout?: number;
  /** probabilities are softmax(temperature * score); 1 for logistic models */
  temperature?: number;
  /** further ensemble members trained on the same data (options override this one's); probabilities are averaged */
  ensemble?: Partial<Omit<TrainOptions, 'ensemble'>>[];
}

export const defaultTrainOptions: TrainOptions = { epochs: 12, learningRate: 0.5, l2: 1e-5, seed: 1 };

/** One linear model: scores = x . weights + bias. */
export interface LinearModel {
  readonly classes: number;
  readonly features: number;
  readonly weights: Float32Array; // features x classes, row-major
  readonly bias: Float32Array;
  readonly temperature: number;
}

/** The learned signal: the average of its members' class probabilities. */
export interface ExampleScorer {
  readonly classes: number;
  readonly features: number;
  readonly members: LinearModel[];
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

export function logits(model: LinearModel, x: SparseVector, out = new Float32Array(model.classes)): Float32Array {
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

export function softmaxInPlace(z: Float32Array | Float64Array): Float32Array | Float64Array {
  let max = -Infinity;
  for (const v of z) if (v > max) max = v;
  let sum = 0;
  for (let c = 0; c < z.length; c++) sum += z[c] = Math.exp(z[c]! - max);
  for (let c = 0; c < z.length; c++) z[c]! /= sum;
  return z;
}

export function predictProba(model: ExampleScorer, x: SparseVector): Float32Array {
  const out = new Float32Array(model.classes);
  const z = new Float32Array(model.classes);
  const share = 1 / model.members.length;
  for (const m of model.members) {
    logits(m, x, z);
    if (m.temperature !== 1) for (let c = 0; c < z.length; c++) z[c]! *= m.temperature;
    softmaxInPlace(z);
    for (let c = 0; c < z.length; c++) out[c]! += share * z[c]!;
  }
  return out;
}

export function trainExampleScorer(
  xs: SparseVector[],
  ys: number[],
  classes: number,
  features: number,
  opts: TrainOptions = defaultTrainOptions,
): ExampleScorer {
  const { ensemble = [], ...first } = opts;
  const members = [first, ...ensemble.map((o) => ({ ...first, ...o }))].map((o) => trainLinear(xs, ys, classes, features, o));
  return { classes, features, members };
}

/** Gradient entries smaller than this are skipped: most classes get ~0 probability, so updates stay sparse. */
const MIN_GRADIENT = 1e-2;

/**
 * Plain SGD with a linearly decaying step. L2 via a global scale (true weights = scale * W) keeps
 * each step sparse; so does updating only the classes with a noticeable gradient.
 */
export function trainLinear(xs: SparseVector[], ys: number[], classes: number, features: number, opts: TrainOptions): LinearModel {
  const C = classes;
  const hinge = opts.loss === 'hinge';
  const dropout = opts.dropout ?? 0;
  const keepScale = 1 / (1 - dropout);
  const W = new Float64Array(features * C);
  const b = new Float64Array(C);
  let scale = 1;
  const order = Array.from(xs.keys());
  const rand = rng(opts.seed);
  const z = new Float64Array(C);
  const active = new Int32Array(C);
  const grad = new Float64Array(C);
  let kept = new Int32Array(64);
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
      const { idx, val } = xs[n]!;
      if (kept.length < idx.length) kept = new Int32Array(idx.length * 2);
      let nk = 0;
      for (let k = 0; k < idx.length; k++) if (dropout === 0 || rand() >= dropout) kept[nk++] = k;
      const xScale = dropout > 0 ? keepScale : 1;
      z.set(b);
      for (let q = 0; q < nk; q++) {
        const k = kept[q]!;
        const base = idx[k]! * C;
        const v = val[k]! * xScale * scale;
        for (let c = 0; c < C; c++) z[c]! += v * W[base + c]!;
      }
      const y = ys[n]!;
      let na = 0;
      if (hinge) {
        let r = -1;
        let best = -Infinity;
        for (let c = 0; c < C; c++) if (c !== y && z[c]! > best) (best = z[c]!), (r = c);
        if (r >= 0 && z[y]! - best < 1) {
          active[0] = y, grad[0] = -1, active[1] = r, grad[1] = 1;
          na = 2;
        }
      } else {
        softmaxInPlace(z);
        z[y]! -= 1; // gradient of cross-entropy wrt logits
        for (let c = 0; c < C; c++) if (z[c]! > MIN_GRADIENT || z[c]! < -MIN_GRADIENT) (active[na] = c), (grad[na++] = z[c]!);
      }
      scale *= 1 - lr * opts.l2;
      const step = lr / scale;
      for (let q = 0; q < nk; q++) {
        const k = kept[q]!;
        const base = idx[k]! * C;
        const v = val[k]! * xScale * step;
        for (let a = 0; a < na; a++) W[base + active[a]!]! -= v * grad[a]!;
      }
      if (hinge) for (let a = 0; a < na; a++) b[active[a]!]! -= 0.1 * lr * grad[a]!; // slow bias: margins come from features
      else for (let c = 0; c < C; c++) b[c]! -= lr * z[c]!;
      if (scale < 1e-4) {
        for (let i = 0; i < W.length; i++) W[i]! *= scale;
        scale = 1;
      }
    }
  }
  const weights = new Float32Array(W.length);
  for (let i = 0; i < W.length; i++) weights[i] = W[i]! * scale;
  return { classes: C, features, weights, bias: Float32Array.from(b), temperature: opts.temperature ?? 1 };
}
