// ROLE=api and ROLE=worker on one database: the API process receives (SMTP listener, webhook) and stores, the worker
// process takes the job from the queue, acknowledges, and sends. Nothing is processed by the API process.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const processedBy = async (service: Service) => {
  const text = await service.metrics.registry.metrics();
  return Number(/^firstreply_messages_processed_total\{outcome="processed"\} (\d+)/m.exec(text)?.[1] ?? 0);
};

describe('ROLE=api with ROLE=worker', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let apiProcess: Service;
  let workerProcess: Service;

  beforeAll(async () => {
    t = await openTestDatabase();
    sink = await startSmtpSink();
    apiProcess = await startTestService(t, { ROLE: 'api', SMTP_URL: sink.url });
    workerProcess = await startTestService(t, { ROLE: 'worker', SMTP_URL: sink.url, INBOUND_SMTP_ENABLED: 'false', QUEUE_POLL_SECONDS: '0.5' });
  });
  afterAll(async () => {
    await apiProcess?.stop();
    await workerProcess?.stop();
    await sink?.stop();
    await t?.stop();
  });

  it('takes mail in on the API process and acknowledges it from the worker', async () => {
    expect(apiProcess.smtpPort).not.toBeNull();
    expect(workerProcess.smtpPort).toBeNull();
    await sendRaw(apiProcess.smtpPort!, customerEmail({ from: 'split@customer.test', subject: 'Where is my parcel?' }));
    const [ack] = await sink.waitFor(1, 20_000);
    expect(ack!.envelopeTo).toEqual(['split@customer.test']);
    // 'sent' is committed right after the sink's 250
    const rows = await eventually(async () => {
      const r = await t.database.db.select().from(outbox).where(eq(outbox.toAddress, 'split@customer.test'));
      return r.every((row) => row.status === 'sent') ? r : undefined;
    }, 5000, 'the acknowledgement to be marked sent');
    expect(rows.map((r) => [r.kind, r.status])).toEqual([['acknowledgement', 'sent']]);
    expect(await processedBy(workerProcess)).toBe(1);
    expect(await processedBy(apiProcess)).toBe(0);
    await eventually(async () => (await apiProcess.queue.counts()).queued === 0, 5000, 'the queue to be empty');
  });
});
