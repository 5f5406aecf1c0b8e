import type { reviewQueue } from '../../review/inbox.js';
import { caseStatuses, casePriorities } from '../../db/schema/cases.js';
import type { SavedInboxFilters } from '../../db/schema/inbox-views.js';
import { CsrfField, ErrorSummary, Notice, Select, StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { BulkBar, BulkReport, SaveViewForm, SearchField, ViewsNav, type BulkOutcome, type ViewsState } from './inbox-parts.js';

export type QueueRow = Awaited<ReturnType<typeof reviewQueue>>[number];

export type InboxFilters = SavedInboxFilters;
export interface FilterChoices { mailboxes: { id: number; displayName: string; address: string }[]; categories: string[]; languages: string[]; assignees: string[] }

type UrgencyCase = Pick<QueueRow, 'firstReplyDueAt' | 'firstHumanReplyAt' | 'status'> & Partial<Pick<QueueRow, 'replyDueAt' | 'replyKind'>>;

/** The reply deadline in force: a running first- or next-reply clock's, else the first-reply promise until answered. */
export function replyDeadline(k: UrgencyCase): { dueAt: Date; kind: 'first_reply' | 'next_reply' } | null {
  if (k.status === 'resolved' || k.status === 'merged') return null;
  if (k.replyDueAt) return { dueAt: k.replyDueAt, kind: k.replyKind ?? 'first_reply' };
  return k.firstHumanReplyAt ? null : { dueAt: k.firstReplyDueAt, kind: 'first_reply' };
}

/** Time left to the reply deadline, as a traffic light that also says it in words (colour is never the only cue). */
export function urgencyOf(k: UrgencyCase, now: Date) {
  const deadline = replyDeadline(k);
  if (!deadline) return { level: 'done' as const, label: k.status === 'resolved' ? 'Resolved' : k.status === 'merged' ? 'Merged' : 'Replied', left: '—', deadline };
  const minutes = Math.round((deadline.dueAt.getTime() - now.getTime()) / 60_000);
  const span = (m: number) => (Math.abs(m) >= 60 * 24 ? `${Math.floor(Math.abs(m) / (60 * 24))} d ${Math.floor((Math.abs(m) % (60 * 24)) / 60)} h`
    : Math.abs(m) >= 60 ? `${Math.floor(Math.abs(m) / 60)} h ${Math.abs(m) % 60} min` : `${Math.abs(m)} min`);
  if (minutes < 0) return { level: 'red' as const, label: 'Overdue', left: `${span(minutes)} overdue`, deadline };
  if (minutes < 60) return { level: 'amber' as const, label: 'Due soon', left: `${span(minutes)} left`, deadline };
  return { level: 'green' as const, label: 'On time', left: `${span(minutes)} left`, deadline };
}

function DeadlineCell({ k, now }: { k: UrgencyCase; now: Date }) {
  const u = urgencyOf(k, now);
  return (
    <>
      <span class="nowrap">{u.left}</span>
      {u.deadline && <div class="small muted">{u.deadline.kind === 'next_reply' ? 'next reply ' : ''}<Time value={u.deadline.dueAt} /></div>}
    </>
  );
}

export function Urgency({ k, now }: { k: Parameters<typeof urgencyOf>[0]; now: Date }) {
  const u = urgencyOf(k, now);
  return <span class={`light light-${u.level}`}><span class="light-dot" aria-hidden="true"></span>{u.label}</span>;
}

export const statusFilterOptions = [
  { value: '', label: 'Needs a human (open, escalated)' },
  ...caseStatuses.map((s) => ({ value: s, label: s[0]!.toUpperCase() + s.slice(1) })),
  { value: 'all', label: 'All' },
];

/** The table alone: the page renders it, and app.js fetches it again when the server says cases changed. */
export function InboxTable({ cases, now, limit }: { cases: QueueRow[]; now: Date; limit: number }) {
  return (
    <div id="inbox-table" data-count={String(cases.length)}>
      <p class="muted" id="inbox-count">
        {cases.length === 0 ? 'No cases match.' : `${cases.length}${cases.length === limit ? '+' : ''} case${cases.length === 1 ? '' : 's'}, earliest reply deadline first.`}
      </p>
      {cases.length > 0 && (
        <TableWrap label="Cases">
          <table class="list inbox">
            <thead><tr>
              <td><input type="checkbox" data-select-all aria-label="Select all cases on this page" /></td>
              <th scope="col">Urgency</th><th scope="col">Subject</th><th scope="col">Time left</th><th scope="col">Priority</th>
              <th scope="col">Language</th><th scope="col">Status</th><th scope="col">Assignee</th><th scope="col">Draft</th>
            </tr></thead>
            <tbody>
              {cases.map((k) => (
                <tr data-case={k.id}>
                  <td><input type="checkbox" name="ids" value={k.id} form="bulk-form" aria-label={`Select ${k.reference}: ${k.subject || '(no subject)'}`} /></td>
                  <td><Urgency k={k} now={now} /></td>
                  <td>
                    <a href={`/app/cases/${k.id}`}>{k.subject || '(no subject)'}</a>
                    <div class="small muted"><code>{k.reference}</code> · {k.customerName ? `${k.customerName} <${k.customerAddress}>` : k.customerAddress}</div>
                  </td>
                  <td><DeadlineCell k={k} now={now} /></td>
                  <td><span class={`prio prio-${k.priority}`}>{k.priority}</span></td>
                  <td>{k.language}</td>
                  <td><StatusBadge status={k.status} />{k.category && <div class="small muted">{k.category}</div>}</td>
                  <td>{k.assigneeName && k.claimExpiresAt && k.claimExpiresAt > now ? k.assigneeName : <span class="muted">nobody</span>}</td>
                  <td>{k.draftStatus ? `${k.draftStatus}${k.draftConfidence !== null ? ` (${Math.round(k.draftConfidence * 100)}%)` : ''}` : <span class="muted">—</span>}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </div>
  );
}

export function InboxPage(p: {
  viewer: Viewer; cases: QueueRow[]; limit: number; now: Date; filters: InboxFilters; choices: FilterChoices; marks: string; query: string;
  views: ViewsState; assignees: { id: string; name: string }[]; bulk?: BulkOutcome; notice?: string; error?: string;
}) {
  const f = p.filters;
  const any = (label: string) => ({ value: '', label });
  return (
    <Layout title="Inbox" viewer={p.viewer} area="inbox">
      <div class="page-head">
        <h1>Inbox</h1>
        <form method="post" action="/app/inbox/next" class="inline">
          <CsrfField viewer={p.viewer} />
          <button type="submit" class="primary">Take next case</button>
        </form>
      </div>
      <Notice code={p.notice} />
      {p.bulk && <BulkReport outcome={p.bulk} />}
      <ErrorSummary errors={{}} message={p.error} />
      <div class="inbox-layout">
      <ViewsNav viewer={p.viewer} views={p.views} />
      <div class="inbox-main">
      <form method="get" action="/app/inbox" class="filters" aria-label="Filter cases">
        <SearchField value={f.q} />
        {f.view && <input type="hidden" name="view" value={f.view} />}
        <Select name="mailbox" label="Mailbox" value={f.mailbox ?? ''} options={[any('All mailboxes'), ...p.choices.mailboxes.map((m) => ({ value: String(m.id), label: `${m.displayName} <${m.address}>` }))]} />
        <Select name="status" label="Status" value={f.status ?? ''} options={statusFilterOptions} />
        <Select name="priority" label="Priority" value={f.priority ?? ''} options={[any('Any priority'), ...casePriorities.map((x) => ({ value: x, label: x }))]} />
        <Select name="category" label="Category" value={f.category ?? ''} options={[any('Any category'), ...p.choices.categories.map((x) => ({ value: x, label: x }))]} />
        <Select name="language" label="Language" value={f.language ?? ''} options={[any('Any language'), ...p.choices.languages.map((x) => ({ value: x, label: x }))]} />
        <Select name="assignee" label="Assignee" value={f.assignee ?? ''} options={[any('Anyone'), ...p.choices.assignees.map((x) => ({ value: x, label: x }))]} />
        <button type="submit">Search</button>
      </form>
      {p.views.current.filtered && <SaveViewForm viewer={p.viewer} filters={f} />}
      <BulkBar viewer={p.viewer} back={p.query} assignees={p.assignees} />
      <div data-live="inbox" data-marks={p.marks} data-fragment={`/app/inbox/table${p.query}`}>
        <InboxTable cases={p.cases} now={p.now} limit={p.limit} />
      </div>
      <p class="small muted" id="live-status" role="status"></p>
      </div>
      </div>
    </Layout>
  );
}
