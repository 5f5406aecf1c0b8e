import type { listCases } from '../../cases/queries.js';
import { StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

type CaseRow = Awaited<ReturnType<typeof listCases>>[number];

/** Placeholder inbox: the open queue by deadline. The full inbox and case pages replace this. */
export function InboxPage({ viewer, cases, limit }: { viewer: Viewer; cases: CaseRow[]; limit: number }) {
  return (
    <Layout title="Inbox" viewer={viewer} area="inbox">
      <h1>Inbox</h1>
      <p class="muted" role="status">
        {cases.length === 0 ? 'No cases yet.' : `${cases.length}${cases.length === limit ? '+' : ''} cases, earliest reply deadline first.`}
      </p>
      {cases.length > 0 && (
        <TableWrap label="Cases">
          <table class="list">
            <thead><tr><th scope="col">Reference</th><th scope="col">Subject</th><th scope="col">Customer</th><th scope="col">Status</th><th scope="col">Priority</th><th scope="col">Reply due</th></tr></thead>
            <tbody>
              {cases.map((k) => (
                <tr>
                  <td><code>{k.reference}</code></td>
                  <td>{k.subject}</td>
                  <td>{k.customerName ? `${k.customerName} <${k.customerAddress}>` : k.customerAddress}</td>
                  <td><StatusBadge status={k.status} /></td>
                  <td>{k.priority}</td>
                  <td><Time value={k.firstReplyDueAt} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </Layout>
  );
}
