// Embeddings from OpenAI or any OpenAI-compatible server (vLLM, Ollama, LiteLLM, Azure behind a proxy).
import type OpenAI from 'openai';
import { z } from 'zod';
import type { Embedder } from './embedder.js';
import { AiOutputError } from './errors.js';
import { openAiClient, retryPolicyOf, type OpenAiConnection } from './openai-connection.js';
import { withRetries, type RetryPolicy } from './retry.js';

/** Native sizes, so `dimensions` is right before the first call. Other models learn it from the first answer. */
export const knownEmbeddingDimensions: Record<string, number> = {
  'text-embedding-3-small': 1536,
  'text-embedding-3-large': 3072,
  'text-embedding-ada-002': 1536,
};

// OpenAI's limits are 2048 inputs and 300k tokens per request, 8191 tokens per input; we stay below them
// because our token count is an estimate.
export const embeddingLimits = { maxBatchInputs: 2048, maxBatchTokens: 250_000, maxInputTokens: 8000 } as const;

export interface OpenAiEmbedderOptions extends OpenAiConnection {
  model: string;
  /** ask the API for shorter vectors (text-embedding-3 only); part of `model` since the vectors differ */
  dimensions?: number;
  maxBatchInputs?: number;
  maxBatchTokens?: number;
  maxInputTokens?: number;
}

/**
 * Estimated tokens without a tokenizer: English-like text runs about 3-4 characters per token, so ASCII counts
 * a third; other scripts (CJK above all) are close to one token per character, so they count one each. Erring
 * high only makes batches smaller; erring low makes the API reject a whole batch.
 */
export function estimateTokens(text: string): number {
  let ascii = 0;
  let other = 0;
  for (const ch of text) ch.charCodeAt(0) < 128 ? ascii++ : other++;
  return Math.ceil(ascii / 3) + other;
}

/** Keeps the head of an over-long text (what a customer writes first matters most), cut on a code point. */
export function truncateToTokens(text: string, maxTokens: number): string {
  if (estimateTokens(text) <= maxTokens) return text;
  let ascii = 0;
  let other = 0;
  let end = 0;
  for (const ch of text) {
    ch.charCodeAt(0) < 128 ? ascii++ : other++;
    if (Math.ceil(ascii / 3) + other > maxTokens) break;
    end += ch.length;
  }
  return text.slice(0, end);
}

/** Consecutive batches within both limits, in input order. A text is never split across batches. */
export function planBatches(texts: string[], limits: { maxBatchInputs: number; maxBatchTokens: number }): string[][] {
  const batches: string[][] = [];
  let current: string[] = [];
  let tokens = 0;
  for (const text of texts) {
    const cost = estimateTokens(text);
    if (current.length > 0 && (current.length >= limits.maxBatchInputs || tokens + cost > limits.maxBatchTokens)) {
      batches.push(current);
      current = [];
      tokens = 0;
    }
    current.push(text);
    tokens += cost;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

const embeddingResponse = z.object({
  data: z.array(z.object({ index: z.number().int().nonnegative(), embedding: z.array(z.number()).min(1) })),
});

export class OpenAiEmbedder implements Embedder {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly policy: RetryPolicy;
  private readonly apiModel: string;
  private readonly requestedDimensions?: number;
  private learnedDimensions?: number;

  constructor(private readonly opts: OpenAiEmbedderOptions) {
    this.apiModel = opts.model;
    this.requestedDimensions = opts.dimensions;
    const shortened = opts.dimensions !== undefined && opts.dimensions !== knownEmbeddingDimensions[opts.model];
    this.model = `openai:${opts.model}${shortened ? `:d${opts.dimensions}` : ''}`;
    this.client = openAiClient(opts);
    this.policy = retryPolicyOf(opts);
  }

  /** 0 only for a model outside the table before the first call; ensureDimensions() settles it. */
  get dimensions(): number {
    return this.requestedDimensions ?? this.learnedDimensions ?? knownEmbeddingDimensions[this.apiModel] ?? 0;
  }

  async ensureDimensions(): Promise<number> {
    if (this.dimensions === 0) await this.embed(['dimension probe']);
    return this.dimensions;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const maxInputTokens = this.opts.maxInputTokens ?? embeddingLimits.maxInputTokens;
    // The API rejects empty strings; a single space embeds as "nothing said".
    const prepared = texts.map((t) => truncateToTokens(t, maxInputTokens) || ' ');
    const batches = planBatches(prepared, {
      maxBatchInputs: this.opts.maxBatchInputs ?? embeddingLimits.maxBatchInputs,
      maxBatchTokens: this.opts.maxBatchTokens ?? embeddingLimits.maxBatchTokens,
    });
    const vectors: Float32Array[] = [];
    // One batch at a time: parallel requests would only meet the rate limit sooner.
    for (const batch of batches) vectors.push(...(await this.embedBatch(batch)));
    return vectors;
  }

  private async embedBatch(input: string[]): Promise<Float32Array[]> {
    const response = await withRetries('OpenAI embeddings', this.policy, () =>
      this.client.embeddings.create({
        model: this.apiModel,
        input,
        // Floats, not the SDK's default base64: several OpenAI-compatible servers ignore encoding_format.
        encoding_format: 'float',
        ...(this.requestedDimensions !== undefined ? { dimensions: this.requestedDimensions } : {}),
      }),
    );
    return this.checkVectors(response, input.length);
  }

  /** Exactly one vector per input, all of one length, the length we expect; then L2-normalised. */
  private checkVectors(response: unknown, count: number): Float32Array[] {
    const parsed = embeddingResponse.safeParse(response);
    if (!parsed.success) throw new AiOutputError('OpenAI embeddings: the answer is not an embeddings list', { issues: parsed.error.issues.slice(0, 3) });
    const byIndex = new Map(parsed.data.data.map((d) => [d.index, d.embedding]));
    if (parsed.data.data.length !== count || byIndex.size !== count || ![...byIndex.keys()].every((i) => i < count)) {
      throw new AiOutputError(`OpenAI embeddings: expected ${count} vectors, got ${parsed.data.data.length}`);
    }
    const length = byIndex.get(0)!.length;
    const expected = this.requestedDimensions ?? this.learnedDimensions ?? length;
    const vectors = Array.from({ length: count }, (_, i) => byIndex.get(i)!);
    if (vectors.some((v) => v.length !== expected)) {
      throw new AiOutputError(`OpenAI embeddings: expected vectors of ${expected} dimensions, got ${vectors.find((v) => v.length !== expected)!.length}`);
    }
    // The first answer is the truth about this server's model, even when the table guessed differently.
    this.learnedDimensions = expected;
    return vectors.map(normalise);
  }
}

function normalise(values: number[]): Float32Array {
  const v = Float32Array.from(values);
  let sum = 0;
  for (const x of v) sum += x * x;
  if (sum > 0) {
    const inv = 1 / Math.sqrt(sum);
    for (let i = 0; i < v.length; i++) v[i]! *= inv;
  }
  return v;
}
