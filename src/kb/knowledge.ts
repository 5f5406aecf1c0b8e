// The knowledge base as the rest of the service sees it: keeps the chunk index and the learned model in step with
// the published articles, and answers "which articles answer this question, and how sure are we?".
// Matching = pgvector nearest chunks + full-text rank (database) fused with the example-trained model (memory);
// the confidence is calibrated on the knowledge base's own examples, and below the threshold the answer is
// "no article answers this" (escalate).
import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, or, sql } from 'drizzle-orm';
import type { Embedder } from '../ai/embedder.js';
import type { Db } from '../db/client.js';
import { statement } from '../db/statement.js';
import { articles, parseVector } from '../db/schema/kb.js';
import type { Logger } from '../logger.js';
import { customerText } from '../domain/language.js';
import { contentHash } from './indexing/chunks.js';
import { type CoverageReport, PRIOR_THRESHOLD } from './matching/prior.js';
import { indexKnowledgeBase, storedVectors, type IndexedArticle, type IndexReport } from './indexing/indexer.js';
import { baseLanguage, matchingLanguages, restrict, sameLanguage, trainByLanguage, type Calibration, type LanguageModel, type SemanticSignal, type ThresholdSource } from './language-models.js';
import { articlePublicUrl } from './public-url.js';
import { searchChunks, type ChunkSearchResult, type PublishedArticle } from './search.js';

/** A ranked article: its published details (the id as articleId), score and the signals behind it. */
export interface Candidate extends Omit<PublishedArticle, 'id'> {
  articleId: string;
  score: number;
  signals: Record<string, number>;
  contributions: Record<string, number>;
}

export interface KnowledgeMatch {
  model: string;
  confidence: number;
  threshold: number;
  /** how the threshold in force was chosen */
  thresholdSource: ThresholdSource;
  escalate: boolean;
  /** why the answer is "escalate", in words a knowledge manager understands */
  reason: 'empty_knowledge_base' | 'no_article_in_language' | 'below_threshold' | null;
  /** the language whose articles were matched (the customer's, or a fallback), null when none could be */
  articleLanguage: string | null;
  candidates: Candidate[];
  /** with the prior confidence: how much of the question the top article covers, and the words it lacks */
  coverage?: CoverageReport;
}

export interface Suggestion {
  articleId: string;
  version: number;
  title: string;
  url: string;
  /** the ranked article this suggestion stands for (differs when a translation was chosen) */
  matchedArticleId: string;
}

export interface KnowledgeOptions {
  db: Db;
  embedder: Embedder;
  log: Logger;
  /** global override of the threshold the matcher chose from the knowledge base's data */
  threshold?: number;
  /** where the help centre is served (publicBaseUrl): an article without its own URL is linked there */
  publicBaseUrl?: string;
  /** the English sentence encoder (createSentenceEncoder), a ranking signal; absent: lexical signals only */
  semantic?: SemanticSignal;
  /** how often to look for changes made by other processes */
  pollMs?: number;
  /** after an index run that changed articles (edited, published, archived): e.g. re-draft stale drafts */
  onArticlesChanged?(ids: string[]): Promise<void> | void;
}

interface Snapshot {
  byLanguage: Map<string, LanguageModel>;
  signature: string;
  articles: number;
}

export { PRIOR_THRESHOLD } from './matching/prior.js';
/** Runner-up articles are suggested too when they score at least this share of the top article's score. */
const RUNNER_UP_SHARE = 0.6;

export class KnowledgeBase {
  private snapshot: Snapshot | undefined;
  private running: Promise<IndexReport> | undefined;
  private next: Promise<IndexReport> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private readonly firstRefresh: Promise<unknown>;
  /** the latest index run, for reports */
  lastIndex: IndexReport | undefined;
  /** translations read along with a match's candidates, so suggestions() need not read them again */
  private readonly translationsFound = new WeakMap<KnowledgeMatch, PublishedArticle[]>();

  constructor(private readonly opts: KnowledgeOptions) {
    this.firstRefresh = this.refresh().catch((err) => opts.log.error({ err }, 'knowledge base: first index failed'));
    if (opts.pollMs) {
      this.timer = setInterval(() => this.requestRefresh(), opts.pollMs);
      this.timer.unref();
    }
  }

