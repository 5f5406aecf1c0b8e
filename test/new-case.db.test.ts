// A new case and its acknowledgement are written by one statement (insertThen): a case reference already taken must
// write neither, and the retry must carry the acknowledgement rendered for the reference that was kept.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AcknowledgementFor, insertCase, planNewCase } from '../src/cases/new-case.js';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { slaTimers } from '../src/db/schema/sla.js';
import { writeTogether } from '../src/db/statement.js';
import { MailboxSettings } from '../src/mailboxes/settings.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

describe(`opening a case with its acknowledgement (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  beforeEach(() => db.reset());
  afterAll(() => db.stop());

  const q = () => db.database.db;

  async function setUp() {
    const [mailbox] = await q().insert(mailboxes).values({
      key: 'default', address: 'support@shop.test', displayName: 'Shop Support', timeZone: 'Europe/Berlin',
      businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] }, firstReplyMinutes: 240, maxAcksPerSender24h: 5,
    }).returning();
    const [message] = await q().insert(inboundMessages).values({ mailboxId: mailbox!.id, source: 'smtp', dedupeKey: 'm-1', size: 100, receivedAt: new Date(), status: 'received' }).returning();
    const settings = (await new MailboxSettings(q()).get(mailbox!.id))!;
    const plan = () => planNewCase({
      settings, customerAddress: 'lucia@cliente.test', customerName: 'Lucía', subject: 'Mi pedido no ha llegado', text: 'Mi pedido no ha llegado todavía',
      language: 'es', receivedAt: new Date(), acknowledging: true, match: null,
    });
    const acknowledgementFor = (dedupeKey: string): AcknowledgementFor => (kase) => ({
      caseId: kase.id, inboundMessageId: message!.id, kind: 'acknowledgement', messageId: `ack.${kase.reference}@shop.test`,
      fromAddress: 'support@shop.test', fromName: 'Shop Support', toAddress: 'lucia@cliente.test', subject: `[${kase.reference}] ${kase.subject}`,
      textBody: `Su referencia: ${kase.reference}`, dedupeKey,
    });
    return { mailbox: mailbox!, plan, acknowledgementFor };
  }

  it('a reference already taken writes neither; the retry writes the case and the acknowledgement rendered for its own reference', async () => {
    const { mailbox, plan, acknowledgementFor } = await setUp();
    await q().insert(cases).values({ reference: 'FR-AAAAAA', mailboxId: mailbox.id, customerAddress: 'otro@cliente.test', subject: 'x', language: 'es', firstReplyDueAt: new Date(), lastCustomerMessageAt: new Date() });
    const references = ['FR-AAAAAA', 'FR-BBBBBB'];
    const planned = plan();
    const opened = await q().transaction(async (tx) => {
      const result = await insertCase(tx, planned, acknowledgementFor('ack:1'), () => references.shift()!);
      await writeTogether(tx, planned.writes);
      return result;
    });
    expect(opened.acknowledged).toBe(true);
    expect(opened.kase).toMatchObject({ id: planned.values.id, reference: 'FR-BBBBBB', customerAddress: 'lucia@cliente.test', language: 'es' });
    expect(opened.kase.acknowledgedAt).toBeInstanceOf(Date);
    const queued = await q().select().from(outbox);
    expect(queued.map((o) => [o.caseId, o.subject, o.textBody])).toEqual([[planned.values.id, '[FR-BBBBBB] Mi pedido no ha llegado', 'Su referencia: FR-BBBBBB']]);
    expect((await q().select().from(slaTimers).where(eq(slaTimers.caseId, opened.kase.id))).length).toBeGreaterThan(0);
  });

  it('an acknowledgement already queued (the same email from another mailbox) leaves the case written and says so', async () => {
    const { plan, acknowledgementFor } = await setUp();
    const first = await q().transaction((tx) => insertCase(tx, plan(), acknowledgementFor('ack:same')));
    const second = await q().transaction((tx) => insertCase(tx, plan(), acknowledgementFor('ack:same')));
    expect([first.acknowledged, second.acknowledged]).toEqual([true, false]);
    expect((await q().select().from(cases)).map((c) => c.id).sort()).toEqual([first.kase.id, second.kase.id].sort());
    expect((await q().select().from(outbox)).map((o) => o.caseId)).toEqual([first.kase.id]);
    // without an acknowledgement: the case alone
    const quiet = await q().transaction((tx) => insertCase(tx, plan()));
    expect(quiet.acknowledged).toBeUndefined();
    expect((await q().select().from(outbox)).length).toBe(1);
  });

  it('gives up after repeated collisions, writing nothing', async () => {
    const { mailbox, plan, acknowledgementFor } = await setUp();
    await q().insert(cases).values({ reference: 'FR-AAAAAA', mailboxId: mailbox.id, customerAddress: 'otro@cliente.test', subject: 'x', language: 'es', firstReplyDueAt: new Date(), lastCustomerMessageAt: new Date() });
    await expect(q().transaction((tx) => insertCase(tx, plan(), acknowledgementFor('ack:2'), () => 'FR-AAAAAA'))).rejects.toThrow(/unique case reference/);
    expect((await q().select().from(cases)).length).toBe(1);
    expect(await q().select().from(outbox)).toEqual([]);
  });
});
