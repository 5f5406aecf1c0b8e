import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startDovecot, type DovecotServer } from './support/dovecot.js';
import { customerEmail, eventually } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** The whole path with a real IMAP server: APPEND → IDLE push → store → acknowledgement at the SMTP sink. */
describe('IMAP mailbox end to end (Dovecot)', () => {
  let db: TestDatabase;
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  let service: Service | undefined;
  const start = async () => {
    service = await startTestService(db, { SMTP_URL: sink.url, IMAP_URL: dovecot.url('INBOX'), INBOUND_SMTP_ENABLED: 'false' });
  };
  const support = () => dovecot.user;

  beforeAll(async () => {
    [db, dovecot, sink] = await Promise.all([openTestDatabase('pglite'), startDovecot(), startSmtpSink()]);
  });
  afterAll(async () => {
    await service?.stop();
    await Promise.all([dovecot.stop(), sink.stop()]);
    await db.stop();
  });

  it('acknowledges a German email appended to the mailbox, in German, with threading headers', async () => {
    await start();
    await eventually(async () => (await fetch(`http://127.0.0.1:${service!.httpPort}/health`).then((r) => r.json())).mail[0]?.connected, 20_000, 'IMAP connected');
    await dovecot.append(
      customerEmail({
        from: 'Jonas Weber <jonas@kunde.test>', to: support(), messageId: 'bestellung-1@kunde.test',
        subject: 'Lieferung fehlt', body: 'Guten Tag, meine Bestellung ist noch nicht angekommen. Können Sie bitte nachsehen, wo das Paket ist?',
      }),
    );
    const [ack] = await sink.waitFor(1, 20_000);
    expect(ack!.envelopeTo).toEqual(['jonas@kunde.test']);
    // automatic responses go out with the null envelope sender, so bounces of them never loop (RFC 3834 section 3.3)
    expect(ack!.envelopeFrom).toBe('');
    expect(ack!.raw.toString()).toContain(`From: `);
    expect(ack!.headers.get('content-language')).toBe('de');
    expect(ack!.headers.get('auto-submitted')).toBe('auto-replied');
    expect(ack!.headers.get('in-reply-to')).toBe('<bestellung-1@kunde.test>');
    const [kase] = await db.database.db.select().from(cases);
    expect(ack!.headers.get('subject')).toContain(kase!.reference);
  });

  it('catches up on exactly the messages that arrived while the service was stopped', async () => {
    await service!.stop();
    service = undefined;
    for (const n of [1, 2, 3]) {
      await dovecot.append(customerEmail({ from: `offline${n}@customer.test`, to: support(), messageId: `offline-${n}@customer.test`, subject: `Question ${n}` }));
    }
    await start();
    const acks = await sink.waitFor(4, 30_000);
    expect(acks.slice(1).map((m) => m.envelopeTo[0]).sort()).toEqual(['offline1@customer.test', 'offline2@customer.test', 'offline3@customer.test']);
    await service!.pipeline.drain();
    await service!.outboxWorker.drain();
    expect(sink.messages).toHaveLength(4);
    expect(await db.database.db.select().from(inboundMessages)).toHaveLength(4);
  });

  it('joins the customer’s reply to the acknowledgement to the case, with no new acknowledgement', async () => {
    const ack = sink.messages[0]!;
    await dovecot.append(
      customerEmail({
        from: 'Jonas Weber <jonas@kunde.test>', to: support(), messageId: 'bestellung-2@kunde.test',
        subject: `Re: ${ack.headers.get('subject')}`, body: 'Danke! Die Bestellnummer ist 4711.',
        headers: { 'In-Reply-To': ack.messageId!, References: `<bestellung-1@kunde.test> ${ack.messageId}` },
      }),
    );
    const reply = await eventually(async () => {
      const rows = await db.database.db.select().from(inboundMessages);
      return rows.find((m) => m.messageId === 'bestellung-2@kunde.test' && m.status === 'processed');
    }, 20_000, 'the reply to be processed');
    const [first] = (await db.database.db.select().from(cases)).filter((c) => c.customerAddress === 'jonas@kunde.test');
    expect(reply.caseId).toBe(first!.id);
    expect(first!.customerMessageCount).toBe(2);
    await service!.outboxWorker.drain();
    expect(sink.messages).toHaveLength(4);
  });
});
