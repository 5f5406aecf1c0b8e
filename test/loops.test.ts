// Mail loops, end to end over real SMTP: what the guard's unit tests (src/domain/guard.test.ts) and the sisimai
// corpus (test/guard-datasets.test.ts) prove header by header, proven here with running services that answer each
// other. (a) two firstreply instances pointed at each other, (b) a naive vacation responder that writes no
// auto-reply header at all, (c) our own acknowledgement coming back (Bcc, a mailing list, a human's forward).
// The count that matters is the mail crossing between the machines: at most 2 per case, every suppression recorded.
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { asc, eq } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { freePort } from './support/dovecot.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { parseHeaders, startSmtpSink, type SinkMessage, type SmtpSink } from './support/smtp-sink.js';

const A = { address: 'support@alpha.test', domain: 'alpha.test' };
const B = { address: 'help@beta.test', domain: 'beta.test' };
const MAX_ACKS_PER_SENDER = 5; // the default MAX_ACKS_PER_SENDER_24H

interface Snapshot {
  inbound: (typeof inboundMessages.$inferSelect)[];
  outbox: (typeof outbox.$inferSelect)[];
  events: (typeof caseEvents.$inferSelect)[];
  cases: (typeof cases.$inferSelect)[];
}

async function snapshot(db: TestDatabase): Promise<Snapshot> {
  const d = db.database.db;
  return {
    inbound: await d.select().from(inboundMessages).orderBy(asc(inboundMessages.receivedAt)),
    outbox: await d.select().from(outbox).orderBy(asc(outbox.createdAt)),
    events: await d.select().from(caseEvents),
    cases: await d.select().from(cases),
  };
}

/**
 * Waits until every database is quiet: all stored messages processed, no outgoing mail pending, claimed or being
 * sent, and nothing new stored or queued for `quietMs` — a loop would keep producing rows, so quiet means it ended.
 */
