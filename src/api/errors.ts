import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { AppError, errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

/** The one place that maps errors to HTTP: { error: { code, message, retryable, requestId } }. */
export function errorResponse(err: unknown, c: Context, log: Logger): Response {
  const requestId = c.get('requestId' as never) as string | undefined;
  let appError: AppError;
  if (err instanceof AppError) appError = err;
  else if (err instanceof HTTPException && err.status === 413) appError = new AppError('payload_too_large', 'the request body is too large');
  else if (err instanceof HTTPException) appError = new AppError(err.status === 401 ? 'unauthorized' : 'bad_request', err.message);
  else {
    log.error({ err: errorMessage(err), requestId }, 'unexpected error in a request');
    appError = new AppError('internal', 'something went wrong on our side', true);
  }
  return c.json(
    { error: { code: appError.code, message: appError.message, retryable: appError.retryable, requestId } },
    appError.httpStatus as ContentfulStatusCode,
  );
}
