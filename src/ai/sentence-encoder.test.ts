import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../config.js';
import { MemoryEmbeddingStore } from './cached-embedder.js';
import { type ClosableEmbedder, createSentenceEncoder, semanticModelEnabled } from './semantic-model.js';
import { SentenceEncoder, unavailableMessage } from './sentence-encoder.js';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, x, i) => sum + x * b[i]!, 0);
const norm = (v: Float32Array) => Math.sqrt(cosine(v, v));
// Loading the model took 3 s alone and 15 s at load average 14: tests that load one get room beyond 60 s.
const loading = { timeout: 240_000 };

function capturingLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: 'warn' }, new Writable({
    write(chunk, _enc, done) {
      lines.push(JSON.parse(String(chunk)));
      done();
    },
  }));
  return { logger, warnings: () => lines.filter((l) => l.level === 40).map((l) => l.msg) };
}

// One encoder for the whole file: loading the model costs seconds of CPU on a shared machine.
const encoder = new SentenceEncoder();
afterAll(() => encoder.close());

describe('SentenceEncoder (USE-lite in a worker, from the npm package, no network)', () => {
  it('embeds in order, 512 dimensions, unit length', loading, async () => {
    const texts = ['Where is my parcel?', 'How do I reset my password?', 'Where is my parcel?'];
    const vectors = await encoder.embed(texts);
    expect(vectors).toHaveLength(3);
    for (const v of vectors) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(512);
      expect(norm(v)).toBeCloseTo(1, 4);
    }
    // Same text, same vector; different texts, different vectors: the order was kept.
    expect(cosine(vectors[0]!, vectors[2]!)).toBeCloseTo(1, 5);
    expect(cosine(vectors[0]!, vectors[1]!)).toBeLessThan(0.9);
    const [alone] = await encoder.embed(['How do I reset my password?']);
    expect(cosine(alone!, vectors[1]!)).toBeCloseTo(1, 4);
    expect(await encoder.embed([])).toEqual([]);
  });

  it('gives an empty text the zero vector without disturbing its neighbours', async () => {
    const [before, empty, after] = await encoder.embed(['How do I reset my password?', '', 'Where is my parcel?']);
    expect(norm(empty!)).toBe(0);
    const [parcel, password] = await encoder.embed(['Where is my parcel?', 'How do I reset my password?']);
    expect(cosine(before!, password!)).toBeCloseTo(1, 4);
    expect(cosine(after!, parcel!)).toBeCloseTo(1, 4);
  });

  it('puts a paraphrase much closer than an unrelated question', async () => {
    const [login, paraphrase, parcel] = await encoder.embed([
      "I can't log in to my account",
      "login doesn't work",
      'when will my parcel arrive',
    ]);
    const close = cosine(login!, paraphrase!);
    // Measured: 0.78 against 0.30 and 0.22.
    expect(close).toBeGreaterThan(0.6);
    expect(close - cosine(login!, parcel!)).toBeGreaterThan(0.25);
    expect(close - cosine(paraphrase!, parcel!)).toBeGreaterThan(0.25);
  });

  it('answers calls made together, each with its own vectors', async () => {
    const texts = ['refund please', 'my card was declined', 'change my delivery address', 'cancel my order'];
    const together = await Promise.all(texts.map((t) => encoder.embed([t])));
    const batched = await encoder.embed(texts);
    together.forEach(([v], i) => expect(cosine(v!, batched[i]!)).toBeCloseTo(1, 4));
  });
});

describe('createSentenceEncoder', () => {
  let cached: ClosableEmbedder | undefined;
  afterAll(() => cached?.close());

  it('answers repeated texts from the cache without asking the worker', loading, async () => {
    const store = new MemoryEmbeddingStore(100);
    const { logger, warnings } = capturingLogger();
    cached = await createSentenceEncoder(logger, { store });
    expect(cached).toBeDefined();
    expect(cached!.model).toBe('use-lite-en-0.2.0-d512');
    expect(cached!.dimensions).toBe(512);
    const first = await cached!.embed(['Do you ship to Canada?', 'Can I pay by invoice?']);
    expect(store.size).toBe(2);
    // Count what reaches the encoder (and so the worker) from here on.
    const asked = vi.spyOn(SentenceEncoder.prototype, 'embed');
    try {
      const again = await cached!.embed(['Can I pay by invoice?', 'Do you ship to Canada?', 'Do you ship to Canada?']);
      expect(asked).not.toHaveBeenCalled();
      expect(cosine(again[0]!, first[1]!)).toBeCloseTo(1, 5);
      expect(cosine(again[1]!, first[0]!)).toBeCloseTo(1, 5);
      await cached!.embed(['Do you ship to Canada?', 'Is there a student discount?']);
      expect(asked.mock.calls).toEqual([[['Is there a student discount?']]]);
    } finally {
      asked.mockRestore();
    }
    expect(warnings()).toEqual([]);
  });

  it('returns undefined with one warning when the model cannot load, and never throws', async () => {
    const { logger, warnings } = capturingLogger();
    const missing = await createSentenceEncoder(logger, { modelDir: '/nonexistent/model-embeddings-en' });
    expect(missing).toBeUndefined();
    expect(warnings()).toEqual([unavailableMessage]);
  });

  it('an encoder that failed to load rejects every later call, and warns only once', async () => {
    const { logger, warnings } = capturingLogger();
    const broken = new SentenceEncoder({ modelDir: '/nonexistent/model-embeddings-en', log: logger });
    await expect(broken.embed(['hello'])).rejects.toThrow(/does not exist/);
    await expect(broken.embed(['hello again'])).rejects.toThrow(/does not exist/);
    expect(warnings()).toEqual([unavailableMessage]);
    await broken.close();
  });
});

describe('SentenceEncoder when its worker dies', () => {
  it('rejects the calls it owed and every later one, with one warning', loading, async () => {
    const { logger, warnings } = capturingLogger();
    const doomed = new SentenceEncoder({ log: logger });
    await doomed.embed(['loaded']);
    const owed = doomed.embed(Array.from({ length: 200 }, (_, i) => `question number ${i} about my order`));
    // Stands in for a crash (out of memory, a fault in the WebAssembly): the thread is gone mid-request.
    await (doomed as unknown as { worker: Promise<{ terminate(): Promise<number> }> }).worker.then((w) => w.terminate());
    await expect(owed).rejects.toThrow(/exited/);
    await expect(doomed.embed(['after'])).rejects.toThrow(/exited/);
    expect(warnings()).toEqual([unavailableMessage]);
    await doomed.close();
  });
});

describe('SEMANTIC_MODEL', () => {
  it("'auto' turns the encoder on for the local provider only; 'off' always off", () => {
    const on = (env: Record<string, string>) => semanticModelEnabled(loadConfig(env, '/nonexistent/.env'));
    expect(on({})).toBe(true);
    expect(on({ SEMANTIC_MODEL: 'off' })).toBe(false);
    expect(on({ OPENAI_API_KEY: 'sk-test' })).toBe(false);
    expect(on({ OPENAI_API_KEY: 'sk-test', EMBEDDING_PROVIDER: 'local' })).toBe(true);
    expect(() => loadConfig({ SEMANTIC_MODEL: 'maybe' }, '/nonexistent/.env')).toThrow(/SEMANTIC_MODEL/);
  });
});