async function settle(dbs: TestDatabase[], quietMs = 2500, timeoutMs = 45_000): Promise<Snapshot[]> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let stableSince = Date.now();
  for (;;) {
    const snaps = await Promise.all(dbs.map(snapshot));
    const busy = snaps.some((s) => s.inbound.some((m) => m.status === 'received') || s.outbox.some((o) => ['pending', 'claimed', 'sending'].includes(o.status)));
    const key = snaps.map((s) => `${s.inbound.length}/${s.outbox.length}/${s.outbox.filter((o) => o.status === 'sent').length}`).join('|');
    if (key !== last || busy) [last, stableSince] = [key, Date.now()];
    if (!busy && Date.now() - stableSince >= quietMs) return snaps;
    if (Date.now() > deadline) throw new Error(`mail did not settle within ${timeoutMs} ms (last state ${key}, busy ${busy})`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every stored message either queued an acknowledgement or has its suppression reasons recorded, in words. */
function expectEveryDecisionRecorded(s: Snapshot): void {
  for (const m of s.inbound) {
    expect(m.status, `message ${m.messageId}`).toBe('processed');
    const acked = s.outbox.some((o) => o.kind === 'acknowledgement' && o.inboundMessageId === m.id);
    const suppressed = s.events.find((e) => e.inboundMessageId === m.id && e.type === 'acknowledgement_suppressed');
    if (acked) continue;
    expect(suppressed, `no acknowledgement and no recorded suppression for ${m.messageId}`).toBeDefined();
    const reasons = (suppressed!.detail as { reasons?: { code: string; detail: string }[] }).reasons ?? [];
    expect(reasons.length, `empty suppression reasons for ${m.messageId}`).toBeGreaterThan(0);
    for (const r of reasons) expect(r.detail).not.toBe('');
  }
}

const reasonsOf = (s: Snapshot, inboundId: string) =>
  ((s.events.find((e) => e.inboundMessageId === inboundId && e.type === 'acknowledgement_suppressed')?.detail as { reasons?: { code: string }[] } | undefined)?.reasons ?? []).map((r) => r.code);

/** Messages per case on one instance: the customer/peer messages stored for it plus the mail we queued for it. */
function perCase(s: Snapshot): Map<string, number> {
  const n = new Map<string, number>();
  for (const m of s.inbound) if (m.caseId) n.set(m.caseId, (n.get(m.caseId) ?? 0) + 1);
  for (const o of s.outbox) if (o.caseId) n.set(o.caseId, (n.get(o.caseId) ?? 0) + 1);
  return n;
}

async function metricsOf(service: Service): Promise<string> {
  return (await fetch(`http://127.0.0.1:${service.httpPort}/metrics`)).text();
}

/**
 * A TCP relay in front of a listener. Each instance keeps a pooled SMTP connection open to the other's listener,
 * and smtp-server's close() waits up to 30 s for open connections: cutting the relays first keeps teardown fast.
 */
async function startRelay(targetPort: number) {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((down) => {
    const up = net.connect(targetPort, '127.0.0.1');
    for (const s of [down, up]) {
      sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => { sockets.delete(s); down.destroy(); up.destroy(); });
    }
    down.pipe(up);
    up.pipe(down);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () => { for (const s of sockets) s.destroy(); return new Promise<void>((r) => server.close(() => r())); },
  };
}

describe('(a) two firstreply instances pointed at each other', () => {
  let dbA: TestDatabase;
  let dbB: TestDatabase;
  let a: Service | undefined;
  let b: Service | undefined;
  let relays: Awaited<ReturnType<typeof startRelay>>[] = [];

  beforeAll(async () => {
    [dbA, dbB] = await Promise.all([openTestDatabase(), openTestDatabase()]);
  });
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.close()));
    await a?.stop();
    await b?.stop();
    a = b = undefined;
    await Promise.all([dbA.reset(), dbB.reset()]);
  });
  afterAll(async () => {
    await Promise.all([dbA?.stop(), dbB?.stop()]);
  });

  /** Each one's outgoing SMTP server is the other one's listener: whatever one sends, the other receives. */
  async function startPair() {
    const [portA, portB] = [await freePort(), await freePort()];
    const [toA, toB] = [await startRelay(portA), await startRelay(portB)];
    relays.push(toA, toB);
    a = await startTestService(dbA, { SUPPORT_ADDRESS: A.address, MESSAGE_ID_DOMAIN: A.domain, INBOUND_SMTP_PORT: String(portA), SMTP_URL: `smtp://127.0.0.1:${toB.port}` });
    b = await startTestService(dbB, { SUPPORT_ADDRESS: B.address, MESSAGE_ID_DOMAIN: B.domain, INBOUND_SMTP_PORT: String(portB), SMTP_URL: `smtp://127.0.0.1:${toA.port}` });
    expect([a.smtpPort, b.smtpPort]).toEqual([portA, portB]);
    return { a, b };
  }

  it.each([
    ['A gets a message whose From is B’s support address', 'A', { from: `Beta Help <${B.address}>` }, B.address, B.address],
    ['B gets a message whose From is A’s support address (the reverse)', 'B', { from: `Alpha Support <${A.address}>` }, A.address, A.address],
    // The Reply-To is on another domain than From: the acknowledgement goes to From (issue 17), and still reaches B here
    // because B's listener is A's only way out.
    ['a customer writes to A with Reply-To: B’s support address', 'A', { from: 'Maria Lopez <maria@customer.test>', headers: { 'Reply-To': B.address } }, 'maria@customer.test', 'maria@customer.test'],
  ] as const)('%s: one acknowledgement crosses, the peer suppresses it, the exchange stops', async (_, target, opts, envelopeFrom, acknowledged) => {
    const { a, b } = await startPair();
    const [first, firstDb, second, secondDb] = target === 'A' ? [a, dbA, b, dbB] : [b, dbB, a, dbA];
    const to = target === 'A' ? A.address : B.address;
    await sendRaw(first.smtpPort!, customerEmail({ to, subject: 'Where is my order?', messageId: `start-${randomUUID()}@customer.test`, ...opts }), { from: envelopeFrom, to: [to] });

    const [s1, s2] = await settle([firstDb, secondDb]);
    // Mail between the machines: everything either instance queued (each one goes to the other's listener).
    const exchanged = s1!.outbox.length + s2!.outbox.length;
    expect(exchanged).toBeLessThanOrEqual(2);
    expect(s1!.outbox.every((o) => o.status === 'sent') && s2!.outbox.every((o) => o.status === 'sent')).toBe(true);
    // Exactly the expected exchange: the first instance acknowledged the (apparent) customer once ...
    expect(s1!.outbox.map((o) => [o.kind, o.toAddress])).toEqual([['acknowledgement', acknowledged]]);
    // ... the peer stored that acknowledgement, recognised it as machine mail and did not answer it.
    expect(s2!.outbox).toHaveLength(0);
    expect(s2!.inbound).toHaveLength(1);
    expect(s2!.inbound[0]!.messageId).toBe(s1!.outbox[0]!.messageId);
    expect(s2!.inbound[0]!.caseId).toBeNull();
    expect(reasonsOf(s2!, s2!.inbound[0]!.id)).toEqual(expect.arrayContaining(['auto_submitted', 'auto_response_suppressed', 'own_message_id']));
    for (const s of [s1!, s2!]) {
      expectEveryDecisionRecorded(s);
      for (const [, n] of perCase(s)) expect(n).toBeLessThanOrEqual(2);
    }
    expect(await metricsOf(second)).toMatch(/firstreply_acknowledgements_suppressed_total\{reason="auto_submitted"\} 1/);
  });

  it('several openers at once (both directions, Reply-To) still settle at one acknowledgement each', async () => {
    const { a, b } = await startPair();
    const sends = [];
    // Two rounds: A then acknowledges B's address four times, below the per-sender cap of five.
    for (let i = 0; i < 2; i++) {
      sends.push(sendRaw(a.smtpPort!, customerEmail({ to: A.address, from: B.address, subject: `Peer question ${i}` }), { from: B.address, to: [A.address] }));
      sends.push(sendRaw(b.smtpPort!, customerEmail({ to: B.address, from: A.address, subject: `Peer question ${i}` }), { from: A.address, to: [B.address] }));
      sends.push(sendRaw(a.smtpPort!, customerEmail({ to: A.address, from: `c${i}@customer.test`, headers: { 'Reply-To': B.address }, subject: `Customer ${i}` }), { from: `c${i}@customer.test`, to: [A.address] }));
    }
    await Promise.all(sends);
    const [sa, sb] = await settle([dbA, dbB]);
    // 6 openers: each instance acknowledges each of its openers once (4 on A, 2 on B) and nothing else. The customers'
    // Reply-To (B's address) is on another domain than their From: A acknowledges their From (issue 17).
    expect(sa!.outbox.filter((o) => o.kind === 'acknowledgement')).toHaveLength(4);
    expect(sb!.outbox.filter((o) => o.kind === 'acknowledgement')).toHaveLength(2);
    expect(sa!.outbox.length + sb!.outbox.length).toBe(6);
    expect(new Set(sa!.outbox.map((o) => o.toAddress))).toEqual(new Set([B.address, 'c0@customer.test', 'c1@customer.test']));
    // Each acknowledgement arrived at the other side once and was recognised there.
    expect(sa!.inbound).toHaveLength(4 + 2);
    expect(sb!.inbound).toHaveLength(2 + 4);
    for (const s of [sa!, sb!]) {
      expectEveryDecisionRecorded(s);
      for (const [, n] of perCase(s)) expect(n).toBeLessThanOrEqual(2);
    }
  });
});

