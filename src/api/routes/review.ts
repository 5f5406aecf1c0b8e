import type { Context, MiddlewareHandler } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { caseStatuses, casePriorities } from '../../db/schema/cases.js';
import { mergeCase } from '../../review/merge-cases.js';
import type { Review } from '../../review/actions.js';
import { bulkInput, bulkUpdate } from '../../inbox/bulk.js';
import { parseSearch } from '../../inbox/search-term.js';
import { searchCondition } from '../../inbox/search.js';
import { autoSendReport, caseDetail, nextUnclaimed, reviewQueue } from '../../review/inbox.js';
import { principalOf, type AuthEnv } from '../principal.js';
import { apiRoutes } from '../route-registry.js';

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
export function reviewRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, review: Review) {
  const who = (c: Context<AuthEnv>) => principalOf(c);
  const id = (c: Context<AuthEnv>) => c.req.param('id')!;
  const action = (path: string, summary: string) => ({ method: 'post' as const, path: `/cases/:id/${path}`, summary, responses: { 200: { description: 'the case after the action' } } });
  return apiRoutes({ authenticate, access: { roles: ['admin', 'agent'] }, guardAll: true })
    .route({ method: 'get', path: '/queue', summary: 'The review queue, and the case to take next', query: queueQuery, responses: { 200: { description: '{ cases, next }' } } }, async (c, { query: filter }) => {
      const search = parseSearch(filter.q);
      const queue = await reviewQueue(db, { ...filter, mailboxId: filter.mailbox, where: search ? searchCondition(search) : undefined });
      return c.json({ cases: queue, next: await nextUnclaimed(db, { ...filter, mailboxId: filter.mailbox }, new Date()) });
    })
    // Claims the next case in queue order: the default way to pick work.
    .route({ method: 'post', path: '/next', summary: 'Claim the next case in queue order', responses: { 200: { description: '{ case } (null when the queue is empty)' } } }, async (c) => {
      const next = await nextUnclaimed(db, {}, new Date());
      if (!next) return c.json({ case: null });
      return c.json({ case: await review.claim(next, who(c)) });
    })
    // Assign, set priority or resolve many cases in one transaction; each as the single-case action would (audit row,
    // claim check). Answers which changed and which were skipped, with the reason.
    .route({ method: 'post', path: '/bulk', summary: 'Assign, set priority or resolve many cases; answers which changed and which were skipped, with the reason', body: bulkInput, responses: { 200: { description: '{ changed, skipped }' } } },
      async (c, { body }) => c.json(await bulkUpdate(review, who(c), body)))
    .route({ method: 'get', path: '/auto-send-report', summary: 'How automatic sending would have done', query: queueQuery, responses: { 200: { description: 'the report' } } },
      async (c, { query }) => c.json(await autoSendReport(db, query.mailbox)))
    .route({ method: 'get', path: '/cases/:id', summary: 'One case for review', responses: { 200: { description: 'the case' } } }, async (c) => c.json(await caseDetail(db, id(c))))
    .route(action('claim', 'Claim a case'), async (c) => c.json(await review.claim(id(c), who(c))))
    .route(action('release', 'Release a claimed case'), async (c) => c.json(await review.release(id(c), who(c))))
    .route({ method: 'put', path: '/cases/:id/draft', summary: 'Edit the draft reply', body: editInput, responses: { 200: { description: 'the case' } } },
      async (c, { body }) => c.json(await review.editDraft(id(c), who(c), body)))
    .route({ ...action('approve', 'Approve (and send) the draft, optionally edited'), body: approveInput, bodyOptional: true }, async (c, { body }) => c.json(await review.approve(id(c), who(c), body)))
    .route({ ...action('reject', 'Reject the draft'), body: reasonInput }, async (c, { body }) => c.json(await review.reject(id(c), who(c), body)))
    .route({ ...action('escalate', 'Escalate the case'), body: escalateInput }, async (c, { body }) => c.json(await review.escalate(id(c), who(c), body)))
    .route(action('resolve', 'Resolve the case'), async (c) => c.json(await review.resolve(id(c), who(c))))
    .route(action('reopen', 'Reopen the case'), async (c) => c.json(await review.reopen(id(c), who(c))))
    // "The right article is X" (it becomes an example of X) or, with null, "no article answers this".
    .route({ ...action('label', 'Say which article answers the question (null: none does)'), body: labelInput }, async (c, { body }) => c.json(await review.labelQuestion(id(c), who(c), body)))
    .route({ ...action('triage', 'Set the priority or category'), body: triageInput }, async (c, { body }) => c.json(await review.triage(id(c), who(c), body)))
    // The case's messages, drafts, notes and owed deadlines move into `into` (an id or reference); nothing is mailed.
    .route({ ...action('merge', "Merge the case into another (`into`: an id or reference); nothing is mailed"), body: mergeInput },
      async (c, { body }) => c.json(await mergeCase(db, { source: id(c), ...body }, who(c))))
    .hono;
}
