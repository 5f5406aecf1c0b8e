import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { caseStatuses } from '../../db/schema/cases.js';
import { getCase, getRawMessage, listCases, listMessages, messageEvents } from '../../cases/queries.js';
import type { RawStore } from '../../mail/raw-store.js';
import type { AuthEnv } from '../principal.js';
import { apiRoutes } from '../route-registry.js';

const operators = { roles: ['admin', 'agent'] } as const;
const listQuery = z.object({
  status: z.enum(caseStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const messageQuery = listQuery.extend({ attention: z.enum(['true', 'false']).default('false') });

/** Read-only views for operators until the agent app exists: cases, and messages that need a human. */
export function caseRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>) {
  return apiRoutes({ authenticate, access: operators, guardAll: true })
    .route({ method: 'get', path: '/', summary: 'List cases, newest first', query: listQuery, responses: { 200: { description: '{ cases }' } } },
      async (c, { query }) => c.json({ cases: await listCases(db, query) }))
    .route({ method: 'get', path: '/:id', summary: 'One case with its messages', responses: { 200: { description: 'the case' } } },
      async (c) => c.json(await getCase(db, c.req.param('id')!)))
    .hono;
}

export function messageRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, rawStore: RawStore) {
  return apiRoutes({ authenticate, access: operators, guardAll: true })
    .route({ method: 'get', path: '/', summary: 'List inbound messages; attention=true: those that need a human', query: messageQuery, responses: { 200: { description: '{ messages }' } } },
      async (c, { query }) => c.json({ messages: await listMessages(db, { attention: query.attention === 'true', limit: query.limit }) }))
    .route({ method: 'get', path: '/:id/events', summary: "A message's processing events", responses: { 200: { description: '{ events }' } } },
      async (c) => c.json({ events: await messageEvents(db, [c.req.param('id')!]) }))
    .route({ method: 'get', path: '/:id/raw', summary: 'The message as received (RFC 822)', responses: { 200: { description: 'the raw message', contentType: 'message/rfc822' } } },
      async (c) => {
        const raw = await getRawMessage(db, rawStore, c.req.param('id')!);
        return c.body(new Uint8Array(raw), 200, { 'content-type': 'message/rfc822' });
      })
    .hono;
}
