// The article editor's form <-> the KB use cases' input. Everything the person typed is kept as typed (strings)
// so a failed save re-renders exactly what they entered.
import type { CreateArticleInput, UpdateArticleInput } from '../kb/article-schema.js';
import type { Article } from '../kb/articles.js';
import { field, type Form } from './env.js';

export interface ArticleFormValues {
  id: string;
  title: string;
  body: string;
  language: string;
  /** Comma-separated. */
  tags: string;
  url: string;
  /** One example question per line. */
  examples: string;
  translationGroup: string;
  changeNote: string;
  expectedVersion: string;
}

export const emptyArticleValues: ArticleFormValues = {
  id: '', title: '', body: '', language: 'en', tags: '', url: '', examples: '', translationGroup: '', changeNote: '', expectedVersion: '',
};

export function valuesFromArticle(a: Article): ArticleFormValues {
  return {
    id: a.id, title: a.title, body: a.body, language: a.language, tags: a.tags.join(', '), url: a.url ?? '',
    examples: a.examples.join('\n'), translationGroup: a.translationGroup ?? '', changeNote: '', expectedVersion: String(a.version),
  };
}

/** A knowledge gap's suggestion as a new article (src/insight/gaps/write-article.ts). */
export function valuesFromGap(g: { title: string; body: string; language: string; examples: string[] }): ArticleFormValues {
  return { ...emptyArticleValues, title: g.title, body: g.body, language: g.language, examples: g.examples.join('\n') };
}

export function valuesFromForm(form: Form): ArticleFormValues {
  const values = { ...emptyArticleValues };
  for (const key of Object.keys(values) as (keyof ArticleFormValues)[]) values[key] = field(form, key);
  return values;
}

export const splitTags = (text: string) => text.split(',').map((t) => t.trim()).filter(Boolean);
export const splitExamples = (text: string) => text.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);

function content(v: ArticleFormValues) {
  return {
    title: v.title,
    body: v.body,
    language: v.language,
    tags: splitTags(v.tags),
    url: v.url.trim() || null,
    examples: splitExamples(v.examples),
    translationGroup: v.translationGroup.trim() || null,
    changeNote: v.changeNote.trim() || undefined,
  };
}

export function createInput(v: ArticleFormValues): CreateArticleInput {
  return { ...content(v), id: v.id.trim() || undefined };
}

export function updateInput(v: ArticleFormValues): UpdateArticleInput {
  const expected = Number(v.expectedVersion);
  return { ...content(v), expectedVersion: Number.isInteger(expected) && expected > 0 ? expected : undefined };
}
