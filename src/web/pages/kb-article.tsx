import { raw } from 'hono/html';
import type { getArticle } from '../../kb/articles.js';
import type { GeneratedQuestion } from '../../kb/generated-questions/manage.js';
import type { ArticleVersionPerformance } from '../../insight/article-performance.js';
import { articlePublicUrl, helpCentrePath } from '../../kb/public-url.js';
import { mayUse } from '../access.js';
import { CsrfField, Notice, StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { renderMarkdown } from '../markdown.js';
import { ArticlePerformanceSection } from './kb-performance.js';

export type ArticleWithVersions = Awaited<ReturnType<typeof getArticle>>;

export const articleHref = (id: string, rest = '') => `/app/kb/articles/${encodeURIComponent(id)}${rest}`;

type VersionSummary = ArticleWithVersions['versions'][number];

/** One row of a version table (the article's recent versions, its whole history): link, status, optionally the title,
 * when, by whom, the change note and a link to the changes from the version before. */
export function VersionRow({ articleId, v, withTitle }: { articleId: string; v: VersionSummary; withTitle?: boolean }) {
  return (
    <tr>
      <td><a href={articleHref(articleId, `/versions/${v.version}`)}>v{v.version}</a></td>
      <td><StatusBadge status={v.status} /></td>
      {withTitle && <td>{v.title}</td>}
      <td><Time value={v.createdAt} /></td>
      <td>{v.createdBy}</td>
      <td>{v.changeNote ?? ''}</td>
      <td>{v.version > 1 && <a href={articleHref(articleId, `/history?from=${v.version - 1}&to=${v.version}`)}>Changes from v{v.version - 1}</a>}</td>
    </tr>
  );
}

function StatusButton({ viewer, a, to, label }: { viewer: Viewer; a: ArticleWithVersions; to: 'publish' | 'archive'; label: string }) {
  return (
    <form method="post" action={articleHref(a.id, `/${to}`)} class="inline" data-confirm={to === 'archive' ? 'Archive this article? It will no longer be suggested to customers.' : undefined}>
      <CsrfField viewer={viewer} />
      <input type="hidden" name="expectedVersion" value={String(a.version)} />
      <button type="submit" class={to === 'publish' ? 'primary' : 'danger'}>{label}</button>
    </form>
  );
}

/** The questions a chat model wrote for the article, each deletable by whoever may edit it. */
function GeneratedQuestions({ viewer, a, questions, canWrite }: { viewer: Viewer; a: ArticleWithVersions; questions: GeneratedQuestion[]; canWrite: boolean }) {
  return (
    <section aria-labelledby="generated-h">
      <h2 id="generated-h">Generated questions</h2>
      <p class="muted">Written by the chat model from the published text and matched like example questions. Delete any this article does not answer.</p>
      {questions.length ? (
        <ul class="examples" data-generated-questions>
          {questions.map((q) => (
            <li>
              {q.text} <span class="muted">(v{q.articleVersion})</span>
              {canWrite && (
                <form method="post" action={articleHref(a.id, `/generated-questions/${q.id}/delete`)} class="inline" data-confirm="Delete this question? Matching forgets it.">
                  <CsrfField viewer={viewer} />
                  <button type="submit" class="danger" aria-label={`Delete: ${q.text}`}>Delete</button>
                </form>
              )}
            </li>
          ))}
        </ul>
      ) : <p class="muted">None{a.status === 'published' ? ' (without a chat model, or not written yet)' : ': written once the article is published, when a chat model is configured'}.</p>}
    </section>
  );
}

export function KbArticlePage({ viewer, article: a, notice, publicBase, generatedQuestions = [], performance = [] }: { viewer: Viewer; article: ArticleWithVersions; notice?: string; publicBase: string; generatedQuestions?: GeneratedQuestion[]; performance?: ArticleVersionPerformance[] }) {
  const ackLink = articlePublicUrl(a, publicBase);
  const canWrite = mayUse(viewer.role, 'kbWrite');
  const recent = a.versions.slice(0, 5);
  return (
    <Layout title={a.title} viewer={viewer} area="kb">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/app/kb">Knowledge base</a> <span aria-hidden="true">›</span> <span aria-current="page">{a.title}</span></nav>
      <div class="page-head">
        <h1>{a.title} <StatusBadge status={a.status} /></h1>
        <div class="actions">
          {canWrite && <a class="button" href={articleHref(a.id, '/edit')}>Edit</a>}
          {canWrite && a.status !== 'published' && <StatusButton viewer={viewer} a={a} to="publish" label="Publish" />}
          {canWrite && a.status !== 'archived' && <StatusButton viewer={viewer} a={a} to="archive" label="Archive" />}
          <a class="button" href={articleHref(a.id, '/markdown')} download>Download Markdown</a>
        </div>
      </div>
      <Notice code={notice} />
      <dl class="meta">
        <div><dt>Id</dt><dd><code>{a.id}</code></dd></div>
        <div><dt>Language</dt><dd>{a.language}</dd></div>
        <div><dt>Version</dt><dd>{a.version} · <a href={articleHref(a.id, '/history')}>history</a></dd></div>
        <div><dt>Updated</dt><dd><Time value={a.updatedAt} /> by {a.updatedBy}</dd></div>
        <div><dt>Tags</dt><dd>{a.tags.length ? a.tags.join(', ') : '—'}</dd></div>
        <div><dt>URL</dt><dd>{a.url ? <a href={a.url} rel="noopener noreferrer">{a.url}</a> : '—'}</dd></div>
        <div>
          <dt>Acknowledgements link to</dt>
          <dd>
            <a href={ackLink} rel="noopener noreferrer" data-ack-link>{ackLink}</a>{' '}
            <span class="muted">{a.url ? '(its own URL)' : '(the help centre)'}</span>
            {a.status === 'published'
              ? <> · <a href={helpCentrePath(a)}>View in the help centre</a></>
              : <span class="muted"> · in the help centre once published</span>}
          </dd>
        </div>
        <div><dt>Translation group</dt><dd>{a.translationGroup ?? '—'}</dd></div>
      </dl>
      <article class="prose" aria-label="Article body">{raw(renderMarkdown(a.body))}</article>
      <section aria-labelledby="examples-h">
        <h2 id="examples-h">Example questions</h2>
        {a.examples.length ? <ul class="examples">{a.examples.map((e) => <li>{e}</li>)}</ul> : <p class="muted">None yet.</p>}
      </section>
      <GeneratedQuestions viewer={viewer} a={a} questions={generatedQuestions} canWrite={canWrite} />
      <ArticlePerformanceSection rows={performance} />
      <section aria-labelledby="versions-h">
        <h2 id="versions-h">Recent versions</h2>
        <TableWrap label="Recent versions">
          <table class="list">
            <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">When</th><th scope="col">By</th><th scope="col">Note</th><th scope="col"><span class="visually-hidden">Compare</span></th></tr></thead>
            <tbody>
              {recent.map((v) => <VersionRow articleId={a.id} v={v} />)}
            </tbody>
          </table>
        </TableWrap>
        {a.versions.length > recent.length && <p><a href={articleHref(a.id, '/history')}>All {a.versions.length} versions</a></p>}
      </section>
    </Layout>
  );
}
