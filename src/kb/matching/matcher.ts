// In-process matcher: learns from article examples at KB load, ranks articles for a question with
// per-signal contributions, and attaches a calibrated confidence plus an escalate decision.
// The vector signal uses an in-memory index here; the service swaps in pgvector hits (same shape).
import type { Embedder } from '../../ai/embedder.js';
import { type FeatureOptions, defaultFeatureOptions } from '../../text/features.js';
import { type TfidfModel, fitTfidf, vectorize } from '../../text/tfidf.js';
import { type ExampleScorer, type TrainOptions, defaultTrainOptions, predictProba, trainExampleScorer } from './example-scorer.js';
import { type FusionWeights, type RankedArticle, type SignalScores, fuse, rankingFeatures } from './fusion.js';
import {
  type CalibrationSample, type Calibrator, type EscalationMetrics, type ThresholdSample,
  chooseThreshold, confidence, fitCalibrator,
} from './calibration.js';
import { VectorIndex } from './vector-index.js';
import { type SentenceFeatureOptions, SentenceVectors, withSentence } from './sentence-features.js';
import { type CoverageReport, contentWords, coverageReport, priorConfidence, questionWords } from './prior.js';

export interface ArticleInput {
  id: string;
  title: string;
  /** what the article says (its sections): learned from, never held out as a question in cross-validation */
  texts?: string[];
  /** questions this article answers (written by the knowledge manager or learned from agents' decisions) */
  examples: string[];
}

/**
 * Cross-validation needs real questions: at least this many articles with at least `folds` examples each. A knowledge
 * base of titles and bodies alone has none, and hiding its sections as "questions" chose degenerate thresholds
 * (0.05-0.08 on a shop's articles, issue 16): it gets the prior instead (priorConfidence).
 */
export const MIN_CALIBRATED_ARTICLES = 6;

export interface MatcherOptions {
  embedder: Embedder;
  features?: FeatureOptions;
  training?: TrainOptions;
  weights?: FusionWeights;
  /** cross-validation folds used to fit the calibrator and threshold; 0 = no calibration */
  folds?: number;
  /** cap on held-out questions per fold, keeps KB load time bounded */
  maxHeldOutPerFold?: number;
  maxAccuracyLoss?: number;
  /** false: no cross-validation, the prior confidence (see trainByLanguage) */
  calibrate?: boolean;
  /** the sentence encoder's vectors as features of the learned model and as the `semantic` signal (English) */
  sentence?: SentenceFeatureOptions;
}

/**
 * Small KBs get more passes (cheap, and measured +2 points top-1 at 10 examples per article). Dropout training
 * (half the features hidden at each step) measured +0.3 points top-1 and trains ~3x faster (bench/match-research).
 */
export function autoTrainOptions(examples: number): TrainOptions {
  const epochs = Math.round(Math.min(60, Math.max(12, 200_000 / Math.max(1, examples))));
  return { ...defaultTrainOptions, epochs, learningRate: 1, l2: 1e-6, dropout: 0.5 };
}

/**
 * fts only reorders near-ties: it is not part of cross-validation, so it stays out of the confidence (see
 * rankingFeatures). The sentence encoder's similarity (English) ranks, and joins the confidence only where
 * cross-validation calibrates it: as a feature of the prior it was over-fitted on bench:shop's dev half (test half
 * answered precision 0.74-0.80); as a ranking signal it lifted bench:shop's English top-1 from 0.80 to 0.86 with the
 * answered questions' precision unchanged. Its weight, 4, is the best of 0.5-6 on a train-only split of BANKING77
 * (bench/match-research/README.md, round 3).
 */
export const defaultWeights: FusionWeights = { learned: { weight: 1 }, vector: { weight: 1 }, fts: { weight: 0.1 }, semantic: { weight: 4 } };
/** The signals the calibrated confidence reads: those cross-validation can reproduce (not full-text search). */
const calibrationSignals = (model: Model) => (model.sentence ? ['learned', 'vector', 'semantic'] : ['learned', 'vector']);

export interface MatchResult {
  ranked: RankedArticle[];
  /** calibrated probability that ranked[0] answers the question */
  confidence: number;
  escalate: boolean;
  /** with the prior confidence: how much of the question the top article covers, and the words it lacks */
  coverage?: CoverageReport;
}

interface Model {
  ids: string[];
  tfidf: TfidfModel;
  scorer: ExampleScorer;
  index: VectorIndex;
  /** the sentence vectors' weight in the learned features, and their index over the articles' texts */
  sentence?: { scale: number; index: VectorIndex };
}

/** A question's vector from the sentence encoder; absent when off or failed (n-gram features alone then). */
export type QuestionSentence = Float32Array | undefined;

