// Research: nearest neighbour and centroid over the hashed dense embedding, by dimension.
import { loadSplit, firstPerCategory } from './data.js';
import { LocalEmbedder } from '../../src/ai/local-embedder.js';
const args = process.argv.slice(2);
const nEx = args.includes('--examples') ? Number(args[args.indexOf('--examples') + 1]) : Infinity;
const train = Number.isFinite(nEx) ? firstPerCategory(loadSplit('train'), nEx) : loadSplit('train');
const test = loadSplit('test');
const cats = [...new Set(train.map((r) => r.category))].sort();
const ci = new Map(cats.map((c, i) => [c, i]));
const ytr = train.map((r) => ci.get(r.category)!), yte = test.map((r) => ci.get(r.category)!);
for (const d of [256, 384, 512, 1024]) {
  const e = new LocalEmbedder({ dimensions: d });
  const t0 = performance.now();
  const Etr = await e.embed(train.map((r) => r.text)), Ete = await e.embed(test.map((r) => r.text));
  const t1 = performance.now();
  const cent = cats.map(() => new Float32Array(d));
  Etr.forEach((v, n) => { const c = cent[ytr[n]!]!; for (let i = 0; i < d; i++) c[i]! += v[i]!; });
  for (const c of cent) { let s = 0; for (const x of c) s += x * x; s = Math.sqrt(s); for (let i = 0; i < d; i++) c[i]! /= s; }
  let k1 = 0, cc = 0;
  for (let q = 0; q < Ete.length; q++) {
    const x = Ete[q]!; let best = -2, bi = 0;
    for (let n = 0; n < Etr.length; n++) { const y = Etr[n]!; let s = 0; for (let i = 0; i < d; i++) s += x[i]! * y[i]!; if (s > best) { best = s; bi = n; } }
    if (ytr[bi] === yte[q]) k1++;
    let cb = -2, cbi = 0; cent.forEach((c, j) => { let s = 0; for (let i = 0; i < d; i++) s += x[i]! * c[i]!; if (s > cb) { cb = s; cbi = j; } });
    if (cbi === yte[q]) cc++;
  }
  const t2 = performance.now();
  console.log(JSON.stringify({ nEx, d, knn: +(k1 / test.length).toFixed(4), centroid: +(cc / test.length).toFixed(4), msEmbed: Math.round(t1 - t0), msSearch: Math.round(t2 - t1) }));
}
