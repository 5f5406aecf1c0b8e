// A process killed mid-batch leaves its jobs 'active'. On a shared PostgreSQL only their expiry can tell a dead
// worker from a slow one, but the embedded database belongs to one process: at start-up it hands back every job it
// finds active at once (as one failed attempt) instead of leaving those customers waiting for the expiry.
import { randomUUID } from 'node:crypto';
import type PgBoss from 'pg-boss';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobQueue, PROCESS_MESSAGE, type MessageJob } from '../src/jobs/queue.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/mail.js';

describe('jobs abandoned by a dead process', () => {
  let t: TestDatabase;
  let queue: JobQueue;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    queue = new JobQueue(t.database, { maxAttempts: 2, retryDelaySeconds: 1, jobTimeoutSeconds: 3600, maintenanceSeconds: 3600, supervise: false }, createLogger('silent'));
    await queue.start();
  });
  afterAll(async () => {
    await queue?.stop();
    await t?.stop();
  });

  it('are retried at once, counted as an attempt, and dead-lettered when that was the last one', async () => {
    const [first, second] = [randomUUID(), randomUUID()];
    await queue.enqueueMessages([first, second]);
    // the "previous run": it took both jobs and died without finishing them
    const taken = await queue.boss.fetch<MessageJob>(PROCESS_MESSAGE, { batchSize: 10 });
    expect(taken.map((j) => j.data.messageId).sort()).toEqual([first, second].sort());
    expect(await queue.counts()).toEqual({ queued: 0, active: 2, deadLetters: 0 });
    expect(await queue.boss.fetch(PROCESS_MESSAGE)).toEqual([]); // nothing to take until they expire (an hour here)

    expect(await queue.recoverAbandoned()).toBe(2);
    expect(await queue.counts()).toEqual({ queued: 2, active: 0, deadLetters: 0 });
    const again: PgBoss.JobWithMetadata<MessageJob>[] = [];
    await eventually(async () => {
      // each retry waits its own (jittered) delay
      again.push(...(await queue.boss.fetch<MessageJob>(PROCESS_MESSAGE, { batchSize: 10, includeMetadata: true })));
      return again.length === 2 || undefined;
    }, 10_000, 'the jobs to be offered again after the retry delay');
    expect(again.map((j) => j.data.messageId).sort()).toEqual([first, second].sort());
    expect(again.every((j) => j.retryCount === 1)).toBe(true);

    // Dying again on the last attempt: the messages go to the dead-letter queue for an admin, not back to the queue.
    expect(await queue.recoverAbandoned()).toBe(2);
    await eventually(async () => ((await queue.counts()).deadLetters === 2 ? true : undefined), 10_000, 'dead letters');
    expect(await queue.counts()).toEqual({ queued: 0, active: 0, deadLetters: 2 });
    expect((await queue.deadLetters()).map((l) => l.error)).toEqual([expect.stringContaining('stopped before finishing'), expect.stringContaining('stopped before finishing')]);
    expect(await queue.recoverAbandoned()).toBe(0);
  });
});
