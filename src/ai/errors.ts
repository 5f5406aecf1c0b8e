// Typed failures of the AI provider, mapped by the API's one error mapping like every AppError.
import { AppError } from '../errors.js';

/**
 * The provider could not be reached or refused the request. `retryable` says whether trying again later can help:
 * true for rate limits, 5xx, timeouts and connection errors once our own retries are spent; false for a wrong key
 * (401/403) or a request the provider rejects (400/404), which need an operator, not patience.
 */
export class AiUnavailableError extends AppError {
  constructor(
    message: string,
    readonly info: { retryable: boolean; status?: number; attempts: number; retryAfterMs?: number; cause?: unknown },
  ) {
    super('unavailable', message, info.retryable, {
      status: info.status,
      attempts: info.attempts,
      retryAfterMs: info.retryAfterMs,
    });
    this.name = 'AiUnavailableError';
    if (info.cause !== undefined) this.cause = info.cause;
  }

  get status(): number | undefined {
    return this.info.status;
  }
}

/** The provider answered, but not with what we asked for (not JSON, wrong shape, failed the schema after a repair). */
export class AiOutputError extends AppError {
  constructor(message: string, details?: Record<string, unknown>) {
    super('internal', message, false, details);
    this.name = 'AiOutputError';
  }
}
