// Races that only a real PostgreSQL can show: PGlite is one session, so there every transaction waits for the one
// before it. Here three services share one database, each on its own pool (test/support/worker-services.ts), and the
// same step is started on several of them at the same instant. Every race is run on many rows at once, so the
// statements do meet; what is checked is the outcome, never the timing.
import { and, eq, inArray, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { processMessage } from '../src/cases/process-message.js';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog } from '../src/db/schema/review.js';
import { AppError } from '../src/errors.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail } from './support/mail.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';
import { startWorkerServices, type WorkerService } from './support/worker-services.js';

const SECOND_MAILBOX = 'help@partner.test';

describe('three workers racing on one PostgreSQL', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let workers: WorkerService[];
  let stopWorkers: () => Promise<void>;
  const q = () => t.database.db;

  /** Stores messages as the SMTP listener (mailbox 1) or the IMAP reader (mailbox 2) does; returns their ids. */
  const store = async (raws: string[], mailbox: 'support@shop.test' | typeof SECOND_MAILBOX = 'support@shop.test') => {
    const inbound = workers[0]!.service.inbound;
    const box = inbound.mailboxForRecipient(mailbox)!;
    const stored = await Promise.all(raws.map((raw) => inbound.receive(box, mailbox === SECOND_MAILBOX ? 'imap' : 'smtp', Buffer.from(raw))));
    return stored.map((s) => s.id);
  };
  const mail = (prefix: string, n: number, headers?: Record<string, string>) =>
    Array.from({ length: n }, (_, i) => customerEmail({ from: `${prefix}-${i}@customer.test`, subject: `Order ${prefix} ${i}`, headers }));
  const acksTo = async (addresses: string[]) =>
    q().select().from(outbox).where(and(eq(outbox.kind, 'acknowledgement'), inArray(outbox.toAddress, addresses)));

  beforeAll(async () => {
    t = await openTestDatabase('pg');
    sink = await startSmtpSink();
    ({ workers, stop: stopWorkers } = await startWorkerServices(t, 3, {
      SMTP_URL: sink.url, IMAP_URL: `imap://${encodeURIComponent(SECOND_MAILBOX)}:unused@127.0.0.1:9/INBOX`, PIPELINE_BATCH_SIZE: '4',
    }));
  });
  afterAll(async () => {
    await stopWorkers?.();
    await sink?.stop();
    await t?.stop();
  });

  it('sends each outbox row once while three workers claim from the outbox at once', async () => {
    // Processed without the pipeline worker, whose callback would kick an outbox worker: all 60 wait, unsent.
    const ids = await store(mail('outbox', 60));
    await Promise.all(ids.map((id, i) => processMessage(workers[i % 3]!.processDeps, id)));
    const due = (await acksTo(Array.from({ length: 60 }, (_, i) => `outbox-${i}@customer.test`))).map((a) => a.messageId);
    expect(due).toHaveLength(60);
    const before = await Promise.all(workers.map(sentBy));
    await Promise.all(workers.map((w) => w.service.outboxWorker.drain()));
    const rows = await q().select().from(outbox).where(inArray(outbox.messageId, due));
    expect(rows.filter((r) => r.status !== 'sent')).toEqual([]);
    const atSink = sink.messages.map((m) => String(m.messageId).replace(/^<|>$/g, ''));
    expect(atSink.filter((id, i) => atSink.indexOf(id) !== i)).toEqual([]); // nothing twice
    expect(due.filter((id) => !atSink.includes(id))).toEqual([]);
    const after = await Promise.all(workers.map(sentBy));
    expect(after.reduce((a, b) => a + b, 0) - before.reduce((a, b) => a + b, 0)).toBe(due.length);
    expect(after.every((n, i) => n > before[i]!)).toBe(true); // all three sent some
  });

  it('hands each pipeline job to exactly one of three workers draining the queue at once', async () => {
    const ids = await store(mail('queue', 60));
    // with the jobs of the messages the outbox test processed directly: they are run again, and skipped
    const { queued } = await workers[0]!.service.queue.counts();
    expect(queued).toBeGreaterThanOrEqual(60);
    const handled = await Promise.all(workers.map((w) => w.service.pipeline.drain()));
    expect(handled.reduce((a, b) => a + b, 0)).toBe(queued);
    expect(handled.every((n) => n > 0)).toBe(true); // all three took part
    const rows = await q().select().from(inboundMessages).where(inArray(inboundMessages.id, ids));
    expect(rows.filter((r) => r.status !== 'processed')).toEqual([]);
    expect(await acksTo(Array.from({ length: 60 }, (_, i) => `queue-${i}@customer.test`))).toHaveLength(60);
  });

  it('acknowledges once when two workers run the same message at the same instant (a job retried while still running)', async () => {
    const ids = await store(mail('twice', 12));
    const outcomes = await Promise.all(ids.map((id) => Promise.all([processMessage(workers[0]!.processDeps, id), processMessage(workers[1]!.processDeps, id)])));
    for (const pair of outcomes) expect(pair.map((o) => o.status).sort()).toEqual(['processed', 'skipped']);
    const acks = await acksTo(Array.from({ length: 12 }, (_, i) => `twice-${i}@customer.test`));
    expect(acks).toHaveLength(12);
  });

  it('acknowledges once when the same email reaches two mailboxes and two workers process the copies at once', async () => {
    const raws = mail('both', 12, { Cc: SECOND_MAILBOX });
    const [first, second] = await Promise.all([store(raws), store(raws, SECOND_MAILBOX)]);
    await Promise.all(first!.map((id, i) => Promise.all([processMessage(workers[1]!.processDeps, id), processMessage(workers[2]!.processDeps, second![i]!)])));
    const customers = Array.from({ length: 12 }, (_, i) => `both-${i}@customer.test`);
    const acks = await acksTo(customers);
    expect(acks.map((a) => a.toAddress).sort()).toEqual([...customers].sort());
    // Each mailbox keeps its copy and its case; the one not acknowledged says why.
    const opened = await q().select().from(cases).where(inArray(cases.customerAddress, customers));
    expect(opened).toHaveLength(24);
    const unacknowledged = opened.filter((c) => !acks.some((a) => a.caseId === c.id)).map((c) => c.id);
    const suppressed = await q().select().from(caseEvents)
      .where(and(inArray(caseEvents.caseId, unacknowledged), eq(caseEvents.type, 'acknowledgement_suppressed')));
    expect(new Set(suppressed.map((e) => e.caseId)).size).toBe(12);
  });

  it('gives a case to exactly one of two agents claiming it at the same instant', async () => {
    const open = await q().select({ id: cases.id }).from(cases).limit(20);
    const ana = { id: 'agent-ana', name: 'Ana' };
    const ben = { id: 'agent-ben', name: 'Ben' };
    const results = await Promise.all(open.map(({ id }) =>
      Promise.allSettled([workers[0]!.service.review.claim(id, ana), workers[1]!.service.review.claim(id, ben)])));
    for (const [a, b] of results) {
      expect([a!.status, b!.status].sort()).toEqual(['fulfilled', 'rejected']);
      const refused = [a, b].find((r) => r!.status === 'rejected') as PromiseRejectedResult;
      expect(refused.reason).toBeInstanceOf(AppError);
      expect((refused.reason as AppError).code).toBe('conflict');
    }
    const claims = await q().select({ caseId: auditLog.caseId, n: sql<number>`count(*)::int` }).from(auditLog)
      .where(and(eq(auditLog.action, 'claimed'), inArray(auditLog.caseId, open.map((c) => c.id)))).groupBy(auditLog.caseId);
    expect(claims).toHaveLength(open.length);
    expect(claims.every((c) => c.n === 1)).toBe(true);
  });

});

async function sentBy(w: WorkerService): Promise<number> {
  return (await w.service.metrics.acknowledgementsSent.get()).values[0]?.value ?? 0;
}
