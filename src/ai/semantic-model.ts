// Whether and how a process gets the English sentence encoder. It is an extra signal, never a requirement: when
// it cannot load, the caller gets undefined (after one warning) and matching carries on with the hashed embedder.
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { CachedEmbedder, type EmbeddingStore, MemoryEmbeddingStore } from './cached-embedder.js';
import type { Embedder } from './embedder.js';
import { embeddingProvider } from './provider.js';
import { SentenceEncoder, type SentenceEncoderOptions, unavailableMessage } from './sentence-encoder.js';

export interface ClosableEmbedder extends Embedder {
  close(): Promise<void>;
}

/** 'auto': on with the local provider only; an OpenAI-compatible provider already gives semantic vectors. */
export function semanticModelEnabled(config: Pick<Config, 'SEMANTIC_MODEL'> & Parameters<typeof embeddingProvider>[0]): boolean {
  return config.SEMANTIC_MODEL !== 'off' && embeddingProvider(config) === 'local';
}

export interface CreateSentenceEncoderOptions extends Omit<SentenceEncoderOptions, 'log'> {
  /** where vectors are kept by content hash; default an in-process LRU of 10,000 (about 20 MB) */
  store?: EmbeddingStore;
}

/**
 * Loads the model now (in its worker) and checks it embeds, so a broken install shows at start, not on the first
 * email. Never throws: on failure it logs one warning and returns undefined. close() stops the worker.
 */
export async function createSentenceEncoder(
  log: Pick<Logger, 'warn'>,
  opts: CreateSentenceEncoderOptions = {},
): Promise<ClosableEmbedder | undefined> {
  const encoder = new SentenceEncoder({ ...opts, log });
  try {
    // Also warms the model up: its first run costs several times a later one.
    await encoder.embed(['Hello, I have a question about my order.']);
  } catch (err) {
    // A load failure or crash was reported by the encoder itself; an error answer for the probe was not.
    if (!encoder.unavailable) log.warn({ err }, unavailableMessage);
    await encoder.close();
    return undefined;
  }
  const cached = new CachedEmbedder(encoder, opts.store ?? new MemoryEmbeddingStore(10_000));
  return Object.assign(cached, { close: () => encoder.close() });
}
