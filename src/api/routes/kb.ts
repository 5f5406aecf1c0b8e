import type { Context, MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import type { Db } from '../../db/client.js';
import { AppError } from '../../errors.js';
import {
  createArticleSchema, listArticlesSchema, statusChangeSchema, updateArticleSchema,
  type CreateArticleInput, type StatusChangeInput, type UpdateArticleInput,
} from '../../kb/article-schema.js';
import { parseInput } from '../../validation.js';
import {
  archiveArticle, createArticle, getArticle, getVersion, listArticles, listVersions, publishArticle, updateArticle,
} from '../../kb/articles.js';
import { customerText, detectLanguage } from '../../domain/language.js';
import { deleteGeneratedQuestion, listGeneratedQuestions } from '../../kb/generated-questions/manage.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { exportJsonl, exportMarkdown, importJsonl, importMarkdown } from '../../kb/transfer.js';
import { principalOf, type AuthEnv } from '../principal.js';
import { apiRoutes, type BodyDoc } from '../route-registry.js';
import { jsonBody } from '../json-body.js';

const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
const formatQuery = z.object({ format: z.enum(['jsonl', 'markdown']).default('jsonl') });
const markdownImport = z.object({ files: z.record(z.string(), z.string()) });
const versionParams = z.object({ id: z.string(), v: z.coerce.number().int().positive() });
const questionParams = z.object({ id: z.string(), qid: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });
const matchInput = z.object({
  text: z.string().min(1).max(100_000),
  subject: z.string().max(2000).optional(),
  language: z.string().min(2).max(10).optional(),
  threshold: z.number().min(0).max(1).optional(),
  limit: z.number().int().min(1).max(20).default(5),
});

// Article bodies are passed on as parsed JSON: the use cases validate them with their zod schemas (documented here).
const useCaseBody = (schema: z.ZodType, optional = false): BodyDoc => ({ contentType: 'application/json', description: 'validated by the use case', schema, optional });
/** Agents read articles to answer cases; only knowledge managers and admins change them. */
export function kbRoutes(db: Db, authenticate: MiddlewareHandler<AuthEnv>, knowledge: KnowledgeBase) {
  const read = { roles: ['admin', 'agent', 'knowledge_manager'] } as const;
  const write = { roles: ['admin', 'knowledge_manager'] } as const;
  const who = (c: Context<AuthEnv>) => ({ by: principalOf(c).name });
  const id = (c: Context<AuthEnv>) => c.req.param('id')!;
  // Every change is indexed and learned in the background; matching never sees a half-written article.
  const changed = async <T>(result: T): Promise<T> => {
    knowledge.requestRefresh();
    return result;
  };

  return apiRoutes({ authenticate, access: read })
    .route({ method: 'get', path: '/articles', summary: 'List articles', query: listArticlesSchema, responses: { 200: { description: 'the articles' } } },
      async (c, { query }) => c.json(await listArticles(db, query)))
    .route({ method: 'get', path: '/articles/:id', summary: 'One article', responses: { 200: { description: 'the article' } } },
      async (c) => c.json(await getArticle(db, id(c))))
    .route({ method: 'get', path: '/articles/:id/versions', summary: "An article's versions", responses: { 200: { description: '{ versions }' } } }, async (c) => {
      const versions = await listVersions(db, id(c));
      // Every article has at least its first version, so none means no such article.
      if (versions.length === 0) throw new AppError('not_found', `no article ${id(c)}`);
      return c.json({ versions });
    })
    .route({ method: 'get', path: '/articles/:id/versions/:v', summary: 'One version of an article', params: versionParams, responses: { 200: { description: 'the version' } } },
      async (c, { params }) => c.json(await getVersion(db, params.id, params.v)))
    .route({ method: 'post', path: '/articles', access: write, summary: 'Create an article', rawBody: useCaseBody(createArticleSchema), responses: { 201: { description: 'the article' } } },
      async (c) => c.json(await changed(await createArticle(db, (await jsonBody(c)) as CreateArticleInput, who(c))), 201))
    .route({ method: 'put', path: '/articles/:id', access: write, summary: 'Change an article (a new version)', rawBody: useCaseBody(updateArticleSchema), responses: { 200: { description: 'the article' } } },
      async (c) => c.json(await changed(await updateArticle(db, id(c), (await jsonBody(c)) as UpdateArticleInput, who(c)))))
    .route({ method: 'post', path: '/articles/:id/publish', access: write, summary: 'Publish an article', rawBody: useCaseBody(statusChangeSchema, true), responses: { 200: { description: 'the article' } } },
      async (c) => c.json(await changed(await publishArticle(db, id(c), (await jsonBody(c, true)) as StatusChangeInput, who(c)))))
    .route({ method: 'post', path: '/articles/:id/archive', access: write, summary: 'Archive an article', rawBody: useCaseBody(statusChangeSchema, true), responses: { 200: { description: 'the article' } } },
      async (c) => c.json(await changed(await archiveArticle(db, id(c), (await jsonBody(c, true)) as StatusChangeInput, who(c)))))
    // Questions a chat model wrote for the article (matched like examples); a wrong one is deleted and then forgotten.
    .route({ method: 'get', path: '/articles/:id/generated-questions', summary: 'Questions a chat model wrote for the article', responses: { 200: { description: '{ questions }' } } },
      async (c) => c.json({ questions: await listGeneratedQuestions(db, id(c)) }))
    .route({ method: 'delete', path: '/articles/:id/generated-questions/:qid', access: write, summary: 'Delete (and forget) a generated question', params: questionParams, responses: { 200: { description: 'what was deleted' } } },
      async (c, { params }) => c.json(await changed(await deleteGeneratedQuestion(db, params.id, params.qid, principalOf(c)))))
    .route({
      method: 'post', path: '/import', access: write, summary: 'Import articles (JSONL lines, or Markdown files as { files })', query: formatQuery,
      rawBody: { contentType: 'application/x-ndjson', description: `format=jsonl: one article per line; format=markdown: JSON { files: { name: markdown } }; up to ${MAX_IMPORT_BYTES} bytes` },
      responses: { 200: { description: 'what was imported' } },
      middleware: [bodyLimit({ maxSize: MAX_IMPORT_BYTES, onError: () => { throw new AppError('payload_too_large', `imports are limited to ${MAX_IMPORT_BYTES} bytes`); } })],
    }, async (c, { query: { format } }) => {
      const result = format === 'jsonl'
        ? await importJsonl(db, await c.req.text(), who(c))
        : await importMarkdown(db, parseInput(markdownImport, await jsonBody(c)).files, who(c));
      return c.json(await changed(result));
    })
    // The playground: what would match this text, how sure, and which signal contributed what.
    .route({ method: 'post', path: '/match', summary: 'What would match this text, how sure, and why', body: matchInput, responses: { 200: { description: 'the match, its language, calibration and suggestions' } } }, async (c, { body: input }) => {
      const language = input.language ?? detectLanguage(input.text).language;
      const match = await knowledge.match(customerText(input.subject ?? '', input.text), { language, subject: input.subject ?? '', threshold: input.threshold, limit: input.limit });
      const suggestions = await knowledge.suggestions(match, language, 3);
      return c.json({ ...match, language, calibration: knowledge.calibration, suggestions });
    })
    // Index and retrain now (normally automatic after each change); returns what was embedded.
    .route({ method: 'post', path: '/reindex', access: write, summary: 'Index and retrain now', responses: { 200: { description: 'what was embedded' } } }, async (c) => {
      const { articles: _articles, ...report } = await knowledge.refresh();
      return c.json(report);
    })
    .route({
      method: 'get', path: '/export', summary: 'Export all articles', query: formatQuery,
      responses: { 200: { description: 'format=jsonl: one article per line; format=markdown: JSON { files }', contentType: 'application/x-ndjson' } },
    }, async (c, { query: { format } }) => {
      if (format === 'markdown') return c.json({ files: await exportMarkdown(db) });
      return c.body(await exportJsonl(db), 200, { 'content-type': 'application/x-ndjson; charset=utf-8' });
    })
    .hono;
}
