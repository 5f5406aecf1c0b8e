// A backlog is worked off batch after batch without waiting: pg-boss's worker loop sleeps out its polling interval
// after each batch unless told there is more, which once capped a worker at one batch (20 messages) per second.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundMessages } from '../src/db/schema/messages.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually } from './support/mail.js';
import { startTestService } from './support/service.js';

describe('a backlog of stored messages', () => {
  let t: TestDatabase;
  let service: Service;

  beforeAll(async () => {
    t = await openTestDatabase('pglite');
    // Batches of 2 and a one-minute polling interval: only fetching again at once gets 12 messages done in time.
    service = await startTestService(t, { PIPELINE_BATCH_SIZE: '2', QUEUE_POLL_SECONDS: '60', INBOUND_SMTP_ENABLED: 'false', SMTP_URL: 'smtp://127.0.0.1:9' });
  });
  afterAll(async () => {
    await service?.stop();
    await t?.stop();
  });

  it('is processed batch after batch without waiting for the next poll', async () => {
    await service.pipeline.stop();
    const mailbox = service.inbound.mailboxByKey('default');
    for (let i = 0; i < 12; i++) {
      await service.inbound.receive(mailbox, 'import', Buffer.from(customerEmail({ from: `Backlog ${i} <backlog${i}@customer.test>`, subject: `Order ${i} is late` })));
    }
    await service.pipeline.start();
    const processed = async () => (await t.database.db.select({ id: inboundMessages.id }).from(inboundMessages).where(eq(inboundMessages.status, 'processed'))).length;
    await eventually(async () => ((await processed()) === 12 ? true : undefined), 30_000, 'all 12 messages processed (6 batches of 2) well within one polling interval');
    expect(await processed()).toBe(12);
  });
});
