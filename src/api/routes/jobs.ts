import type { MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { listDeadLetters, retryDeadLetter } from '../../jobs/dead-letters.js';
import { listLeases } from '../../jobs/leases.js';
import type { JobQueue } from '../../jobs/queue.js';
import { principalOf, type AuthEnv } from '../principal.js';
import { apiRoutes } from '../route-registry.js';

const idParams = z.object({ id: z.string().uuid() });
const listQuery = z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) });

/**
 * The job queue for admins:
 *   GET  /                          queued, active and dead-lettered pipeline jobs, and who holds which lease
 *   GET  /dead-letters              messages whose processing failed on every attempt, newest first
 *   POST /dead-letters/:id/retry    put one back in the queue (attempts reset), audited
 */
export function jobRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, queue: JobQueue) {
  return apiRoutes({ authenticate, access: { roles: ['admin'] } })
    .route({ method: 'get', path: '/', summary: 'Queued, active and dead-lettered pipeline jobs, and the leases', responses: { 200: { description: '{ pipeline, leases }' } } },
      async (c) => c.json({ pipeline: await queue.counts(), leases: await listLeases(db) }))
    .route({ method: 'get', path: '/dead-letters', summary: 'Messages whose processing failed on every attempt, newest first', query: listQuery, responses: { 200: { description: '{ deadLetters }' } } },
      async (c, { query: { limit } }) => c.json({ deadLetters: await listDeadLetters(db, queue, limit) }))
    .route({ method: 'post', path: '/dead-letters/:id/retry', summary: 'Put a dead letter back in the queue (attempts reset), audited', params: idParams, responses: { 202: { description: '{ requeued: messageId }' } } }, async (c, { params: { id } }) => {
      const messageId = await retryDeadLetter({ db, queue, actor: principalOf(c) }, id);
      if (!messageId) throw new AppError('not_found', `no dead letter ${id}`);
      return c.json({ requeued: messageId }, 202);
    })
    .hono;
}
