import { Hono, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { caseStatuses } from '../../db/schema/cases.js';
import { getCase, getRawMessage, listCases, listMessages, messageEvents } from '../../cases/queries.js';
import { AppError } from '../../errors.js';
import type { RawStore } from '../../mail/raw-store.js';

const listQuery = z.object({
  status: z.enum(caseStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

function parseQuery<T extends z.ZodTypeAny>(schema: T, query: Record<string, string>): z.infer<T> {
  const result = schema.safeParse(query);
  if (!result.success) throw new AppError('bad_request', result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return result.data;
}

/** Read-only views for operators until the agent app exists: cases, and messages that need a human. */
export function caseRoutes(db: Db, auth: MiddlewareHandler) {
  return new Hono()
    .use(auth)
    .get('/', async (c) => c.json({ cases: await listCases(db, parseQuery(listQuery, c.req.query())) }))
    .get('/:id', async (c) => c.json(await getCase(db, c.req.param('id'))));
}

export function messageRoutes(db: Db, auth: MiddlewareHandler, rawStore: RawStore) {
  return new Hono()
    .use(auth)
    .get('/', async (c) => {
      const q = parseQuery(listQuery.extend({ attention: z.enum(['true', 'false']).default('false') }), c.req.query());
      return c.json({ messages: await listMessages(db, { attention: q.attention === 'true', limit: q.limit }) });
    })
    .get('/:id/events', async (c) => c.json({ events: await messageEvents(db, [c.req.param('id')]) }))
    .get('/:id/raw', async (c) => {
      const raw = await getRawMessage(db, rawStore, c.req.param('id'));
      return c.body(new Uint8Array(raw), 200, { 'content-type': 'message/rfc822' });
    });
}