  get model(): string {
    return this.opts.embedder.model;
  }

  /** Resolves once the first index and training finished (or failed and was logged). */
  async ready(): Promise<void> {
    await this.firstRefresh;
  }

  /** The languages the knowledge base has articles in, with how many articles and example questions each has. */
  get languages(): { language: string; articles: number; questions: number }[] {
    return [...(this.snapshot?.byLanguage.values() ?? [])].map((m) => ({ language: m.language, articles: m.articleIds.size, questions: m.questions }));
  }

  /**
   * The threshold in force for a language and how it was chosen: a mailbox's own (fitted from its agents' labels, or
   * set by an admin) wins, then MATCH_THRESHOLD, then cross-validation on the articles' example questions, else the prior.
   */
  calibrationFor(language: string, mailbox?: MatchInput['threshold']): Calibration {
    if (typeof mailbox === 'number') return { threshold: mailbox, chosenBy: 'configuration' };
    if (mailbox?.chosenBy === 'configuration') return mailbox;
    const own = this.ownCalibration(language);
    // A threshold fitted from labels is fitted on the confidences the questions had before the matcher learned them;
    // learning makes the matcher surer of everything, answerable or not (bench:shop: answered precision 0.96 -> 0.79
    // at the fitted threshold), so labels may make the threshold stricter, never looser than the knowledge base's own.
    if (mailbox && mailbox.threshold > own.threshold) return mailbox;
    return own;
  }

  private ownCalibration(language: string): Calibration {
    if (this.opts.threshold !== undefined) return { threshold: this.opts.threshold, chosenBy: 'configuration' };
    const m = this.snapshot?.byLanguage.get(baseLanguage(language))?.matcher;
    if (m?.calibration) return { threshold: m.threshold, chosenBy: 'cross-validation', metrics: m.calibration };
    return { threshold: PRIOR_THRESHOLD, chosenBy: 'prior' };
  }

  /** The calibration of the knowledge base's largest language (one figure for the eval command and reports). */
  get calibration(): Calibration {
    const main = [...(this.snapshot?.byLanguage.values() ?? [])].sort((a, b) => b.articleIds.size - a.articleIds.size)[0];
    return this.calibrationFor(main?.language ?? 'en');
  }

