// What the pipeline calls: records questions in batches and re-clusters in the background now and then.
import type { ChatClient } from '../../ai/chat.js';
import type { Embedder } from '../../ai/embedder.js';
import type { Db } from '../../db/client.js';
import { BatchQueue } from '../../jobs/batch-queue.js';
import type { Logger } from '../../logger.js';
import { recomputeGaps } from './recompute.js';
import { checkedGapQuestion, recordGapQuestions, type GapQuestionInput, type RecordResult } from './record.js';

/**
 * What the pipeline calls: records each question and, after every `recomputeEvery` new ones, re-clusters in the
 * background (one run at a time). Failures are logged, never thrown into the caller's work.
 */
export class GapMaintainer {
  private sinceRecompute = 0;
  private running: Promise<unknown> | undefined;
  private lastRecompute = 0;
  // Questions arriving while a batch is being recorded go into the next one: one transaction and one clustering
  // lock per batch instead of per question (under load about half the pipeline's messages ask a question).
  private readonly batches = new BatchQueue((inputs: GapQuestionInput[]) => this.recordBatch(inputs));

  constructor(private readonly deps: { db: Db; embedder: Embedder; log: Logger; chat?: ChatClient; recomputeEvery?: number; minRecomputeIntervalMs?: number; assignThreshold?: number }) {}

  async record(input: GapQuestionInput): Promise<RecordResult | null> {
    try {
      const result = await this.batches.add(checkedGapQuestion(input));
      if (!result) return null;
      // Re-clustering costs seconds of the (embedded, single-session) database: at most every few minutes.
      const due = Date.now() - this.lastRecompute >= (this.deps.minRecomputeIntervalMs ?? 5 * 60_000);
      if (!result.duplicate && ++this.sinceRecompute >= (this.deps.recomputeEvery ?? 50) && due) {
        this.lastRecompute = Date.now();
        this.recompute();
      }
      return result;
    } catch (err) {
      this.deps.log.warn({ err }, 'knowledge gaps: could not record a question');
      return null;
    }
  }

  /** A batch; when it fails as a whole, each question is tried on its own so one cannot sink the others. */
  private async recordBatch(inputs: GapQuestionInput[]): Promise<(RecordResult | null)[]> {
    const { db, embedder, assignThreshold } = this.deps;
    try {
      return await recordGapQuestions(db, embedder, inputs, { assignThreshold });
    } catch (err) {
      if (inputs.length === 1) throw err;
      const results: (RecordResult | null)[] = [];
      for (const input of inputs) {
        results.push(await recordGapQuestions(db, embedder, [input], { assignThreshold }).then((r) => r[0]!, (e: unknown) => {
          this.deps.log.warn({ err: e }, 'knowledge gaps: could not record a question');
          return null;
        }));
      }
      return results;
    }
  }

  /** Starts a full re-clustering unless one is running; resolves when it is done. */
  recompute(): Promise<unknown> {
    if (this.running) return this.running;
    this.sinceRecompute = 0;
    this.running = recomputeGaps(this.deps.db, this.deps.embedder, { chat: this.deps.chat, log: this.deps.log, assignThreshold: this.deps.assignThreshold })
      .then((report) => this.deps.log.info(report, 'knowledge gaps recomputed'))
      .catch((err) => this.deps.log.warn({ err }, 'knowledge gaps: recompute failed'))
      .finally(() => (this.running = undefined));
    return this.running;
  }
}
