// Outgoing mail when TLS to the relay fails: a certificate nobody trusts (STARTTLS), or smtps:// to a plain-text
// server. The row records why, is retried with backoff and never marked sent; later mail is not held up behind it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { outbox, type OutboxRow } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { startChildService, type ChildService } from './support/child-service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { makeTestCertificates, type TestCertificates } from './support/tls.js';

const RETRY_BASE_MS = 400;

describe('outbox delivery when TLS to the relay fails', () => {
  let db: TestDatabase;
  let certs: TestCertificates;
  let service: Service | undefined;
  let child: ChildService | undefined;
  const sinks: SmtpSink[] = [];
  const sink = async (opts: Parameters<typeof startSmtpSink>[0] = {}) => {
    const s = await startSmtpSink(opts);
    sinks.push(s);
    return s;
  };
  const ackOf = async (customer: string): Promise<OutboxRow | undefined> =>
    (await db.database.db.select().from(outbox).where(eq(outbox.toAddress, customer)))[0];

  beforeAll(async () => {
    [db, certs] = await Promise.all([openTestDatabase('pglite'), makeTestCertificates()]);
  });
  afterEach(async () => {
    await service?.stop();
    service = undefined;
    await child?.stop();
    child = undefined;
    await Promise.all(sinks.splice(0).map((s) => s.stop()));
    await db.reset();
  });
  afterAll(async () => {
    await db.stop();
    await certs.remove();
  });

  /** Each failed attempt as the worker recorded it: the attempt number, when it was seen, and when the next is due. */
  async function watchFailures(customer: string, attempts: number) {
    const seen = new Map<number, { seenAt: number; row: OutboxRow }>();
    await eventually(async () => {
      const row = await ackOf(customer);
      if (row?.status === 'pending' && row.attempts > 0 && !seen.has(row.attempts)) seen.set(row.attempts, { seenAt: Date.now(), row });
      return seen.size >= attempts && row;
    }, 30_000, `${attempts} failed attempts for ${customer}`);
    return [...seen.values()].sort((a, b) => a.row.attempts - b.row.attempts);
  }

  it('an untrusted certificate on STARTTLS: error recorded, retried with growing delays, never sent; later mail flows once the relay is fixed', async () => {
    const relay = await sink({ requireStartTls: certs });
    service = await startTestService(db, { SMTP_URL: `smtp://127.0.0.1:${relay.port}`, OUTBOX_RETRY_BASE_MS: String(RETRY_BASE_MS) });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'anna@customer.test' }), { from: 'anna@customer.test', to: ['support@shop.test'] });

    const failures = await watchFailures('anna@customer.test', 4);
    for (const f of failures) {
      expect(f.row.lastError).toMatch(/^the relay's TLS certificate is not trusted .*: unable to verify the first certificate$/);
      expect(f.row.sentAt).toBeNull();
    }
    // The row's own schedule: base * 2^(attempt-1), ±20% jitter. Measured from when the failure was seen (a poll
    // later than the failure), so each delay reads a little short; the growth is what matters.
    const delays = failures.map((f) => f.row.nextAttemptAt.getTime() - f.seenAt);
    expect(delays[3]!, `delays ${delays.join(', ')} ms`).toBeGreaterThan(2 * delays[1]!);
    expect(delays[2]!, `delays ${delays.join(', ')} ms`).toBeGreaterThan(1.2 * delays[0]!);
    expect(relay.messages).toEqual([]);

    // The operator fixes the relay (here: it stops requiring TLS). A new customer's acknowledgement goes out at
    // once; Anna's waits for its own next attempt instead of blocking anyone, and then goes out too.
    await relay.stop();
    const fixed = await sink({ port: relay.port });
    const annaWaiting = (await ackOf('anna@customer.test'))!;
    expect(annaWaiting.status).toBe('pending');
    await sendRaw(service.smtpPort!, customerEmail({ from: 'ben@customer.test' }), { from: 'ben@customer.test', to: ['support@shop.test'] });
    const [first] = await fixed.waitFor(1, 20_000);
    expect(first!.envelopeTo).toEqual(['ben@customer.test']);
    expect(Date.now()).toBeLessThan(annaWaiting.nextAttemptAt.getTime());
    const [, second] = await fixed.waitFor(2, 30_000);
    expect(second!.envelopeTo).toEqual(['anna@customer.test']);
    await eventually(async () => (await ackOf('anna@customer.test'))?.status === 'sent', 10_000, 'Anna\'s row marked sent');
    expect((await ackOf('anna@customer.test'))!.lastError).toBeNull();
  });

  it('smtps:// to a plain-text server: the TLS handshake fails, the row is retried and never marked sent', async () => {
    const plain = await sink();
    service = await startTestService(db, { SMTP_URL: `smtps://127.0.0.1:${plain.port}`, OUTBOX_RETRY_BASE_MS: String(RETRY_BASE_MS) });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'carla@customer.test' }), { from: 'carla@customer.test', to: ['support@shop.test'] });
    const failures = await watchFailures('carla@customer.test', 2);
    for (const f of failures) {
      expect(f.row.lastError).toMatch(/^TLS handshake failed: the server does not speak TLS on this port .*wrong version number/);
      expect(f.row.sentAt).toBeNull();
    }
    expect(plain.messages).toEqual([]);
  });

  it('trusts a private CA given in NODE_EXTRA_CA_CERTS and delivers inside TLS', async () => {
    const relay = await sink({ requireStartTls: certs });
    const dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-tls-'));
    try {
      child = await startChildService({
        SMTP_URL: `smtp://127.0.0.1:${relay.port}`, DATA_DIR: dataDir, NODE_EXTRA_CA_CERTS: certs.caFile,
        SUPPORT_ADDRESS: 'support@shop.test', MESSAGE_ID_DOMAIN: 'firstreply.test',
      });
      await sendRaw(child.smtpPort!, customerEmail({ from: 'dora@customer.test' }), { from: 'dora@customer.test', to: ['support@shop.test'] });
      const [ack] = await relay.waitFor(1, 30_000);
      expect(ack).toMatchObject({ envelopeTo: ['dora@customer.test'], secure: true });
    } finally {
      await child?.stop();
      child = undefined;
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
