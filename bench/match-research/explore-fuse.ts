// Research: LR hyper-parameters for few examples, fusion of LR + kNN + centroid, titles as examples.
import { loadSplit, firstPerCategory } from './data.js';
import { fitTfidf, vectorize, sparseDot, type SparseVector } from '../../src/kb/matching/tfidf.js';
import { defaultFeatureOptions } from '../../src/kb/matching/text-features.js';
import { trainExampleScorer, predictProba } from '../../src/kb/matching/example-scorer.js';

const args = process.argv.slice(2);
const nEx = args.includes('--examples') ? Number(args[args.indexOf('--examples') + 1]) : Infinity;
const withTitles = args.includes('--titles');
const train0 = Number.isFinite(nEx) ? firstPerCategory(loadSplit('train'), nEx) : loadSplit('train');
const cats = [...new Set(train0.map((r) => r.category))].sort();
const train = withTitles ? [...train0, ...cats.map((c) => ({ text: c.replace(/_/g, ' '), category: c }))] : train0;
const test = loadSplit('test');
const ci = new Map(cats.map((c, i) => [c, i]));
const ytr = train.map((r) => ci.get(r.category)!);
const yte = test.map((r) => ci.get(r.category)!);
const argmax = (a: ArrayLike<number>) => { let b = 0; for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i; return b; };
const C = cats.length;
const tf = fitTfidf(train.map((r) => r.text), defaultFeatureOptions);
const F = tf.idf.length;
const Xtr = train.map((r) => vectorize(tf, r.text)), Xte = test.map((r) => vectorize(tf, r.text));
// centroid + knn per class score
const cent = Array.from({ length: C }, () => new Float64Array(F));
Xtr.forEach((x, n) => { for (let k = 0; k < x.idx.length; k++) cent[ytr[n]!]![x.idx[k]!]! += x.val[k]!; });
cent.forEach((c) => { let s = 0; for (const v of c) s += v * v; s = Math.sqrt(s); for (let i = 0; i < F; i++) c[i]! /= s; });
const knnS: Float32Array[] = [], centS: Float32Array[] = [];
for (const q of Xte) {
  const cs = new Float32Array(C); for (let c = 0; c < C; c++) { let d = 0; for (let k = 0; k < q.idx.length; k++) d += q.val[k]! * cent[c]![q.idx[k]!]!; cs[c] = d; }
  const ks = new Float32Array(C); for (let n = 0; n < Xtr.length; n++) { const s = sparseDot(q, Xtr[n]!); if (s > ks[ytr[n]!]!) ks[ytr[n]!] = s; }
  centS.push(cs); knnS.push(ks);
}
const acc = (S: ArrayLike<number>[]) => +(S.filter((s, i) => argmax(s) === yte[i]).length / S.length).toFixed(4);
console.log(JSON.stringify({ nEx, withTitles, centroid: acc(centS), knnMaxPerClass: acc(knnS) }));
for (const [e, lr, l2] of [[12, 0.5, 1e-5], [30, 0.5, 1e-5], [30, 1, 1e-6], [60, 1, 1e-6]] as const) {
  if (!Number.isFinite(nEx) && e > 12) continue;
  const m = trainExampleScorer(Xtr, ytr, C, F, { epochs: e, learningRate: lr, l2, seed: 1 });
  const P = Xte.map((q) => predictProba(m, q));
  const out: Record<string, number | string> = { cfg: `e${e} lr${lr} l2${l2}`, lr: acc(P) };
  for (const [a, b] of [[1, 0], [0, 1], [1, 1], [0.5, 0.5], [2, 0]]) {
    // fuse log-prob with cosine scores (scaled)
    out[`fuse a${a} b${b}`] = acc(P.map((p, i) => p.map((v, c) => Math.log(v + 1e-9) + 10 * (a * knnS[i]![c]! + b * centS[i]![c]!))));
  }
  console.log(JSON.stringify(out));
}
