// The confidence of a knowledge base without enough example questions to cross-validate (titles and bodies only, as
// a shop starts): a fixed logistic over how the ranking looks and how much of the question the top article covers.
// It is a prior, replaced by cross-validation once articles have example questions and by each mailbox's agents'
// labels (kb/labels.ts). Its coefficients were fitted once on the development half of bench:shop (a fictional shop's
// 44 articles in three languages and its customers' emails, odd ids) and are checked on the other half:
// `npx tsx bench/match-research/shop-prior.ts` refits them and prints both halves.
import { UNSPACED, lightStem, normalizeText } from '../../text/features.js';
import type { RankedArticle } from './fusion.js';

/**
 * A text's content words: lower case, lightly stemmed, three letters or more, no numbers (order numbers and amounts
 * say nothing about the topic). Scripts without spaces give none, and their coverage is then neutral.
 */
export function contentWords(text: string): Set<string> {
  return new Set(spelledWords(text).keys());
}

/** Content words (as contentWords) -> the first spelling the text used, for saying which words an article lacks. */
function spelledWords(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const w of normalizeText(text).split(' ')) {
    if (w.length < 3 || /\d/.test(w) || UNSPACED.test(w)) continue;
    const stem = lightStem(w);
    if (!out.has(stem)) out.set(stem, w);
  }
  return out;
}

/** Share of the question's content words the article's own words contain (title, sections, example questions). */
export function coverage(question: ReadonlySet<string>, article: ReadonlySet<string> | undefined): number {
  if (question.size === 0 || !article) return NEUTRAL_COVERAGE;
  let covered = 0;
  for (const w of question) if (article.has(w)) covered++;
  return covered / question.size;
}
const NEUTRAL_COVERAGE = 0.5;

/**
 * What a question says, as the prior reads it: the subject line is the customer's own summary of the question, so an
 * article that does not cover it ("Interior advice at the showroom" against the showroom pick-up article) is unlikely
 * to answer, however close the rest of the ranking looks. Without a subject, the whole text stands for it.
 */
export interface QuestionWords {
  text: ReadonlySet<string>;
  subject: ReadonlySet<string>;
}

export function questionWords(text: string, subject?: string): QuestionWords {
  const words = contentWords(text);
  const headline = subject ? contentWords(subject) : words;
  return { text: words, subject: headline.size > 0 ? headline : words };
}

/**
 * The prior's inputs: the top article's fused score (without the sentence encoder's share: the coefficients were
 * fitted without it), its margin over the runner-up, its best chunk similarity, its learned probability and the
 * learned margin, and how much of the subject and of the whole text the top article covers.
 */
export function priorFeatures(ranked: RankedArticle[], question: QuestionWords, articleWords: (id: string) => ReadonlySet<string> | undefined): number[] {
  const top = ranked[0]!;
  const lexical = (r: RankedArticle) => r.score - (r.contributions.semantic ?? 0);
  const next = ranked.slice(1).reduce<RankedArticle | undefined>((best, r) => (!best || lexical(r) > lexical(best) ? r : best), undefined);
  const learned = top.signals.learned ?? 0;
  const score = lexical(top);
  const words = articleWords(top.articleId);
  return [
    score, score - (next ? lexical(next) : 0), top.signals.vector ?? 0, learned, learned - (next?.signals.learned ?? 0),
    coverage(question.subject, words), coverage(question.text, words),
  ];
}

/**
 * The threshold on the prior confidence, used until examples or agents' labels allow better: the lowest at which the
 * dev half's answered questions got the right article at least 95 times in 100 (38 of 40), since a wrong link in an
 * acknowledgement is worse than none.
 */
export const PRIOR_THRESHOLD = 0.84;

/** How much of the question the top article's words cover, and the words it lacks (the subject's first), as typed. */
export interface CoverageReport {
  subject: number;
  text: number;
  missing: string[];
}

export function coverageReport(text: string, subject: string | undefined, article: ReadonlySet<string> | undefined, max = 8): CoverageReport {
  const question = questionWords(text, subject);
  const spelled = new Map([...spelledWords(text), ...(subject ? spelledWords(subject) : [])]);
  const missing = [...new Set([...question.subject, ...question.text])].filter((w) => !article?.has(w)).slice(0, max);
  return { subject: coverage(question.subject, article), text: coverage(question.text, article), missing: missing.map((w) => spelled.get(w) ?? w) };
}

/** Fitted on bench:shop's dev half (see the header); the order of priorFeatures. */
export const PRIOR_COEFFICIENTS = { bias: -5.69, weights: [1.38, 0.65, -0.9, 1.91, 2.63, 1.82, 7.27] };

export function priorConfidence(ranked: RankedArticle[], question: QuestionWords, articleWords: (id: string) => ReadonlySet<string> | undefined): number {
  if (ranked.length === 0) return 0;
  const x = priorFeatures(ranked, question, articleWords);
  const z = PRIOR_COEFFICIENTS.weights.reduce((sum, w, j) => sum + w * x[j]!, PRIOR_COEFFICIENTS.bias);
  return 1 / (1 + Math.exp(-z));
}
