// A message whose processing fails on every attempt is retried with backoff, then kept (status 'failed', the error
// recorded) and dead-lettered; an admin sees it through /api/jobs/dead-letters and puts it back once the cause is
// fixed, and it is then acknowledged like any other. The failure here is real: the message's raw file is missing
// from the embedded store (a disk restored without its data/raw folder).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually } from './support/mail.js';
import { api, startTestService } from './support/service.js';
import { eq } from 'drizzle-orm';

describe('the dead-letter queue', () => {
  let t: TestDatabase;
  let service: Service;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    service = await startTestService(t, {
      PIPELINE_MAX_ATTEMPTS: '3', PIPELINE_RETRY_DELAY_SECONDS: '1', QUEUE_POLL_SECONDS: '0.5', QUEUE_SWEEP_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await service?.stop();
    await t?.stop();
  });

  it('keeps a message that keeps failing, shows it to admins, and processes it once they retry', async () => {
    const db = t.database.db;
    const [mailbox] = await db.execute(sql`select id from mailboxes order by id limit 1`).then((r) => (r as unknown as { rows: { id: number }[] }).rows);
    const [stored] = await db
      .insert(inboundMessages)
      .values({ mailboxId: mailbox!.id, source: 'import', dedupeKey: 'mid:lost-file@customer.test', rawPath: 'no-such-file.eml', size: 100 })
      .returning({ id: inboundMessages.id });
    await service.queue.enqueueMessages([stored!.id]);
    service.pipeline.kick();

    const letters = await eventually(async () => {
      const res = await api(service, '/api/jobs/dead-letters');
      const body = (await res.json()) as { deadLetters: { id: string; messageId: string; error: string | null; message: { status: string; attempts: number } | null }[] };
      return body.deadLetters.length > 0 ? body.deadLetters : undefined;
    }, 30_000, 'the message to be dead-lettered');
    expect(letters).toHaveLength(1);
    expect(letters[0]!.messageId).toBe(stored!.id);
    expect(letters[0]!.error).toMatch(/ENOENT|no such file/);
    expect(letters[0]!.message).toMatchObject({ status: 'failed', attempts: 3 });
    const [row] = await db.select().from(inboundMessages).where(eq(inboundMessages.id, stored!.id));
    expect(row!.error).toMatch(/ENOENT|no such file/);
    const counts = await (await api(service, '/api/jobs')).json() as { pipeline: { deadLetters: number } };
    expect(counts.pipeline.deadLetters).toBe(1);
    expect(await (await api(service, '/metrics')).text()).toMatch(/^firstreply_pipeline_jobs\{state="dead_letter"\} 1$/m);

    // The cause is fixed (the bytes are back), and an admin retries.
    await db.update(inboundMessages).set({ raw: Buffer.from(customerEmail({ from: 'lost@customer.test', messageId: 'lost-file@customer.test' })), rawPath: null })
      .where(eq(inboundMessages.id, stored!.id));
    const retried = await api(service, `/api/jobs/dead-letters/${letters[0]!.id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(202);
    await eventually(async () => {
      const [r] = await db.select({ status: inboundMessages.status }).from(inboundMessages).where(eq(inboundMessages.id, stored!.id));
      return r!.status === 'processed';
    }, 30_000, 'the retried message to be processed');
    const acks = await db.select().from(outbox).where(eq(outbox.toAddress, 'lost@customer.test'));
    expect(acks.map((a) => a.kind)).toEqual(['acknowledgement']);
    const after = (await (await api(service, '/api/jobs/dead-letters')).json()) as { deadLetters: unknown[] };
    expect(after.deadLetters).toEqual([]);
    // A second retry of the same dead letter finds nothing.
    expect((await api(service, `/api/jobs/dead-letters/${letters[0]!.id}/retry`, { method: 'POST' })).status).toBe(404);
    const audit = await db.execute(sql`select action, after from audit_log where action = 'dead_letter_retried'`);
    expect((audit as unknown as { rows: unknown[] }).rows).toHaveLength(1);
  }, 90_000);
});
