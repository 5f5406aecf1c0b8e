// "Merge into article…": a gap's example questions join an existing article (a new version of it), for topics an
// article already answers but the matcher did not recognise as it was asked.
import type { GapDraft } from '../../insight/gaps/write-article.js';
import { CsrfField, ErrorSummary, Select } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { gapHref } from './gaps.js';

interface MergeChoice { id: string; title: string; language: string; status: string }

export function GapMergePage({ viewer, gap, articles, chosen, error }: { viewer: Viewer; gap: GapDraft; articles: MergeChoice[]; chosen?: string; error?: string }) {
  const closest = gap.closest;
  const options = articles.map((a) => ({
    value: a.id,
    label: `${a.title} (${a.language}${a.status === 'published' ? '' : `, ${a.status}`})${closest?.articleId === a.id ? ` — closest, similarity ${closest.score.toFixed(2)}` : ''}`,
  }));
  const title = gap.title || `Topic ${gap.id}`;
  return (
    <Layout title={`Merge “${title}”`} viewer={viewer} area="gaps">
      <nav class="breadcrumb" aria-label="Breadcrumb"><a href="/app/kb/gaps">Knowledge gaps</a> <span aria-hidden="true">›</span> <span aria-current="page">Merge</span></nav>
      <h1>Merge “{title}” into an article</h1>
      <ErrorSummary errors={{}} message={error} />
      <p>
        The {gap.size} questions of this gap are answered by an article that already exists? Its example questions below are added to the
        article you choose, as a new version, so the matcher recognises them from now on. The gap is then marked merged.
      </p>
      <section aria-labelledby="merge-examples-h">
        <h2 id="merge-examples-h">Example questions to add</h2>
        {gap.examples.length ? <ul class="examples" data-merge-examples>{gap.examples.map((e) => <li>{e}</li>)}</ul> : <p class="muted">None left (erased with their customers).</p>}
      </section>
      {articles.length ? (
        <form method="post" action={gapHref(gap.id, '/merge')} class="stack">
          <CsrfField viewer={viewer} />
          <Select name="articleId" label="Article" value={chosen ?? closest?.articleId ?? articles[0]!.id} options={options} />
          <div class="actions">
            <button type="submit" class="primary">Merge into this article</button>
            <a href="/app/kb/gaps">Cancel</a>
          </div>
        </form>
      ) : <p role="status">There is no article to merge into yet: write one instead.</p>}
    </Layout>
  );
}