async function buildModel(articles: ArticleInput[], opts: MatcherOptions, sentences?: SentenceVectors): Promise<Model> {
  const texts: string[] = [];
  const labels: number[] = [];
  const owners: string[] = [];
  articles.forEach((a, i) => {
    for (const t of [a.title, ...(a.texts ?? []), ...a.examples]) {
      if (!t.trim()) continue;
      texts.push(t);
      labels.push(i);
      owners.push(a.id);
    }
  });
  const tfidf = fitTfidf(texts, opts.features ?? defaultFeatureOptions);
  const F = tfidf.idf.length;
  const scale = sentences?.opts.scale ?? 0;
  const xs = texts.map((t) => withSentence(vectorize(tfidf, t), sentences?.get(t), F, scale));
  const features = F + (sentences && scale ? sentences.dimensions : 0);
  const scorer = trainExampleScorer(xs, labels, articles.length, features, opts.training ?? autoTrainOptions(xs.length));
  const index = new VectorIndex(opts.embedder.dimensions, texts.length);
  const vectors = await opts.embedder.embed(texts);
  vectors.forEach((v, n) => index.add(owners[n]!, v));
  let sentence: Model['sentence'];
  if (sentences) {
    const semantic = new VectorIndex(sentences.dimensions, texts.length);
    texts.forEach((t, n) => semantic.add(owners[n]!, sentences.get(t)!));
    sentence = { scale, index: semantic };
  }
  return { ids: articles.map((a) => a.id), tfidf, scorer, index, ...(sentence ? { sentence } : {}) };
}

function learnedScores(model: Model, question: string, qsent: QuestionSentence): Map<string, number> {
  const x = vectorize(model.tfidf, question);
  const p = predictProba(model.scorer, model.sentence ? withSentence(x, qsent, model.tfidf.idf.length, model.sentence.scale) : x);
  return new Map(model.ids.map((id, i) => [id, p[i]!]));
}

function signalScores(model: Model, question: string, vector: ReadonlyMap<string, number>, qsent: QuestionSentence): SignalScores {
  const scores: SignalScores = { learned: learnedScores(model, question, qsent), vector };
  if (model.sentence && qsent) scores.semantic = model.sentence.index.maxPerArticle(qsent);
  return scores;
}

function rank(model: Model, question: string, qvec: Float32Array, qsent: QuestionSentence, weights: FusionWeights, limit: number): RankedArticle[] {
  return fuse(signalScores(model, question, model.index.maxPerArticle(qvec), qsent), weights, limit);
}

/** Signals computed outside the matcher, e.g. by the database: article id -> raw score. */
export interface ExternalSignals {
  /** best cosine similarity over the article's chunks (pgvector) */
  vector: ReadonlyMap<string, number>;
  /** full-text search rank, normalised to 0..1 */
  fts?: ReadonlyMap<string, number>;
  /** the question's sentence-encoder vector, when the matcher was trained with sentence features */
  sentence?: Float32Array;
  /** the customer's subject line (cleaned, as customerText does), read by the prior confidence */
  subject?: string;
}

export class Matcher {
  private constructor(
    private readonly model: Model,
    private readonly opts: MatcherOptions,
    readonly calibrator: Calibrator | undefined,
    /** metrics of the chosen threshold on the cross-validation questions */
    readonly calibration: EscalationMetrics | undefined,
    /** each article's content words (title, sections, examples), for the prior confidence when not calibrated */
    private readonly articleWords?: ReadonlyMap<string, ReadonlySet<string>>,
  ) {}

  get threshold(): number {
    return this.calibration?.threshold ?? 0;
  }

  static async train(articles: ArticleInput[], opts: MatcherOptions): Promise<Matcher> {
    const folds = opts.folds ?? 3;
    const questioned = articles.filter((a) => a.examples.length >= folds).length;
    const calibrate = !(opts.calibrate === false || folds < 2 || articles.length < 2 * folds || questioned < MIN_CALIBRATED_ARTICLES);
    let sentences: SentenceVectors | undefined;
    if (opts.sentence) {
      // As features only where cross-validation calibrates the confidence: on titles and bodies alone they made the
      // learned model sure of unanswerable questions too, which the prior cannot tell (bench:shop answered precision
      // 0.93 -> 0.85). There the encoder's similarity is a ranking signal only, outside the prior's scale.
      sentences = new SentenceVectors({ ...opts.sentence, scale: calibrate ? opts.sentence.scale : 0 });
      await sentences.load(articles.flatMap((a) => [a.title, ...(a.texts ?? []), ...a.examples].filter((t) => t.trim())));
    }
    const model = await buildModel(articles, opts, sentences);
    if (!calibrate) {
      const words = new Map(articles.map((a) => [a.id, contentWords([a.title, ...(a.texts ?? []), ...a.examples].join('\n'))]));
      return new Matcher(model, opts, undefined, undefined, words);
    }
    const { samples, thresholdSamples } = await crossValidate(articles, opts, folds, sentences);
    const calibrator = fitCalibrator(samples);
    thresholdSamples.forEach((s, i) => (s.confidence = confidence(calibrator, samples[i]!.features)));
    const calibration = chooseThreshold(thresholdSamples, opts.maxAccuracyLoss);
    return new Matcher(model, opts, calibrator, calibration);
  }

