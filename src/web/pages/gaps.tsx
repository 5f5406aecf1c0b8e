// The knowledge-gap report for knowledge managers: topics customers asked about that no article answered, largest
// first, each with what to do about it (write the article, merge the questions into an existing one, or dismiss).
import type { GapSource, GapStatus } from '../../db/schema/gaps.js';
import { gapStatuses } from '../../db/schema/gaps.js';
import type { GapReport } from '../../insight/gaps/list.js';
import { CsrfField, Notice } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { articleHref } from './kb-article.js';

/** Samples shown per gap (the report carries up to five, redacted of personal data). */
const SHOWN_SAMPLES = 3;

export const gapHref = (id: number, rest = '') => `/app/kb/gaps/${id}${rest}`;
const writeArticleHref = (id: number) => `/app/kb/new?gap=${id}`;

const statusLabels: Record<GapStatus, string> = { open: 'Open', accepted: 'Accepted', merged: 'Merged', dismissed: 'Dismissed' };

const sourceLabels: Record<GapSource, string> = {
  no_article: 'escalated without an article',
  uncited_reply: 'answered by hand without citing one',
  rewritten_draft: 'draft rewritten heavily',
  rejected_draft: 'draft rejected',
};

const trendWords = { rising: 'rising', falling: 'falling', steady: 'steady', new: 'new this week', quiet: 'quiet lately' } as const;

const emptyText: Record<GapStatus, string> = {
  open: 'No open knowledge gaps: every question customers asked lately was answered by an article, or its topic was already decided. New ones appear here as mail arrives.',
  accepted: 'No gap has been turned into an article yet.',
  merged: 'No gap has been merged into an article yet.',
  dismissed: 'No gap has been dismissed.',
};

function Trend({ trend }: { trend: GapReport['trend'] }) {
  return <>{`${trend.last7Days} in the last 7 days, ${trend.previous7Days} in the 7 before`} <span class="muted">({trendWords[trend.direction]})</span></>;
}

function Sources({ sources }: { sources: GapReport['sources'] }) {
  const parts = (Object.entries(sources) as [GapSource, number][]).filter(([, n]) => n > 0).map(([s, n]) => `${n} ${sourceLabels[s]}`);
  return <>{parts.join(' · ') || '—'}</>;
}

function Actions({ viewer, g }: { viewer: Viewer; g: GapReport }) {
  // The buttons repeat on every card: each is described by its card's heading for screen readers.
  const about = `gap-${g.id}-h`;
  return (
    <div class="actions">
      <a class="button primary" href={writeArticleHref(g.id)} aria-describedby={about}>Write this article</a>
      <a class="button" href={gapHref(g.id, '/merge')} aria-describedby={about}>Merge into article…</a>
      <form method="post" action={gapHref(g.id, '/dismiss')} class="inline" data-confirm="Dismiss this gap? It leaves the list, and similar new questions join it quietly.">
        <CsrfField viewer={viewer} />
        <button type="submit" class="danger" aria-describedby={about}>Dismiss</button>
      </form>
    </div>
  );
}

function GapCard({ viewer, g }: { viewer: Viewer; g: GapReport }) {
  const languages = Object.entries(g.languages).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0])).map(([l, n]) => `${l} ${n}`).join(', ');
  return (
    <section class="card" aria-labelledby={`gap-${g.id}-h`} data-gap={g.id}>
      <h2 id={`gap-${g.id}-h`}>{g.suggestion.title || `Topic ${g.id}`}</h2>
      <dl class="meta">
        <div><dt>Questions</dt><dd data-size>{g.size}</dd></div>
        <div><dt>Trend</dt><dd data-trend><Trend trend={g.trend} /></dd></div>
        <div><dt>Languages</dt><dd>{languages || '—'}</dd></div>
        <div><dt>How they came</dt><dd><Sources sources={g.sources} /></dd></div>
        <div>
          <dt>Closest article</dt>
          <dd data-closest>
            {g.closestArticle
              ? <><a href={articleHref(g.closestArticle.articleId)}>{g.closestArticle.title}</a> <span class="muted">(similarity {g.closestArticle.score.toFixed(2)})</span></>
              : <span class="muted">none published</span>}
          </dd>
        </div>
        {g.status !== 'open' && (
          <div>
            <dt>Decided</dt>
            <dd>{statusLabels[g.status]}{g.resolvedBy ? ` by ${g.resolvedBy}` : ''}{g.articleId && <> · <a href={articleHref(g.articleId)}>the article</a></>}</dd>
          </div>
        )}
      </dl>
      <h3>What customers asked</h3>
      {g.samples.length
        ? <ul class="examples" data-samples>{g.samples.slice(0, SHOWN_SAMPLES).map((s) => <li lang={/^[a-z]{2}$/.test(s.language) ? s.language : undefined}>{s.text}</li>)}</ul>
        : <p class="muted">The questions were erased with their customers.</p>}
      {g.status === 'open' && <Actions viewer={viewer} g={g} />}
    </section>
  );
}

export function GapsPage({ viewer, gaps, status, notice }: { viewer: Viewer; gaps: GapReport[]; status: GapStatus; notice?: string }) {
  return (
    <Layout title="Knowledge gaps" viewer={viewer} area="gaps">
      <h1>Knowledge gaps</h1>
      <p class="muted">
        Questions no article answered (escalated, answered by hand, or whose draft was rewritten or rejected), grouped by topic,
        largest first. Examples have names, addresses and numbers replaced.
      </p>
      <nav class="tabs" aria-label="Gaps by status">
        {gapStatuses.map((s) => <a href={s === 'open' ? '/app/kb/gaps' : `/app/kb/gaps?status=${s}`} aria-current={s === status ? 'page' : undefined}>{statusLabels[s]}</a>)}
      </nav>
      <Notice code={notice} />
      {gaps.length === 0
        ? <p role="status" data-empty>{emptyText[status]}</p>
        : <p class="muted" role="status">{`${gaps.length} ${gaps.length === 1 ? 'topic' : 'topics'}, largest first.`}</p>}
      {gaps.map((g) => <GapCard viewer={viewer} g={g} />)}
    </Layout>
  );
}
