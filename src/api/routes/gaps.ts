import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ChatClient } from '../../ai/chat.js';
import type { Embedder } from '../../ai/embedder.js';
import type { Db } from '../../db/client.js';
import { acceptGap, acceptGapSchema, dismissGap, mergeGap, mergeGapSchema } from '../../insight/gaps/decisions.js';
import { listGaps, listGapsSchema } from '../../insight/gaps/list.js';
import { recomputeGaps } from '../../insight/gaps/recompute.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import type { Logger } from '../../logger.js';
import { principalOf, type AuthEnv } from '../principal.js';
import { apiRoutes } from '../route-registry.js';

const idParams = z.object({ id: z.coerce.number().int().positive() });

export interface GapRouteOptions {
  /** refreshed after a merge changed an article's examples */
  knowledge?: KnowledgeBase;
  /** drafts suggested bodies on recompute when configured */
  chat?: ChatClient;
  log?: Logger;
  assignThreshold?: number;
}

/**
 * The knowledge-gap report, for knowledge managers (and admins). Mount at /api/kb/gaps:
 *   GET  /                 ?status=open|accepted|merged|dismissed&limit=20&minSize=1
 *   POST /recompute        re-cluster the open questions now
 *   POST /:id/accept       {title?, body?, examples?, language?, articleId?} -> a draft article (201)
 *   POST /:id/merge        {articleId, examples?} -> the examples added to that article (a new version)
 *   POST /:id/dismiss
 */
export function gapRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, embedder: Embedder, opts: GapRouteOptions = {}) {
  const who = (c: Context<AuthEnv>) => ({ by: principalOf(c).name });
  return apiRoutes({ authenticate, access: { roles: ['admin', 'knowledge_manager'] } })
    .route({ method: 'get', path: '/', summary: 'The knowledge gaps: clusters of questions no article answered', query: listGapsSchema, responses: { 200: { description: '{ gaps }' } } },
      async (c, { query }) => c.json({ gaps: await listGaps(db, query) }))
    .route({ method: 'post', path: '/recompute', summary: 'Re-cluster the open questions now', responses: { 200: { description: 'what was clustered' } } },
      async (c) => c.json(await recomputeGaps(db, embedder, { chat: opts.chat, log: opts.log, assignThreshold: opts.assignThreshold })))
    .route({ method: 'post', path: '/:id/accept', summary: 'Turn a gap into a draft article', params: idParams, body: acceptGapSchema, bodyOptional: true, responses: { 201: { description: '{ gap, article }' } } },
      async (c, { params, body }) => c.json(await acceptGap(db, params.id, body, who(c)), 201))
    .route({ method: 'post', path: '/:id/merge', summary: "Add a gap's questions to an article as examples", params: idParams, body: mergeGapSchema, bodyOptional: true, responses: { 200: { description: '{ gap, article, added }' } } },
      async (c, { params, body }) => {
        const result = await mergeGap(db, params.id, body.articleId, { ...who(c), examples: body.examples });
        opts.knowledge?.requestRefresh();
        return c.json(result);
      })
    .route({ method: 'post', path: '/:id/dismiss', summary: 'Dismiss a gap', params: idParams, responses: { 200: { description: '{ gap }' } } },
      async (c, { params }) => c.json({ gap: await dismissGap(db, params.id, who(c)) }))
    .hono;
}
