import { count, eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CachedEmbedder, DatabaseEmbeddingStore, MemoryEmbeddingStore, contentHash } from '../src/ai/cached-embedder.js';
import { ChatClient } from '../src/ai/chat.js';
import { AiOutputError, AiUnavailableError } from '../src/ai/errors.js';
import { embedText, LocalEmbedder } from '../src/ai/local-embedder.js';
import { OpenAiEmbedder, estimateTokens, planBatches, type OpenAiEmbedderOptions } from '../src/ai/openai-embedder.js';
import { createChatClient, createEmbedder } from '../src/ai/provider.js';
import type { RetryEvent } from '../src/ai/retry.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { embeddingCache } from '../src/db/schema/ai.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startOpenAiStub, type OpenAiStub, type StubFault } from './support/openai-stub.js';

let stub: OpenAiStub;
beforeEach(async () => {
  stub = await startOpenAiStub();
});
afterEach(async () => {
  await stub.close();
});

function embedder(overrides: Partial<OpenAiEmbedderOptions> = {}) {
  return new OpenAiEmbedder({
    apiKey: stub.apiKey,
    baseURL: stub.baseUrl,
    model: 'text-embedding-3-small',
    timeoutMs: 2000,
    maxRetries: 3,
    baseDelayMs: 2,
    maxDelayMs: 1000,
    ...overrides,
  });
}

const inputsOf = (route: 'embeddings' = 'embeddings') => stub.requestsTo(route).map((r) => r.body.input as string[]);
const norm = (v: Float32Array) => Math.sqrt(v.reduce((s, x) => s + x * x, 0));

