// The public help centre (no sign-in): every published article has a page an acknowledgement can link to
// (src/kb/public-url.ts). Pages carry nothing personal, so browsers and proxies may cache them for a few minutes;
// an ETag from what the page shows (article ids and versions) lets them revalidate cheaply.
import { createHash } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { html } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { Queryable } from '../../db/client.js';
import { helpArticle, helpIndex, helpLanguages } from '../../kb/help-centre.js';
import { assetUrl } from '../assets.js';
import { preferredLanguage } from '../help-texts.js';
import { HelpArticlePage, HelpIndexPage, HelpLanguagesPage, HelpNotFoundPage } from '../pages/help.js';

export const HELP_CACHE_CONTROL = 'public, max-age=300';
const LANGUAGE = /^[a-z]{2}$/;

/** A weak validator would do too; strong is fine because the same inputs always render the same bytes. */
function etagOf(parts: (string | number)[]): string {
  // The stylesheet's hash: a deploy that changes the page's assets changes the page.
  return `"${createHash('sha256').update([assetUrl('app.css'), ...parts].join('\u0000')).digest('base64url').slice(0, 22)}"`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((v) => {
    const tag = v.trim();
    return tag === '*' || tag === etag || tag === `W/${etag}`;
  });
}

function cachedPage(c: Context, parts: (string | number)[], page: () => Child) {
  const etag = etagOf(parts);
  c.header('cache-control', HELP_CACHE_CONTROL);
  c.header('etag', etag);
  if (matches(c.req.header('if-none-match'), etag)) return c.body(null, 304);
  return c.html(html`<!doctype html>${page()}`);
}

function notFound(c: Context, language = 'en') {
  // Not cached: an article published a moment later should appear at once.
  c.header('cache-control', 'no-store');
  return c.html(html`<!doctype html>${<HelpNotFoundPage language={LANGUAGE.test(language) ? language : 'en'} />}`, 404);
}

export function helpRoutes(db: Queryable) {
  return new Hono()
    .get('/', async (c) => {
      const languages = await helpLanguages(db);
      const wanted = preferredLanguage(c.req.header('accept-language'), languages.map((l) => l.language));
      c.header('vary', 'Accept-Language');
      if (wanted) {
        c.header('cache-control', HELP_CACHE_CONTROL);
        return c.redirect(`/help/${wanted}`, 302);
      }
      return cachedPage(c, languages.flatMap((l) => [l.language, l.articles]), () => <HelpLanguagesPage languages={languages} />);
    })
    .get('/:lang', async (c) => {
      const language = c.req.param('lang');
      if (!LANGUAGE.test(language)) return notFound(c);
      const query = c.req.query('q')?.trim() || undefined;
      const entries = await helpIndex(db, language, query);
      // A language without published articles has no help centre (a search that finds nothing still has one).
      if (!entries.length && (!query || !(await helpIndex(db, language)).length)) return notFound(c, language);
      return cachedPage(c, [language, query ?? '', ...entries.flatMap((e) => [e.id, e.version])], () => <HelpIndexPage language={language} entries={entries} query={query} />);
    })
    .get('/:lang/:id', async (c) => {
      const language = c.req.param('lang');
      if (!LANGUAGE.test(language)) return notFound(c);
      const article = await helpArticle(db, language, c.req.param('id'));
      if (!article) return notFound(c, language);
      return cachedPage(c, [article.id, article.version, ...article.translations.flatMap((t) => [t.id, t.version])], () => <HelpArticlePage article={article} />);
    })
    .all('*', (c) => notFound(c));
}
