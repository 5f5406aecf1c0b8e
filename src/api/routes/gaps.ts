import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { ChatClient } from '../../ai/chat.js';
import type { Embedder } from '../../ai/embedder.js';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { acceptGap, acceptGapSchema, dismissGap, mergeGap, mergeGapSchema } from '../../insight/gaps/decisions.js';
import { listGaps, listGapsSchema } from '../../insight/gaps/list.js';
import { recomputeGaps } from '../../insight/gaps/recompute.js';
import { parseInput } from '../../validation.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import type { Logger } from '../../logger.js';
import { principalOf, requireRole, type AuthEnv } from '../principal.js';

const idParam = z.coerce.number().int().positive();

async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError('bad_request', 'the request body must be JSON');
  }
}

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
  const manage = requireRole('admin', 'knowledge_manager');
  const who = (c: Context<AuthEnv>) => ({ by: principalOf(c).name });
  const id = (c: Context) => parseInput(idParam, c.req.param('id'));

  return new Hono<AuthEnv>()
    .use(authenticate)
    .get('/', manage, async (c) => {
      const query = parseInput(listGapsSchema, c.req.query());
      return c.json({ gaps: await listGaps(db, query) });
    })
    .post('/recompute', manage, async (c) =>
      c.json(await recomputeGaps(db, embedder, { chat: opts.chat, log: opts.log, assignThreshold: opts.assignThreshold })))
    .post('/:id/accept', manage, async (c) => {
      const input = parseInput(acceptGapSchema, await jsonBody(c));
      return c.json(await acceptGap(db, id(c), input, who(c)), 201);
    })
    .post('/:id/merge', manage, async (c) => {
      const input = parseInput(mergeGapSchema, await jsonBody(c));
      const result = await mergeGap(db, id(c), input.articleId, { ...who(c), examples: input.examples });
      opts.knowledge?.requestRefresh();
      return c.json(result);
    })
    .post('/:id/dismiss', manage, async (c) => c.json({ gap: await dismissGap(db, id(c), who(c)) }));
}
