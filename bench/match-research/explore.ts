// Research harness: compares scorers and feature settings on BANKING77. Not part of the product.
import { loadSplit, firstPerCategory } from './data.js';
import { fitTfidf, vectorize, sparseDot, type SparseVector } from '../../src/kb/matching/tfidf.js';
import { defaultFeatureOptions, type FeatureOptions } from '../../src/kb/matching/text-features.js';
import { trainExampleScorer, predictProba, defaultTrainOptions } from '../../src/kb/matching/example-scorer.js';

const args = process.argv.slice(2);
const nEx = args.includes('--examples') ? Number(args[args.indexOf('--examples') + 1]) : Infinity;
const train = Number.isFinite(nEx) ? firstPerCategory(loadSplit('train'), nEx) : loadSplit('train');
const test = loadSplit('test');
const cats = [...new Set(train.map((r) => r.category))].sort();
const ci = new Map(cats.map((c, i) => [c, i]));
const ytr = train.map((r) => ci.get(r.category)!);
const yte = test.map((r) => ci.get(r.category)!);

function argmax(a: ArrayLike<number>): number { let b = 0; for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i; return b; }

function run(name: string, opts: FeatureOptions, minDf = 1, train2 = defaultTrainOptions) {
  const t0 = performance.now();
  const tf = fitTfidf(train.map((r) => r.text), opts, minDf);
  const Xtr = train.map((r) => vectorize(tf, r.text));
  const Xte = test.map((r) => vectorize(tf, r.text));
  const t1 = performance.now();
  // centroid
  const C = cats.length, F = tf.idf.length;
  const cent = Array.from({ length: C }, () => new Map<number, number>());
  Xtr.forEach((x, n) => { const m = cent[ytr[n]!]!; for (let k = 0; k < x.idx.length; k++) m.set(x.idx[k]!, (m.get(x.idx[k]!) ?? 0) + x.val[k]!); });
  const centV: SparseVector[] = cent.map((m) => { const e = [...m].sort((a, b) => a[0] - b[0]); let nn = 0; for (const [, v] of e) nn += v * v; nn = Math.sqrt(nn); return { idx: Int32Array.from(e, (p) => p[0]), val: Float32Array.from(e, (p) => p[1] / nn) }; });
  let accC = 0, accK = 0, accL = 0;
  // inverted index for knn
  const post = Array.from({ length: F }, () => [] as number[]);
  const pv = Array.from({ length: F }, () => [] as number[]);
  Xtr.forEach((x, n) => { for (let k = 0; k < x.idx.length; k++) { post[x.idx[k]!]!.push(n); pv[x.idx[k]!]!.push(x.val[k]!); } });
  const sims = new Float32Array(Xtr.length);
  Xte.forEach((q, i) => {
    const cs = centV.map((c) => sparseDot(q, c));
    if (argmax(cs) === yte[i]) accC++;
    sims.fill(0);
    for (let k = 0; k < q.idx.length; k++) { const p = post[q.idx[k]!]!, v = pv[q.idx[k]!]!, qv = q.val[k]!; for (let m = 0; m < p.length; m++) sims[p[m]!]! += qv * v[m]!; }
    if (ytr[argmax(sims)] === yte[i]) accK++;
  });
  const t2 = performance.now();
  const lr = trainExampleScorer(Xtr, ytr, C, F, train2);
  const t3 = performance.now();
  Xte.forEach((q, i) => { if (argmax(predictProba(lr, q)) === yte[i]) accL++; });
  const t4 = performance.now();
  const n = test.length;
  console.log(JSON.stringify({ name, F, centroid: +(accC / n).toFixed(4), knn: +(accK / n).toFixed(4), lr: +(accL / n).toFixed(4), msVec: Math.round(t1 - t0), msKnn: Math.round(t2 - t1), msTrain: Math.round(t3 - t2), msPred: Math.round(t4 - t3) }));
}

const d = defaultFeatureOptions;
const which = args.find((a) => a.startsWith('--exp='))?.slice(6) ?? 'base';
if (which === 'base') run('default', d);
if (which === 'feat') {
  run('nostem', { ...d, lightStem: false });
  run('char2-5', { ...d, charRange: [2, 5] });
  run('char3-6', { ...d, charRange: [3, 6] });
  run('nobigram', { ...d, wordBigrams: false });
  run('words-only', { ...d, charRange: [9, 8] });
  run('char-only', { ...d, weights: { word: 0, bigram: 0, char: 1 } });
  run('word2', { ...d, weights: { word: 2, bigram: 1, char: 1 } });
}
if (which === 'lr') {
  for (const [e, lr, l2] of [[8, 0.5, 1e-5], [20, 0.5, 1e-5], [12, 1, 1e-5], [12, 0.5, 1e-6], [12, 0.5, 1e-4], [12, 2, 1e-6]] as const)
    run(`lr e${e} lr${lr} l2${l2}`, d, 1, { epochs: e, learningRate: lr, l2, seed: 1 });
}
