import type { listUncertain } from '../../admin/uncertain-mail.js';
import { UNCERTAIN_RISK } from '../../admin/uncertain-mail.js';
import { CsrfField, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { AdminLayout } from './admin.js';

type Row = Awaited<ReturnType<typeof listUncertain>>[number];

/** Admin → Uncertain mail: what a crash left undecided, the risk, and the two ways out. */
export function AdminUncertainPage(p: { viewer: Viewer; rows: Row[]; notice?: string }) {
  return (
    <AdminLayout viewer={p.viewer} title="Uncertain mail" current="uncertain">
      <h1>Uncertain mail</h1>
      {p.notice && <p role="status" class="notice">{p.notice === 'resend' ? 'Queued to be sent again.' : 'Recorded as delivered.'}</p>}
      <p>{UNCERTAIN_RISK}</p>
      <table class="list">
        <thead><tr><th scope="col">Queued</th><th scope="col">Kind</th><th scope="col">To</th><th scope="col">Subject</th><th scope="col">Message-ID</th><th scope="col"><span class="visually-hidden">Actions</span></th></tr></thead>
        <tbody>
          {p.rows.length === 0 && <tr><td colspan={6} class="muted">Nothing uncertain.</td></tr>}
          {p.rows.map((r) => (
            <tr>
              <td><Time value={r.createdAt} /></td>
              <td>{r.kind}</td>
              <td>{r.toAddress}</td>
              <td>{r.subject}</td>
              <td><code>{r.messageId}</code></td>
              <td>
                <form method="post" action={`/app/admin/uncertain/${r.id}/resend`} class="inline" data-confirm="Send it again? If it did arrive, the recipient gets it twice.">
                  <CsrfField viewer={p.viewer} />
                  <button type="submit">Resend</button>
                </form>
                <form method="post" action={`/app/admin/uncertain/${r.id}/delivered`} class="inline">
                  <CsrfField viewer={p.viewer} />
                  <button type="submit">Mark delivered</button>
                </form>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </AdminLayout>
  );
}
