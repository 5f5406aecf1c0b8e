import { and, asc, eq, lt, sql } from 'drizzle-orm';
import { inboundMessages } from '../db/schema/messages.js';
import { processMessage, type ProcessDeps, type ProcessOutcome } from '../cases/process-message.js';
import { pgText } from '../db/text.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { WakingWorker } from './waker.js';

const MAX_ATTEMPTS = 5;

/**
 * Drains the stored-but-unprocessed messages. Ingestion kicks it right after a store; a slow poll catches
 * what other processes stored and what an earlier crash left behind, so nothing waits for a restart.
 */
export class PipelineWorker extends WakingWorker {
  constructor(
    private readonly deps: ProcessDeps,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly onProcessed: (outcome: ProcessOutcome) => void = () => undefined,
    pollMs = 1000,
    /** called when the queue is empty again (drafts and other deferred work may resume) */
    private readonly onIdle: () => void = () => undefined,
  ) {
    super(pollMs, log);
  }

  /** True while stored messages wait to be acknowledged: other workers yield the database to it meanwhile. */
  busy = false;

  /** Process every pending message once; returns how many were handled. */
  async drain(): Promise<number> {
    try {
      return await this.drainAll();
    } finally {
      this.busy = false;
      this.onIdle();
    }
  }

  private async drainAll(): Promise<number> {
    let handled = 0;
    for (;;) {
      const batch = await this.deps.db
        .select({ id: inboundMessages.id })
        .from(inboundMessages)
        .where(and(eq(inboundMessages.status, 'received'), lt(inboundMessages.attempts, MAX_ATTEMPTS)))
        .orderBy(asc(inboundMessages.receivedAt))
        .limit(50);
      if (batch.length === 0 || this.waker.stopping) return handled;
      this.busy = true;
      for (const { id } of batch) {
        // If even the failure cannot be recorded (database down), stop and let the next tick retry.
        if (!(await this.processOne(id))) return handled;
        handled++;
      }
    }
  }

  private async processOne(id: string): Promise<boolean> {
    try {
      const outcome = await processMessage(this.deps, id);
      if (outcome.status === 'processed') this.record(id, outcome);
      this.onProcessed(outcome);
      return true;
    } catch (err) {
      this.log.error({ err: errorMessage(err), messageId: id }, 'processing a stored message failed; it will be retried');
      return this.deps.db
        .update(inboundMessages)
        .set({
          attempts: sql`${inboundMessages.attempts} + 1`,
          error: pgText(errorMessage(err).slice(0, 2000)),
          status: sql`case when ${inboundMessages.attempts} + 1 >= ${MAX_ATTEMPTS} then 'failed' else 'received' end`,
        })
        // Only while still 'received': if the COMMIT's answer was lost, the message may well be processed already,
        // and putting it back in the queue would open a second case and acknowledge twice (found by `npm run chaos`).
        .where(and(eq(inboundMessages.id, id), eq(inboundMessages.status, 'received')))
        .then(
          () => true,
          (e) => {
            this.log.error({ err: errorMessage(e), messageId: id }, 'could not record the processing failure');
            return false;
          },
        );
    }
  }

  private record(id: string, outcome: Extract<ProcessOutcome, { status: 'processed' }>): void {
    for (const flag of outcome.flags) this.metrics.messagesFlagged.inc({ flag });
    for (const r of outcome.decision.reasons) this.metrics.acknowledgementsSuppressed.inc({ reason: r.code });
    if (!outcome.acknowledged && outcome.decision.reasons.length === 0) this.metrics.acknowledgementsSuppressed.inc({ reason: 'no_case' });
    this.log.info({ messageId: id, caseId: outcome.caseId, acknowledged: outcome.acknowledged, reasons: outcome.decision.reasons.map((r) => r.code), flags: outcome.flags }, 'message processed');
  }
}
