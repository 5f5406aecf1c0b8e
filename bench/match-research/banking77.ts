// BANKING77 evaluation of the built-in matcher (data: Casanueva et al. 2020, CC-BY-4.0).
//   npx tsx bench/match-research/banking77.ts [--examples 10] [--holdout 27] [--dims 384] [--folds 3]
//     [--dropout 0.5] [--epoch-scale 1] [--hinge] [--vector-weight 1] [--titles] [--semantic FILE [--scale 1]] [--cv]
// --semantic FILE: the English sentence encoder's vectors as features (as SEMANTIC_MODEL=auto), kept in FILE by content
// hash (bench/match.ts --vectors writes the same file); --scale: their weight (SENTENCE_FEATURE_SCALE by default);
// --semantic-weight: the encoder's similarity in the ranking (4, as defaultWeights).
// --cv: a train-only split for choosing options without looking at test: the KB learns the first two thirds of each
// intent's train rows (file order), the queries are the last third.
// KB = one article per intent, examples = train.csv texts (optionally the first N per intent in
// file order); queries = test.csv. --holdout K leaves K intents (spread evenly over the sorted
// names) out of the KB: their test questions should be escalated. The escalation threshold is
// chosen by the matcher's cross-validation over the KB's own (train) examples, never on test.
import { loadSplit, firstPerCategory } from './data.js';
import { LocalEmbedder } from '../../src/ai/local-embedder.js';
import { Matcher, type ArticleInput, autoTrainOptions, defaultWeights } from '../../src/kb/matching/matcher.js';
import { escalationMetrics } from '../../src/kb/matching/calibration.js';
import type { TrainOptions } from '../../src/kb/matching/example-scorer.js';
import { SENTENCE_FEATURE_SCALE } from '../../src/kb/matching/sentence-features.js';
import { createSentenceEncoder } from '../../src/ai/semantic-model.js';
import { FileEmbeddingStore } from '../support/file-embedding-store.js';

const args = process.argv.slice(2);
const opt = (name: string, fallback: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : fallback);
const examplesPerIntent = opt('--examples', Infinity);
const holdout = opt('--holdout', 0);
const dims = opt('--dims', 384);
const folds = opt('--folds', 3);
const vectorWeight = opt('--vector-weight', 1);
const semanticWeight = opt('--semantic-weight', defaultWeights.semantic!.weight); // the sentence encoder's similarity as a ranking signal (defaultWeights)
const dropout = opt('--dropout', NaN); // override the trainer's dropout (default: autoTrainOptions)
const epochScale = opt('--epoch-scale', 1); // multiply autoTrainOptions' epochs
const hinge = args.includes('--hinge'); // add a multi-class hinge (linear SVM) member to the learned signal
const titles = args.includes('--titles'); // use the intent name as article title (off: titles would leak labels)
const semanticFile = args.includes('--semantic') ? args[args.indexOf('--semantic') + 1]! : undefined;
const scale = opt('--scale', SENTENCE_FEATURE_SCALE);
const cv = args.includes('--cv');

const started = performance.now();
const trainAll = loadSplit('train');
const byIntent = new Map<string, number>();
const intentSize = new Map<string, number>();
for (const r of trainAll) intentSize.set(r.category, (intentSize.get(r.category) ?? 0) + 1);
// --cv: position of each row within its intent decides (first two thirds learned, last third asked)
const learnedRow = trainAll.map((r) => {
  const n = byIntent.get(r.category) ?? 0;
  byIntent.set(r.category, n + 1);
  return n < Math.round((intentSize.get(r.category)! * 2) / 3);
});
const pool = cv ? trainAll.filter((_, i) => learnedRow[i]) : trainAll;
const train = Number.isFinite(examplesPerIntent) ? firstPerCategory(pool, examplesPerIntent) : pool;
const test = cv ? trainAll.filter((_, i) => !learnedRow[i]) : loadSplit('test');
const intents = [...new Set(trainAll.map((r) => r.category))].sort();
const heldOut = new Set(intents.filter((_, i) => (i * holdout) % intents.length < holdout));
const articles: ArticleInput[] = intents.filter((c) => !heldOut.has(c)).map((c) => ({
  id: c,
  title: titles ? c.replace(/_/g, ' ') : '',
  examples: train.filter((r) => r.category === c).map((r) => r.text),
}));

