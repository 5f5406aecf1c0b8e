import { and, asc, eq, lt, sql } from 'drizzle-orm';
import type PgBoss from 'pg-boss';
import { inboundMessages } from '../db/schema/messages.js';
import { processMessage, type ProcessDeps, type ProcessOutcome } from '../cases/process-message.js';
import { pgText } from '../db/text.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../metrics.js';
import { IngestionGate } from '../runtime/ingestion-gate.js';
import { MailboxSettings } from '../mailboxes/settings.js';
import { PROCESS_MESSAGE, type JobQueue, type MessageJob } from './queue.js';
import { Waker } from '../runtime/waker.js';

export interface PipelineSettings {
  /** jobs taken per fetch */
  batchSize: number;
  /**
   * messages of a batch processed at once. On a single database session (the embedded default) transactions still
   * run one at a time, but one message's parsing, language detection and matching overlap another's statements
   * (bench:workers: 19.6 → 28.8 acks/s with 4).
   */
  concurrency: number;
  /** how often an idle worker asks the queue for work (pg-boss polls; a local store wakes it at once) */
  pollSeconds: number;
  /** how often stored messages without a job (a crash between storing and enqueueing) are given one */
  sweepSeconds: number;
}

type Job = PgBoss.JobWithMetadata<MessageJob>;

/**
 * Takes `process-message` jobs from the queue and runs parse → guard → thread → acknowledge on each. Any number of
 * these run in any number of processes: pg-boss hands each job to one of them, and processMessage is idempotent
 * (it locks the message row and skips one already processed), so a job run twice after a crash acknowledges once.
 */
