// Who gets automatic mail (issue 17, items 1, 3, 4, 5, 6), end to end: messages through the SMTP listener, the
// pipeline, the outbox, and a sink that records each message's SMTP envelope.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { createLogger } from '../src/logger.js';
import { fileSender } from '../src/mail/senders.js';
import { SlaWorker } from '../src/sla/worker.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { serviceOnSink } from './support/service-on-sink.js';

describe(`automatic mail goes only where we can stand behind it (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  const q = () => t.db.database.db;
  afterEach(() => t.reset());

  const start = (overrides: Record<string, string> = {}) => t.start(overrides);
  async function processed(messageId: string) {
    return eventually(async () => {
      const [m] = await q().select().from(inboundMessages).where(and(eq(inboundMessages.messageId, messageId), eq(inboundMessages.status, 'processed')));
      return m;
    }, 15_000, `message ${messageId} processed`);
  }
  async function eventsOf(inboundId: string) {
    return q().select().from(caseEvents).where(eq(caseEvents.inboundMessageId, inboundId));
  }
  const reasons = (events: (typeof caseEvents.$inferSelect)[]) =>
    ((events.find((e) => e.type === 'acknowledgement_suppressed')?.detail as { reasons?: { code: string; detail: string }[] })?.reasons ?? []);

  it('backscatter through Reply-To: the From address is acknowledged, without the subject, and the null envelope sender is used', async () => {
    const s = await start();
    const raw = customerEmail({
      from: 'Cheap Pills <spam@attacker.test>', headers: { 'Reply-To': 'victim@victim.test' },
      subject: 'BUY CHEAP PILLS at pills.example', messageId: 'spam-1@attacker.test',
    });
    await sendRaw(s.smtpPort!, raw, { from: 'spam@attacker.test', to: ['support@shop.test'] });
    const [ack] = await t.sink.waitFor(1);
    expect(ack!.envelopeTo).toEqual(['spam@attacker.test']);
    // RFC 3834 section 3.3: automatic responses are sent with MAIL FROM:<>
    expect(ack!.envelopeFrom).toBe('');
    // no DMARC record in the test zone: the From address is unproven, so the sender's words are not echoed
    expect(ack!.headers.get('subject')).not.toMatch(/PILLS/i);
    expect(ack!.raw.toString('utf8')).not.toMatch(/Cheap Pills|PILLS/);
    const message = await processed('spam-1@attacker.test');
    const queued = (await eventsOf(message.id)).find((e) => e.type === 'acknowledgement_queued')!;
    expect(queued.detail).toMatchObject({ recipient: { address: 'spam@attacker.test', why: 'reply_to_not_trusted', proven: false, ignoredReplyTo: 'victim@victim.test' } });
    expect(t.sink.messages.some((m) => m.envelopeTo.includes('victim@victim.test'))).toBe(false);
  });

  it('a contact form on its own domain: the Reply-To is acknowledged', async () => {
    const s = await start();
    const raw = customerEmail({ from: 'Shop forms <forms@mail.client-shop.test>', headers: { 'Reply-To': 'anna@client-shop.test' }, messageId: 'form-1@client-shop.test' });
    await sendRaw(s.smtpPort!, raw, { from: 'forms@mail.client-shop.test', to: ['support@shop.test'] });
    const [ack] = await t.sink.waitFor(1);
    expect(ack!.envelopeTo).toEqual(['anna@client-shop.test']);
    const message = await processed('form-1@client-shop.test');
    expect((await eventsOf(message.id)).find((e) => e.type === 'acknowledgement_queued')!.detail).toMatchObject({ recipient: { why: 'reply_to_same_domain' } });
  });

  it('a relay the mailbox trusts: its Reply-To is acknowledged, with the subject (sender checks off: the admin vouches)', async () => {
    const s = await start({ SENDER_AUTH: 'off' });
    await q().update(mailboxes).set({ trustedRelays: ['noreply@ourshop.test'] });
    const raw = customerEmail({ from: 'noreply@ourshop.test', headers: { 'Reply-To': 'carl@gmail.test' }, subject: 'Size exchange', messageId: 'relay-1@ourshop.test' });
    await sendRaw(s.smtpPort!, raw, { from: 'noreply@ourshop.test', to: ['support@shop.test'] });
    const m = await processed('relay-1@ourshop.test');
    expect(reasons(await eventsOf(m.id))).toEqual([]);
    const [ack] = await t.sink.waitFor(1);
    expect(ack!.envelopeTo).toEqual(['carl@gmail.test']);
    expect(ack!.headers.get('subject')).toMatch(/Size exchange/);
  });

  it('the per-sender cap counts plus-tagged and look-alike addresses as one sender', async () => {
    const s = await start();
    await q().update(mailboxes).set({ maxAcksPerSender24h: 1 });
    await sendRaw(s.smtpPort!, customerEmail({ from: 'user+1@customer.test', subject: 'First', body: 'first question', messageId: 'cap-1@customer.test' }), { from: 'user+1@customer.test', to: ['support@shop.test'] });
    await t.sink.waitFor(1);
    await sendRaw(s.smtpPort!, customerEmail({ from: 'user+2@customer.test', subject: 'Second', body: 'second question', messageId: 'cap-2@customer.test' }), { from: 'user+2@customer.test', to: ['support@shop.test'] });
    // U+FF55 fullwidth u
    await sendRaw(s.smtpPort!, customerEmail({ from: '\uff55ser@customer.test', subject: 'Third', body: 'third question', messageId: 'cap-3@customer.test' }), { from: 'user@customer.test', to: ['support@shop.test'] });
    for (const id of ['cap-2@customer.test', 'cap-3@customer.test']) {
      const m = await processed(id);
      expect(reasons(await eventsOf(m.id)).map((r) => r.code)).toContain('sender_rate_limit');
    }
    expect(await q().select().from(outbox).where(eq(outbox.kind, 'acknowledgement'))).toHaveLength(1);
  });

  it('MAIL FROM:<> means no automatic reply, and the message still reaches an agent', async () => {
    const s = await start();
    await sendRaw(s.smtpPort!, customerEmail({ from: 'Someone <someone@customer.test>', messageId: 'null-1@customer.test' }), { from: '', to: ['support@shop.test'] });
    const m = await processed('null-1@customer.test');
    expect(reasons(await eventsOf(m.id))).toEqual([{ code: 'empty_return_path', detail: 'SMTP envelope sender MAIL FROM:<>' }]);
    expect(await q().select().from(outbox)).toHaveLength(0);
  });

  it('a person forwarding a bounce: a case for an agent, no acknowledgement; bounces from post_master open none', async () => {
    const s = await start();
    await sendRaw(s.smtpPort!, customerEmail({
      from: 'Paul <paul@customer.test>', subject: 'Fwd: Returned mail: see transcript for details', messageId: 'fwd-1@customer.test',
      body: 'Hi, your newsletter bounced for my colleague, see below.\n\n----- The following addresses had permanent fatal errors -----\n<gone@customer.test>',
    }), { from: 'paul@customer.test', to: ['support@shop.test'] });
    await sendRaw(s.smtpPort!, customerEmail({ from: 'post_master@mx.isp.test', subject: 'Delivery failure', messageId: 'james-1@mx.isp.test' }), { from: 'post_master@mx.isp.test', to: ['support@shop.test'] });
    const forwarded = await processed('fwd-1@customer.test');
    expect(forwarded.caseId).not.toBeNull();
    expect(reasons(await eventsOf(forwarded.id)).map((r) => r.code)).toEqual(['forwarded_bounce']);
    const bounce = await processed('james-1@mx.isp.test');
    expect(bounce.caseId).toBeNull();
    expect(reasons(await eventsOf(bounce.id)).map((r) => r.code)).toContain('system_sender');
    expect(await q().select().from(outbox)).toHaveLength(0);
    // ordinary human mail is still acknowledged
    await sendRaw(s.smtpPort!, customerEmail({ messageId: 'human-1@customer.test' }));
    await t.sink.waitFor(1);
  });

  it('no "still on it" update when only a naive responder wrote since our acknowledgement; one when nobody did', async () => {
    const s = await start();
    const ask = (id: string, from: string) => sendRaw(s.smtpPort!, customerEmail({ from, subject: `Question ${id}`, body: `Where is parcel ${id}?`, messageId: `${id}@customer.test` }), { from, to: ['support@shop.test'] });
    await ask('q-vacation', 'vera@customer.test');
    await ask('q-plain', 'otto@customer.test');
    const acks = await t.sink.waitFor(2);
    const toVera = acks.find((a) => a.envelopeTo[0] === 'vera@customer.test')!;
    // Vera's responder answers at once, threaded, with no auto-reply header at all
    await sendRaw(s.smtpPort!, customerEmail({
      from: 'vera@customer.test', subject: `Re: ${toVera.headers.get('subject')}`, body: 'I am on vacation until the 30th.', messageId: 'v-1@customer.test',
      headers: { 'In-Reply-To': toVera.messageId!, References: toVera.messageId! },
    }), { from: 'vera@customer.test', to: ['support@shop.test'] });
    // a person too may answer that fast: the message stays an ordinary customer message, not flagged
    const reply = await processed('v-1@customer.test');
    expect(reply.flags).not.toContain('automatic_reply');

    const later = new Date(Date.now() + 7 * 24 * 3600_000);
    const worker = new SlaWorker({ db: q(), log: createLogger('silent'), messageIdDomain: 'firstreply.test', appUrl: 'https://support.shop.test', now: () => later });
    // A case another worker holds (the draft worker writing Vera's new draft) is left for the next drain: drain again.
    const outcome = await eventually(async () => {
      await worker.drain();
      const breaches = await q().select({ detail: caseEvents.detail, customer: cases.customerAddress }).from(caseEvents)
        .innerJoin(cases, eq(cases.id, caseEvents.caseId)).where(eq(caseEvents.type, 'escalated'));
      const found = Object.fromEntries(breaches.filter((b) => (b.detail as { customerUpdate?: string }).customerUpdate)
        .map((b) => [b.customer, (b.detail as { customerUpdate: string }).customerUpdate]));
      return Object.keys(found).length === 2 ? found : undefined;
    }, 15_000, 'both first-reply breaches');
    expect(outcome).toEqual({ 'vera@customer.test': 'only_automatic_replies', 'otto@customer.test': 'queued' });
    const updates = await q().select().from(outbox).where(eq(outbox.kind, 'update'));
    expect(updates.map((u) => [u.toAddress, u.recipientKey])).toEqual([['otto@customer.test', 'otto@customer.test']]);
  });
});

describe('the .eml outbox', () => {
  it('keeps the null envelope sender of automatic mail as Return-Path: <>', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-eml-'));
    try {
      const sender = fileSender(dir);
      await sender.send({ messageId: 'ack.1@shop.test', from: { address: 'support@shop.test', name: 'Support' }, to: 'a@customer.test', subject: 's', text: 't', headers: {}, envelopeFrom: '' });
      const [file] = readdirSync(dir);
      expect(readFileSync(path.join(dir, file!), 'utf8')).toMatch(/^Return-Path: <>\r\n/m);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
