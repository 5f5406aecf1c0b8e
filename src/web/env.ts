import type { Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Role } from '../db/schema/auth.js';
import type { Principal } from '../auth/tokens.js';

/** Who is looking at a page, and the CSRF token their forms carry. */
export interface Viewer { id: string; name: string; email: string; role: Role; csrf: string }

export type WebEnv = { Variables: { viewer: Viewer; principal?: Principal } };

/** Pages hold personal data: never cached, by the browser or anything in between. */
export function render(c: Context, page: Child, status: 200 | 400 | 401 | 403 | 404 | 409 | 410 | 413 | 429 | 500 = 200) {
  c.header('cache-control', 'no-store');
  return c.html(html`<!doctype html>${page}`, status);
}

/** Form fields as strings (files and repeated fields handled by the callers that expect them). */
export type Form = Record<string, string | File | (string | File)[]>;

export async function formOf(c: Context): Promise<Form> {
  return (await c.req.parseBody({ all: true })) as Form;
}

export function field(form: Form, name: string): string {
  const value = form[name];
  const first = Array.isArray(value) ? value[0] : value;
  return typeof first === 'string' ? first : '';
}

export function files(form: Form, name: string): File[] {
  const value = form[name];
  return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter((v): v is File => typeof v !== 'string' && v.size > 0);
}

/** Field names of a validation error (zod paths like "tags.2" become "tags"), with their messages. */
export function fieldErrors(details: Record<string, unknown> | undefined): Record<string, string> {
  const fields = (details?.fields ?? {}) as Record<string, string>;
  const out: Record<string, string> = {};
  for (const [path, message] of Object.entries(fields)) out[path.split('.')[0]!] ??= message;
  return out;
}
