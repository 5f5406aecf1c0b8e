// One matcher per language of the knowledge base. A customer is matched against the articles written in their
// language (then the mailbox's fallback languages, in order), never against all of them at once: trained on every
// language together, the learned model learns the language instead of the topic (with one Spanish article, every
// Spanish question scored it 0.75 and every English or German article under 0.05 — issue 16).
import type { Embedder } from '../ai/embedder.js';
import type { IndexedArticle } from './indexing/indexer.js';
import type { EscalationMetrics } from './matching/calibration.js';
import { Matcher, MIN_CALIBRATED_ARTICLES } from './matching/matcher.js';
import { SENTENCE_FEATURE_SCALE } from './matching/sentence-features.js';

/**
 * A sentence encoder for some languages (the English USE-lite): its vectors are features of those languages' learned
 * model and a ranking signal over the articles' texts (matcher.ts, sentence-features.ts).
 */
export interface SemanticSignal {
  embedder: Embedder;
  languages: readonly string[];
  /** weight of the vector among the learned model's features; default SENTENCE_FEATURE_SCALE */
  scale?: number;
}

export interface LanguageModel {
  language: string;
  matcher: Matcher;
  /** the sentence encoder, when it covers the language: questions are encoded with it before matching */
  semantic?: Embedder;
  articleIds: ReadonlySet<string>;
  /** example questions the matcher learned from (authored or learned from agents) */
  questions: number;
}

export type ThresholdSource = 'configuration' | 'agent-labels' | 'cross-validation' | 'prior';

export interface Calibration {
  threshold: number;
  chosenBy: ThresholdSource;
  /** cross-validation figures at the chosen threshold, when it was chosen that way */
  metrics?: EscalationMetrics;
}

/** Two-letter code: 'de-AT' and 'de' are one language for matching. */
export const baseLanguage = (code: string) => code.slice(0, 2).toLowerCase();

/** Whether two language codes are one language for matching and citing ('de-AT' and 'de'). */
export const sameLanguage = (a: string, b: string) => baseLanguage(a) === baseLanguage(b);

export async function trainByLanguage(articles: IndexedArticle[], embedder: Embedder, semantic?: SemanticSignal): Promise<Map<string, LanguageModel>> {
  const groups = new Map<string, IndexedArticle[]>();
  for (const a of articles) {
    const lang = baseLanguage(a.language);
    groups.set(lang, [...(groups.get(lang) ?? []), a]);
  }
  const models = new Map<string, LanguageModel>();
  for (const [language, list] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    // Questions learned from agents make the model better but do not switch its confidence to cross-validation: the
    // mailbox thresholds fitted from those agents' labels were measured on the prior's scale (kb/labels.ts).
    const authored = list.filter((a) => a.authoredQuestions >= 3).length;
    const covered = semantic?.languages.includes(language) ? semantic.embedder : undefined;
    const matcher = await Matcher.train(
      list.map((a) => ({ id: a.id, title: a.title, texts: a.sections, examples: a.questions })),
      { embedder, calibrate: authored >= MIN_CALIBRATED_ARTICLES, ...(covered ? { sentence: { embedder: covered, scale: semantic?.scale ?? SENTENCE_FEATURE_SCALE } } : {}) },
    );
    models.set(language, {
      language, matcher, articleIds: new Set(list.map((a) => a.id)), questions: list.reduce((n, a) => n + a.questions.length, 0),
      ...(covered ? { semantic: covered } : {}),
    });
  }
  return models;
}

/** The languages whose articles a customer writing in `language` may be matched against, in order. */
export function matchingLanguages(language: string, fallbacks: readonly string[], available: ReadonlyMap<string, unknown>): string[] {
  const order = [...new Set([language, ...fallbacks].map(baseLanguage))];
  return order.filter((l) => available.has(l));
}

/** Keeps the scores of one language's articles. */
export function restrict<T>(scores: ReadonlyMap<string, T>, ids: ReadonlySet<string>): Map<string, T> {
  return new Map([...scores].filter(([id]) => ids.has(id)));
}