const embedder = new LocalEmbedder({ dimensions: dims });
const auto = autoTrainOptions(articles.reduce((s, a) => s + a.examples.length, 0));
const trainOptions: TrainOptions = {
  ...auto, epochs: Math.round(auto.epochs * epochScale), ...(Number.isNaN(dropout) ? {} : { dropout }),
  ...(hinge ? { ensemble: [{ loss: 'hinge', learningRate: 0.1, l2: 1e-5, dropout: 0, temperature: 5 }] } : {}),
};
// overrides fix the epochs for the cross-validation folds too (autoTrainOptions would give small folds more)
const overridden = !Number.isNaN(dropout) || epochScale !== 1 || hinge;
const sentenceEncoder = semanticFile ? await createSentenceEncoder(console, { store: new FileEmbeddingStore(semanticFile, 512) }) : undefined;
const matcher = await Matcher.train(articles, {
  embedder,
  ...(sentenceEncoder ? { sentence: { embedder: sentenceEncoder, scale } } : {}),
  // with the sentence encoder, folds too: its vectors are features only where cross-validation calibrates
  folds: holdout > 0 || semanticFile ? folds : 0,
  ...(overridden ? { training: trainOptions } : {}),
  weights: { learned: { weight: 1 }, vector: { weight: vectorWeight }, semantic: { weight: semanticWeight } },
});
const trained = performance.now();

const vectors = await embedder.embed(test.map((r) => r.text));
const sentences = sentenceEncoder ? await sentenceEncoder.embed(test.map((r) => r.text)) : [];
await sentenceEncoder?.close();
let top1 = 0, top3 = 0, mrr = 0, inScope = 0;
const samples = test.map((r, i) => {
  const res = matcher.matchWithVector(r.text, vectors[i]!, 10, matcher.threshold, sentences[i]);
  const isIn = !heldOut.has(r.category);
  const pos = res.ranked.findIndex((a) => a.articleId === r.category);
  if (isIn) {
    inScope++;
    if (pos === 0) top1++;
    if (pos >= 0 && pos < 3) top3++;
    if (pos >= 0) mrr += 1 / (pos + 1);
  }
  return { confidence: res.confidence, inScope: isIn, correct: pos === 0 };
});
const finished = performance.now();
const esc = escalationMetrics(samples, matcher.threshold);
const round = (x: number) => +x.toFixed(4);
console.log(JSON.stringify({
  examplesPerIntent: Number.isFinite(examplesPerIntent) ? examplesPerIntent : 'all',
  holdout, dims, titles, cv, semantic: semanticFile ? scale : null, articles: articles.length, kbExamples: articles.reduce((s, a) => s + a.examples.length, 0),
  queries: test.length,
  top1: round(top1 / inScope), top3: round(top3 / inScope), mrr: round(mrr / inScope),
  threshold: round(matcher.threshold),
  inScopeAccuracy: round(esc.inScopeAccuracy),
  escalationRecall: holdout > 0 ? round(esc.escalationRecall) : null,
  escalationPrecision: holdout > 0 ? round(esc.escalationPrecision) : null,
  crossValidation: matcher.calibration && {
    inScopeAccuracy: round(matcher.calibration.inScopeAccuracy), escalationRecall: round(matcher.calibration.escalationRecall),
  },
  trainSeconds: round((trained - started) / 1000),
  msPerQuery: round((finished - trained) / test.length),
  totalSeconds: round((finished - started) / 1000),
}));
