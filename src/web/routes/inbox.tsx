// The inbox page: search, views with their counts, filters, and bulk changes to the ticked cases. The read model is
// src/inbox/ (with the queue in src/review/queue.ts); bulk changes go through the Review use cases (src/inbox/bulk.ts).
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { casePriorities } from '../../db/schema/cases.js';
import { AppError } from '../../errors.js';
import { assignableUsers, bulkInput, bulkUpdate, BULK_MAX_CASES, type BulkAction, type BulkResult } from '../../inbox/bulk.js';
import { parseFilters, queryStringOf } from '../../inbox/filters.js';
import { parseSearch } from '../../inbox/search-term.js';
import { caseIdByReference } from '../../inbox/search.js';
import { deleteInboxView, listInboxViews, saveInboxView } from '../../inbox/view-store.js';
import { inboxFilter, viewCounts } from '../../inbox/views.js';
import type { Review } from '../../review/actions.js';
import { reviewQueue } from '../../review/inbox.js';
import { field, formOf, render, type WebEnv } from '../env.js';
import type { LiveHub } from '../live.js';
import type { BulkOutcome } from '../pages/inbox-parts.js';
import { InboxPage, InboxTable } from '../pages/inbox.js';
import { filterChoices } from '../queries/cases.js';
import { allow } from './guards.js';

const INBOX_LIMIT = 200;
/** how many skipped cases the report after a bulk change names (the rest are counted) */
const REPORT_SKIPPED = 20;

const actor = (c: Context<WebEnv>) => ({ id: c.get('viewer').id, name: c.get('viewer').name });
const queryOf = (c: Context<WebEnv>) => c.req.query() as Record<string, string>;

/** The inbox address with these filters plus a report (bulk change, saved view): rebuilt, never the raw input. */
function inboxUrl(filters: ReturnType<typeof parseFilters>, extra: Record<string, string | undefined> = {}) {
  return `/app/inbox${queryStringOf(filters, extra)}`;
}

const outcomeQuery = z.object({
  bulk: z.enum(['assign', 'unassign', 'priority', 'resolve']),
  changed: z.string().regex(/^\d{1,4}$/),
  skipped: z.string().max(REPORT_SKIPPED * 40).regex(/^((FR-[0-9A-Z]{6}|-)\.(not_found|already_resolved|unchanged|held|refused))?(,(FR-[0-9A-Z]{6}|-)\.(not_found|already_resolved|unchanged|held|refused))*$/).default(''),
  more: z.string().regex(/^\d{1,4}$/).default('0'),
});

function outcomeOf(query: Record<string, string>): BulkOutcome | undefined {
  const parsed = outcomeQuery.safeParse(query);
  if (!parsed.success) return undefined;
  const skipped = parsed.data.skipped ? parsed.data.skipped.split(',').map((s) => {
    const [reference, reason] = s.split('.');
    return { reference: reference === '-' ? null : reference!, reason: reason! };
  }) : [];
  return { action: parsed.data.bulk, changed: Number(parsed.data.changed), skipped, more: Number(parsed.data.more) };
}

function outcomeParams(action: BulkAction, result: BulkResult): Record<string, string> {
  const kind = action.kind === 'assign' && action.to === 'nobody' ? 'unassign' : action.kind;
  const named = result.skipped.slice(0, REPORT_SKIPPED);
  return {
    bulk: kind, changed: String(result.changed.length),
    skipped: named.map((s) => `${s.reference ?? '-'}.${s.reason}`).join(','), more: String(result.skipped.length - named.length),
  };
}