  /** whether the learned model has the sentence encoder's features (so a question needs its vector) */
  get usesSentences(): boolean {
    return this.model.sentence !== undefined;
  }

  async match(question: string, limit = 5): Promise<MatchResult> {
    const [qvec] = await this.opts.embedder.embed([question]);
    const sentence = this.opts.sentence && this.usesSentences ? (await this.opts.sentence.embedder.embed([question]))[0] : undefined;
    return this.matchWithVector(question, qvec!, limit, this.threshold, sentence);
  }

  /** For callers that already embedded the question (batch evaluation). */
  matchWithVector(question: string, qvec: Float32Array, limit = 5, threshold = this.threshold, sentence?: Float32Array): MatchResult {
    return this.matchWithSignals(question, { vector: this.model.index.maxPerArticle(qvec), ...(sentence ? { sentence } : {}) }, limit, threshold);
  }

  /**
   * The production path: vector (and full-text) scores come from PostgreSQL, the learned signal from the model
   * trained on the articles' examples. `threshold` is the mailbox's escalation threshold.
   */
  matchWithSignals(question: string, signals: ExternalSignals, limit = 5, threshold = this.threshold): MatchResult {
    const weights = this.opts.weights ?? defaultWeights;
    const scores = signalScores(this.model, question, signals.vector, signals.sentence);
    if (signals.fts) scores.fts = signals.fts;
    const ranked = fuse(scores, weights, Math.max(limit, 2));
    if (this.calibrator) {
      const conf = confidence(this.calibrator, rankingFeatures(ranked, calibrationSignals(this.model)));
      return { ranked: ranked.slice(0, limit), confidence: conf, escalate: conf < threshold };
    }
    const words = (id: string) => this.articleWords?.get(id);
    const conf = priorConfidence(ranked, questionWords(question, signals.subject), words);
    const coverage = ranked[0] ? coverageReport(question, signals.subject, words(ranked[0].articleId)) : undefined;
    return { ranked: ranked.slice(0, limit), confidence: conf, escalate: conf < threshold, ...(coverage ? { coverage } : {}) };
  }

  get articleIds(): readonly string[] {
    return this.model.ids;
  }
}

/**
 * Fold f hides every folds-th article entirely (its examples play unanswerable questions) and
 * every folds-th example of the others (answerable questions), trains on the rest and records
 * how the ranking looked. Deterministic: no randomness in the split.
 */
async function crossValidate(articles: ArticleInput[], opts: MatcherOptions, folds: number, sentences?: SentenceVectors) {
  const samples: CalibrationSample[] = [];
  const thresholdSamples: ThresholdSample[] = [];
  const weights = opts.weights ?? defaultWeights;
  const cap = opts.maxHeldOutPerFold ?? 1500;
  for (let f = 0; f < folds; f++) {
    const kept: ArticleInput[] = [];
    const questions: { text: string; answer: string | undefined }[] = [];
    articles.forEach((a, i) => {
      if (i % folds === f) {
        for (const t of a.examples) questions.push({ text: t, answer: undefined });
        return;
      }
      const examples = a.examples.filter((_, j) => j % folds !== f);
      a.examples.forEach((t, j) => j % folds === f && questions.push({ text: t, answer: a.id }));
      kept.push({ ...a, examples });
    });
    const model = await buildModel(kept, opts, sentences);
    const step = Math.max(1, Math.ceil(questions.length / cap));
    const picked = questions.filter((_, i) => i % step === 0);
    const vectors = await opts.embedder.embed(picked.map((q) => q.text));
    picked.forEach((q, i) => {
      const ranked = rank(model, q.text, vectors[i]!, sentences?.get(q.text), weights, 10);
      const correct = q.answer !== undefined && ranked[0]?.articleId === q.answer;
      samples.push({ features: rankingFeatures(ranked, calibrationSignals(model)), correct });
      thresholdSamples.push({ confidence: 0, inScope: q.answer !== undefined, correct });
    });
  }
  return { samples, thresholdSamples };
}
