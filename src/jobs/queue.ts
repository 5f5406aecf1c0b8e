// The job queue: pg-boss on the service's own database (its tables live in the `pgboss` schema). Workers in any
// number of processes take jobs with FOR UPDATE SKIP LOCKED; a job whose worker died is expired and retried by
// pg-boss's supervisor; a job that keeps failing lands in a dead-letter queue an admin can read and retry.
import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Database } from '../db/client.js';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';

export const PROCESS_MESSAGE = 'process-message';
export const PROCESS_MESSAGE_DEAD = 'process-message-dead';
const SCHEMA = 'pgboss';

export interface QueueSettings {
  /** attempts before a message's job goes to the dead-letter queue */
  maxAttempts: number;
  /** first retry delay in seconds; doubled (with jitter) on each retry */
  retryDelaySeconds: number;
  /** a job still active after this long (its worker died or hung) is failed and retried */
  jobTimeoutSeconds: number;
  /** how often this process runs pg-boss maintenance (expiry, archive); only workers supervise */
  maintenanceSeconds: number;
  supervise: boolean;
}

export interface MessageJob {
  messageId: string;
}

export interface DeadLetter {
  id: string;
  messageId: string;
  error: string | null;
  failedAt: string;
}

export interface QueueCounts {
  queued: number;
  active: number;
  deadLetters: number;
}

export class JobQueue {
  readonly boss: PgBoss;

  constructor(
    private readonly database: Database,
    private readonly settings: QueueSettings,
    log: Logger,
  ) {
    const executeSql = async (text: string, values?: unknown[]) => {
      const result = await database.execute(text, values);
      // pg-boss reads `rows` of single statements only; its multi-statement commands ignore the answer.
      return Array.isArray(result) ? (result[result.length - 1] ?? { rows: [] }) : result;
    };
    this.boss = new PgBoss({
      db: { executeSql },
      schema: SCHEMA,
      supervise: settings.supervise,
      schedule: false,
      maintenanceIntervalSeconds: settings.maintenanceSeconds,
      // Completed jobs are of no further use: the message row keeps the outcome.
      archiveCompletedAfterSeconds: 3600,
      archiveFailedAfterSeconds: 7 * 24 * 3600,
      deleteAfterDays: 7,
    });
    this.boss.on('error', (err) => log.error({ err: errorMessage(err) }, 'job queue error'));
  }

  /** Creates or upgrades pg-boss's schema (under an advisory lock) and the queues. */
  async start(): Promise<void> {
    await this.boss.start();
    await this.boss.createQueue(PROCESS_MESSAGE_DEAD, { name: PROCESS_MESSAGE_DEAD, retentionDays: 30 });
    const queue = {
      name: PROCESS_MESSAGE,
      retryLimit: this.settings.maxAttempts - 1,
      retryDelay: this.settings.retryDelaySeconds,
      retryBackoff: true,
      expireInSeconds: this.settings.jobTimeoutSeconds,
      deadLetter: PROCESS_MESSAGE_DEAD,
    };
    await this.boss.createQueue(PROCESS_MESSAGE, queue);
    // createQueue keeps an existing queue as it was: settings changed since go through updateQueue.
    await this.boss.updateQueue(PROCESS_MESSAGE, queue);
  }

  stop(): Promise<void> {
    return this.boss.stop({ graceful: true, close: false, wait: true, timeout: 10_000 });
  }

  /**
   * One job per message: the job id is the message id, so enqueueing a message twice (ingestion, then the recovery
   * sweep) adds nothing while its job exists.
   */
  async enqueueMessages(messageIds: string[]): Promise<void> {
    if (messageIds.length === 0) return;
    await this.boss.insert(messageIds.map((id) => ({ id, name: PROCESS_MESSAGE, data: { messageId: id } satisfies MessageJob })));
  }

  /**
   * Jobs left active by a process that died (SIGKILL, power loss) are otherwise retried only once they expire
   * (PIPELINE_JOB_TIMEOUT_SECONDS, then the next supervision). Only for a database no other worker can reach (the
   * embedded one): there, every active job at start-up is abandoned. Each is failed as one attempt, so it is retried
   * after the usual delay, or dead-lettered if that was its last. Returns how many. The ids are read from pg-boss's job
   * table: pg-boss 10 has no call that lists the jobs in a state (fetch would start waiting ones, not find active ones).
   */
  async recoverAbandoned(): Promise<number> {
    const { rows } = await this.sql(`SELECT id FROM ${SCHEMA}.job WHERE name = $1 AND state = 'active'`, [PROCESS_MESSAGE]);
    const ids = rows.map((r) => String(r.id));
    for (const id of ids) await this.boss.fail(PROCESS_MESSAGE, id, { message: 'the process working on it stopped before finishing (restart)' });
    return ids.length;
  }

  /** Through pg-boss's API: waiting (created or retry), and waiting or active, whose difference is the active jobs. */
  async counts(): Promise<QueueCounts> {
    const [queued, notDone, deadLetters] = await Promise.all([
      this.boss.getQueueSize(PROCESS_MESSAGE, { before: 'active' }),
      this.boss.getQueueSize(PROCESS_MESSAGE, { before: 'completed' }),
      this.boss.getQueueSize(PROCESS_MESSAGE_DEAD, { before: 'active' }),
    ]);
    return { queued, active: Math.max(0, notDone - queued), deadLetters };
  }

  /** Newest first. Read from pg-boss's job table: pg-boss 10 can only fetch (and so start) waiting jobs, not list them. */
  async deadLetters(limit = 100): Promise<DeadLetter[]> {
    const { rows } = await this.sql(
      `SELECT id, data, output, created_on FROM ${SCHEMA}.job WHERE name = $1 AND state = 'created' ORDER BY created_on DESC LIMIT $2`,
      [PROCESS_MESSAGE_DEAD, limit],
    );
    return rows.map(deadLetterOf);
  }

  /** Takes a dead letter out of the dead-letter queue and gives its message a fresh job; null when there is none. */
  async retryDeadLetter(id: string, beforeRequeue: (messageId: string) => Promise<void>): Promise<string | null> {
    const job = await this.boss.getJobById<MessageJob>(PROCESS_MESSAGE_DEAD, id);
    if (!job || job.state !== 'created') return null;
    const letter = deadLetterOf({ id: job.id, data: job.data, output: job.output, created_on: job.createdOn });
    await beforeRequeue(letter.messageId);
    await this.boss.send(PROCESS_MESSAGE, { messageId: letter.messageId } satisfies MessageJob, { id: randomUUID() });
    await this.boss.deleteJob(PROCESS_MESSAGE_DEAD, id);
    return letter.messageId;
  }

  private async sql(text: string, values: unknown[]): Promise<{ rows: Record<string, unknown>[] }> {
    const result = await this.database.execute(text, values);
    return Array.isArray(result) ? result[0]! : result;
  }
}

function deadLetterOf(r: Record<string, unknown>): DeadLetter {
  return {
    id: String(r.id),
    messageId: String((r.data as MessageJob).messageId),
    error: failureText(r.output),
    failedAt: new Date(r.created_on as string).toISOString(),
  };
}

function failureText(output: unknown): string | null {
  if (!output || typeof output !== 'object') return null;
  const o = output as { message?: unknown; value?: { message?: unknown } };
  const message = o.message ?? o.value?.message;
  return typeof message === 'string' ? message : JSON.stringify(output).slice(0, 500);
}
