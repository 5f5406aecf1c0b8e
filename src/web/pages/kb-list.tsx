import { articleStatuses } from '../../db/schema/kb.js';
import type { Article } from '../../kb/articles.js';
import { mayUse } from '../access.js';
import { Notice, Select, StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

export interface KbFilters { q?: string; status?: string; language?: string; tag?: string; offset: number; limit: number }

function pageHref(f: KbFilters, offset: number): string {
  const params = new URLSearchParams();
  for (const key of ['q', 'status', 'language', 'tag'] as const) if (f[key]) params.set(key, f[key]!);
  if (offset > 0) params.set('offset', String(offset));
  const query = params.toString();
  return `/app/kb${query ? `?${query}` : ''}`;
}

export function KbListPage(p: { viewer: Viewer; articles: Article[]; total: number; filters: KbFilters; error?: string; notice?: string }) {
  const { filters: f } = p;
  const canWrite = mayUse(p.viewer.role, 'kbWrite');
  const first = p.total === 0 ? 0 : f.offset + 1;
  const last = f.offset + p.articles.length;
  return (
    <Layout title="Knowledge base" viewer={p.viewer} area="kb">
      <div class="page-head">
        <h1>Knowledge base</h1>
        <div class="actions">
          {canWrite && <a class="button primary" href="/app/kb/new">New article</a>}
          <a class="button" href="/app/kb/playground">Match playground</a>
          <a class="button" href="/app/kb/saved-replies">Saved replies</a>
          <a class="button" href="/app/kb/transfer">{canWrite ? 'Import / export' : 'Export'}</a>
        </div>
      </div>
      <Notice code={p.notice} />
      <form method="get" action="/app/kb" class="filters" role="search" aria-label="Articles">
        <div class="field grow">
          <label for="f-q">Search</label>
          <input id="f-q" name="q" type="search" value={f.q ?? ''} placeholder="Words, &quot;a phrase&quot;, -exclude" maxlength={500} />
        </div>
        <Select name="status" label="Status" value={f.status ?? ''} options={[{ value: '', label: 'Any' }, ...articleStatuses.map((s) => ({ value: s, label: s }))]} />
        <div class="field small">
          <label for="f-language">Language</label>
          <input id="f-language" name="language" value={f.language ?? ''} maxlength={2} placeholder="en" spellcheck={false} />
        </div>
        <div class="field">
          <label for="f-tag">Tag</label>
          <input id="f-tag" name="tag" value={f.tag ?? ''} maxlength={100} />
        </div>
        <button type="submit">Search</button>
      </form>
      {p.error ? (
        <p class="error-text" role="alert">{p.error}</p>
      ) : (
        <p class="muted" role="status">{p.total === 0 ? 'No articles match.' : `Showing ${first}–${last} of ${p.total} articles.`}</p>
      )}
      {p.articles.length > 0 && (
        <TableWrap label="Articles">
          <table class="list">
            <thead>
              <tr><th scope="col">Title</th><th scope="col">Status</th><th scope="col">Language</th><th scope="col">Tags</th><th scope="col">Updated</th></tr>
            </thead>
            <tbody>
              {p.articles.map((a) => (
                <tr>
                  <td><a href={`/app/kb/articles/${encodeURIComponent(a.id)}`}>{a.title}</a><div class="muted small">{a.id} · v{a.version}</div></td>
                  <td><StatusBadge status={a.status} /></td>
                  <td>{a.language}</td>
                  <td>{a.tags.join(', ')}</td>
                  <td><Time value={a.updatedAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {(f.offset > 0 || last < p.total) && (
        <nav class="pager" aria-label="Pages">
          {f.offset > 0 && <a href={pageHref(f, Math.max(0, f.offset - f.limit))} rel="prev">Previous</a>}
          {last < p.total && <a href={pageHref(f, f.offset + f.limit)} rel="next">Next</a>}
        </nav>
      )}
    </Layout>
  );
}
