// What the embedder and the chat client share: how to reach the server and how patiently to retry it.
import OpenAI from 'openai';
import { defaultRetryTiming, type RetryEvent, type RetryPolicy } from './retry.js';

export interface OpenAiConnection {
  apiKey: string;
  /** default https://api.openai.com/v1; passed explicitly so the SDK never reads process.env */
  baseURL?: string;
  timeoutMs?: number;
  /** retries after the first attempt (OPENAI_MAX_RETRIES) */
  maxRetries?: number;
  baseDelayMs?: number;
  maxDelayMs?: number;
  onRetry?: (event: RetryEvent) => void;
}

export const defaultBaseUrl = 'https://api.openai.com/v1';

export function openAiClient(c: OpenAiConnection): OpenAI {
  // maxRetries 0: the SDK would retry silently; ours (retry.ts) is bounded, logged and tested.
  return new OpenAI({ apiKey: c.apiKey, baseURL: c.baseURL ?? defaultBaseUrl, timeout: c.timeoutMs ?? 20_000, maxRetries: 0 });
}

export function retryPolicyOf(c: OpenAiConnection): RetryPolicy {
  return {
    maxRetries: c.maxRetries ?? 4,
    baseDelayMs: c.baseDelayMs ?? defaultRetryTiming.baseDelayMs,
    maxDelayMs: c.maxDelayMs ?? defaultRetryTiming.maxDelayMs,
    onRetry: c.onRetry,
  };
}
