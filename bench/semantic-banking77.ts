// What the English sentence encoder adds on BANKING77 (Casanueva et al. 2020, CC-BY-4.0; read in place), with no
// learning at all: top-1 of the nearest intent centroid and of the nearest training example (1-NN), for the
// hashed local vector alone, USE-lite alone, and both concatenated (each unit length, halves weighted equally, so
// the cosine is the mean of the two cosines). All training examples, and the first 10 per intent.
//   npm run bench:semantic-banking77 [-- --vectors /tmp/banking77-use.f32]
// Encoding ~13,000 sentences is the slow part (2-12 minutes, by how busy the machine is); --vectors keeps them.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { embedText } from '../src/ai/local-embedder.js';
import { SentenceEncoder } from '../src/ai/sentence-encoder.js';
import { type Row, firstPerCategory, loadSplit } from './match-research/data.js';

type Vectors = { use: Float32Array[]; hashed: Float32Array[] };
type Variant = 'hashed' | 'use' | 'both';
const variants: Variant[] = ['hashed', 'use', 'both'];

const dot = (a: Float32Array, b: Float32Array) => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};
function normalised(v: Float32Array): Float32Array {
  const n = Math.sqrt(dot(v, v)) || 1;
  return v.map((x) => x / n);
}

/** Centroid of each intent, per kind of vector, normalised (cosine against it = mean cosine direction). */
function centroids(rows: Row[], vectors: Vectors, intents: string[]): Vectors {
  const mean = (kind: 'use' | 'hashed', c: string) => {
    const members = rows.flatMap((r, i) => (r.category === c ? [vectors[kind][i]!] : []));
    const sum = new Float32Array(members[0]!.length);
    for (const m of members) for (let k = 0; k < sum.length; k++) sum[k]! += m[k]!;
    return normalised(sum);
  };
  return { use: intents.map((c) => mean('use', c)), hashed: intents.map((c) => mean('hashed', c)) };
}

/** top-1 of every variant in one pass: the two dot products of a pair serve all three */
function top1(test: Row[], tv: Vectors, refLabels: string[], ref: Vectors): Record<Variant, number> {
  const right = { hashed: 0, use: 0, both: 0 };
  test.forEach((row, i) => {
    const best = { hashed: -Infinity, use: -Infinity, both: -Infinity };
    const label = { hashed: '', use: '', both: '' };
    for (let j = 0; j < refLabels.length; j++) {
      const score = { hashed: dot(tv.hashed[i]!, ref.hashed[j]!), use: dot(tv.use[i]!, ref.use[j]!), both: 0 };
      score.both = (score.hashed + score.use) / 2;
      for (const v of variants) if (score[v] > best[v]) [best[v], label[v]] = [score[v], refLabels[j]!];
    }
    for (const v of variants) if (label[v] === row.category) right[v]++;
  });
  return { hashed: +(right.hashed / test.length).toFixed(3), use: +(right.use / test.length).toFixed(3), both: +(right.both / test.length).toFixed(3) };
}

/** USE vectors of `texts`, from `file` when an earlier run saved them there (encoding is the slow part) */
async function encodeAll(texts: string[], file: string | undefined): Promise<{ vectors: Float32Array[]; seconds?: number }> {
  if (file && existsSync(file)) {
    const flat = new Float32Array(readFileSync(file).buffer.slice(0));
    if (flat.length === texts.length * 512) return { vectors: texts.map((_, i) => flat.slice(i * 512, (i + 1) * 512)) };
  }
  const encoder = new SentenceEncoder();
  const t0 = performance.now();
  const vectors = await encoder.embed(texts);
  const seconds = (performance.now() - t0) / 1000;
  await encoder.close();
  if (file) {
    const flat = new Float32Array(texts.length * 512);
    vectors.forEach((v, i) => flat.set(v, i * 512));
    writeFileSync(file, flat);
  }
  return { vectors, seconds };
}

const started = performance.now();
const trainAll = loadSplit('train');
const test = loadSplit('test');
const intents = [...new Set(trainAll.map((r) => r.category))].sort();
const texts = [...trainAll, ...test].map((r) => r.text);
const args = process.argv.slice(2);
const cacheFile = args.includes('--vectors') ? args[args.indexOf('--vectors') + 1] : undefined;
const { vectors: encoded, seconds: encodeS } = await encodeAll(texts, cacheFile);
if (encodeS !== undefined) console.log(`encoded ${texts.length} sentences in ${encodeS.toFixed(1)} s (${((encodeS * 1000) / texts.length).toFixed(1)} ms each, load included)`);
else console.log(`USE vectors read from ${cacheFile}`);
const hashed = texts.map((t) => embedText(t, 384));
const all: Vectors = { use: encoded.slice(0, trainAll.length), hashed: hashed.slice(0, trainAll.length) };
const tv: Vectors = { use: encoded.slice(trainAll.length), hashed: hashed.slice(trainAll.length) };

const results: Record<string, Record<string, number>> = {};
for (const perIntent of [Infinity, 10]) {
  const keep = new Set(Number.isFinite(perIntent) ? firstPerCategory(trainAll, perIntent) : trainAll);
  const index = trainAll.flatMap((r, i) => (keep.has(r) ? [i] : []));
  const train = index.map((i) => trainAll[i]!);
  const tr: Vectors = { use: index.map((i) => all.use[i]!), hashed: index.map((i) => all.hashed[i]!) };
  const cents = centroids(train, tr, intents);
  const setting = Number.isFinite(perIntent) ? `${perIntent} per intent (${train.length})` : `all ${train.length} examples`;
  const centroid = top1(test, tv, intents, cents);
  const nearest = top1(test, tv, train.map((r) => r.category), tr);
  for (const v of variants) results[`${setting}, ${v}`] = { centroid: centroid[v], nearestExample: nearest[v] };
}
console.table(results);
console.log(JSON.stringify({ bench: 'semantic-banking77', encodeSeconds: encodeS === undefined ? null : +encodeS.toFixed(1), totalSeconds: Math.round((performance.now() - started) / 1000), results }));
