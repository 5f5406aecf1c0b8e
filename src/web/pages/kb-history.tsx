import { raw } from 'hono/html';
import type { getVersion } from '../../kb/articles.js';
import { StatusBadge, TableWrap, Time } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { diffLines, diffStats, type DiffLine } from '../line-diff.js';
import { renderMarkdown } from '../markdown.js';
import { articleHref, VersionRow, type ArticleWithVersions } from './kb-article.js';

export type VersionRow = Awaited<ReturnType<typeof getVersion>>;

const scalarFields = [
  ['title', 'Title'], ['status', 'Status'], ['language', 'Language'], ['url', 'URL'], ['translationGroup', 'Translation group'],
] as const;

function show(value: unknown): string {
  if (Array.isArray(value)) return value.join(', ') || '—';
  return value === null || value === undefined || value === '' ? '—' : String(value);
}

function DiffTable({ label, lines }: { label: string; lines: DiffLine[] }) {
  const { added, removed } = diffStats(lines);
  if (added === 0 && removed === 0) return <p class="muted">{label}: no changes.</p>;
  return (
    <TableWrap label={label}>
      <table class="diff">
        <caption>{`${label}: ${added} line${added === 1 ? '' : 's'} added, ${removed} removed`}</caption>
        <thead><tr><th scope="col">Old</th><th scope="col">New</th><th scope="col"><span class="visually-hidden">Change</span></th><th scope="col">Line</th></tr></thead>
        <tbody>
          {lines.map((l) => (
            <tr class={`diff-${l.op}`}>
              <td class="num">{l.op === 'add' ? '' : l.oldLine}</td>
              <td class="num">{l.op === 'del' ? '' : l.newLine}</td>
              <td class="sign">
                {l.op === 'add' ? <><span aria-hidden="true">+</span><span class="visually-hidden">added</span></> : l.op === 'del' ? <><span aria-hidden="true">−</span><span class="visually-hidden">removed</span></> : ''}
              </td>
              <td class="code"><code>{l.text === '' ? raw('&nbsp;') : l.text}</code></td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}

export function KbHistoryPage(p: { viewer: Viewer; article: ArticleWithVersions; from?: VersionRow; to?: VersionRow }) {
  const a = p.article;
  const versions = a.versions;
  const options = (selected?: number) => versions.map((v) => <option value={String(v.version)} selected={v.version === selected}>{`v${v.version} · ${v.status}`}</option>);
  const body = p.from && p.to ? diffLines(p.from.body, p.to.body) : undefined;
  return (
    <Layout title={`History of ${a.title}`} viewer={p.viewer} area="kb">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href="/app/kb">Knowledge base</a> <span aria-hidden="true">›</span> <a href={articleHref(a.id)}>{a.title}</a> <span aria-hidden="true">›</span> <span aria-current="page">History</span>
      </nav>
      <h1>History of “{a.title}”</h1>
      {versions.length > 1 && (
        <form method="get" action={articleHref(a.id, '/history')} class="filters" aria-label="Compare versions">
          <div class="field"><label for="f-from">From</label><select id="f-from" name="from">{options(p.from?.version)}</select></div>
          <div class="field"><label for="f-to">To</label><select id="f-to" name="to">{options(p.to?.version)}</select></div>
          <button type="submit">Compare</button>
        </form>
      )}
      {p.from && p.to && body && (
        <section aria-labelledby="diff-h" class="diff-section">
          <h2 id="diff-h">Changes from v{p.from.version} to v{p.to.version}</h2>
          <TableWrap label="Changed fields">
            <table class="list">
              <thead><tr><th scope="col">Field</th><th scope="col">v{p.from.version}</th><th scope="col">v{p.to.version}</th></tr></thead>
              <tbody>
                {scalarFields.map(([key, label]) => (
                  <tr class={show(p.from![key]) === show(p.to![key]) ? 'unchanged' : 'changed'}>
                    <th scope="row">{label}</th><td>{show(p.from![key])}</td><td>{show(p.to![key])}</td>
                  </tr>
                ))}
                <tr class={show(p.from.tags) === show(p.to.tags) ? 'unchanged' : 'changed'}><th scope="row">Tags</th><td>{show(p.from.tags)}</td><td>{show(p.to.tags)}</td></tr>
              </tbody>
            </table>
          </TableWrap>
          <h3>Body</h3>
          {body.approximate && <p class="muted">The texts differ too much for a line-by-line comparison; shown as replaced.</p>}
          <DiffTable label="Body" lines={body.lines} />
          <h3>Example questions</h3>
          <DiffTable label="Example questions" lines={diffLines(p.from.examples.join('\n'), p.to.examples.join('\n')).lines} />
        </section>
      )}
      <h2>All versions</h2>
      <TableWrap label="All versions">
        <table class="list">
          <thead><tr><th scope="col">Version</th><th scope="col">Status</th><th scope="col">Title</th><th scope="col">When</th><th scope="col">By</th><th scope="col">Note</th><th scope="col"><span class="visually-hidden">Compare</span></th></tr></thead>
          <tbody>
            {versions.map((v) => <VersionRow articleId={a.id} v={v} withTitle />)}
          </tbody>
        </table>
      </TableWrap>
    </Layout>
  );
}

export function KbVersionPage({ viewer, article, version: v }: { viewer: Viewer; article: ArticleWithVersions; version: VersionRow }) {
  return (
    <Layout title={`${v.title} (v${v.version})`} viewer={viewer} area="kb">
      <nav class="breadcrumb" aria-label="Breadcrumb">
        <a href="/app/kb">Knowledge base</a> <span aria-hidden="true">›</span> <a href={articleHref(article.id)}>{article.title}</a> <span aria-hidden="true">›</span> <span aria-current="page">v{v.version}</span>
      </nav>
      <h1>{v.title} <StatusBadge status={v.status} /></h1>
      <p class="muted">
        Version {v.version} of {article.version}, saved <Time value={v.createdAt} /> by {v.createdBy}{v.changeNote ? ` — ${v.changeNote}` : ''}.{' '}
        <a href={articleHref(article.id, '/history')}>History</a>
      </p>
      <dl class="meta">
        <div><dt>Language</dt><dd>{v.language}</dd></div>
        <div><dt>Tags</dt><dd>{show(v.tags)}</dd></div>
        <div><dt>URL</dt><dd>{show(v.url)}</dd></div>
        <div><dt>Translation group</dt><dd>{show(v.translationGroup)}</dd></div>
      </dl>
      <article class="prose" aria-label="Article body">{raw(renderMarkdown(v.body))}</article>
      <h2>Example questions</h2>
      {v.examples.length ? <ul class="examples">{v.examples.map((e) => <li>{e}</li>)}</ul> : <p class="muted">None.</p>}
    </Layout>
  );
}
