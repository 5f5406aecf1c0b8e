// Knowledge-base pages: agents read, knowledge managers and admins write. Handlers call the same use cases as
// the API (src/kb) and only translate between forms and their input.
import { Hono, type Context } from 'hono';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { parseInput } from '../../validation.js';
import { deleteGeneratedQuestion, listGeneratedQuestions } from '../../kb/generated-questions/manage.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { archiveArticle, createArticle, getArticle, getVersion, listArticles, publishArticle, updateArticle } from '../../kb/articles.js';
import { articleToMarkdown } from '../../kb/transfer.js';
import { gapDraft, writeGapArticle, type GapDraft } from '../../insight/gaps/write-article.js';
import { performanceOfArticle } from '../../insight/article-performance.js';
import { createInput, emptyArticleValues, updateInput, valuesFromArticle, valuesFromForm, valuesFromGap, type ArticleFormValues } from '../article-form.js';
import { field, fieldErrors, formOf, render, type WebEnv } from '../env.js';
import { renderMarkdown } from '../markdown.js';
import { articleHref, KbArticlePage } from '../pages/kb-article.js';
import { KbEditorPage } from '../pages/kb-editor.js';
import { KbHistoryPage, KbVersionPage } from '../pages/kb-history.js';
import { KbListPage, type KbFilters } from '../pages/kb-list.js';
import { allow } from './guards.js';
import { transferRoutes } from './kb-transfer.js';

const PAGE_SIZE = 50;
const versionNumber = z.coerce.number().int().positive();
const questionId = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const gapId = questionId;

export const who = (c: Context<WebEnv>) => ({ by: c.get('viewer').name });

/** Validation and version conflicts go back to the editor with what was typed; anything else is a real error. */
function editorError(c: Context<WebEnv>, publicBase: string, err: unknown, values: ArticleFormValues, articleId?: string, gap?: EditorGap) {
  if (!(err instanceof AppError) || !['bad_request', 'conflict'].includes(err.code)) throw err;
  const errors = err.code === 'bad_request' ? fieldErrors(err.details) : {};
  const formError = err.code === 'conflict' ? err.message : Object.keys(errors).length ? undefined : err.message;
  return render(c, <KbEditorPage viewer={c.get('viewer')} publicBase={publicBase} articleId={articleId} values={values} errors={errors} formError={formError} gap={gap} />, err.code === 'conflict' ? 409 : 400);
}

type EditorGap = { id: number; size: number };

/** The knowledge gap a new article is written for (?gap= or the form's hidden field), if any. */
async function gapOf(db: Db, raw: string | undefined): Promise<(EditorGap & { draft: GapDraft }) | undefined> {
  if (!raw) return undefined;
  const draft = await gapDraft(db, parseInput(gapId, raw));
  return { id: draft.id, size: draft.size, draft };
}

