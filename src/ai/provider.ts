// Picks the AI provider from configuration: OpenAI-compatible when a key is set, the offline local embedder
// otherwise. Chat has no offline stand-in, so without a key there is none and callers skip drafting.
import { ConfigError, type Config } from '../config.js';
import type { Queryable } from '../db/client.js';
import { CachedEmbedder, DatabaseEmbeddingStore, MemoryEmbeddingStore } from './cached-embedder.js';
import { ChatClient } from './chat.js';
import type { Embedder } from './embedder.js';
import { LocalEmbedder } from './local-embedder.js';
import type { OpenAiConnection } from './openai-connection.js';
import { OpenAiEmbedder } from './openai-embedder.js';
import type { RetryEvent } from './retry.js';

type AiConfig = Pick<
  Config,
  'EMBEDDING_PROVIDER' | 'OPENAI_API_KEY' | 'OPENAI_BASE_URL' | 'OPENAI_TIMEOUT_MS' | 'OPENAI_MAX_RETRIES' | 'EMBEDDING_MODEL' | 'CHAT_MODEL'
>;

export interface ProviderDeps {
  /** keeps OpenAI embeddings in embedding_cache (shared, survives restarts); without it an in-memory LRU */
  db?: Queryable;
  /** e.g. (e) => logger.warn(e, 'AI request retried') */
  onRetry?: (event: RetryEvent) => void;
  /** first backoff; tests shorten it */
  baseDelayMs?: number;
}

export function embeddingProvider(config: AiConfig): 'local' | 'openai' {
  if (config.EMBEDDING_PROVIDER !== 'auto') return config.EMBEDDING_PROVIDER;
  return config.OPENAI_API_KEY ? 'openai' : 'local';
}

export function createEmbedder(config: AiConfig, deps: ProviderDeps = {}): Embedder {
  if (embeddingProvider(config) === 'local') return new LocalEmbedder();
  if (!config.OPENAI_API_KEY) {
    // Same form as loadConfig's messages, so the CLI prints it and exits with 78.
    throw new ConfigError('Invalid configuration:\n  EMBEDDING_PROVIDER: openai needs OPENAI_API_KEY (got nothing)');
  }
  const embedder = new OpenAiEmbedder({ ...connection(config, deps), model: config.EMBEDDING_MODEL });
  return new CachedEmbedder(embedder, deps.db ? new DatabaseEmbeddingStore(deps.db) : new MemoryEmbeddingStore());
}

export function createChatClient(config: AiConfig, deps: ProviderDeps = {}): ChatClient | undefined {
  if (!config.OPENAI_API_KEY) return undefined;
  return new ChatClient({ ...connection(config, deps), model: config.CHAT_MODEL });
}

function connection(config: AiConfig, deps: ProviderDeps): OpenAiConnection {
  return {
    apiKey: config.OPENAI_API_KEY!,
    baseURL: config.OPENAI_BASE_URL,
    timeoutMs: config.OPENAI_TIMEOUT_MS,
    maxRetries: config.OPENAI_MAX_RETRIES,
    baseDelayMs: deps.baseDelayMs,
    onRetry: deps.onRetry,
  };
}
