import type { Context } from 'hono';
import { AppError } from '../errors.js';

/** The request body as parsed JSON (validated afterwards by the use case's zod schema); empty means {} when optional. */
export async function jsonBody(c: Context, optional = false): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim() && optional) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'the request body must be JSON');
  }
}