/** `publicBase`: publicBaseUrl(config), for the link an acknowledgement carries (src/kb/public-url.ts). */
export function kbPageRoutes(db: Db, knowledge?: Pick<KnowledgeBase, 'requestRefresh'>, publicBase = '') {
  const write = allow('kbWrite');
  const read = allow('kb');

  const statusChange = (change: typeof publishArticle, done: string) => async (c: Context<WebEnv>) => {
    const id = c.req.param('id')!;
    const expected = Number(field(await formOf(c), 'expectedVersion'));
    await change(db, id, { expectedVersion: Number.isInteger(expected) && expected > 0 ? expected : undefined }, who(c));
    return c.redirect(`${articleHref(id)}?done=${done}`, 303);
  };

  return new Hono<WebEnv>()
    .use('*', read)
    // Every change is indexed and learned in the background, as after the API's writes: the playground and the
    // pipeline see a published article within moments.
    .use('*', async (c, next) => {
      await next();
      if (c.req.method === 'POST' && !c.req.path.endsWith('/preview') && c.res.status < 400) knowledge?.requestRefresh();
    })
    .get('/', async (c) => {
      const q = c.req.query();
      const filters: KbFilters = { q: q.q?.trim(), status: q.status, language: q.language?.trim(), tag: q.tag?.trim(), offset: Math.max(0, Number(q.offset) || 0), limit: PAGE_SIZE };
      const input = Object.fromEntries(Object.entries({ ...filters }).filter(([, v]) => v !== '' && v !== undefined));
      try {
        const { articles, total } = await listArticles(db, input);
        return render(c, <KbListPage viewer={c.get('viewer')} articles={articles} total={total} filters={filters} notice={q.done} />);
      } catch (err) {
        if (!(err instanceof AppError) || err.code !== 'bad_request') throw err;
        return render(c, <KbListPage viewer={c.get('viewer')} articles={[]} total={0} filters={filters} error={`Check the filters — ${err.message}`} />, 400);
      }
    })
    // ?gap=ID: "Write this article" from the knowledge-gap report, the form prefilled with the gap's suggestion.
    .get('/new', write, async (c) => {
      const gap = await gapOf(db, c.req.query('gap'));
      if (gap && gap.draft.status !== 'open') throw new AppError('conflict', `knowledge gap ${gap.id} is already ${gap.draft.status}`);
      const values = gap ? valuesFromGap(gap.draft) : emptyArticleValues;
      return render(c, <KbEditorPage viewer={c.get('viewer')} publicBase={publicBase} values={values} gap={gap} />);
    })
    .post('/new', write, async (c) => {
      const form = await formOf(c);
      const values = valuesFromForm(form);
      const gap = await gapOf(db, field(form, 'gap') || undefined);
      if (field(form, 'intent') === 'preview') return render(c, <KbEditorPage viewer={c.get('viewer')} publicBase={publicBase} values={values} previewHtml={renderMarkdown(values.body)} gap={gap} />);
      try {
        // For a gap: the draft and the gap's acceptance in one transaction.
        const article = gap ? (await writeGapArticle(db, gap.id, createInput(values), who(c))).article : await createArticle(db, createInput(values), who(c));
        return c.redirect(`${articleHref(article.id)}?done=${gap ? 'gap-accepted' : 'created'}`, 303);
      } catch (err) {
        return editorError(c, publicBase, err, values, undefined, gap);
      }
    })
    // For app.js's live preview: an HTML fragment, sanitised like the article page.
    .post('/preview', write, async (c) => c.html(renderMarkdown(field(await formOf(c), 'body'))))
    .route('/', transferRoutes(db))
    .get('/articles/:id', async (c) => {
      const article = await getArticle(db, c.req.param('id'));
      const [generatedQuestions, performance] = await Promise.all([listGeneratedQuestions(db, article.id), performanceOfArticle(db, article.id)]);
      return render(c, <KbArticlePage viewer={c.get('viewer')} publicBase={publicBase} article={article} generatedQuestions={generatedQuestions} performance={performance} notice={c.req.query('done')} />);
    })
    // A wrong generated question goes; the refresh after every POST (above) drops it from matching.
    .post('/articles/:id/generated-questions/:qid/delete', write, async (c) => {
      const id = c.req.param('id');
      const viewer = c.get('viewer');
      await deleteGeneratedQuestion(db, id, parseInput(questionId, c.req.param('qid')), { id: viewer.id, name: viewer.name });
      return c.redirect(`${articleHref(id)}#generated-h`, 303);
    })
    .get('/articles/:id/edit', write, async (c) => {
      const article = await getArticle(db, c.req.param('id'));
      return render(c, <KbEditorPage viewer={c.get('viewer')} publicBase={publicBase} articleId={article.id} values={valuesFromArticle(article)} />);
    })
    .post('/articles/:id/edit', write, async (c) => {
      const id = c.req.param('id');
      const form = await formOf(c);
      const values = valuesFromForm(form);
      if (field(form, 'intent') === 'preview') {
        return render(c, <KbEditorPage viewer={c.get('viewer')} publicBase={publicBase} articleId={id} values={values} previewHtml={renderMarkdown(values.body)} />);
      }
      try {
        const input = updateInput(values);
        const saved = await updateArticle(db, id, input, who(c));
        return c.redirect(`${articleHref(id)}?done=${saved.version === input.expectedVersion ? 'unchanged' : 'saved'}`, 303);
      } catch (err) {
        return editorError(c, publicBase, err, values, id);
      }
    })
    .post('/articles/:id/publish', write, statusChange(publishArticle, 'published'))
    .post('/articles/:id/archive', write, statusChange(archiveArticle, 'archived'))
    .get('/articles/:id/history', async (c) => {
      const article = await getArticle(db, c.req.param('id'));
      const latest = article.version;
      const toV = c.req.query('to') ? parseInput(versionNumber, c.req.query('to')) : latest;
      const fromV = c.req.query('from') ? parseInput(versionNumber, c.req.query('from')) : toV - 1;
      const [from, to] = fromV >= 1 ? await Promise.all([getVersion(db, article.id, fromV), getVersion(db, article.id, toV)]) : [];
      return render(c, <KbHistoryPage viewer={c.get('viewer')} article={article} from={from} to={to} />);
    })
    .get('/articles/:id/versions/:v', async (c) => {
      const article = await getArticle(db, c.req.param('id'));
      const version = await getVersion(db, article.id, parseInput(versionNumber, c.req.param('v')));
      return render(c, <KbVersionPage viewer={c.get('viewer')} article={article} version={version} />);
    })
    .get('/articles/:id/markdown', async (c) => {
      const article = await getArticle(db, c.req.param('id'));
      return c.body(articleToMarkdown(article), 200, {
        'content-type': 'text/markdown; charset=utf-8',
        'content-disposition': `attachment; filename="${article.id}.md"`,
      });
    });
}
