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
import { articles } from '../db/schema/kb.js';
import type { Logger } from '../logger.js';
import { contentHash } from './indexing/chunks.js';
import { indexKnowledgeBase, storedVectors, type IndexedArticle, type IndexReport } from './indexing/indexer.js';
import { Matcher } from './matching/matcher.js';
import type { EscalationMetrics } from './matching/calibration.js';
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
  escalate: boolean;
  /** why the answer is "escalate", in words a knowledge manager understands */
  reason: 'empty_knowledge_base' | 'below_threshold' | null;
  candidates: Candidate[];
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
  /** how often to look for changes made by other processes */
  pollMs?: number;
  /** after an index run that changed articles (edited, published, archived): e.g. re-draft stale drafts */
  onArticlesChanged?(ids: string[]): Promise<void> | void;
}

interface Snapshot {
  matcher: Matcher;
  signature: string;
  articles: number;
}

/** Confidence of an uncalibrated (tiny) knowledge base: the matcher's fallback; escalate below one half. */
const UNCALIBRATED_THRESHOLD = 0.5;
/** Runner-up articles are suggested too when they score at least this share of the top article's score. */
const RUNNER_UP_SHARE = 0.6;

export class KnowledgeBase {
  private snapshot: Snapshot | undefined;
  private running: Promise<IndexReport> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
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

  /** Threshold and the cross-validation figures it was chosen from, for the API and the eval command. */
  get calibration(): { threshold: number; chosenBy: 'configuration' | 'cross-validation' | 'default'; metrics?: EscalationMetrics } {
    if (this.opts.threshold !== undefined) return { threshold: this.opts.threshold, chosenBy: 'configuration' };
    const m = this.snapshot?.matcher;
    if (m?.calibration) return { threshold: m.threshold, chosenBy: 'cross-validation', metrics: m.calibration };
    return { threshold: UNCALIBRATED_THRESHOLD, chosenBy: 'default' };
  }

  /** Index changed articles and retrain when anything changed; concurrent calls share one run. */
  async refresh(): Promise<IndexReport> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.run().finally(() => (this.running = undefined));
    const report = await this.running;
    if (this.again) {
      this.again = false;
      return this.refresh();
    }
    return report;
  }

  /** Fire-and-forget refresh after an article changed. */
  requestRefresh(): void {
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
      const matcher = report.articles.length
        ? await Matcher.train(
            report.articles.map((a) => ({ id: a.id, title: a.title, examples: a.trainingTexts })),
            { embedder: new IndexedVectors(db, embedder) },
          )
        : undefined;
      this.snapshot = matcher ? { matcher, signature, articles: report.articles.length } : undefined;
      log.info({ articles: report.articles.length, trainMs: Math.round(performance.now() - started), threshold: matcher?.threshold, embedded: report.chunksEmbedded }, 'knowledge base trained');
    }
    return report;
  }

  async match(text: string, input: { language: string; threshold?: number | null; limit?: number }): Promise<KnowledgeMatch> {
    const snapshot = this.snapshot;
    const threshold = input.threshold ?? this.calibration.threshold;
    if (!snapshot) return { model: this.model, confidence: 0, threshold, escalate: true, reason: 'empty_knowledge_base', candidates: [] };
    const [vector] = await this.opts.embedder.embed([text]);
    const found = await searchChunks(this.opts.db, { model: this.model, dimensions: vector!.length, vector: vector!, text, language: input.language });
    const result = snapshot.matcher.matchWithSignals(text, found, input.limit ?? 5, threshold);
    const { details, translations } = await rankedDetails(this.opts.db, result.ranked.map((r) => r.articleId), found);
    const candidates = result.ranked.flatMap((r) => {
      const d = details.get(r.articleId);
      if (!d) return [];
      const { id: _id, ...published } = d;
      return [{ ...published, articleId: r.articleId, score: r.score, signals: r.signals, contributions: r.contributions }];
    });
    const escalate = result.escalate || candidates.length === 0;
    const match: KnowledgeMatch = { model: this.model, confidence: result.confidence, threshold, escalate, reason: escalate ? 'below_threshold' : null, candidates };
    this.translationsFound.set(match, translations);
    return match;
  }

  /** Up to `max` articles with a URL for the acknowledgement, each in the customer's language when translated. */
  async suggestions(match: KnowledgeMatch, language: string, max: number): Promise<Suggestion[]> {
    if (match.escalate || max <= 0) return [];
    const top = match.candidates[0]!;
    const chosen = match.candidates.filter((c, i) => i === 0 || c.score >= RUNNER_UP_SHARE * top.score);
    // Read with the match's candidates (match()); a match from elsewhere gets each article in its own language.
    const translations = this.translationsFound.get(match) ?? [];
    const out: Suggestion[] = [];
    for (const c of chosen) {
      const own = sameLanguage(c.language, language) ? undefined : translations.find((t) => t.translationGroup === c.translationGroup && sameLanguage(t.language, language));
      const pick = own ? { articleId: own.id, version: own.version, title: own.title, url: own.url } : { articleId: c.articleId, version: c.version, title: c.title, url: c.url };
      if (pick.url && !out.some((o) => o.articleId === pick.articleId)) out.push({ ...pick, url: pick.url, matchedArticleId: c.articleId });
      if (out.length >= max) break;
    }
    return out;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
  }
}

const sameLanguage = (a: string, b: string) => a.slice(0, 2).toLowerCase() === b.slice(0, 2).toLowerCase();

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
    const found = new Map([...stored].map(([h, v]) => [h, Float32Array.from(JSON.parse(v) as number[])]));
    const missing = texts.filter((_, i) => !found.has(hashes[i]!));
    const fresh = missing.length ? await this.inner.embed(missing) : [];
    let k = 0;
    return texts.map((_, i) => found.get(hashes[i]!) ?? fresh[k++]!);
  }
}
