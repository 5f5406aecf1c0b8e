// Three worker processes (`firstreply start` with ROLE=worker) on one database, coordinating only through it: the
// pg-boss job queue hands each stored message to one worker, and the IMAP mailbox is leased to one worker at a time.
// 2,000 customer emails arrive, half through IMAP (real Dovecot), half through the workers' SMTP listeners; midway the
// worker reading IMAP is SIGKILLed. Afterwards every message is stored once, processed, and has exactly one
// acknowledgement; the sink received each at most once (a send cut off mid-SMTP is 'uncertain', never resent); and
// the IMAP lease moved to a surviving worker, which read the mail appended after the kill.
//
// The database is the test run's real PostgreSQL (a database of its own, test/support/database.ts), node-postgres with
// a normal pool in each worker: their transactions run in parallel and contend for row locks as in production.
import { rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { startChildService, type ChildService } from './support/child-service.js';
import { createPostgresDatabase } from './support/database.js';
import { startDovecot, type DovecotServer } from './support/dovecot.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const TOTAL = 2000;
const PER_CHANNEL = TOTAL / 2;
const WORKERS = 3;

type Row = Record<string, unknown>;

describe('three workers on one database', () => {
  let server: { url: string; drop(): Promise<void> } | undefined;
  let database: Database | undefined;
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  let dataDir: string;
  const workers: ChildService[] = [];
  const query = async (text: string, values: unknown[] = []): Promise<Row[]> => {
    const result = await database!.execute(text, values);
    return (Array.isArray(result) ? result[0]! : result).rows;
  };

  beforeAll(async () => {
    server = await createPostgresDatabase();
    const url = server.url;
    // Migrate once up front, as an upgrade does before the workers roll over (the copied template needs nothing).
    database = await openDatabase({ databaseUrl: url, maxConnections: 2 });
    await database.migrate();
    dovecot = await startDovecot();
    sink = await startSmtpSink();
    dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-scale-'));
    for (let i = 0; i < WORKERS; i++) {
      workers.push(await startChildService({
        ROLE: 'worker', WORKER_NAME: `worker-${i + 1}`, DATABASE_URL: url, DATA_DIR: path.join(dataDir, String(i)),
        IMAP_URL: dovecot.url(), SMTP_URL: `smtp://127.0.0.1:${sink.port}`, SUPPORT_ADDRESS: 'support@shop.test',
        MAX_ACKS_PER_SENDER_24H: '1000000', DATABASE_POOL_MAX: '10',
        // Fast takeover for a test: a dead worker's lease and jobs are given to the others within seconds.
        MAILBOX_LEASE_SECONDS: '4', PIPELINE_JOB_TIMEOUT_SECONDS: '10', QUEUE_MAINTENANCE_SECONDS: '2', QUEUE_SWEEP_SECONDS: '5',
        OUTBOX_LEASE_SECONDS: '5', QUEUE_POLL_SECONDS: '0.5',
      }, 120_000));
    }
  }, 300_000);

  afterAll(async () => {
    await Promise.all(workers.map((w) => w.stop('SIGKILL')));
    await sink?.stop();
    await dovecot?.stop();
    await database?.close();
    await server?.drop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('acknowledges each of 2,000 messages exactly once when a worker is SIGKILLed midway, and the IMAP lease moves', async () => {
    const email = (n: number, channel: 'imap' | 'smtp') =>
      customerEmail({ from: `customer-${n}@customer.test`, messageId: `scale-${n}@customer.test`, subject: `Order ${n} (${channel})` });
    const leaseHolder = async () => (await query(`select holder from worker_leases where name like 'imap:%' and expires_at > now()`))[0]?.holder as string | undefined;
    const firstHolder = await eventually(leaseHolder, 30_000, 'a worker to lease the IMAP mailbox');
    const victim = workers[Number(firstHolder.replace('worker-', '')) - 1]!;
    const alive = () => workers.filter((w) => w.process.exitCode === null && w.process.signalCode === null);

    // An MTA retries elsewhere when a server goes away: so do we.
    let next = 0;
    const deliverSmtp = async (raw: string) => {
      for (let attempt = 0; ; attempt++) {
        const targets = alive();
        const w = targets[next++ % targets.length]!;
        try {
          return await sendRaw(w.smtpPort!, raw);
        } catch (err) {
          // a busy CI machine once refused all six immediate retries: back off as an MTA would
          if (attempt > 20) throw new Error(`${(err as Error).message}; workers alive: ${alive().length} of ${workers.length}`);
          await new Promise((r) => setTimeout(r, 250 * Math.min(attempt + 1, 8)));
        }
      }
    };
    const half = (channelStart: number, count: number, channel: 'imap' | 'smtp') =>
      Array.from({ length: count }, (_, i) => channelStart + i).map((n) => ({ n, raw: email(n, channel) }));
    const imapMail = half(0, PER_CHANNEL, 'imap');
    const smtpMail = half(PER_CHANNEL, PER_CHANNEL, 'smtp');

    // First half of each channel, then the kill once a good part of it is acknowledged, then the rest.
    const firstImap = imapMail.slice(0, PER_CHANNEL / 2);
    const firstSmtp = smtpMail.slice(0, PER_CHANNEL / 2);
    await Promise.all([
      (async () => { for (const m of firstImap) await dovecot.append(m.raw); })(),
      (async () => { for (const m of firstSmtp) await deliverSmtp(m.raw); })(),
    ]);
    await eventually(async () => Number((await query(`select count(*)::int as n from outbox where kind = 'acknowledgement'`))[0]!.n) >= TOTAL / 4,
      240_000, 'a quarter of the acknowledgements');
    victim.process.kill('SIGKILL');
    await victim.exited;

    await Promise.all([
      (async () => { for (const m of imapMail.slice(PER_CHANNEL / 2)) await dovecot.append(m.raw); })(),
      (async () => { for (const m of smtpMail.slice(PER_CHANNEL / 2)) await deliverSmtp(m.raw); })(),
    ]);
    const newHolder = await eventually(async () => {
      const h = await leaseHolder();
      return h && h !== firstHolder ? h : undefined;
    }, 60_000, 'the IMAP lease to move to a surviving worker');
    expect(newHolder).not.toBe(firstHolder);

    // Everything processed, and nothing left in flight in the outbox.
    await eventually(async () => {
      const [r] = await query(`select
          (select count(*)::int from inbound_messages where status = 'processed') as processed,
          (select count(*)::int from outbox where status in ('pending', 'claimed', 'sending')) as in_flight`);
      return Number(r!.processed) >= TOTAL && Number(r!.in_flight) === 0;
    }, 600_000, `all ${TOTAL} messages processed and the outbox settled`);

    const inbound = await query(`select message_id, status, count(*) over (partition by message_id)::int as copies from inbound_messages`);
    expect(inbound.length).toBe(TOTAL);
    expect(inbound.filter((r) => r.copies !== 1)).toEqual([]);
    expect(inbound.filter((r) => r.status !== 'processed')).toEqual([]);

    const acks = await query(`select to_address, status, message_id from outbox where kind = 'acknowledgement'`);
    const perCustomer = new Map<string, number>();
    for (const a of acks) perCustomer.set(String(a.to_address), (perCustomer.get(String(a.to_address)) ?? 0) + 1);
    expect(perCustomer.size).toBe(TOTAL);
    expect([...perCustomer.entries()].filter(([, n]) => n !== 1)).toEqual([]);

    // At the sink: each 'sent' acknowledgement exactly once; an 'uncertain' one (cut off by the kill mid-SMTP) at
    // most once, and never resent.
    const atSink = new Map<string, number>();
    for (const m of sink.messages) atSink.set(String(m.messageId).replace(/^<|>$/g, ''), (atSink.get(String(m.messageId).replace(/^<|>$/g, '')) ?? 0) + 1);
    const wrong = acks.filter((a) => (a.status === 'sent' ? atSink.get(String(a.message_id)) !== 1 : a.status !== 'uncertain' || (atSink.get(String(a.message_id)) ?? 0) > 1));
    expect(wrong).toEqual([]);
    const uncertain = acks.filter((a) => a.status === 'uncertain').length;
    expect(uncertain).toBeLessThanOrEqual(5);

    // The work was shared: every surviving worker ran pipeline jobs (its own /metrics counts them).
    const [jobs] = await query(`select count(*)::int as n from pgboss.job where name = 'process-message' and state = 'completed'`);
    expect(Number(jobs!.n)).toBeGreaterThanOrEqual(TOTAL);
    for (const w of alive()) {
      const metrics = await (await fetch(`http://127.0.0.1:${w.httpPort}/metrics`)).text();
      const processed = /^firstreply_messages_processed_total\{outcome="processed"\} (\d+)/m.exec(metrics);
      expect(Number(processed?.[1] ?? 0)).toBeGreaterThan(0);
    }
  }, 1_200_000);
});
