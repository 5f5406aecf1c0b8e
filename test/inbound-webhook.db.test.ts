import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail } from './support/mail.js';
import { startTestService, TEST_INBOUND_TOKEN } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

describe(`POST /api/inbound/raw (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  const post = (body: string | Buffer, token: string | null = TEST_INBOUND_TOKEN, query = '') =>
    fetch(`http://127.0.0.1:${service.httpPort}/api/inbound/raw${query}`, {
      method: 'POST',
      headers: { 'content-type': 'message/rfc822', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: typeof body === 'string' ? body : new Uint8Array(body),
    });

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
    service = await startTestService(db, { SMTP_URL: sink.url, MAX_MESSAGE_BYTES: '200000' });
  });
  afterAll(async () => {
    await service.stop();
    await sink.stop();
    await db.stop();
  });

  it.each([
    ['no token', null],
    ['a wrong token', 'wrong-token-wrong-token-wrong'],
  ])('refuses a request with %s (401) and stores nothing', async (_label, token) => {
    const res = await post(customerEmail(), token);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe('unauthorized');
    expect(await db.database.db.select().from(inboundMessages)).toHaveLength(0);
  });

  it('stores a message (202 with its id), acknowledges it once, and treats a retried delivery as a duplicate', async () => {
    const raw = customerEmail({ from: 'Jean Dupont <jean@client.test>', subject: 'Ma commande', body: 'Bonjour, ma commande n’est toujours pas arrivée. Pouvez-vous vérifier où elle en est ?' });
    const first = await post(raw);
    expect(first.status).toBe(202);
    const body = await first.json();
    expect(body).toMatchObject({ duplicate: false, id: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    const [ack] = await sink.waitFor(1);
    expect(ack!.headers.get('content-language')).toBe('fr');
    const again = await post(raw);
    expect(await again.json()).toEqual({ id: body.id, duplicate: true });
    await service.pipeline.drain();
    await service.outboxWorker.drain();
    expect(sink.messages).toHaveLength(1);
    expect(await db.database.db.select().from(cases)).toHaveLength(1);
  });

  it('answers 413 for a message over the size limit and 404 for an unknown mailbox', async () => {
    expect((await post(Buffer.alloc(300_000, 'a'))).status).toBe(413);
    const res = await post(customerEmail(), TEST_INBOUND_TOKEN, '?mailbox=nope');
    expect(res.status).toBe(404);
    expect((await res.json()).error.requestId).toBeTruthy();
  });
});

describe('POST /api/inbound/raw without INBOUND_TOKEN', () => {
  it('is off (404), never open', async () => {
    const db = await openTestDatabase('pglite');
    const service = await startTestService(db, { INBOUND_TOKEN: '' });
    try {
      const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/inbound/raw`, { method: 'POST', body: customerEmail() });
      expect(res.status).toBe(404);
    } finally {
      await service.stop();
      await db.stop();
    }
  });
});
