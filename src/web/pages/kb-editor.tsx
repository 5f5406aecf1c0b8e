import { raw } from 'hono/html';
import type { ArticleFormValues } from '../article-form.js';
import { CsrfField, ErrorSummary, Field } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { articlePublicUrl } from '../../kb/public-url.js';
import { articleHref } from './kb-article.js';

export interface EditorProps {
  viewer: Viewer;
  /** Absent when creating. */
  articleId?: string;
  values: ArticleFormValues;
  errors?: Record<string, string>;
  formError?: string;
  /** Sanitised HTML of the body. */
  previewHtml?: string;
  /** publicBaseUrl(config): the help centre's address, for the link acknowledgements carry. */
  publicBase: string;
  /** Writing the article a knowledge gap asks for: saving it accepts the gap. */
  gap?: { id: number; size: number };
}

/** What an acknowledgement will link to, from what the form holds now (a new article's id may not be chosen yet). */
function ackLinkOf(p: EditorProps): string {
  const id = p.articleId ?? p.values.id.trim();
  const language = p.values.language.trim().toLowerCase() || 'en';
  if (!id && !p.values.url.trim()) return `${articlePublicUrl({ id: '', language, url: null }, p.publicBase)}… (the id is generated on save)`;
  return articlePublicUrl({ id, language, url: p.values.url || null }, p.publicBase);
}

export function KbEditorPage(p: EditorProps) {
  const v = p.values;
  const e = p.errors ?? {};
  const creating = !p.articleId;
  const action = creating ? '/app/kb/new' : articleHref(p.articleId!, '/edit');
  const title = creating ? 'New article' : `Edit “${v.title || p.articleId}”`;
  return (
    <Layout title={title} viewer={p.viewer} area="kbWrite">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href="/app/kb">Knowledge base</a> <span aria-hidden="true">›</span>{' '}
        {!creating && <><a href={articleHref(p.articleId!)}>{p.articleId}</a> <span aria-hidden="true">›</span> </>}
        <span aria-current="page">{creating ? 'New article' : 'Edit'}</span>
      </nav>
      <h1>{title}</h1>
      <ErrorSummary errors={e} message={p.formError} />
      {p.gap && (
        <p class="notice" data-gap-note>
          Written for a <a href="/app/kb/gaps">knowledge gap</a> of {p.gap.size} customer {p.gap.size === 1 ? 'question' : 'questions'}: the title, body,
          language and example questions below are its suggestion. Creating the draft marks the gap accepted; publish the article when it is ready.
        </p>
      )}
      <form method="post" action={action} class="editor" data-editor>
        <CsrfField viewer={p.viewer} />
        {!creating && <input type="hidden" name="expectedVersion" value={v.expectedVersion} />}
        {creating && p.gap && <input type="hidden" name="gap" value={String(p.gap.id)} />}
        <div class="editor-grid">
          <div class="stack">
            {creating && (
              <Field name="id" label="Id" value={v.id} error={e.id} maxlength={100} spellcheck={false}
                hint="Optional, e.g. card-arrival. Used in links and as the file name on export; left empty, one is generated." />
            )}
            <Field name="title" label="Title" value={v.title} error={e.title} required maxlength={300} />
            <Field name="body" label="Body (Markdown)" value={v.body} error={e.body} required rows={16} attrs={{ 'data-preview-source': '' }} />
          </div>
          <section class="preview-panel" aria-labelledby="preview-h">
            <h2 id="preview-h">Preview</h2>
            <div id="preview" class="prose preview" data-preview-target>
              {p.previewHtml !== undefined ? raw(p.previewHtml) : <p class="muted">Use “Preview” to see the body rendered.</p>}
            </div>
          </section>
        </div>
        <fieldset>
          <legend>Details</legend>
          <div class="grid-2">
            <Field name="language" label="Language" value={v.language} error={e.language} required maxlength={2} spellcheck={false} hint="ISO 639-1 code: en, es, de…" />
            <Field name="url" label="Public URL" type="url" value={v.url} error={e.url}
              hint="Optional link to the article on your help site. Empty: acknowledgements link to its page in this service's help centre (once published)." />
            <Field name="tags" label="Tags" value={v.tags} error={e.tags} hint="Separated by commas." />
            <Field name="translationGroup" label="Translation group" value={v.translationGroup} error={e.translationGroup} spellcheck={false}
              hint="Optional: the same value on each language version of one article." />
          </div>
        </fieldset>
        <p class="hint" data-ack-link>Acknowledgements link to: <code>{ackLinkOf(p)}</code></p>
        <Field name="examples" label="Example questions" value={v.examples} error={e.examples} rows={6}
          hint="One per line: how customers actually ask. They teach the matcher when to suggest this article." />
        <Field name="changeNote" label="Change note" value={v.changeNote} error={e.changeNote} maxlength={1000} hint="Optional: why you changed it, shown in the history." />
        <div class="actions">
          <button type="submit" name="intent" value="save" class="primary">{creating ? 'Create draft' : 'Save'}</button>
          <button type="submit" name="intent" value="preview" formnovalidate>Preview</button>
          <a href={creating ? '/app/kb' : articleHref(p.articleId!)}>Cancel</a>
        </div>
      </form>
    </Layout>
  );
}
