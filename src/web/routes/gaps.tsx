// /app/kb/gaps: the knowledge-gap report and the knowledge manager's answers to it. "Write this article" is the
// editor's (/app/kb/new?gap=ID, src/web/routes/kb.tsx); merge and dismiss are here. Handlers call the use cases
// the API calls (src/insight/gaps/).
import { Hono } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { gapStatuses } from '../../db/schema/gaps.js';
import { AppError } from '../../errors.js';
import { dismissGap, mergeGap } from '../../insight/gaps/decisions.js';
import { listGaps } from '../../insight/gaps/list.js';
import { gapDraft, mergeTargets } from '../../insight/gaps/write-article.js';
import { parseInput } from '../../validation.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { field, formOf, render, type WebEnv } from '../env.js';
import { GapMergePage } from '../pages/gap-merge.js';
import { GapsPage } from '../pages/gaps.js';
import { articleHref } from '../pages/kb-article.js';
import { allow } from './guards.js';
import { who } from './kb.js';

/** Topics listed per status (largest first). */
const LISTED = 50;
const gapId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const statusQuery = z.enum(gapStatuses).catch('open');

export function gapPageRoutes(db: Db, knowledge?: Pick<KnowledgeBase, 'requestRefresh'>) {
  return new Hono<WebEnv>()
    .use('*', allow('gaps'))
    .get('/', async (c) => {
      const status = statusQuery.parse(c.req.query('status'));
      const gaps = await listGaps(db, { status, limit: LISTED });
      return render(c, <GapsPage viewer={c.get('viewer')} gaps={gaps} status={status} notice={c.req.query('done')} />);
    })
    .get('/:id/merge', async (c) => {
      const gap = await gapDraft(db, parseInput(gapId, c.req.param('id')));
      if (gap.status !== 'open') throw new AppError('conflict', `knowledge gap ${gap.id} is already ${gap.status}`);
      return render(c, <GapMergePage viewer={c.get('viewer')} gap={gap} articles={await mergeTargets(db, gap.closest?.articleId ?? null)} />);
    })
    .post('/:id/merge', async (c) => {
      const id = parseInput(gapId, c.req.param('id'));
      const articleId = field(await formOf(c), 'articleId');
      try {
        await mergeGap(db, id, articleId, who(c));
      } catch (err) {
        // the article went meanwhile (or none was chosen): the choice again, with why; a missing gap is a 404 page
        if (!(err instanceof AppError) || err.code !== 'not_found' || !err.message.startsWith('no article')) throw err;
        const gap = await gapDraft(db, id);
        return render(c, <GapMergePage viewer={c.get('viewer')} gap={gap} articles={await mergeTargets(db, gap.closest?.articleId ?? null)} error={err.message} />, 400);
      }
      // the article's new examples are indexed in the background, as after the editor's saves
      knowledge?.requestRefresh();
      return c.redirect(articleHref(articleId, '?done=gap-merged'), 303);
    })
    .post('/:id/dismiss', async (c) => {
      await dismissGap(db, parseInput(gapId, c.req.param('id')), who(c));
      return c.redirect('/app/kb/gaps?done=gap-dismissed', 303);
    });
}
