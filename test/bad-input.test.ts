import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api, startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

function mimeBomb(parts: number): string {
  const body = Array.from({ length: parts }, (_, i) => `--b\r\nContent-Type: text/plain\r\n\r\npart ${i}\r\n`).join('');
  return customerEmail({ from: 'bomb@customer.test', headers: { 'Content-Type': 'multipart/mixed; boundary="b"' }, body: `${body}--b--` });
}

function deeplyNested(depth: number): string {
  let inner = 'Content-Type: text/plain\r\n\r\ninnermost\r\n';
  for (let i = 0; i < depth; i++) inner = `Content-Type: multipart/mixed; boundary="n${i}"\r\n\r\n--n${i}\r\n${inner}--n${i}--\r\n`;
  return `From: deep@customer.test\r\nTo: support@shop.test\r\nSubject: nested\r\nMessage-ID: <deep@customer.test>\r\nMIME-Version: 1.0\r\n${inner}`;
}

/** Hostile and oversized mail is stored and flagged, and the mail after it is handled as usual. */
describe('bad input through the SMTP listener', () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  const processed = (messageId: string) =>
    eventually(async () => {
      const [m] = await db.database.db.select().from(inboundMessages).where(eq(inboundMessages.messageId, messageId));
      return m?.status === 'processed' ? m : undefined;
    }, 60_000, `${messageId} to be processed`);

  beforeAll(async () => {
    db = await openTestDatabase('pglite');
    sink = await startSmtpSink();
    service = await startTestService(db, { SMTP_URL: sink.url, MAX_ACKS_PER_SENDER_24H: '100' });
  });
  afterAll(async () => {
    await service.stop();
    await sink.stop();
    await db.stop();
  });

  it.each([
    ['a 50 MB message', () => customerEmail({ from: 'big@customer.test', messageId: 'big@customer.test', body: 'x'.repeat(76).concat('\r\n').repeat(650_000) }), 'big@customer.test', 'too_large'],
    ['10,000 MIME parts', () => mimeBomb(10_000).replace(/Message-ID: <[^>]+>/, 'Message-ID: <bomb@customer.test>'), 'bomb@customer.test', 'too_many_parts'],
    ['a 1 MB header', () => customerEmail({ from: 'header@customer.test', messageId: 'header@customer.test', headers: { 'X-Junk': 'a'.repeat(1024 * 1024) } }), 'header@customer.test', 'header_too_long'],
  ])('keeps %s, flags it, and acknowledges the next message as usual', async (_label, build, messageId, flag) => {
    const raw = build();
    await sendRaw(service.smtpPort!, raw, { from: 'x@customer.test', to: ['support@shop.test'] });
    const [stored] = await db.database.db.select().from(inboundMessages).where(eq(inboundMessages.dedupeKey, `mid:${messageId}`));
    expect(stored!.size).toBe(Buffer.byteLength(raw));
    const kept = Buffer.from(await (await api(service, `/api/messages/${stored!.id}/raw`)).arrayBuffer());
    expect(kept.equals(Buffer.from(raw))).toBe(true);
    await eventually(async () => {
      const [m] = await db.database.db.select().from(inboundMessages).where(eq(inboundMessages.id, stored!.id));
      return m?.status === 'processed' && m.flags.includes(flag);
    }, 60_000, `${messageId} flagged ${flag}`);
    const [flagged] = await db.database.db.select().from(caseEvents).where(eq(caseEvents.inboundMessageId, stored!.id));
    expect(flagged).toBeDefined();
    const next = `next-after-${messageId}`;
    await sendRaw(service.smtpPort!, customerEmail({ from: 'calm@customer.test', messageId: next, subject: `after ${flag}` }));
    await processed(next);
    const health = await fetch(`http://127.0.0.1:${service.httpPort}/health`);
    expect(health.status).toBe(200);
  });

  it('parses deep MIME nesting without crashing', async () => {
    await sendRaw(service.smtpPort!, deeplyNested(150));
    const m = await processed('deep@customer.test');
    expect(m.size).toBeGreaterThan(0);
  });

  it('keeps CR/LF injected through an encoded subject out of the acknowledgement headers', async () => {
    const injected = `=?utf-8?B?${Buffer.from('Hello\r\nBcc: victim@evil.test\r\nX-Evil: 1').toString('base64')}?=`;
    await sendRaw(service.smtpPort!, customerEmail({ from: 'inject@customer.test', subject: injected, messageId: 'inject@customer.test' }));
    const ack = await eventually(() => sink.messages.find((m) => m.envelopeTo[0] === 'inject@customer.test'), 20_000, 'the acknowledgement');
    // DMARC did not prove this sender (the tests' DNS zone is empty), so the subject is not echoed (issue 17, item 1);
    // either way no header line may come from the customer's CR/LF
    expect(String(ack.headers.get('subject'))).not.toMatch(/[\r\n]|Bcc|X-Evil/i);
    expect(ack.headers.has('bcc')).toBe(false);
    expect(ack.headers.has('x-evil')).toBe(false);
  });
});