  /**
   * Index changed articles and retrain when anything changed. A call made while a run is under way waits for the next
   * run, which starts after it (the current one may have read the articles before the caller's change); calls made
   * meanwhile share that next run.
   */
  refresh(): Promise<IndexReport> {
    if (!this.running) {
      this.running = this.run().finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running.catch(() => undefined).then(() => {
      this.next = undefined;
      return this.refresh();
    });
    return this.next;
  }

  /** Fire-and-forget refresh after an article changed (none once stopped). */
  requestRefresh(): void {
    if (this.stopped) return;
    this.refresh().catch((err) => this.opts.log.error({ err }, 'knowledge base refresh failed'));
  }

  private async run(): Promise<IndexReport> {
    const { db, embedder, log } = this.opts;
    const report = await indexKnowledgeBase(db, embedder, { prune: true });
    this.lastIndex = report;
    if (report.changedIds.length) {
      // a failing follow-up (re-drafting) must not stop the knowledge base from learning the change
      await Promise.resolve(this.opts.onArticlesChanged?.(report.changedIds)).catch((err) => log.error({ err }, 'after-change hook failed'));
    }
    const signature = signatureOf(report.articles);
    if (signature !== this.snapshot?.signature) {
      const started = performance.now();
      const byLanguage = await trainByLanguage(report.articles, new IndexedVectors(db, embedder), this.opts.semantic);
      this.snapshot = byLanguage.size ? { byLanguage, signature, articles: report.articles.length } : undefined;
      log.info({ articles: report.articles.length, languages: [...byLanguage.keys()], trainMs: Math.round(performance.now() - started), embedded: report.chunksEmbedded }, 'knowledge base trained');
    }
    return report;
  }

  /**
   * Which articles answer the question, and how sure we are. Only articles in the customer's language are candidates,
   * then those of `fallbackLanguages` (in order) when the customer's language has none or none confident.
   */
  async match(text: string, input: MatchInput): Promise<KnowledgeMatch> {
    const snapshot = this.snapshot;
    const languages = snapshot ? matchingLanguages(input.language, input.fallbackLanguages ?? [], snapshot.byLanguage) : [];
    // The threshold is read where it is used: here only when nothing can be matched, else once per language matched.
    const none = (reason: KnowledgeMatch['reason']): KnowledgeMatch => {
      const { threshold, chosenBy } = this.calibrationFor(languages[0] ?? input.language, input.threshold);
      return { model: this.model, confidence: 0, threshold, thresholdSource: chosenBy, escalate: true, reason, articleLanguage: null, candidates: [] };
    };
    if (!snapshot) return none('empty_knowledge_base');
    if (languages.length === 0) return none('no_article_in_language');
    const [vector] = await this.opts.embedder.embed([text]);
    const found = await searchChunks(this.opts.db, { model: this.model, dimensions: vector!.length, vector: vector!, text, language: input.language });
    let first: KnowledgeMatch | undefined;
    for (const language of languages) {
      const match = await this.matchIn(snapshot.byLanguage.get(language)!, text, found, input);
      if (!match.escalate) return match;
      first ??= match;
    }
    return first!;
  }

  private async matchIn(model: LanguageModel, text: string, found: ChunkSearchResult, input: MatchInput): Promise<KnowledgeMatch> {
    const { threshold, chosenBy } = this.calibrationFor(model.language, input.threshold);
    const sentence = model.semantic ? await this.sentenceVector(model.semantic, text) : undefined;
    const subject = input.subject ? customerText(input.subject, '') : '';
    const signals = {
      vector: restrict(found.vector, model.articleIds), fts: restrict(found.fts, model.articleIds), ...(sentence ? { sentence } : {}), ...(subject ? { subject } : {}),
    };
    const result = model.matcher.matchWithSignals(text, signals, input.limit ?? 5, threshold);
    const { details, translations } = await rankedDetails(this.opts.db, result.ranked.map((r) => r.articleId), found);
    const candidates = result.ranked.flatMap((r) => {
      const d = details.get(r.articleId);
      if (!d) return [];
      const { id: _id, ...published } = d;
      return [{ ...published, articleId: r.articleId, score: r.score, signals: r.signals, contributions: r.contributions }];
    });
    const escalate = result.escalate || candidates.length === 0;
    const match: KnowledgeMatch = {
      model: this.model, confidence: result.confidence, threshold, thresholdSource: chosenBy, escalate,
      reason: escalate ? 'below_threshold' : null, articleLanguage: model.language, candidates,
      ...(result.coverage && candidates[0]?.articleId === result.ranked[0]?.articleId ? { coverage: result.coverage } : {}),
    };
    this.translationsFound.set(match, translations);
    return match;
  }

  /** The question's sentence vector, or none when the encoder fails (a crashed worker must not cost the acknowledgement). */
  private async sentenceVector(embedder: Embedder, text: string): Promise<Float32Array | undefined> {
    try {
      return (await embedder.embed([text]))[0]!;
    } catch (err) {
      this.opts.log.warn({ err }, 'sentence encoder failed; matching this question on lexical signals only');
      return undefined;
    }
  }

  /**
   * Up to `max` articles for the acknowledgement, each in the customer's language when translated, else in the
   * matched fallback language; never in any other. Every published article has a link: its own URL, or its page in
   * the help centre.
   */
  async suggestions(match: KnowledgeMatch, language: string, max: number): Promise<Suggestion[]> {
    if (match.escalate || max <= 0 || !match.articleLanguage) return [];
    // Runner-ups are judged on the lexical signals alone: the sentence encoder's similarity, high for any article of
    // the shop's, lifted every runner-up over the share (bench:shop: 4 -> 15 links on another topic).
    const lexical = (c: Candidate) => c.score - (c.contributions.semantic ?? 0);
    const top = match.candidates[0]!;
    const chosen = match.candidates.filter((c, i) => i === 0 || lexical(c) >= RUNNER_UP_SHARE * lexical(top));
    // Read with the match's candidates (match()); a match from elsewhere gets each article in its own language.
    const translations = this.translationsFound.get(match) ?? [];
    const out: Suggestion[] = [];
    for (const c of chosen) {
      const own = sameLanguage(c.language, language) ? undefined : translations.find((t) => t.translationGroup === c.translationGroup && sameLanguage(t.language, language));
      const pick = own ?? { ...c, id: c.articleId };
      if (!sameLanguage(pick.language, language) && !sameLanguage(pick.language, match.articleLanguage)) continue;
      const url = articlePublicUrl(pick, this.opts.publicBaseUrl ?? '');
      if (!out.some((o) => o.articleId === pick.id)) out.push({ articleId: pick.id, version: pick.version, title: pick.title, url, matchedArticleId: c.articleId });
      if (out.length >= max) break;
    }
    return out;
  }

  /** No more polling or requested refreshes; a run under way finishes (await settled()). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
  }

  /** Resolves when no index run is under way or queued (shutdown: its transaction must not outlive the service). */
  async settled(): Promise<void> {
    while (this.running || this.next) await (this.next ?? this.running)!.catch(() => undefined);
  }
}

export interface MatchInput {
  language: string;
  /** the mailbox's threshold (a number: set by an admin or a caller) and where it came from */
  threshold?: number | { threshold: number; chosenBy: ThresholdSource } | null;
  /** the mailbox's fallback languages, in order */
  fallbackLanguages?: readonly string[];
  limit?: number;
  /** the message's subject as it came (the customer's own summary; customerText's cleaning is applied here) */
  subject?: string;
}

function signatureOf(list: IndexedArticle[]): string {
  return createHash('sha256').update(list.map((a) => `${a.id}:${a.fingerprint}`).join('\n')).digest('hex');
}

/**
 * The ranked articles' details, and every published article of their translation groups (what suggestions() picks
 * the customer's language from), in one statement built once. Only for ranked articles the search did not find.
 */
const rankedArticles = statement((q) => {
  const ids = sql`${sql.placeholder('ids')}::text[]`;
  const groups = q.select({ group: articles.translationGroup }).from(articles).where(and(sql`${articles.id} = any(${ids})`, isNotNull(articles.translationGroup)));
  return q
    .select({ id: articles.id, version: articles.version, title: articles.title, url: articles.url, language: articles.language, translationGroup: articles.translationGroup, tags: articles.tags })
    .from(articles)
    .where(and(eq(articles.status, 'published'), or(sql`${articles.id} = any(${ids})`, inArray(articles.translationGroup, groups))));
});

/**
 * Details of the ranked articles. The search returns those it found, with their translations; an article ranked by
 * the learned model alone (none of its chunks among the nearest) is read here, in a second statement. Exported for tests.
 */
export async function rankedDetails(db: Db, ids: string[], found: ChunkSearchResult) {
  const missing = ids.filter((id) => !found.articles.has(id));
  if (missing.length === 0) return { details: found.articles, translations: found.translations };
  const rows = await rankedArticles(db, { ids: missing });
  const wanted = new Set(missing);
  const details = new Map(found.articles);
  for (const row of rows) if (wanted.has(row.id)) details.set(row.id, row);
  return { details, translations: [...found.translations, ...rows.filter((r) => r.translationGroup !== null)] };
}

/**
 * Training needs vectors for every chunk text; the indexer stored them moments ago. Reading them back by content
 * hash avoids paying an API provider twice; texts not found (none, normally) are embedded.
 */
class IndexedVectors implements Embedder {
  constructor(private readonly db: Db, private readonly inner: Embedder) {}
  get model() { return this.inner.model; }
  get dimensions() { return this.inner.dimensions; }

  async embed(texts: string[]): Promise<Float32Array[]> {
    const hashes = texts.map((t) => contentHash(t.replace(/\s+/g, ' ').trim()));
    const stored = await storedVectors(this.db, this.inner.model, [...new Set(hashes)]);
    const found = new Map([...stored].map(([h, v]) => [h, parseVector(v)]));
    const missing = texts.filter((_, i) => !found.has(hashes[i]!));
    const fresh = missing.length ? await this.inner.embed(missing) : [];
    let k = 0;
    return texts.map((_, i) => found.get(hashes[i]!) ?? fresh[k++]!);
  }
}
