// The public help centre: no sign-in, no scripts, the article body sanitised (src/web/markdown.ts). The page's
// language is the article's, so screen readers and translators read it right.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HelpArticle, HelpEntry, HelpLanguage } from '../../kb/help-centre.js';
import { helpCentrePath } from '../../kb/public-url.js';
import { assetUrl } from '../assets.js';
import { directionOf, helpTexts, languageName } from '../help-texts.js';
import { renderMarkdown } from '../markdown.js';

const indexHref = (language: string) => `/help/${encodeURIComponent(language)}`;

function HelpLayout({ language, title, children }: { language: string; title: string; children?: Child }) {
  const t = helpTexts(language);
  return (
    <html lang={language} dir={directionOf(language)}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="color-scheme" content="light dark" />
        <title>{title === t.helpCentre ? title : `${title} · ${t.helpCentre}`}</title>
        <link rel="stylesheet" href={assetUrl('app.css')} />
      </head>
      <body>
        <header class="topbar">
          <a class="brand" href={language ? indexHref(language) : '/help'}>{t.helpCentre}</a>
        </header>
        <main id="main" tabindex={-1}>{children}</main>
      </body>
    </html>
  );
}

export function HelpLanguagesPage({ languages }: { languages: HelpLanguage[] }) {
  const t = helpTexts('en');
  return (
    <HelpLayout language="en" title={t.chooseLanguage}>
      <h1>{t.chooseLanguage}</h1>
      <ul class="help-languages">
        {languages.map((l) => (
          <li><a href={indexHref(l.language)} lang={l.language} hreflang={l.language}>{languageName(l.language)}</a> <span class="muted">({l.articles})</span></li>
        ))}
      </ul>
    </HelpLayout>
  );
}

/** Articles under their first tag (how a knowledge manager already sorts them); untagged ones last. */
function byTopic(entries: HelpEntry[], other: string): [string, HelpEntry[]][] {
  const groups = new Map<string, HelpEntry[]>();
  for (const e of entries) {
    const topic = e.tags[0] ?? '';
    groups.set(topic, [...(groups.get(topic) ?? []), e]);
  }
  return [...groups].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : a.localeCompare(b))).map(([topic, list]) => [topic || other, list]);
}

export function HelpIndexPage({ language, entries, query }: { language: string; entries: HelpEntry[]; query?: string }) {
  const t = helpTexts(language);
  const link = (e: HelpEntry) => <li><a href={helpCentrePath({ id: e.id, language })}>{e.title}</a></li>;
  return (
    <HelpLayout language={language} title={t.helpCentre}>
      <h1>{t.helpCentre}</h1>
      <form method="get" action={indexHref(language)} class="filters" role="search">
        <div class="field grow">
          <label for="help-q">{t.searchLabel}</label>
          <input id="help-q" type="search" name="q" value={query ?? ''} maxlength={500} />
        </div>
        <button type="submit">{t.search}</button>
      </form>
      {query ? (
        <section aria-labelledby="results-h">
          <h2 id="results-h">{t.search}: “{query}”</h2>
          {entries.length ? <ul class="help-list">{entries.map(link)}</ul> : <p class="muted">{t.noMatch}</p>}
          <p><a href={indexHref(language)}>{t.allArticles}</a></p>
        </section>
      ) : (
        byTopic(entries, t.more).map(([topic, list]) => (
          <section>
            <h2>{topic}</h2>
            <ul class="help-list">{list.map(link)}</ul>
          </section>
        ))
      )}
    </HelpLayout>
  );
}

export function HelpArticlePage({ article: a }: { article: HelpArticle }) {
  const t = helpTexts(a.language);
  return (
    <HelpLayout language={a.language} title={a.title}>
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href={indexHref(a.language)}>{t.helpCentre}</a> <span aria-hidden="true">›</span> <span aria-current="page">{a.title}</span></nav>
      <h1>{a.title}</h1>
      <article class="prose">{raw(renderMarkdown(a.body))}</article>
      {a.translations.length > 0 && (
        <nav aria-label={t.alsoIn} class="help-translations">
          <h2>{t.alsoIn}</h2>
          <ul>
            {a.translations.map((tr) => (
              <li><a href={helpCentrePath(tr)} lang={tr.language} hreflang={tr.language}>{languageName(tr.language)}: {tr.title}</a></li>
            ))}
          </ul>
        </nav>
      )}
    </HelpLayout>
  );
}

export function HelpNotFoundPage({ language }: { language: string }) {
  const t = helpTexts(language);
  return (
    <HelpLayout language={language} title={t.helpCentre}>
      <h1>{t.helpCentre}</h1>
      <p>{t.notFound}</p>
      <p><a href="/help">{t.chooseLanguage}</a></p>
    </HelpLayout>
  );
}