/**
 * A naive vacation responder: answers every message it receives with "Re: <subject>" and "I am on vacation",
 * WITHOUT Auto-Submitted, Precedence or any X-Autoreply header, from the address the mail was for, to the envelope
 * sender (else From), delivered to firstreply's SMTP listener. `subject: 'fixed'` answers with a subject of its own
 * (no case reference to thread on), `threading: true` adds In-Reply-To/References like better ones do.
 */
async function startVacationResponder(opts: { replyTo: () => number; subject?: 'echo' | 'fixed'; threading?: boolean }) {
  const received: SinkMessage[] = [];
  const sent: { to: string; from: string; subject: string; messageId: string }[] = [];
  const pending = new Set<Promise<unknown>>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 500,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const headers = parseHeaders(raw);
        const envelopeFrom = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const envelopeTo = session.envelope.rcptTo.map((r) => r.address);
        received.push({ envelopeFrom, envelopeTo, raw, headers, messageId: headers.get('message-id') });
        callback(); // smtp-server resets the session's envelope after this
        const me = envelopeTo[0]!;
        const to = envelopeFrom || /<([^>]+)>/.exec(headers.get('from') ?? '')?.[1] || headers.get('from') || '';
        const subject = opts.subject === 'fixed' ? 'I am on vacation' : `Re: ${headers.get('subject') ?? ''}`;
        const messageId = `vacation-${randomUUID()}@customer.test`;
        const thread: Record<string, string> = opts.threading && headers.get('message-id') ? { 'In-Reply-To': headers.get('message-id')!, References: headers.get('message-id')! } : {};
        const reply = customerEmail({ from: me, to, subject, messageId, body: 'I am on vacation until the 30th and will read your message when I am back.', headers: thread });
        sent.push({ to, from: me, subject, messageId });
        const p = sendRaw(opts.replyTo(), reply, { from: me, to: [to] }).catch(() => undefined);
        pending.add(p);
        void p.finally(() => pending.delete(p));
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  server.on('error', () => undefined);
  return {
    url: `smtp://127.0.0.1:${(server.server.address() as net.AddressInfo).port}`,
    received,
    sent,
    stop: async () => {
      await Promise.all(pending);
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

describe('(b) firstreply facing a naive vacation responder', () => {
  let db: TestDatabase;
  let service: Service | undefined;
  let responder: Awaited<ReturnType<typeof startVacationResponder>> | undefined;
  const vacationer = 'vacation@customer.test';

  beforeAll(async () => { db = await openTestDatabase(); });
  afterEach(async () => {
    await service?.stop();
    await responder?.stop();
    service = responder = undefined;
    await db.reset();
  });
  afterAll(async () => { await db?.stop(); });

  async function start(mode: { subject?: 'echo' | 'fixed'; threading?: boolean }) {
    responder = await startVacationResponder({ ...mode, replyTo: () => service!.smtpPort! });
    service = await startTestService(db, { SMTP_URL: responder.url });
    return service;
  }
  const ask = (s: Service, i: number) =>
    sendRaw(s.smtpPort!, customerEmail({ from: `Vera Vacation <${vacationer}>`, subject: `Question ${i} about my order`, body: `Hello, question number ${i}: where is my parcel?` }), { from: vacationer, to: ['support@shop.test'] });

  it.each([
    ['echoing the subject (the case reference), no threading headers', { subject: 'echo' as const }],
    ['echoing the subject, with In-Reply-To/References', { subject: 'echo' as const, threading: true }],
  ])('one question: one acknowledgement, one vacation reply joined to the case, then silence (%s)', async (_, mode) => {
    const s = await start(mode);
    await ask(s, 1);
    const [snap] = await settle([db]);
    expect(responder!.received).toHaveLength(1); // our acknowledgement
    expect(responder!.sent).toHaveLength(1); // its "I am on vacation"
    expect(snap!.cases).toHaveLength(1);
    const counts = perCase(snap!);
    // customer question + acknowledgement + vacation reply on the case; between the machines: ack + reply = 2
    expect(counts.get(snap!.cases[0]!.id)).toBe(3);
    expect(responder!.received.length + responder!.sent.length).toBeLessThanOrEqual(2);
    const reply = snap!.inbound.find((m) => m.messageId === responder!.sent[0]!.messageId)!;
    expect(reply.caseId).toBe(snap!.cases[0]!.id);
    expect(reasonsOf(snap!, reply.id)).toEqual(['case_already_acknowledged']);
    expectEveryDecisionRecorded(snap!);
  });

  it('eight questions from the vacationing customer: the per-sender cap holds at five acknowledgements, no storm', async () => {
    const s = await start({ subject: 'echo' });
    for (let i = 1; i <= 8; i++) await ask(s, i);
    const [snap] = await settle([db]);
    expect(snap!.cases).toHaveLength(8);
    expect(snap!.outbox.filter((o) => o.kind === 'acknowledgement')).toHaveLength(MAX_ACKS_PER_SENDER);
    expect(responder!.received).toHaveLength(MAX_ACKS_PER_SENDER);
    expect(responder!.sent).toHaveLength(MAX_ACKS_PER_SENDER);
    for (const [, n] of perCase(snap!)) expect(n).toBeLessThanOrEqual(3); // question + ack + vacation reply
    // The three questions beyond the cap (the vacation replies past it carry the reason too, beside case_already_acknowledged).
    const replies = new Set(responder!.sent.map((m) => m.messageId));
    const questions = snap!.inbound.filter((m) => !replies.has(m.messageId!));
    expect(questions.filter((m) => reasonsOf(snap!, m.id).includes('sender_rate_limit'))).toHaveLength(3);
    for (const m of snap!.inbound.filter((x) => replies.has(x.messageId!))) expect(reasonsOf(snap!, m.id)).toContain('case_already_acknowledged');
    expectEveryDecisionRecorded(snap!);
    expect(await metricsOf(s)).toMatch(/firstreply_acknowledgements_suppressed_total\{reason="case_already_acknowledged"\} 5/);
  });

  it('a responder that answers with a subject of its own (nothing to thread on): its repeats join its first reply\'s case', async () => {
    const s = await start({ subject: 'fixed' });
    await ask(s, 1);
    const [snap] = await settle([db]);
    // The worst case for a header-less responder: its first reply looks like new customer mail and opens a case with
    // its acknowledgement; its second reply (same subject, same text, same day) joins that case unacknowledged, and the
    // exchange stops: one junk case, not five (issue 17).
    expect(snap!.outbox.filter((o) => o.kind === 'acknowledgement')).toHaveLength(2);
    expect(responder!.received).toHaveLength(2);
    expect(responder!.sent).toHaveLength(2);
    expect(snap!.inbound).toHaveLength(3);
    expect(snap!.cases).toHaveLength(2);
    for (const [, n] of perCase(snap!)) expect(n).toBeLessThanOrEqual(3);
    const [first, second] = responder!.sent.map((r) => snap!.inbound.find((m) => m.messageId === r.messageId)!);
    expect(second!.caseId).toBe(first!.caseId);
    expect(reasonsOf(snap!, second!.id)).toEqual(['case_already_acknowledged', 'repeated_message']);
    expect(second!.flags).toContain('automatic_reply');
    expectEveryDecisionRecorded(snap!);
  });
});

describe('(c) our own acknowledgement coming back', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service;

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
    service = await startTestService(db, { SMTP_URL: sink.url });
  });
  afterAll(async () => {
    await service?.stop();
    await sink?.stop();
    await db?.stop();
  });

  /** A fresh customer case and the acknowledgement it produced, as the sink received it (raw bytes). */
  async function acknowledgedCase(tag: string) {
    const before = sink.messages.length;
    const customer = `${tag}-${randomUUID().slice(0, 8)}@customer.test`;
    await sendRaw(service.smtpPort!, customerEmail({ from: customer, subject: `Order question (${tag})`, messageId: `${tag}-${randomUUID()}@customer.test` }), { from: customer, to: ['support@shop.test'] });
    const ack = (await sink.waitFor(before + 1))[before]!;
    const [row] = await db.database.db.select().from(outbox).where(eq(outbox.messageId, ack.messageId!.replace(/[<>]/g, '')));
    return { ack, customer, caseId: row!.caseId!, before: before + 1 };
  }

  async function expectRecognised(messageId: string, caseId: string, sinkCount: number, expectedReasons: string[]) {
    const [snap] = await settle([db]);
    const copy = snap!.inbound.filter((m) => m.messageId === messageId);
    expect(copy, 'the returning copy is stored exactly once').toHaveLength(1);
    const reasons = reasonsOf(snap!, copy[0]!.id);
    expect(reasons).toEqual(expect.arrayContaining(expectedReasons));
    // Never acknowledged: no outgoing row for it, the case still has its one acknowledgement, nothing else was sent.
    expect(snap!.outbox.filter((o) => o.inboundMessageId === copy[0]!.id)).toHaveLength(0);
    expect(snap!.outbox.filter((o) => o.caseId === caseId)).toHaveLength(1);
    expect(copy[0]!.caseId === null || copy[0]!.caseId === caseId).toBe(true);
    expect(sink.messages).toHaveLength(sinkCount);
    expectEveryDecisionRecorded(snap!);
    return { reasons, copy: copy[0]! };
  }

  it('re-delivered to us as it was (we were on Bcc)', async () => {
    const { ack, caseId, before } = await acknowledgedCase('bcc');
    await sendRaw(service.smtpPort!, ack.raw, { from: 'support@shop.test', to: ['support@shop.test'] });
    const { copy } = await expectRecognised(ack.messageId!.replace(/[<>]/g, ''), caseId, before, ['own_message_id', 'own_address', 'auto_submitted']);
    expect(copy.caseId).toBe(caseId); // kept with its case (it threads on the customer's Message-ID), not a case of its own
  });

  it.each([
    ['List-Id added, envelope rewritten', false],
    ['List-Id added, envelope rewritten, From munged for DMARC and our X- headers stripped', true],
  ])('through a mailing list the customer subscribed us to: %s', async (_, munge) => {
    const { ack, caseId, before } = await acknowledgedCase(munge ? 'list-munged' : 'list');
    const text = ack.raw.toString('utf8');
    const split = text.indexOf('\r\n\r\n');
    let head = text.slice(0, split);
    if (munge) {
      head = head
        .replace(/^From:.*$/im, 'From: Support via Customers <customers@lists.test>\r\nReply-To: Support <support@shop.test>')
        .replace(/^(X-[A-Za-z-]+|Auto-Submitted):.*(\r\n[ \t].*)*\r\n/gim, '');
    }
    const listed = [
      'Return-Path: <customers-bounces+support=shop.test@lists.test>',
      'List-Id: Customers <customers.lists.test>',
      'List-Post: <mailto:customers@lists.test>',
      'List-Unsubscribe: <mailto:customers-leave@lists.test>',
      'Precedence: list',
      'Sender: customers-bounces@lists.test',
      head,
    ].join('\r\n') + text.slice(split);
    await sendRaw(service.smtpPort!, listed, { from: 'customers-bounces+support=shop.test@lists.test', to: ['support@shop.test'] });
    await expectRecognised(ack.messageId!.replace(/[<>]/g, ''), caseId, before, ['list_mail', 'precedence_bulk', 'own_message_id', 'own_address']);
  });

  it('forwarded by a human ("Fwd:", our Message-ID only in References): joined to its case, not acknowledged', async () => {
    const { ack, customer, caseId, before } = await acknowledgedCase('fwd');
    const forwardId = `fwd-${randomUUID()}@customer.test`;
    const original = ack.raw.toString('utf8').split('\r\n\r\n').slice(1).join('\r\n\r\n');
    const forward = customerEmail({
      from: `Colleague <colleague-of-${customer}>`,
      subject: `Fwd: ${ack.headers.get('subject')}`,
      messageId: forwardId,
      headers: { References: ack.messageId! },
      body: `FYI, see below.\n\n---------- Forwarded message ---------\nFrom: Support <support@shop.test>\nSubject: ${ack.headers.get('subject')}\n\n${original}`,
    });
    await sendRaw(service.smtpPort!, forward, { from: `colleague-of-${customer}`, to: ['support@shop.test'] });
    const { copy } = await expectRecognised(forwardId, caseId, before, ['case_already_acknowledged']);
    expect(copy.caseId).toBe(caseId);
  });
});
