import type { SavedReply } from '../../db/schema/saved-replies.js';
import { PLACEHOLDERS } from '../../review/saved-replies.js';
import { mayUse } from '../access.js';
import { ButtonForm, CsrfField, ErrorSummary, Field, Notice, TableWrap } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';

export interface SavedReplyValues { language: string; title: string; body: string }

/** Knowledge base → Saved replies: the list for everyone who reads the knowledge base; the form for its curators. */
export function SavedRepliesPage(p: { viewer: Viewer; replies: SavedReply[]; values?: SavedReplyValues; errors?: Record<string, string>; notice?: string }) {
  const canWrite = mayUse(p.viewer.role, 'kbWrite');
  const v = p.values ?? { language: 'en', title: '', body: '' };
  const e = p.errors ?? {};
  return (
    <Layout title="Saved replies" viewer={p.viewer} area="kb">
      <p class="breadcrumb"><a href="/app/kb">Knowledge base</a> / Saved replies</p>
      <h1>Saved replies</h1>
      <Notice code={p.notice} />
      <p class="muted">Agents insert these into a case's draft (in the case's language); the placeholders are filled in from the case.</p>
      {p.replies.length === 0 ? <p class="muted">No saved replies yet.</p> : (
        <TableWrap label="Saved replies">
          <table class="list">
            <thead><tr><th scope="col">Language</th><th scope="col">Title</th><th scope="col">Text</th>{canWrite && <th scope="col"><span class="visually-hidden">Actions</span></th>}</tr></thead>
            <tbody>
              {p.replies.map((r) => (
                <tr data-saved-reply={String(r.id)}>
                  <td>{r.language}</td><td>{r.title}</td><td class="small"><pre class="mail-text">{r.body}</pre></td>
                  {canWrite && (
                    <td>
                      <ButtonForm viewer={p.viewer} action={`/app/kb/saved-replies/${r.id}/delete`} label="Delete" what={r.title} danger />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
      {canWrite && (
        <section class="card" aria-labelledby="new-reply-h">
          <h2 id="new-reply-h">New saved reply</h2>
          <ErrorSummary errors={e} />
          <form method="post" action="/app/kb/saved-replies" class="stack">
            <CsrfField viewer={p.viewer} />
            <Field name="language" label="Language" value={v.language} error={e.language} required maxlength={2} hint="ISO 639-1 code, like en or es." />
            <Field name="title" label="Title" value={v.title} error={e.title} required maxlength={200} />
            <Field name="body" label="Text" rows={6} value={v.body} error={e.body} required maxlength={20000}
              hint={`Placeholders: ${Object.entries(PLACEHOLDERS).map(([k, d]) => `{{${k}}} ${d}`).join('; ')}.`} />
            <div><button type="submit" class="primary">Save reply</button></div>
          </form>
        </section>
      )}
    </Layout>
  );
}
