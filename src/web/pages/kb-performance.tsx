// An article's performance on its page: what each version did for customers and agents
// (src/insight/article-performance.ts counts it; the definitions below are the ones it uses).
import type { ArticleVersionPerformance } from '../../insight/article-performance.js';
import { TableWrap } from '../components.js';

const columns: { key: keyof Omit<ArticleVersionPerformance, 'articleId' | 'version' | 'title'>; label: string }[] = [
  { key: 'suggested', label: 'Suggested' },
  { key: 'cited', label: 'Cited' },
  { key: 'approvedUnchanged', label: 'Approved unchanged' },
  { key: 'edited', label: 'Edited' },
  { key: 'rejected', label: 'Rejected' },
  { key: 'deflected', label: 'Deflected' },
];

export function ArticlePerformanceSection({ rows }: { rows: ArticleVersionPerformance[] }) {
  const total = Object.fromEntries(columns.map((c) => [c.key, rows.reduce((n, r) => n + r[c.key], 0)]));
  return (
    <section aria-labelledby="performance-h">
      <h2 id="performance-h">Performance</h2>
      <p class="muted" id="performance-hint">
        Suggested: acknowledgements that linked it. Cited: drafts that cited it; of those, approved unchanged, edited by the agent before
        sending, or rejected. Deflected: cases resolved without any reply after its acknowledgement (the customer needed nobody).
      </p>
      {rows.length ? (
        <TableWrap label="Performance per version">
          <table class="list" data-performance aria-describedby="performance-hint">
            <thead>
              <tr><th scope="col">Version</th>{columns.map((c) => <th scope="col">{c.label}</th>)}</tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr data-version={r.version}>
                  <th scope="row">v{r.version}</th>
                  {columns.map((c) => <td data-figure={c.key}>{r[c.key]}</td>)}
                </tr>
              ))}
            </tbody>
            {rows.length > 1 && (
              <tfoot>
                <tr><th scope="row">All versions</th>{columns.map((c) => <td>{total[c.key]}</td>)}</tr>
              </tfoot>
            )}
          </table>
        </TableWrap>
      ) : <p data-performance-empty>Not suggested to a customer or cited in a draft yet.</p>}
    </section>
  );
}
