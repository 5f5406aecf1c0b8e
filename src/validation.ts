import type { z } from 'zod';
import { AppError } from './errors.js';

/** Validates or throws bad_request naming every offending field, e.g. "url: expected an http:// or https:// URL". */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown): z.infer<T> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const fields: Record<string, string> = {};
  for (const issue of result.error.issues) fields[issue.path.join('.') || '(body)'] ??= issue.message;
  const message = Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('; ');
  throw new AppError('bad_request', message, false, { fields });
}