describe('OpenAiEmbedder', () => {
  it('returns one normalised vector per text, in order, as the server computed them', async () => {
    const e = embedder();
    const texts = ['Where is my parcel?', 'Ich möchte mein Passwort ändern', '退款什么时候到账'];
    const vectors = await e.embed(texts);
    expect(e.model).toBe('openai:text-embedding-3-small');
    expect(e.dimensions).toBe(1536);
    expect(vectors.map((v) => v.length)).toEqual([1536, 1536, 1536]);
    vectors.forEach((v, i) => {
      expect(norm(v)).toBeCloseTo(1, 5);
      expect(Array.from(v)).toEqual(Array.from(embedText(texts[i]!, 1536)));
    });
    const [request] = stub.requests;
    expect(request!.headers.authorization).toBe(`Bearer ${stub.apiKey}`);
    expect(request!.body).toMatchObject({ model: 'text-embedding-3-small', input: texts, encoding_format: 'float' });
    expect(request!.body).not.toHaveProperty('dimensions');
  });

  it('makes no request for no texts and sends a space for an empty text (the API rejects "")', async () => {
    const e = embedder();
    expect(await e.embed([])).toEqual([]);
    expect(stub.requests).toHaveLength(0);
    await e.embed(['', 'hello']);
    expect(inputsOf()).toEqual([[' ', 'hello']]);
  });

  it.each([
    { name: 'input count', limits: { maxBatchInputs: 3 }, texts: 7, chars: 10, sizes: [3, 3, 1] },
    // 300 ASCII characters estimate at 100 tokens: two fit in a 250-token budget
    { name: 'token budget', limits: { maxBatchTokens: 250 }, texts: 5, chars: 300, sizes: [2, 2, 1] },
  ])('splits by $name into several requests and keeps the order', async ({ limits, texts, chars, sizes }) => {
    const inputs = Array.from({ length: texts }, (_, i) => `text number ${i} `.padEnd(chars, String.fromCharCode(97 + i)));
    const vectors = await embedder(limits).embed(inputs);
    expect(inputsOf().map((batch) => batch.length)).toEqual(sizes);
    expect(inputsOf().flat()).toEqual(inputs);
    vectors.forEach((v, i) => expect(Array.from(v)).toEqual(Array.from(embedText(inputs[i]!, 1536))));
  });

  it('plans batches within both limits and never splits a text', () => {
    const texts = ['a'.repeat(30), 'b'.repeat(3000), 'c'.repeat(30)];
    expect(planBatches(texts, { maxBatchInputs: 10, maxBatchTokens: 500 })).toEqual([[texts[0]], [texts[1]], [texts[2]]]);
    expect(planBatches(texts, { maxBatchInputs: 2, maxBatchTokens: 10_000 })).toEqual([[texts[0], texts[1]], [texts[2]]]);
  });

  it('truncates an over-long input to the token limit, counting non-ASCII characters one token each', async () => {
    expect(estimateTokens('abcdef')).toBe(2);
    expect(estimateTokens('退款到账')).toBe(4);
    await embedder().embed(['x'.repeat(30_000), '退'.repeat(9000)]);
    const [[ascii, cjk]] = inputsOf() as [string[]];
    expect(ascii).toHaveLength(24_000);
    expect(cjk).toHaveLength(8000);
  });

  it.each<{ name: string; fault: StubFault; minElapsedMs?: number }>([
    { name: '429 with Retry-After', fault: { status: 429, retryAfter: 0.15 }, minElapsedMs: 150 },
    { name: '429 without Retry-After', fault: { status: 429 } },
    { name: '500', fault: { status: 500 } },
    { name: '503', fault: { status: 503 } },
    { name: 'a timeout', fault: { delayMs: 1000 } },
  ])('retries after $name, then succeeds', async ({ fault, minElapsedMs }) => {
    const retries: RetryEvent[] = [];
    stub.script('embeddings', fault);
    const started = Date.now();
    const [v] = await embedder({ timeoutMs: 150, onRetry: (e) => retries.push(e) }).embed(['hello']);
    expect(Array.from(v!)).toEqual(Array.from(embedText('hello', 1536)));
    expect(stub.requests).toHaveLength(2);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ operation: 'OpenAI embeddings', attempt: 1 });
    if (minElapsedMs) {
      expect(retries[0]!.delayMs).toBeGreaterThanOrEqual(minElapsedMs);
      expect(Date.now() - started).toBeGreaterThanOrEqual(minElapsedMs);
    }
  });

  it('backs off exponentially between retries', async () => {
    const retries: RetryEvent[] = [];
    stub.script('embeddings', { status: 500 }, { status: 500 }, { status: 500 });
    await embedder({ baseDelayMs: 20, onRetry: (e) => retries.push(e) }).embed(['hello']);
    // equal jitter: retry n waits between half and all of base * 2^n
    retries.forEach((r, n) => {
      expect(r.delayMs).toBeGreaterThanOrEqual(10 * 2 ** n);
      expect(r.delayMs).toBeLessThanOrEqual(20 * 2 ** n);
    });
    expect(retries.map((r) => r.attempt)).toEqual([1, 2, 3]);
  });

  it('gives up after maxRetries with a retryable AiUnavailableError', async () => {
    stub.script('embeddings', { status: 500 }, { status: 502 }, { status: 503 }, { status: 500 });
    const err = await embedder({ maxRetries: 2 }).embed(['hello']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiUnavailableError);
    expect(err).toMatchObject({ retryable: true, status: 503, info: { attempts: 3 } });
    expect((err as Error).message).toMatch(/after 3 attempts/);
    expect(stub.requests).toHaveLength(3);
  });

  it('gives up at once when Retry-After is longer than the longest wait, so the caller can reschedule', async () => {
    stub.script('embeddings', { status: 429, retryAfter: 120 });
    const err = await embedder().embed(['hello']).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryable: true, status: 429, info: { retryAfterMs: 120_000 } });
    expect(stub.requests).toHaveLength(1);
  });

  it('retries connection errors, then reports the server unreachable', async () => {
    const gone = await startOpenAiStub();
    await gone.close();
    const retries: RetryEvent[] = [];
    const err = await embedder({ baseURL: gone.baseUrl, maxRetries: 1, onRetry: (e) => retries.push(e) })
      .embed(['hello'])
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiUnavailableError);
    expect(err).toMatchObject({ retryable: true, info: { attempts: 2 } });
    expect(retries[0]!.reason).toMatch(/connection/i);
  });

  it.each<{ name: string; apiKey?: string; fault?: StubFault }>([
    { name: 'a wrong key', apiKey: 'sk-wrong' },
    { name: 'a scripted 401', fault: { status: 401 } },
    { name: 'a 400', fault: { status: 400 } },
  ])('does not retry $name', async ({ apiKey, fault }) => {
    if (fault) stub.script('embeddings', fault);
    const err = await embedder(apiKey ? { apiKey } : {}).embed(['hello']).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AiUnavailableError);
    expect((err as AiUnavailableError).retryable).toBe(false);
    expect((err as Error).message).toMatch(/not retried/);
    expect((err as Error).message).not.toContain(stub.apiKey);
    expect(stub.requests).toHaveLength(1);
  });

  it.each([{ malformed: 'body' as const }, { malformed: 'shape' as const }])('reports a malformed answer ($malformed) as AiOutputError', async (fault) => {
    stub.script('embeddings', fault);
    await expect(embedder().embed(['hello'])).rejects.toBeInstanceOf(AiOutputError);
    expect(stub.requests).toHaveLength(1);
  });

  it('asks for explicit dimensions and records them in the model name', async () => {
    const e = embedder({ dimensions: 256 });
    const [v] = await e.embed(['hello']);
    expect(v).toHaveLength(256);
    expect(stub.requests[0]!.body.dimensions).toBe(256);
    expect(e.model).toBe('openai:text-embedding-3-small:d256');
    expect(e.dimensions).toBe(256);
  });

  it('learns the dimensions of a model outside the table from the first answer', async () => {
    const small = await startOpenAiStub({ dimensions: 48 });
    try {
      const e = embedder({ baseURL: small.baseUrl, model: 'nomic-embed-text' });
      expect(e.dimensions).toBe(0);
      expect(await e.ensureDimensions()).toBe(48);
      expect(e.model).toBe('openai:nomic-embed-text');
      expect(small.requests).toHaveLength(1);
    } finally {
      await small.close();
    }
  });
});

