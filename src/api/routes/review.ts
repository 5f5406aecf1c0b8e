import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { caseStatuses, casePriorities } from '../../db/schema/cases.js';
import { parseInput } from '../../validation.js';
import { mergeCase } from '../../review/merge-cases.js';
import type { Review } from '../../review/actions.js';
import { bulkInput, bulkUpdate } from '../../inbox/bulk.js';
import { parseSearch } from '../../inbox/search-term.js';
import { searchCondition } from '../../inbox/search.js';
import { autoSendReport, caseDetail, nextUnclaimed, reviewQueue } from '../../review/inbox.js';
import { principalOf, type AuthEnv } from '../principal.js';
import { jsonBody } from '../json-body.js';

const queueQuery = z.object({
  mailbox: z.coerce.number().int().optional(),
  status: z.string().optional().transform((v) => (v ? v.split(',') : undefined)).pipe(z.array(z.enum(caseStatuses)).optional()),
  priority: z.enum(casePriorities).optional(),
  category: z.string().max(100).optional(),
  language: z.string().max(10).optional(),
  assignee: z.string().max(200).optional(),
  q: z.string().max(400).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});
const editInput = z.object({ body: z.string().min(1).max(100_000), citations: z.array(z.string()).optional() });
const approveInput = z.object({ body: z.string().min(1).max(100_000).optional() });
const reasonInput = z.object({ reason: z.string().trim().min(1).max(2000) });
const escalateInput = reasonInput.extend({ team: z.string().max(100).optional() });
const labelInput = z.object({ articleId: z.string().trim().min(1).max(100).nullable() });
const mergeInput = z.object({ into: z.string().trim().min(1).max(64) });
const triageInput = z.object({ priority: z.enum(casePriorities).optional(), category: z.string().max(100).nullable().optional() });

/** The review loop for agents: the queue, one case, and the actions on it. Thin: Review does the work. */
export function reviewRoutes(db: Db, auth: MiddlewareHandler<AuthEnv>, review: Review) {
  const who = (c: Context<AuthEnv>) => principalOf(c);
  const id = (c: Context<AuthEnv>) => c.req.param('id')!;
  return new Hono<AuthEnv>()
    .use(auth)
    .get('/queue', async (c) => {
      const filter = parseInput(queueQuery, c.req.query());
      const search = parseSearch(filter.q);
      const queue = await reviewQueue(db, { ...filter, mailboxId: filter.mailbox, where: search ? searchCondition(search) : undefined });
      return c.json({ cases: queue, next: await nextUnclaimed(db, { ...filter, mailboxId: filter.mailbox }, new Date()) });
    })
    // Claims the next case in queue order: the default way to pick work.
    .post('/next', async (c) => {
      const next = await nextUnclaimed(db, {}, new Date());
      if (!next) return c.json({ case: null });
      return c.json({ case: await review.claim(next, who(c)) });
    })
    // Assign, set priority or resolve many cases in one transaction; each as the single-case action would (audit row,
    // claim check). Answers which changed and which were skipped, with the reason.
    .post('/bulk', async (c) => c.json(await bulkUpdate(review, who(c), parseInput(bulkInput, await jsonBody(c)))))
    .get('/auto-send-report', async (c) => c.json(await autoSendReport(db, parseInput(queueQuery, c.req.query()).mailbox)))
    .get('/cases/:id', async (c) => c.json(await caseDetail(db, id(c))))
    .post('/cases/:id/claim', async (c) => c.json(await review.claim(id(c), who(c))))
    .post('/cases/:id/release', async (c) => c.json(await review.release(id(c), who(c))))
    .put('/cases/:id/draft', async (c) => c.json(await review.editDraft(id(c), who(c), parseInput(editInput, await jsonBody(c)))))
    .post('/cases/:id/approve', async (c) => c.json(await review.approve(id(c), who(c), parseInput(approveInput, await jsonBody(c, true)))))
    .post('/cases/:id/reject', async (c) => c.json(await review.reject(id(c), who(c), parseInput(reasonInput, await jsonBody(c)))))
    .post('/cases/:id/escalate', async (c) => c.json(await review.escalate(id(c), who(c), parseInput(escalateInput, await jsonBody(c)))))
    .post('/cases/:id/resolve', async (c) => c.json(await review.resolve(id(c), who(c))))
    .post('/cases/:id/reopen', async (c) => c.json(await review.reopen(id(c), who(c))))
    // "The right article is X" (it becomes an example of X) or, with null, "no article answers this".
    .post('/cases/:id/label', async (c) => c.json(await review.labelQuestion(id(c), who(c), parseInput(labelInput, await jsonBody(c)))))
    .post('/cases/:id/triage', async (c) => c.json(await review.triage(id(c), who(c), parseInput(triageInput, await jsonBody(c)))))
    // The case's messages, drafts, notes and owed deadlines move into `into` (an id or reference); nothing is mailed.
    .post('/cases/:id/merge', async (c) => c.json(await mergeCase(db, { source: id(c), ...parseInput(mergeInput, await jsonBody(c)) }, who(c))));
}
