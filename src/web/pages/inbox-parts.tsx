// The inbox's views list, search box, "save as view" form, bulk bar and the report of a bulk change.
import type { SavedInboxFilters } from '../../db/schema/inbox-views.js';
import { queryStringOf } from '../../inbox/filters.js';
import { builtInViewKeys, builtInViewLabels, type BuiltInViewKey } from '../../inbox/view-keys.js';
import { casePriorities } from '../../db/schema/cases.js';
import { CsrfField } from '../components.js';
import type { Viewer } from '../env.js';

export interface ViewsState {
  current: { view: BuiltInViewKey; saved: number | null; filtered: boolean };
  builtIn: Record<BuiltInViewKey, number>;
  personal: { id: number; name: string; filters: SavedInboxFilters; count: number }[];
}

const countLabel = (n: number) => `${n} case${n === 1 ? '' : 's'}`;

export function ViewsNav({ viewer, views }: { viewer: Viewer; views: ViewsState }) {
  const { current } = views;
  return (
    <nav class="views" aria-label="Views">
      <h2 class="small-heading">Views</h2>
      <ul>
        {builtInViewKeys.map((key) => {
          const here = current.saved === null && !current.filtered && current.view === key;
          return (
            <li><a href={`/app/inbox${queryStringOf({ view: key })}`} aria-current={here ? 'page' : undefined}>
              {builtInViewLabels[key]} <span class="count" aria-label={countLabel(views.builtIn[key])}>{views.builtIn[key]}</span>
            </a></li>
          );
        })}
      </ul>
      {views.personal.length > 0 && <h2 class="small-heading">My views</h2>}
      {views.personal.length > 0 && (
        <ul>
          {views.personal.map((v) => (
            <li class="personal-view">
              <a href={`/app/inbox${queryStringOf(v.filters, { saved: String(v.id) })}`} aria-current={current.saved === v.id ? 'page' : undefined}>
                {v.name} <span class="count" aria-label={countLabel(v.count)}>{v.count}</span>
              </a>
              <form method="post" action={`/app/inbox/views/${v.id}/delete`} class="inline">
                <CsrfField viewer={viewer} />
                <button type="submit" class="link-button" aria-label={`Delete the view ${v.name}`}>Delete</button>
              </form>
            </li>
          ))}
        </ul>
      )}
    </nav>
  );
}

export function SearchField({ value }: { value?: string }) {
  return (
    <div class="field search-field">
      <label for="f-q">Search</label>
      <input type="search" id="f-q" name="q" value={value ?? ''} maxlength={200} aria-describedby="f-q-hint" />
      <div class="small muted" id="f-q-hint">Subject, customer address or name, or a case reference (FR-…)</div>
    </div>
  );
}

/** Saves the filters now applied (search and built-in view included) under a name. */
export function SaveViewForm({ viewer, filters }: { viewer: Viewer; filters: SavedInboxFilters }) {
  return (
    <form method="post" action="/app/inbox/views" class="filters save-view" aria-label="Save as a view">
      <CsrfField viewer={viewer} />
      {Object.entries(filters).map(([k, v]) => v && <input type="hidden" name={k} value={v} />)}
      <div class="field">
        <label for="view-name">Save these filters as a view</label>
        <input id="view-name" name="name" required maxlength={60} />
      </div>
      <button type="submit">Save view</button>
    </form>
  );
}

/** The bar the row checkboxes belong to (form="bulk-form"); app.js announces how many are selected. */
export function BulkBar({ viewer, back, assignees }: { viewer: Viewer; back: string; assignees: { id: string; name: string }[] }) {
  return (
    <form method="post" action="/app/inbox/bulk" id="bulk-form" class="bulk-bar" aria-label="Change the selected cases">
      <CsrfField viewer={viewer} />
      <input type="hidden" name="back" value={back} />
      <p id="bulk-count" class="bulk-count" role="status" aria-live="polite">Select cases with the boxes in the list.</p>
      <div class="field">
        <label for="bulk-assign">Assign to</label>
        <select id="bulk-assign" name="assignTo">
          <option value="me">Me ({viewer.name})</option>
          <option value="nobody">Nobody (unassign)</option>
          {assignees.filter((a) => a.id !== viewer.id).map((a) => <option value={a.id}>{a.name}</option>)}
        </select>
      </div>
      <button type="submit" name="action" value="assign">Assign</button>
      <div class="field">
        <label for="bulk-priority">Priority</label>
        <select id="bulk-priority" name="priority">
          {casePriorities.map((p) => <option value={p} selected={p === 'normal'}>{p}</option>)}
        </select>
      </div>
      <button type="submit" name="action" value="priority">Set priority</button>
      <button type="submit" name="action" value="resolve">Resolve</button>
    </form>
  );
}

export const skipWords: Record<string, string> = {
  not_found: 'no such case', already_resolved: 'already resolved', unchanged: 'nothing to change',
  held: 'someone else is working on it', refused: 'not allowed',
};
const doneWords: Record<string, string> = { assign: 'Assigned', unassign: 'Unassigned', priority: 'Changed the priority of', resolve: 'Resolved' };

export interface BulkOutcome { action: string; changed: number; skipped: { reference: string | null; reason: string }[]; more: number }

export function BulkReport({ outcome }: { outcome: BulkOutcome }) {
  const skipped = outcome.skipped.length + outcome.more;
  return (
    <div class="notice bulk-report" role="status">
      <p>{doneWords[outcome.action]} {countLabel(outcome.changed)}.{skipped > 0 ? ` Skipped ${skipped}:` : ''}</p>
      {skipped > 0 && (
        <ul>
          {outcome.skipped.map((s) => <li>{s.reference ? <code>{s.reference}</code> : 'a case'}: {skipWords[s.reason]}</li>)}
          {outcome.more > 0 && <li>and {outcome.more} more</li>}
        </ul>
      )}
    </div>
  );
}
