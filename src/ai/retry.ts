// Our own retry loop around OpenAI calls (the SDK's is switched off with maxRetries: 0) so every retry is
// visible through onRetry, bounded by OPENAI_MAX_RETRIES, and ends in a typed error a caller can act on.
import { setTimeout as sleep } from 'node:timers/promises';
import { APIConnectionError, APIConnectionTimeoutError, APIError, APIUserAbortError } from 'openai';
import { AppError } from '../errors.js';
import { AiOutputError, AiUnavailableError } from './errors.js';

export interface RetryEvent {
  operation: string;
  /** the attempt that failed, 1-based */
  attempt: number;
  delayMs: number;
  reason: string;
  status?: number;
}

export interface RetryPolicy {
  /** retries after the first attempt (OPENAI_MAX_RETRIES) */
  maxRetries: number;
  /** first backoff; doubles per retry. A few ms in tests. */
  baseDelayMs: number;
  /** no single wait is longer; a Retry-After beyond it ends the loop at once (the caller reschedules instead) */
  maxDelayMs: number;
  onRetry?: (event: RetryEvent) => void;
  random?: () => number;
}

export const defaultRetryTiming = { baseDelayMs: 500, maxDelayMs: 30_000 } as const;

interface Failure {
  retryable: boolean;
  reason: string;
  status?: number;
  retryAfterMs?: number;
}

/** 408/409/429/5xx, timeouts and connection errors can pass; anything else (401, 400, 404) will fail again. */
export function classifyFailure(err: unknown): Failure | undefined {
  if (err instanceof APIConnectionTimeoutError) return { retryable: true, reason: 'the request timed out' };
  if (err instanceof APIConnectionError) {
    const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
    return { retryable: true, reason: `connection failed${cause}` };
  }
  if (err instanceof APIError && err.status !== undefined) {
    const status = err.status;
    const retryable = status === 408 || status === 409 || status === 429 || status >= 500;
    return { retryable, status, reason: err.message, retryAfterMs: retryAfterMs(err.headers) };
  }
  return undefined;
}

/** `retry-after-ms` (OpenAI's own), then standard `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/** Exponential with "equal jitter": half fixed, half random, so parallel clients spread out but never retry at once. */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfter?: number): number | undefined {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** retry);
  const jittered = exp / 2 + (policy.random ?? Math.random)() * (exp / 2);
  if (retryAfter === undefined) return jittered;
  return retryAfter > policy.maxDelayMs ? undefined : Math.max(retryAfter, jittered);
}

export async function withRetries<T>(operation: string, policy: RetryPolicy, attempt: () => Promise<T>): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (err) {
      // Our own typed errors and a caller's abort are final.
      if (err instanceof AppError || err instanceof APIUserAbortError) throw err;
      if (err instanceof SyntaxError) throw new AiOutputError(`${operation}: the server answered with a body that is not JSON`, { cause: err.message });
      const failure = classifyFailure(err);
      if (!failure) throw err;
      const attempts = retry + 1;
      const info = { status: failure.status, attempts, retryAfterMs: failure.retryAfterMs, cause: err };
      if (!failure.retryable) {
        throw new AiUnavailableError(`${operation} failed: ${failure.reason} (not retried)`, { ...info, retryable: false });
      }
      if (retry >= policy.maxRetries) {
        throw new AiUnavailableError(`${operation} failed after ${attempts} attempts: ${failure.reason}`, { ...info, retryable: true });
      }
      const delayMs = backoffDelay(retry, policy, failure.retryAfterMs);
      if (delayMs === undefined) {
        throw new AiUnavailableError(
          `${operation} failed: ${failure.reason}; the server asks to wait ${Math.round(failure.retryAfterMs! / 1000)} s`,
          { ...info, retryable: true },
        );
      }
      policy.onRetry?.({ operation, attempt: attempts, delayMs, reason: failure.reason, status: failure.status });
      await sleep(delayMs);
    }
  }
}