/** The bulk bar's fields as the bulk use case's input. */
function bulkRequestOf(form: Awaited<ReturnType<typeof formOf>>) {
  const ids = ([] as unknown[]).concat(form.ids ?? []).filter((v): v is string => typeof v === 'string');
  if (ids.length === 0) throw new AppError('bad_request', 'Select at least one case with the boxes in the list.');
  if (ids.length > BULK_MAX_CASES) throw new AppError('bad_request', `At most ${BULK_MAX_CASES} cases at a time.`);
  const kind = field(form, 'action');
  const assignTo = field(form, 'assignTo');
  const action = kind === 'resolve' ? { kind }
    : kind === 'priority' ? { kind, priority: field(form, 'priority') }
    : { kind: 'assign', to: assignTo === 'me' || assignTo === 'nobody' ? assignTo : { userId: assignTo } };
  const parsed = bulkInput.safeParse({ caseIds: ids, action });
  if (!parsed.success) throw new AppError('bad_request', `Check the bulk change: ${parsed.error.issues[0]!.message} (priority is one of ${casePriorities.join(', ')}).`);
  return parsed.data;
}

export function inboxRoutes(deps: { db: Db; review: Review; hub: LiveHub }) {
  const { db, review, hub } = deps;
  return new Hono<WebEnv>()
    .use('/inbox', allow('inbox'))
    .use('/inbox/*', allow('inbox'))
    .get('/inbox', async (c) => {
      const viewer = c.get('viewer');
      const now = new Date();
      const filters = parseFilters(queryOf(c));
      const reference = parseSearch(filters.q)?.reference;
      if (reference) {
        const id = await caseIdByReference(db, reference);
        if (id) return c.redirect(`/app/cases/${id}`, 303);
      }
      const personal = await listInboxViews(db, viewer.id);
      const [cases, choices, marks, counts, assignees] = await Promise.all([
        reviewQueue(db, { ...inboxFilter(filters, viewer, now), limit: INBOX_LIMIT }), filterChoices(db), hub.marks(), viewCounts(db, viewer, now, personal), assignableUsers(db),
      ]);
      const saved = Number(c.req.query('saved')) || null;
      const { view, ...rest } = filters;
      const views = {
        current: { view: view ?? 'all', saved: personal.some((v) => v.id === saved) ? saved : null, filtered: Object.keys(rest).length > 0 },
        builtIn: counts.builtIn,
        personal: personal.map((v) => ({ id: v.id, name: v.name, filters: v.filters, count: counts.personal.get(v.id) ?? 0 })),
      };
      return render(c, (
        <InboxPage viewer={viewer} cases={cases} limit={INBOX_LIMIT} now={now} filters={filters} choices={choices} marks={marks}
          query={queryStringOf(filters)} views={views} assignees={assignees} bulk={outcomeOf(queryOf(c))} notice={c.req.query('done')} />
      ));
    })
    .get('/inbox/table', async (c) => {
      const filters = parseFilters(queryOf(c));
      c.header('cache-control', 'no-store');
      const cases = await reviewQueue(db, { ...inboxFilter(filters, c.get('viewer'), new Date()), limit: INBOX_LIMIT });
      return c.html(<InboxTable cases={cases} now={new Date()} limit={INBOX_LIMIT} />);
    })
    .post('/inbox/views', async (c) => {
      const form = await formOf(c);
      const filters = parseFilters(Object.fromEntries(Object.keys(form).map((k) => [k, field(form, k)])));
      const view = await saveInboxView(db, c.get('viewer').id, { name: field(form, 'name'), filters });
      return c.redirect(inboxUrl(filters, { saved: String(view.id), done: 'view-saved' }), 303);
    })
    .post('/inbox/views/:id/delete', async (c) => {
      const id = Number(c.req.param('id'));
      if (!Number.isSafeInteger(id)) throw new AppError('not_found', 'no such view');
      await deleteInboxView(db, c.get('viewer').id, id);
      return c.redirect('/app/inbox?done=view-deleted', 303);
    })
    .post('/inbox/bulk', async (c) => {
      const form = await formOf(c);
      const back = parseFilters(Object.fromEntries(new URLSearchParams(field(form, 'back')).entries()));
      const request = bulkRequestOf(form);
      const result = await bulkUpdate(review, actor(c), request);
      return c.redirect(inboxUrl(back, outcomeParams(request.action, result)), 303);
    });
}
