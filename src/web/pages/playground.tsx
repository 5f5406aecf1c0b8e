import type { KnowledgeMatch, Suggestion } from '../../kb/knowledge.js';
import type { ThresholdSource } from '../../kb/language-models.js';
import { Field, TableWrap } from '../components.js';
import type { Viewer } from '../env.js';
import { Layout } from '../layout.js';
import { articleHref } from './kb-article.js';

const pct = (x: number) => `${Math.round(x * 100)}%`;

/** How the threshold in force was chosen, in words (KnowledgeBase.calibrationFor). */
export const THRESHOLD_SOURCES: Record<ThresholdSource, string> = {
  configuration: 'set by an admin',
  'agent-labels': "fitted from the agents' labels",
  'cross-validation': "chosen by cross-validation on the articles' example questions",
  prior: 'the conservative prior for articles without example questions',
};

export function PlaygroundPage(p: {
  viewer: Viewer; question: string; subject: string; language: string; detected?: string;
  result?: { match: KnowledgeMatch; suggestions: Suggestion[] };
}) {
  const r = p.result;
  const signals = r ? [...new Set(r.match.candidates.flatMap((c) => Object.keys(c.contributions)))] : [];
  return (
    <Layout title="Match playground" viewer={p.viewer} area="kb">
      <p class="breadcrumb"><a href="/app/kb">Knowledge base</a> / Match playground</p>
      <h1>Match playground</h1>
      <p class="muted">Type a question the way a customer would write it and see which articles would be suggested, and why.</p>
      <form method="get" action="/app/kb/playground" class="stack card">
        <Field name="subject" label="Subject" value={p.subject} maxlength={500} hint="Optional, like an email subject." />
        <Field name="q" label="Customer question" rows={4} value={p.question} required maxlength={5000} />
        <Field name="language" label="Language" value={p.language} maxlength={10} hint="Optional: a code like en or es. Empty: detected from the text." />
        <div><button type="submit" class="primary">Match</button></div>
      </form>
      {r && (
        <section aria-labelledby="result-h" id="result">
          <h2 id="result-h">Result</h2>
          <p role="status">
            {r.match.escalate
              ? r.match.reason === 'empty_knowledge_base'
                ? 'No article is published yet, so every case would be escalated.'
                : r.match.reason === 'no_article_in_language'
                  ? 'No article is written in this language (nor in a fallback language of the mailbox): no article would be suggested and the case would go to an agent.'
                  : `Confidence ${pct(r.match.confidence)} is below the threshold ${pct(r.match.threshold)} (${THRESHOLD_SOURCES[r.match.thresholdSource]}): no article would be suggested and the case would go to an agent.`
              : `Confidence ${pct(r.match.confidence)} (threshold ${pct(r.match.threshold)}, ${THRESHOLD_SOURCES[r.match.thresholdSource]}): the acknowledgement would suggest ${r.suggestions.length} article${r.suggestions.length === 1 ? '' : 's'} in ${r.match.articleLanguage}.`}
            {p.detected && ` Language detected: ${p.detected}.`}
          </p>
          {r.match.coverage && r.match.candidates[0] && (
            <p class="coverage">
              “{r.match.candidates[0].title}” contains {p.subject.trim() ? `${pct(r.match.coverage.subject)} of the subject's words and ` : ''}
              {pct(r.match.coverage.text)} of the question's words{r.match.coverage.missing.length > 0 ? `; not in it: ${r.match.coverage.missing.join(', ')}` : ''}.
              {r.match.escalate && ' Without example questions, an article that lacks what the customer asks about is not suggested: add those words where the article answers them, or write the article that does.'}
            </p>
          )}
          {r.suggestions.length > 0 && (
            <>
              <h3>Would be suggested</h3>
              <ul>{r.suggestions.map((s) => <li><a href={articleHref(s.articleId)}>{s.title}</a>{s.matchedArticleId !== s.articleId && <span class="small muted"> (translation of {s.matchedArticleId})</span>}
                <div class="small">The acknowledgement links to <a href={s.url} rel="noopener noreferrer">{s.url}</a></div></li>)}</ul>
            </>
          )}
          <h3>Ranked articles</h3>
          {r.match.candidates.length === 0 ? <p class="muted">No article matched.</p> : (
            <TableWrap label="Ranked articles with the contribution of each signal">
              <table class="list playground">
                <thead><tr><th scope="col">Article</th><th scope="col">Language</th><th scope="col">Score</th>{signals.map((s) => <th scope="col">{s}</th>)}</tr></thead>
                <tbody>
                  {r.match.candidates.map((cand) => {
                    const top = Math.max(...Object.values(cand.contributions).map(Math.abs), 1e-9);
                    return (
                      <tr>
                        <td><a href={articleHref(cand.articleId)}>{cand.title}</a> <span class="small muted">{cand.articleId} v{cand.version}</span></td>
                        <td>{cand.language}</td>
                        <td><strong>{cand.score.toFixed(3)}</strong></td>
                        {signals.map((s) => {
                          const v = cand.contributions[s] ?? 0;
                          return <td><meter min={0} max={1} value={Math.max(0, v / top)} aria-hidden="true"></meter> {v.toFixed(3)}{cand.signals[s] !== undefined && <span class="small muted"> (raw {cand.signals[s]!.toFixed(2)})</span>}</td>;
                        })}
                      </tr>
                    );
                  })}
                </tbody>
              </table>
            </TableWrap>
          )}
        </section>
      )}
    </Layout>
  );
}
