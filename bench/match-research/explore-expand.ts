// Research: word-vector knowledge as extra sparse features.
//  nn:  each word also activates its nearest KB-vocabulary words (GloVe cosine), weighted by similarity
//  lsh: each word activates random-hyperplane buckets of its GloVe vector (semantic hashing)
import { readFileSync } from 'node:fs';
import { loadSplit, firstPerCategory } from './data.js';
import { defaultFeatureOptions, extractFeatures, normalizeText, lightStem, familyWeight } from '../../src/kb/matching/text-features.js';
import { trainExampleScorer, predictProba, rng } from '../../src/kb/matching/example-scorer.js';
import type { SparseVector } from '../../src/kb/matching/tfidf.js';

const glove: Record<string, number[]> = JSON.parse(readFileSync('/tmp/glove-banking.json', 'utf8'));
for (const w in glove) { const g = glove[w]!; let n = 0; for (const x of g) n += x * x; n = Math.sqrt(n); glove[w] = g.map((x) => x / n); }
const args = process.argv.slice(2);
const nEx = args.includes('--examples') ? Number(args[args.indexOf('--examples') + 1]) : Infinity;
const train = Number.isFinite(nEx) ? firstPerCategory(loadSplit('train'), nEx) : loadSplit('train');
const test = loadSplit('test');
const cats = [...new Set(train.map((r) => r.category))].sort();
const ci = new Map(cats.map((c, i) => [c, i]));
const ytr = train.map((r) => ci.get(r.category)!), yte = test.map((r) => ci.get(r.category)!);
const argmax = (a: ArrayLike<number>) => { let b = 0; for (let i = 1; i < a.length; i++) if (a[i]! > a[b]!) b = i; return b; };
const kbWords = [...new Set(train.flatMap((r) => normalizeText(r.text).split(' ')))].filter((w) => glove[w]);
const nnCache = new Map<string, [string, number][]>();
function neighbours(w: string, k: number, minSim: number): [string, number][] {
  const key = `${w}|${k}|${minSim}`; const hit = nnCache.get(key); if (hit) return hit;
  const g = glove[w]; let res: [string, number][] = [];
  if (g) { res = kbWords.filter((v) => v !== w).map((v) => { const h = glove[v]!; let d = 0; for (let i = 0; i < 100; i++) d += g[i]! * h[i]!; return [v, d] as [string, number]; }).filter((p) => p[1] >= minSim).sort((a, b) => b[1] - a[1]).slice(0, k); }
  nnCache.set(key, res); return res;
}
const rand = rng(7); const planes = Array.from({ length: 16 * 12 }, () => Array.from({ length: 100 }, () => rand() - 0.5));
function lsh(w: string, tables: number, bits: number): string[] {
  const g = glove[w]; if (!g) return [];
  const out: string[] = [];
  for (let t = 0; t < tables; t++) { let sig = 0; for (let b = 0; b < bits; b++) { const p = planes[t * bits + b]!; let d = 0; for (let i = 0; i < 100; i++) d += p[i]! * g[i]!; if (d > 0) sig |= 1 << b; } out.push(`h${t}:${sig}`); }
  return out;
}
type Mode = { name: string; nn?: [number, number, number]; lsh?: [number, number, number] };
function feats(text: string, m: Mode): Map<string, number> {
  const f = extractFeatures(text, defaultFeatureOptions);
  for (const w of normalizeText(text).split(' ')) {
    if (m.nn) for (const [v, s] of neighbours(w, m.nn[0], m.nn[1])) { const k = 'x:' + lightStem(v); f.set(k, (f.get(k) ?? 0) + s * m.nn[2]); }
    if (m.lsh) for (const k of lsh(w, m.lsh[0], m.lsh[1])) f.set(k, (f.get(k) ?? 0) + m.lsh[2]);
  }
  return f;
}
function run(m: Mode) {
  const Ftr = train.map((r) => feats(r.text, m)), Fte = test.map((r) => feats(r.text, m));
  const df = new Map<string, number>(); for (const f of Ftr) for (const k of f.keys()) df.set(k, (df.get(k) ?? 0) + 1);
  const vocab = new Map<string, number>(); const idf: number[] = [];
  for (const [k, d] of df) { vocab.set(k, idf.length); idf.push((Math.log((1 + Ftr.length) / (1 + d)) + 1) * (k[0] === 'x' || k[0] === 'h' ? 1 : familyWeight(k, defaultFeatureOptions))); }
  const vec = (f: Map<string, number>): SparseVector => { const p: [number, number][] = []; for (const [k, c] of f) { const j = vocab.get(k); if (j !== undefined) p.push([j, (c >= 1 ? 1 + Math.log(c) : c) * idf[j]!]); } p.sort((a, b) => a[0] - b[0]); let n = 0; for (const [, v] of p) n += v * v; n = Math.sqrt(n) || 1; return { idx: Int32Array.from(p, (x) => x[0]), val: Float32Array.from(p, (x) => x[1] / n) }; };
  const Xtr = Ftr.map(vec), Xte = Fte.map(vec);
  const e = Number.isFinite(nEx) ? 12 : 40;
  const model = trainExampleScorer(Xtr, ytr, cats.length, idf.length, { epochs: e, learningRate: 1, l2: 1e-6, seed: 1 });
  const ok = Xte.filter((q, i) => argmax(predictProba(model, q)) === yte[i]).length;
  console.log(JSON.stringify({ nEx, mode: m.name, lr: +(ok / test.length).toFixed(4) }));
}
const modes: Mode[] = [
  { name: 'none' },
  { name: 'nn3 .5 w.5', nn: [3, 0.5, 0.5] }, { name: 'nn5 .4 w.5', nn: [5, 0.4, 0.5] }, { name: 'nn3 .6 w1', nn: [3, 0.6, 1] },
  { name: 'lsh 8x10 w.5', lsh: [8, 10, 0.5] }, { name: 'lsh 16x8 w.3', lsh: [16, 8, 0.3] }, { name: 'lsh 12x12 w.5', lsh: [12, 12, 0.5] },
];
for (const m of modes) if (!args.includes('--only') || m.name === 'none' || args.includes(m.name.split(' ')[0]!)) run(m);