describe('CachedEmbedder with the in-memory store', () => {
  it('sends only texts it has not seen, each once, and answers repeats with no request', async () => {
    const cached = new CachedEmbedder(embedder(), new MemoryEmbeddingStore());
    const first = await cached.embed(['alpha', 'beta', 'alpha']);
    expect(inputsOf()).toEqual([['alpha', 'beta']]);
    expect(Array.from(first[2]!)).toEqual(Array.from(first[0]!));

    const again = await cached.embed(['beta', 'alpha']);
    expect(stub.requests).toHaveLength(1);
    expect(Array.from(again[0]!)).toEqual(Array.from(first[1]!));

    await cached.embed(['beta', 'gamma']);
    expect(inputsOf()).toEqual([['alpha', 'beta'], ['gamma']]);
    expect(cached.model).toBe('openai:text-embedding-3-small');
  });

  it('evicts the least recently used entry beyond its bound', async () => {
    const store = new MemoryEmbeddingStore(2);
    const cached = new CachedEmbedder(embedder(), store);
    await cached.embed(['a', 'b']);
    await cached.embed(['a']); // a is now more recent than b
    await cached.embed(['c']); // evicts b
    expect(store.size).toBe(2);
    await cached.embed(['a', 'b']);
    expect(inputsOf()).toEqual([['a', 'b'], ['c'], ['b']]);
  });
});

