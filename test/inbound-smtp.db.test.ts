import net from 'node:net';
import { eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { fakeResolver } from './support/dns.js';
import { serviceOnSink } from './support/service-on-sink.js';

describe(`SMTP listener → acknowledgement (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  beforeEach(async () => {
    await t.reset();
    await t.start();
  });

  it('acknowledges a Spanish customer email in Spanish, threaded, with RFC 3834 headers', async () => {
    const raw = customerEmail({
      from: 'Lucía García <lucia@cliente.test>',
      subject: 'Mi pedido no ha llegado',
      body: 'Hola, hice un pedido hace dos semanas y todavía no ha llegado. ¿Podrían decirme dónde está mi paquete?',
      messageId: 'pedido-1@cliente.test',
    });
    await sendRaw(t.service.smtpPort!, raw, { from: 'lucia@cliente.test', to: ['support@shop.test'] });
    const [ack] = await t.sink.waitFor(1);
    const [kase] = await t.db.database.db.select().from(cases);
    expect(kase!.language).toBe('es');
    expect(ack!.envelopeTo).toEqual(['lucia@cliente.test']);
    expect(ack!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack!.headers.get('in-reply-to')).toBe('<pedido-1@cliente.test>');
    expect(ack!.headers.get('references')).toContain('<pedido-1@cliente.test>');
    expect(ack!.headers.get('content-language')).toBe('es');
    expect(ack!.messageId).toMatch(/@firstreply\.test>?$/);
    expect(ack!.headers.get('subject')).toContain(kase!.reference);
    expect(ack!.raw.toString('utf8')).toContain(kase!.reference);
  });

  it('joins a reply to the acknowledgement to its case without a second acknowledgement', async () => {
    await sendRaw(t.service.smtpPort!, customerEmail({ messageId: 'first@customer.test' }));
    const [ack] = await t.sink.waitFor(1);
    const [kase] = await t.db.database.db.select().from(cases);
    const reply = customerEmail({
      subject: `Re: ${ack!.headers.get('subject')}`,
      messageId: 'second@customer.test',
      headers: { 'In-Reply-To': ack!.messageId!, References: `<first@customer.test> ${ack!.messageId}` },
      body: 'Thanks! One more detail: the order number is 4711.',
    });
    await sendRaw(t.service.smtpPort!, reply);
    await eventually(async () => {
      const [m] = await t.db.database.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'second@customer.test'));
      return m?.status === 'processed' && m;
    });
    const allCases = await t.db.database.db.select().from(cases);
    expect(allCases).toHaveLength(1);
    expect(allCases[0]!.customerMessageCount).toBe(2);
    const events = await t.db.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, kase!.id));
    const suppressed = events.find((e) => e.type === 'acknowledgement_suppressed');
    expect(suppressed?.detail).toMatchObject({ reasons: [{ code: 'case_already_acknowledged' }] });
    expect(t.sink.messages).toHaveLength(1);
  });

  it("joins the case In-Reply-To and the subject name even when References starts in another case", async () => {
    await sendRaw(t.service.smtpPort!, customerEmail({ messageId: 'a-1@customer.test', subject: 'Broken lamp' }));
    const [ackA] = await t.sink.waitFor(1);
    await sendRaw(t.service.smtpPort!, customerEmail({ messageId: 'b-1@customer.test', subject: 'Invoice address' }));
    const [, ackB] = await t.sink.waitFor(2);
    const all = await t.db.database.db.select().from(cases);
    const caseA = all.find((c) => c.subject === 'Broken lamp')!;
    const caseB = all.find((c) => c.subject === 'Invoice address')!;
    await sendRaw(t.service.smtpPort!, customerEmail({
      subject: `Re: Broken lamp [${caseA.reference}]`,
      messageId: 'a-2@customer.test',
      headers: { 'In-Reply-To': ackA!.messageId!, References: `${ackB!.messageId} <a-1@customer.test> ${ackA!.messageId}` },
      body: 'The lamp still flickers.',
    }));
    const joined = await eventually(async () => {
      const [m] = await t.db.database.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'a-2@customer.test'));
      return m?.status === 'processed' && m;
    });
    expect(joined.caseId).toBe(caseA.id);
    expect(caseB.id).not.toBe(caseA.id);
  });

  it('joins a follow-up that only carries the case reference in its subject', async () => {
    await sendRaw(t.service.smtpPort!, customerEmail());
    await t.sink.waitFor(1);
    const [kase] = await t.db.database.db.select().from(cases);
    await sendRaw(t.service.smtpPort!, customerEmail({ subject: `Update on ${kase!.reference}`, body: 'It arrived, thanks.' }));
    await eventually(async () => (await t.db.database.db.select().from(inboundMessages)).every((m) => m.status === 'processed') || undefined);
    expect(await t.db.database.db.select().from(cases)).toHaveLength(1);
    expect(t.sink.messages).toHaveLength(1);
  });

  it('stores an auto-reply, opens no case for it and records why it was not acknowledged', async () => {
    await sendRaw(
      t.service.smtpPort!,
      customerEmail({ subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' }, body: 'I am away until Monday.' }),
    );
    const [message] = await eventually(async () => {
      const rows = await t.db.database.db.select().from(inboundMessages);
      return rows[0]?.status === 'processed' && rows;
    });
    expect(message!.caseId).toBeNull();
    const [event] = await t.db.database.db.select().from(caseEvents).where(eq(caseEvents.inboundMessageId, message!.id));
    expect(event!.type).toBe('message_unassigned');
    expect(event!.detail).toMatchObject({ reasons: [{ code: 'auto_submitted' }] });
    const metrics = await (await fetch(`http://127.0.0.1:${t.service.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/firstreply_acknowledgements_suppressed_total\{reason="auto_submitted"\} 1/);
    expect(t.sink.messages).toHaveLength(0);
  });

  it('opens a case for mail written a month ago but does not acknowledge it', async () => {
    const old = new Date(Date.now() - 30 * 24 * 3600_000).toUTCString();
    await sendRaw(t.service.smtpPort!, customerEmail({ messageId: 'old@customer.test', headers: { Date: old } }));
    const message = await eventually(async () => {
      const [m] = await t.db.database.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, 'old@customer.test'));
      return m?.status === 'processed' ? m : undefined;
    });
    expect(message.caseId).not.toBeNull();
    const events = await t.db.database.db.select().from(caseEvents).where(eq(caseEvents.inboundMessageId, message.id));
    expect(events.find((e) => e.type === 'acknowledgement_suppressed')?.detail).toMatchObject({ reasons: [{ code: 'stale_message' }] });
    expect(t.sink.messages).toHaveLength(0);
  });

  it('acknowledges at most the configured number of cases per sender in 24 hours', async () => {
    for (let i = 0; i < 7; i++) await sendRaw(t.service.smtpPort!, customerEmail({ subject: `Question number ${i}` }));
    await eventually(async () => (await t.db.database.db.select().from(inboundMessages)).filter((m) => m.status === 'processed').length === 7 || undefined);
    await t.sink.waitFor(5);
    expect(await t.db.database.db.select().from(cases)).toHaveLength(7);
    const metrics = await (await fetch(`http://127.0.0.1:${t.service.httpPort}/metrics`)).text();
    expect(metrics).toMatch(/firstreply_acknowledgements_suppressed_total\{reason="sender_rate_limit"\} 2/);
    expect(t.sink.messages).toHaveLength(5);
  });

  it('does not acknowledge mail whose From fails DMARC (no backscatter to a forged address); the case is flagged for agents', async () => {
    await t.service.stop();
    const zone = { '_dmarc.bank.test': { TXT: ['v=DMARC1; p=reject'] }, 'bank.test': { TXT: ['v=spf1 -all'] } };
    await t.start({}, { resolver: fakeResolver(zone) });
    await sendRaw(t.service.smtpPort!, customerEmail({ from: 'Bank Security <security@bank.test>', subject: 'Verify your account', body: 'Please confirm your account details.' }), { from: 'security@bank.test', to: ['support@shop.test'] });
    const message = await eventually(async () => (await t.db.database.db.select().from(inboundMessages)).find((m) => m.status === 'processed'));
    expect(message.flags).toContain('sender_not_authenticated');
    expect(message.senderAuth).toMatchObject({ dmarc: 'fail', acknowledge: false, fromDomain: 'bank.test' });
    const [kase] = await t.db.database.db.select().from(cases);
    expect(kase).toBeDefined();
    const events = await t.db.database.db.select().from(caseEvents).where(eq(caseEvents.caseId, kase!.id));
    const suppressed = events.find((e) => e.type === 'acknowledgement_suppressed');
    expect(JSON.stringify(suppressed!.detail)).toContain('sender_not_authenticated');
    // a legitimate customer right after is still acknowledged: one outgoing message in all
    await sendRaw(t.service.smtpPort!, customerEmail({ messageId: 'real@customer.test' }));
    await t.sink.waitFor(1);
    expect(t.sink.messages.map((m) => m.envelopeTo[0])).toEqual(['maria@customer.test']);
  });

  it('stops within seconds while an MTA holds an idle connection open, telling it 421', async () => {
    const mta = net.connect(t.service.smtpPort!, '127.0.0.1');
    let heard = '';
    mta.on('data', (d) => { heard += String(d); });
    await eventually(() => heard.startsWith('220'), 5000, 'greeting');
    mta.write('EHLO mta.shop.test\r\n');
    await eventually(() => /^250 /m.test(heard), 5000, 'EHLO answer');
    const started = Date.now();
    await t.service.stop();
    expect(Date.now() - started).toBeLessThan(5000); // smtp-server's default closeTimeout would wait 30 s
    expect(heard).toMatch(/^421 /m);
    mta.destroy();
    await t.start(); // stopped again by the hooks
  });
});
