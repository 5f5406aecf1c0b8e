import { Hono, type Context, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import { type CreateArticleInput, type StatusChangeInput, type UpdateArticleInput } from '../../kb/article-schema.js';
import { parseInput } from '../../validation.js';
import {
  archiveArticle, createArticle, getArticle, getVersion, listArticles, listVersions, publishArticle, updateArticle,
} from '../../kb/articles.js';
import { customerText, detectLanguage } from '../../domain/language.js';
import { deleteGeneratedQuestion, listGeneratedQuestions } from '../../kb/generated-questions/manage.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { exportJsonl, exportMarkdown, importJsonl, importMarkdown } from '../../kb/transfer.js';
import { principalOf, requireRole, type AuthEnv } from '../principal.js';
import { jsonBody } from '../json-body.js';

const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const formatQuery = z.object({ format: z.enum(['jsonl', 'markdown']).default('jsonl') });
const markdownImport = z.object({ files: z.record(z.string(), z.string()) });
const versionParam = z.coerce.number().int().positive();
const questionIdParam = z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER);
const matchInput = z.object({
  text: z.string().min(1).max(100_000),
  subject: z.string().max(2000).optional(),
  language: z.string().min(2).max(10).optional(),
  threshold: z.number().min(0).max(1).optional(),
  limit: z.number().int().min(1).max(20).default(5),
});

// Bodies are passed on as parsed JSON: the use cases validate them with their zod schemas.
/** Agents read articles to answer cases; only knowledge managers and admins change them. */
export function kbRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, knowledge: KnowledgeBase) {
  const read = requireRole('admin', 'agent', 'knowledge_manager');
  const write = requireRole('admin', 'knowledge_manager');
  const who = (c: Context<AuthEnv>) => ({ by: principalOf(c).name });
  // Every change is indexed and learned in the background; matching never sees a half-written article.
  const changed = async <T>(result: T): Promise<T> => {
    knowledge.requestRefresh();
    return result;
  };

  return new Hono<AuthEnv>()
    .use(authenticate)
    .get('/articles', read, async (c) => c.json(await listArticles(db, c.req.query())))
    .get('/articles/:id', read, async (c) => c.json(await getArticle(db, c.req.param('id'))))
    .get('/articles/:id/versions', read, async (c) => {
      const versions = await listVersions(db, c.req.param('id'));
      // Every article has at least its first version, so none means no such article.
      if (versions.length === 0) throw new AppError('not_found', `no article ${c.req.param('id')}`);
      return c.json({ versions });
    })
    .get('/articles/:id/versions/:v', read, async (c) =>
      c.json(await getVersion(db, c.req.param('id'), parseInput(versionParam, c.req.param('v')))))
    .post('/articles', write, async (c) => c.json(await changed(await createArticle(db, (await jsonBody(c)) as CreateArticleInput, who(c))), 201))
    .put('/articles/:id', write, async (c) => c.json(await changed(await updateArticle(db, c.req.param('id'), (await jsonBody(c)) as UpdateArticleInput, who(c)))))
    .post('/articles/:id/publish', write, async (c) =>
      c.json(await changed(await publishArticle(db, c.req.param('id'), (await jsonBody(c, true)) as StatusChangeInput, who(c)))))
    .post('/articles/:id/archive', write, async (c) =>
      c.json(await changed(await archiveArticle(db, c.req.param('id'), (await jsonBody(c, true)) as StatusChangeInput, who(c)))))
    // Questions a chat model wrote for the article (matched like examples); a wrong one is deleted and then forgotten.
    .get('/articles/:id/generated-questions', read, async (c) => c.json({ questions: await listGeneratedQuestions(db, c.req.param('id')) }))
    .delete('/articles/:id/generated-questions/:qid', write, async (c) =>
      c.json(await changed(await deleteGeneratedQuestion(db, c.req.param('id'), parseInput(questionIdParam, c.req.param('qid')), principalOf(c)))))
    .post(
      '/import',
      write,
      bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: () => { throw new AppError('payload_too_large', `imports are limited to ${MAX_IMPORT_BYTES} bytes`); } }),
      async (c) => {
        const { format } = parseInput(formatQuery, c.req.query());
        const result = format === 'jsonl'
          ? await importJsonl(db, await c.req.text(), who(c))
          : await importMarkdown(db, parseInput(markdownImport, await jsonBody(c)).files, who(c));
        return c.json(await changed(result));
      },
    )
    // The playground: what would match this text, how sure, and which signal contributed what.
    .post('/match', read, async (c) => {
      const input = parseInput(matchInput, await jsonBody(c));
      const language = input.language ?? detectLanguage(input.text).language;
      const match = await knowledge.match(customerText(input.subject ?? '', input.text), { language, threshold: input.threshold, limit: input.limit });
      const suggestions = await knowledge.suggestions(match, language, 3);
      return c.json({ ...match, language, calibration: knowledge.calibration, suggestions });
    })
    // Index and retrain now (normally automatic after each change); returns what was embedded.
    .post('/reindex', write, async (c) => {
      const { articles: _articles, ...report } = await knowledge.refresh();
      return c.json(report);
    })
    .get('/export', read, async (c) => {
      const { format } = parseInput(formatQuery, c.req.query());
      if (format === 'markdown') return c.json({ files: await exportMarkdown(db) });
      return c.body(await exportJsonl(db), 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    });
}
