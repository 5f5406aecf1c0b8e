import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema/outbox.js';
import { createLogger } from '../src/logger.js';
import { OutboxWorker } from '../src/mail/outbox-worker.js';
import { createMetrics } from '../src/metrics.js';
import type { Service } from '../src/service.js';
import { startChildService } from './support/child-service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService, TEST_API_TOKEN } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

describe(`outbox delivery (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service | undefined;
  const ackRows = () => db.database.db.select().from(outbox).where(eq(outbox.kind, 'acknowledgement'));

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
  });
  beforeEach(async () => {
    await service?.stop();
    service = undefined;
    await db.reset();
    sink.messages.length = 0;
    sink.setFailure(null);
  });
  afterAll(async () => {
    await service?.stop();
    await sink.stop();
    await db.stop();
  });

  it('delivers the acknowledgement once the SMTP server is back after being down', async () => {
    await sink.stop();
    service = await startTestService(db, { SMTP_URL: sink.url });
    await sendRaw(service.smtpPort!, customerEmail());
    const [pending] = await eventually(async () => {
      const rows = await ackRows();
      return rows[0]?.lastError && rows[0].status === 'pending' ? rows : undefined;
    }, 20_000, 'a failed first delivery attempt');
    expect(pending!.attempts).toBeGreaterThanOrEqual(1);
    await sink.start();
    const [ack] = await sink.waitFor(1, 30_000);
    expect(ack!.messageId).toBe(`<${pending!.messageId}>`);
    await eventually(async () => (await ackRows())[0]?.status === 'sent');
  });

  it('retries a 4xx answer and records a 5xx answer as failed, visible in /metrics', async () => {
    service = await startTestService(db, { SMTP_URL: sink.url });
    sink.setFailure({ code: 451, message: 'try later' });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'a@customer.test' }));
    await eventually(async () => ((await ackRows())[0]?.attempts ?? 0) >= 2, 20_000, 'two attempts');
    sink.setFailure(null);
    await sink.waitFor(1, 20_000);

    sink.setFailure({ code: 550, message: 'no such user' });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'b@customer.test' }));
    const failed = await eventually(async () => (await ackRows()).find((r) => r.status === 'failed'), 20_000, 'a failed row');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toContain('550');
    const metrics = await (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/firstreply_outbox_failed\{status="failed"\} 1/);
    expect(metrics).toMatch(/firstreply_acknowledgements_sent_total 1/);
    // the acknowledgement delivered: its time from arrival, read with the row marked sent
    expect(metrics).toMatch(/^firstreply_ingest_to_acknowledgement_seconds_count 1$/m);
  });

  it('claims a batch straight into sending, and still takes a row an earlier version left claimed once its lease ran out', async () => {
    const q = db.database.db;
    const mail = (n: number) => ({
      kind: 'notification' as const, messageId: `n${n}@firstreply.test`, fromAddress: 'support@shop.test', fromName: 'Support',
      toAddress: `team${n}@shop.test`, subject: `notice ${n}`, textBody: 'text',
    });
    await q.insert(outbox).values([mail(1), { ...mail(2), status: 'claimed', leaseUntil: new Date(Date.now() - 1000), attempts: 1 }]);
    const seen: string[] = [];
    const worker = new OutboxWorker({
      db: q, log: createLogger('silent'), metrics: createMetrics(), maxAttempts: 3, retryBaseMs: 10, leaseSeconds: 60,
      sender: {
        kind: 'smtp', verify: async () => undefined, close: () => undefined,
        // what the database says while the SMTP transaction is under way
        send: async (m) => void seen.push(`${m.to}:${(await q.select().from(outbox).where(eq(outbox.messageId, m.messageId)))[0]!.status}`),
      },
    });
    await worker.drain();
    expect(seen.sort()).toEqual(['team1@shop.test:sending', 'team2@shop.test:sending']);
    const rows = await q.select().from(outbox);
    expect(rows.map((r) => [r.toAddress, r.status, r.attempts]).sort()).toEqual([['team1@shop.test', 'sent', 1], ['team2@shop.test', 'sent', 2]]);
  });

  it('never sends an acknowledgement twice when the process dies between the send and its commit', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-kill-'));
    const env = {
      SMTP_URL: sink.url, DATA_DIR: dataDir, API_TOKEN: TEST_API_TOKEN, OUTBOX_LEASE_SECONDS: '2',
      SUPPORT_ADDRESS: 'support@shop.test', MESSAGE_ID_DOMAIN: 'firstreply.test',
      ...(db.url ? { DATABASE_URL: db.url } : {}),
    };
    const doomed = await startChildService({ ...env, FAULT_INJECTION: 'exit-after-send' });
    await sendRaw(doomed.smtpPort!, customerEmail({ from: 'kill@customer.test', messageId: 'kill-1@customer.test' }));
    await doomed.exited;
    const [first] = await sink.waitFor(1);

    const child = await startChildService(env);
    try {
      await sendRaw(child.smtpPort!, customerEmail({ from: 'after@customer.test', messageId: 'after-1@customer.test' }));
      await sink.waitFor(2, 30_000);
      const caseOf = async (ref: string) => (await fetch(`http://127.0.0.1:${child.httpPort}/api/cases/${ref}`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).json();
      const reference = /\[(FR-[0-9A-Z]{6})\]/.exec(first!.headers.get('subject')!)![1]!;
      const detail = await eventually(async () => {
        const d = await caseOf(reference);
        return d.outbox[0].status === 'uncertain' && d;
      }, 20_000, 'the interrupted send to be marked uncertain');
      expect(detail.outbox[0].messageId).toBe(first!.messageId!.replace(/[<>]/g, ''));
      expect(sink.messages.filter((m) => m.messageId === first!.messageId)).toHaveLength(1);
      expect(sink.messages).toHaveLength(2);
    } finally {
      await child.stop();
    }
  });
});
