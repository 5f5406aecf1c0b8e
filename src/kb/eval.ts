// The evaluation behind `firstreply eval`: a fresh in-memory database, the knowledge base imported and indexed,
// every query matched through the same code as production (KnowledgeBase.match), and the figures of issue #3:
// top-1/top-3/MRR over queries with an expected article, and how escalation splits answerable from unanswerable.
import { z } from 'zod';
import type { Embedder } from '../ai/embedder.js';
import { openDatabase } from '../db/client.js';
import { customerText, detectLanguage } from '../domain/language.js';
import { createLogger } from '../logger.js';
import { KnowledgeBase } from './knowledge.js';
import type { SemanticSignal } from './language-models.js';
import { importJsonl } from './transfer.js';

const queryLine = z.object({ text: z.string(), expected: z.string().nullable(), language: z.string().optional() });
export type EvalQuery = z.infer<typeof queryLine>;

export interface EvalSummary {
  queries: number;
  top1: number;
  top3: number;
  mrr: number;
  inScopeAccuracy: number;
  escalationRecall: number;
  escalationPrecision: number;
  /** of the queries not escalated, the share whose top article is the expected one: what customers see */
  answeredPrecision: number;
  /** the same figures per query language, when the queries carry a `language` */
  byLanguage?: Record<string, ReturnType<typeof scoreAt> & { queries: number }>;
  msPerQuery: number;
  provider: string;
  /** the sentence encoder matched with (SEMANTIC_MODEL), null without */
  semanticModel: string | null;
  threshold: number;
  thresholdChosenBy: string;
  articles: number;
  chunks: number;
  loadSeconds: number;
  totalSeconds: number;
}

export interface EvalOutcome {
  expected: string | null;
  language?: string;
  /** rank of the expected article (0 = top), -1 if absent */
  rank: number;
  confidence: number;
}

export function parseQueries(jsonl: string): EvalQuery[] {
  return jsonl.split('\n').filter((l) => l.trim()).map((line, i) => {
    try {
      return queryLine.parse(JSON.parse(line));
    } catch (err) {
      throw new Error(`queries line ${i + 1}: ${err instanceof Error ? err.message : String(err)}`);
    }
  });
}

/** The definitions, at one threshold. Pure, so the trade-off curve is the same function swept. */
export function scoreAt(outcomes: EvalOutcome[], threshold: number) {
  let inScope = 0, top1 = 0, top3 = 0, mrr = 0, answeredRight = 0, oos = 0, oosEscalated = 0, escalated = 0, answered = 0, answeredGood = 0;
  for (const o of outcomes) {
    const esc = o.confidence < threshold;
    if (esc) escalated++;
    else {
      answered++;
      if (o.expected !== null && o.rank === 0) answeredGood++;
    }
    if (o.expected === null) {
      oos++;
      if (esc) {
        oosEscalated++;
      }
      continue;
    }
    inScope++;
    if (o.rank === 0) top1++;
    if (o.rank >= 0 && o.rank < 3) top3++;
    if (o.rank >= 0) mrr += 1 / (o.rank + 1);
    if (o.rank === 0 && !esc) answeredRight++;
  }
  const share = (a: number, b: number) => (b ? a / b : 0);
  return {
    top1: share(top1, inScope), top3: share(top3, inScope), mrr: share(mrr, inScope),
    inScopeAccuracy: share(answeredRight, inScope),
    escalationRecall: share(oosEscalated, oos),
    escalationPrecision: share(oosEscalated, escalated),
    answeredPrecision: share(answeredGood, answered),
  };
}

export interface EvalOptions {
  kbJsonl: string;
  queries: EvalQuery[];
  embedder: Embedder;
  provider: string;
  threshold?: number;
  /** the English sentence encoder (SEMANTIC_MODEL), as the service uses it */
  semantic?: SemanticSignal;
  progress?(message: string): void;
}

export async function runEval(opts: EvalOptions): Promise<{ summary: EvalSummary; outcomes: EvalOutcome[]; curve: ReturnType<typeof tradeOffCurve> }> {
  const started = performance.now();
  const say = opts.progress ?? (() => {});
  const database = await openDatabase({});
  try {
    await database.migrate();
    const imported = await importJsonl(database.db, opts.kbJsonl, { by: 'eval' });
    if (imported.failed.length) throw new Error(`knowledge base: ${imported.failed.length} lines failed, first: ${JSON.stringify(imported.failed[0])}`);
    say(`imported ${imported.created} articles; indexing and training`);
    const kb = new KnowledgeBase({ db: database.db, embedder: opts.embedder, log: createLogger('silent'), threshold: opts.threshold, ...(opts.semantic ? { semantic: opts.semantic } : {}) });
    await kb.ready();
    const report = kb.lastIndex;
    if (!report) throw new Error('indexing the knowledge base failed (see the log above)');
    const loaded = performance.now();
    say(`indexed ${report.chunksEmbedded} chunks in ${report.ms} ms; threshold ${kb.calibration.threshold.toFixed(4)} (${kb.calibration.chosenBy})`);
    const outcomes: EvalOutcome[] = [];
    for (const [i, q] of opts.queries.entries()) {
      const text = customerText('', q.text);
      const match = await kb.match(text, { language: q.language ?? detectLanguage(text).language, limit: 10, threshold: 0 });
      outcomes.push({ expected: q.expected, language: q.language, rank: q.expected === null ? -1 : match.candidates.findIndex((c) => c.articleId === q.expected), confidence: match.confidence });
      if ((i + 1) % 500 === 0) say(`${i + 1}/${opts.queries.length} queries`);
    }
    const finished = performance.now();
    const threshold = kb.calibration.threshold;
    kb.stop();
    return {
      outcomes,
      curve: tradeOffCurve(outcomes),
      summary: {
        queries: outcomes.length,
        ...scoreAt(outcomes, threshold),
        ...byLanguage(outcomes, threshold),
        msPerQuery: (finished - loaded) / Math.max(1, outcomes.length),
        provider: opts.provider,
        semanticModel: opts.semantic?.embedder.model ?? null,
        threshold,
        thresholdChosenBy: kb.calibration.chosenBy,
        articles: report.published,
        chunks: report.chunksEmbedded + report.chunksReused,
        loadSeconds: (loaded - started) / 1000,
        totalSeconds: (finished - started) / 1000,
      },
    };
  } finally {
    await database.close();
  }
}

/** The threshold trade-off: in-scope accuracy against escalation recall/precision, for choosing a default. */
export function tradeOffCurve(outcomes: EvalOutcome[], steps = 20) {
  return Array.from({ length: steps + 1 }, (_, i) => {
    const threshold = i / steps;
    return { threshold, ...scoreAt(outcomes, threshold) };
  });
}

function byLanguage(outcomes: EvalOutcome[], threshold: number): { byLanguage?: EvalSummary['byLanguage'] } {
  const languages = [...new Set(outcomes.map((o) => o.language).filter((l): l is string => l !== undefined))].sort();
  if (languages.length === 0) return {};
  return {
    byLanguage: Object.fromEntries(languages.map((l) => {
      const mine = outcomes.filter((o) => o.language === l);
      return [l, { queries: mine.length, ...scoreAt(mine, threshold) }];
    })),
  };
}
