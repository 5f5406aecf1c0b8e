import { z } from 'zod';
import { articleStatuses } from '../db/schema/kb.js';

/** External ids (e.g. 'card-arrival') double as Markdown file names on export, so they stay file-name safe. */
export const articleIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/, 'expected 1-100 letters, digits, ".", "_" or "-", starting with a letter or digit');

const httpUrl = z
  .string()
  .trim()
  .max(2000)
  .refine((v) => {
    try {
      return ['http:', 'https:'].includes(new URL(v).protocol);
    } catch {
      return false;
    }
  }, 'expected an http:// or https:// URL');

/** An article's limits: the schema below enforces them; code that writes articles (knowledge gaps) trims to them. */
export const ARTICLE_LIMITS = {
  titleChars: 300,
  bodyChars: 200_000,
  tagChars: 100,
  tags: 50,
  exampleChars: 2000,
  examples: 500,
} as const;
const L = ARTICLE_LIMITS;

const shortText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
// Order is kept (it is the author's), duplicates are dropped so edits that only repeat a tag are no-ops.
const uniqueList = (item: z.ZodString, max: number) => z.array(item).max(max).transform((items) => [...new Set(items)]);

/** The editable fields of an article, shared by the API, import and export. Bodies are Markdown, trimmed. */
export const articleFieldsSchema = z.object({
  title: shortText(L.titleChars),
  body: shortText(L.bodyChars),
  language: z.string().trim().toLowerCase().regex(/^[a-z]{2}$/, 'expected an ISO 639-1 code like en or es'),
  tags: uniqueList(shortText(L.tagChars), L.tags).default([]),
  url: httpUrl.nullable().default(null),
  examples: uniqueList(shortText(L.exampleChars), L.examples).default([]),
  translationGroup: articleIdSchema.nullable().default(null),
});

const concurrency = {
  /** Optimistic locking: the version the editor started from; a newer stored version is a 409. */
  expectedVersion: z.number().int().positive().optional(),
  changeNote: z.string().trim().max(1000).optional(),
};

export const createArticleSchema = articleFieldsSchema.extend({
  id: articleIdSchema.optional(),
  status: z.enum(articleStatuses).default('draft'),
  changeNote: concurrency.changeNote,
});

export const updateArticleSchema = z.object({
  ...articleFieldsSchema.partial().shape,
  // Defaults would silently reset omitted fields on update: re-declare them without.
  tags: uniqueList(shortText(L.tagChars), L.tags).optional(),
  url: httpUrl.nullable().optional(),
  examples: uniqueList(shortText(L.exampleChars), L.examples).optional(),
  translationGroup: articleIdSchema.nullable().optional(),
  status: z.enum(articleStatuses).optional(),
  ...concurrency,
});

export const statusChangeSchema = z.object(concurrency);

/** One article in a JSONL line or Markdown front matter. The id is required so a re-import updates in place. */
export const importedArticleSchema = articleFieldsSchema.extend({
  id: articleIdSchema,
  status: z.enum(articleStatuses).default('published'),
});

export const listArticlesSchema = z.object({
  status: z.enum(articleStatuses).optional(),
  language: z.string().trim().toLowerCase().regex(/^[a-z]{2}$/).optional(),
  tag: z.string().trim().min(1).optional(),
  q: z.string().trim().min(1).max(500).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  offset: z.coerce.number().int().min(0).default(0),
});

export type ArticleFields = z.infer<typeof articleFieldsSchema>;
export type CreateArticleInput = z.input<typeof createArticleSchema>;
export type UpdateArticleInput = z.input<typeof updateArticleSchema>;
export type StatusChangeInput = z.input<typeof statusChangeSchema>;
export type ImportedArticle = z.infer<typeof importedArticleSchema>;
export type ListArticlesInput = z.input<typeof listArticlesSchema>;
