// Moving a knowledge base in and out: JSONL (one article per line) and a folder of Markdown files with front
// matter. Import is idempotent by id (see upsertArticle) and never all-or-nothing: a bad line or file is reported
// with where it was, and the rest still import.
import type { Db, Queryable } from '../db/client.js';
import { errorMessage } from '../errors.js';
import { importedArticleSchema } from './article-schema.js';
import { parseInput } from '../validation.js';
import { allArticles, upsertArticle, type Article, type ChangeContext } from './articles.js';
import { readFrontMatter, writeFrontMatter, type FrontMatter } from './front-matter.js';

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
  failed: { line?: number; file?: string; error: string }[];
}

/** The file representation: snake_case like most JSONL tooling, optional fields left out when empty. */
export interface ArticleRecord {
  id: string;
  title: string;
  body: string;
  language: string;
  tags: string[];
  url: string | null;
  examples: string[];
  status?: string;
  translation_group?: string;
}

export function toRecord(a: Article): ArticleRecord {
  const record: ArticleRecord = { id: a.id, title: a.title, body: a.body, language: a.language, tags: a.tags, url: a.url, examples: a.examples, status: a.status };
  if (a.translationGroup) record.translation_group = a.translationGroup;
  return record;
}

/** The keys of a JSONL line and of Markdown front matter (README, Formats). */
export const RECORD_KEYS = ['id', 'title', 'body', 'language', 'tags', 'url', 'examples', 'status', 'translation_group'] as const;
/** Also accepted, for the API's spelling; the files are written with the snake_case key. */
const ALIASES: Record<string, (typeof RECORD_KEYS)[number]> = { translationGroup: 'translation_group' };

/**
 * A record as read from a file, checked key by key: a key we do not know is an error naming it (it used to be dropped
 * silently, and with it, for example, every translation link of a file that wrote translationGroup).
 */
function knownKeys(value: object, form: 'line' | 'front matter'): Record<string, unknown> {
  const record: Record<string, unknown> = {};
  const unknown: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    const name = ALIASES[key] ?? key;
    if (!(RECORD_KEYS as readonly string[]).includes(name) || (form === 'front matter' && name === 'body')) unknown.push(key);
    else if (name in record && JSON.stringify(record[name]) !== JSON.stringify(v)) throw new Error(`${key} and ${name} differ: give one of them`);
    else record[name] = v;
  }
  if (unknown.length > 0) {
    const known = RECORD_KEYS.filter((k) => form === 'line' || k !== 'body').join(', ');
    const where = form === 'line' ? '' : ' (the body is the text after the front matter)';
    throw new Error(`unknown ${unknown.length === 1 ? 'key' : 'keys'} ${unknown.map((k) => `"${k}"`).join(', ')}: expected ${known}${where}`);
  }
  return record;
}

function fromRecord(value: unknown, body?: string) {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('expected a JSON object');
  const record = knownKeys(value, body === undefined ? 'line' : 'front matter');
  const { translation_group, ...rest } = record;
  if (body !== undefined) rest.body = body;
  return parseInput(importedArticleSchema, { ...rest, translationGroup: translation_group ?? null });
}

export async function exportJsonl(db: Queryable): Promise<string> {
  return (await allArticles(db)).map((a) => `${JSON.stringify(toRecord(a))}\n`).join('');
}

export async function importJsonl(db: Db, text: string, ctx: ChangeContext): Promise<ImportResult> {
  const items = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((source, i) => ({ where: { line: i + 1 }, source }))
    .filter(({ source }) => source.trim() !== '');
  return importAll(db, items, (source) => articleFromJsonLine(source), ctx);
}

/** One JSONL line as an article (README, Formats), or an error saying what is wrong with it. */
export function articleFromJsonLine(source: string) {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (err) {
    throw new Error(`invalid JSON: ${errorMessage(err)}`);
  }
  return fromRecord(value);
}

/** File name → Markdown content. File names are `<id>.md`, which ids are constrained to allow. */
export async function exportMarkdown(db: Queryable): Promise<Record<string, string>> {
  return Object.fromEntries((await allArticles(db)).map((a) => [`${a.id}.md`, articleToMarkdown(a)]));
}

export function articleToMarkdown(a: Article): string {
  const { body, url, translation_group, ...rest } = toRecord(a);
  const data: FrontMatter = { id: rest.id, title: rest.title, language: rest.language, status: rest.status! };
  if (url) data.url = url;
  if (translation_group) data.translation_group = translation_group;
  data.tags = rest.tags;
  data.examples = rest.examples;
  return writeFrontMatter(data, body);
}

/** A file without an id in its front matter takes its file name (minus .md) as the id. */
export function markdownToArticle(name: string, content: string) {
  const { data, body } = readFrontMatter(content);
  const fallbackId = name.replace(/^.*[\\/]/, '').replace(/\.(md|markdown)$/i, '');
  return fromRecord({ id: fallbackId, ...data }, body);
}

export async function importMarkdown(db: Db, files: Record<string, string>, ctx: ChangeContext): Promise<ImportResult> {
  const items = Object.entries(files)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([file, source]) => ({ where: { file }, source }));
  return importAll(db, items, (source, where) => markdownToArticle(where.file!, source), ctx);
}

type Where = { line?: number; file?: string };

async function importAll(
  db: Db,
  items: { where: Where; source: string }[],
  parse: (source: string, where: Where) => ReturnType<typeof fromRecord>,
  ctx: ChangeContext,
): Promise<ImportResult> {
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0, failed: [] };
  for (const { where, source } of items) {
    try {
      result[await upsertArticle(db, parse(source, where), { by: ctx.by, changeNote: ctx.changeNote ?? 'import' })]++;
    } catch (err) {
      result.failed.push({ ...where, error: errorMessage(err) });
    }
  }
  return result;
}