describe('CachedEmbedder with the database store', () => {
  let testDb: TestDatabase;
  beforeAll(async () => {
    testDb = await openTestDatabase();
  });
  afterAll(async () => {
    await testDb.stop();
  });

  it('survives a restart: a new embedder on the same table makes zero requests and returns identical vectors', async () => {
    const db = testDb.database.db;
    const texts = ['How do I reset my password?', 'Mi pedido no ha llegado'];
    const first = await new CachedEmbedder(embedder(), new DatabaseEmbeddingStore(db)).embed(texts);
    expect(stub.requests).toHaveLength(1);

    const restarted = new CachedEmbedder(embedder(), new DatabaseEmbeddingStore(db));
    const again = await restarted.embed([...texts].reverse());
    expect(stub.requests).toHaveLength(1);
    expect(Array.from(again[0]!)).toEqual(Array.from(first[1]!));
    expect(Array.from(again[1]!)).toEqual(Array.from(first[0]!));

    const [row] = await db
      .select({ n: count() })
      .from(embeddingCache)
      .where(eq(embeddingCache.contentHash, contentHash(texts[0]!)));
    expect(row!.n).toBe(1);
  });

  it('keeps models apart: the same text under another model is embedded again', async () => {
    const db = testDb.database.db;
    await new CachedEmbedder(embedder(), new DatabaseEmbeddingStore(db)).embed(['shared text']);
    const other = new CachedEmbedder(embedder({ dimensions: 64 }), new DatabaseEmbeddingStore(db));
    const [v] = await other.embed(['shared text']);
    expect(v).toHaveLength(64);
    expect(stub.requests).toHaveLength(2);
    // and a concurrent writer storing the same entry again is harmless
    await new DatabaseEmbeddingStore(db).put(other.model, new Map([[contentHash('shared text'), v!]]));
  });
});

describe('provider selection', () => {
  const config = (env: Record<string, string | undefined>) => loadConfig(env, '/nonexistent/.env');

  it.each([
    { env: {}, kind: 'local' },
    { env: { EMBEDDING_PROVIDER: 'local', OPENAI_API_KEY: 'sk-x' }, kind: 'local' },
    { env: { OPENAI_API_KEY: 'sk-x' }, kind: 'openai:text-embedding-3-small' },
    { env: { EMBEDDING_PROVIDER: 'openai', OPENAI_API_KEY: 'sk-x', EMBEDDING_MODEL: 'text-embedding-3-large' }, kind: 'openai:text-embedding-3-large' },
  ])('$env → $kind', ({ env, kind }) => {
    const e = createEmbedder(config(env));
    if (kind === 'local') expect(e).toBeInstanceOf(LocalEmbedder);
    else {
      expect(e).toBeInstanceOf(CachedEmbedder);
      expect(e.model).toBe(kind);
    }
  });

  it('refuses EMBEDDING_PROVIDER=openai without a key with a configuration error naming both', () => {
    expect(() => createEmbedder(config({ EMBEDDING_PROVIDER: 'openai' }))).toThrow(ConfigError);
    expect(() => createEmbedder(config({ EMBEDDING_PROVIDER: 'openai' }))).toThrow(/EMBEDDING_PROVIDER.*OPENAI_API_KEY/);
  });

  it('creates a chat client only with a key', () => {
    expect(createChatClient(config({}))).toBeUndefined();
    const chat = createChatClient(config({ OPENAI_API_KEY: 'sk-x', CHAT_MODEL: 'gpt-4.1-mini' }));
    expect(chat).toBeInstanceOf(ChatClient);
    expect(chat!.model).toBe('gpt-4.1-mini');
  });

  it('wires key, base URL, model and retries from configuration through to the server', async () => {
    stub.script('embeddings', { status: 500 });
    const cfg = config({ OPENAI_API_KEY: stub.apiKey, OPENAI_BASE_URL: stub.baseUrl, OPENAI_MAX_RETRIES: '1' });
    const e = createEmbedder(cfg, { baseDelayMs: 2 });
    await e.embed(['hello', 'hello']);
    expect(inputsOf()).toEqual([['hello'], ['hello']]); // one retry, and the duplicate was sent once
    stub.script('embeddings', { status: 500 }, { status: 500 });
    await expect(e.embed(['other'])).rejects.toMatchObject({ info: { attempts: 2 } });
  });
});