export class PipelineWorker {
  /** True while stored messages wait to be acknowledged: other workers yield the database to it meanwhile. */
  busy = false;
  private workerId: string | null = null;
  private readonly sweeps: Waker;
  private inFlight: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: ProcessDeps,
    private readonly queue: JobQueue,
    private readonly settings: PipelineSettings,
    private readonly log: Logger,
    private readonly metrics: Metrics,
    private readonly onProcessed: (outcome: ProcessOutcome) => void = () => undefined,
    /** called when the queue is empty again (drafts and other deferred work may resume) */
    private readonly onIdle: () => void = () => undefined,
    /** stores under way in this process: lanes beyond the first wait for them */
    private readonly ingestion: IngestionGate = new IngestionGate(),
  ) {
    this.sweeps = new Waker(() => this.sweep(settings.sweepSeconds), settings.sweepSeconds * 1000, log);
  }

  async start(): Promise<void> {
    await this.sweep(0);
    this.workerId = await this.queue.boss.work<MessageJob>(
      PROCESS_MESSAGE,
      { batchSize: this.settings.batchSize, pollingIntervalSeconds: this.settings.pollSeconds, includeMetadata: true },
      (jobs) => this.track(this.handle(jobs)),
    );
    this.sweeps.start(false);
  }

  /** New work was stored by this process: fetch now rather than at the next poll. */
  kick(): void {
    if (this.workerId) this.queue.boss.notifyWorker(this.workerId);
  }

  async stop(): Promise<void> {
    await this.sweeps.stop();
    if (this.workerId) await this.queue.boss.offWork(PROCESS_MESSAGE);
    this.workerId = null;
    await this.inFlight;
  }

  /**
   * Processes every pending message now, in this process: enqueues whatever has no job, runs what the queue hands
   * out until it is empty, and waits for this process's worker to finish its batch. Jobs waiting for a retry are
   * left to their time. Returns how many jobs this call ran.
   */
  async drain(): Promise<number> {
    await this.sweep(0);
    let handled = 0;
    for (;;) {
      const jobs = await this.queue.boss.fetch<MessageJob>(PROCESS_MESSAGE, { batchSize: this.settings.batchSize, includeMetadata: true });
      if (jobs.length === 0) break;
      await this.track(this.handle(jobs));
      const done = jobs.map((j) => j.id);
      await this.queue.boss.complete(PROCESS_MESSAGE, done);
      handled += jobs.length;
    }
    await this.inFlight;
    return handled;
  }

  /** Runs a batch; a failed message fails only its own job, which pg-boss retries with backoff or dead-letters. */
  private async handle(jobs: Job[]): Promise<void> {
    this.busy = true;
    try {
      let next = 0;
      const settings = new MailboxSettings(this.deps.db, this.log);
      const lane = async (index: number) => {
        for (let job = jobs[next++]; job; job = jobs[next++]) {
          if (index > 0) await this.ingestion.idle();
          try {
            const outcome = await processMessage(this.deps, job.data.messageId, settings);
            this.metrics.messagesProcessed.inc({ outcome: outcome.status });
            if (outcome.status === 'processed') this.record(job.data.messageId, outcome);
            this.onProcessed(outcome);
          } catch (err) {
            this.metrics.messagesProcessed.inc({ outcome: 'failed' });
            await this.recordFailure(job, err);
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.settings.concurrency, jobs.length) }, (_, i) => lane(i)));
    } finally {
      if (jobs.length < this.settings.batchSize) {
        this.busy = false;
        this.onIdle();
      } else {
        // A full batch: more is probably waiting. pg-boss would otherwise sleep out its polling interval first,
        // which capped a worker at one batch per second (20 messages/s) however fast the batch went.
        this.kick();
      }
    }
  }

  private async recordFailure(job: Job, err: unknown): Promise<void> {
    const messageId = job.data.messageId;
    const lastAttempt = job.retryCount >= job.retryLimit;
    this.log.error({ err: errorMessage(err), messageId, attempt: job.retryCount + 1, lastAttempt }, lastAttempt
      ? 'processing a stored message failed for the last time; it is kept and dead-lettered for an admin'
      : 'processing a stored message failed; it will be retried');
    try {
      await this.deps.db
        .update(inboundMessages)
        .set({ attempts: job.retryCount + 1, error: pgText(errorMessage(err).slice(0, 2000)), ...(lastAttempt ? { status: 'failed' as const } : {}) })
        // Only while still 'received': if the COMMIT's answer was lost, the message may well be processed already
        // (found by `npm run chaos`); processMessage's own check makes the retry a no-op then.
        .where(and(eq(inboundMessages.id, messageId), eq(inboundMessages.status, 'received')));
      await this.queue.boss.fail(PROCESS_MESSAGE, job.id, { message: errorMessage(err).slice(0, 2000) });
    } catch (e) {
      // Database gone: the job stays active until pg-boss's supervisor expires it, and then it is retried.
      this.log.error({ err: errorMessage(e), messageId }, 'could not record the processing failure');
    }
  }

  /** Messages stored longer than `olderThanSeconds` ago and still unprocessed get a job (none is added twice). */
  private async sweep(olderThanSeconds: number): Promise<void> {
    try {
      const rows = await this.deps.db
        .select({ id: inboundMessages.id })
        .from(inboundMessages)
        .where(and(eq(inboundMessages.status, 'received'), lt(inboundMessages.receivedAt, sql`now() - make_interval(secs => ${olderThanSeconds})`)))
        .orderBy(asc(inboundMessages.receivedAt));
      for (let i = 0; i < rows.length; i += 1000) await this.queue.enqueueMessages(rows.slice(i, i + 1000).map((r) => r.id));
    } catch (err) {
      this.log.error({ err: errorMessage(err) }, 'could not enqueue stored messages; retrying on the next sweep');
    }
  }

  private track<T>(work: Promise<T>): Promise<T> {
    this.inFlight = this.inFlight.then(() => work).catch(() => undefined);
    return work;
  }

  private record(id: string, outcome: Extract<ProcessOutcome, { status: 'processed' }>): void {
    for (const flag of outcome.flags) this.metrics.messagesFlagged.inc({ flag });
    for (const r of outcome.decision.reasons) this.metrics.acknowledgementsSuppressed.inc({ reason: r.code });
    if (!outcome.acknowledged && outcome.decision.reasons.length === 0) this.metrics.acknowledgementsSuppressed.inc({ reason: 'no_case' });
    this.log.info({ messageId: id, caseId: outcome.caseId, acknowledged: outcome.acknowledged, reasons: outcome.decision.reasons.map((r) => r.code), flags: outcome.flags }, 'message processed');
  }
}
