// One customer email addressed to two of our mailboxes (To: support@, Cc: help@) arrives twice: through the SMTP
// listener into mailbox 1 and over IMAP into mailbox 2. Each mailbox keeps its copy and opens its own case (two teams
// may both need to see it), but the customer wrote once and hears from us once; the other copy records why not.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caseEvents, cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTwoMailboxes, type TwoMailboxes } from './support/two-mailboxes.js';

const CUSTOMER = 'noor.haddad@customer.test';

describe(`the same email in two mailboxes (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TwoMailboxes;
  const q = () => t.db.database.db;

  beforeAll(async () => {
    t = await startTwoMailboxes();
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('stores both copies and opens a case in each mailbox, but acknowledges once and records why the other was not', async () => {
    const [box1, box2] = await q().select().from(mailboxes).orderBy(mailboxes.id);
    const raw = customerEmail({
      from: `Noor Haddad <${CUSTOMER}>`, to: 'support@shop.test', subject: 'Invoice 2291 charged twice',
      body: 'Hello, my card was charged twice for invoice 2291. Please refund one of the payments.',
      headers: { Cc: 'help@partner.test' },
    });
    await sendRaw(t.service.smtpPort!, raw, { from: CUSTOMER, to: ['support@shop.test'] });
    await t.dovecot.append(raw);

    const both = await eventually(async () => {
      const rows = await q().select().from(cases).where(eq(cases.customerAddress, CUSTOMER)).orderBy(cases.mailboxId);
      const processed = await q().select().from(inboundMessages).where(and(eq(inboundMessages.fromAddress, CUSTOMER), eq(inboundMessages.status, 'processed')));
      return rows.length === 2 && processed.length === 2 ? rows : undefined;
    }, 30_000, 'a processed copy and a case in each mailbox');
    expect(both.map((c) => c.mailboxId)).toEqual([box1!.id, box2!.id]);

    const acks = await q().select().from(outbox).where(and(eq(outbox.kind, 'acknowledgement'), eq(outbox.toAddress, CUSTOMER)));
    expect(acks).toHaveLength(1);
    const acknowledgedCase = both.find((c) => c.id === acks[0]!.caseId)!;
    const otherCase = both.find((c) => c.id !== acks[0]!.caseId)!;
    expect(acknowledgedCase.acknowledgedAt).not.toBeNull();
    expect(otherCase.acknowledgedAt).toBeNull();

    const suppressed = await q().select().from(caseEvents)
      .where(and(eq(caseEvents.caseId, otherCase.id), eq(caseEvents.type, 'acknowledgement_suppressed')));
    expect(suppressed).toHaveLength(1);
    expect(JSON.stringify(suppressed[0]!.detail)).toContain('acknowledged_in_other_mailbox');

    await eventually(() => t.sink.messages.filter((m) => m.envelopeTo.includes(CUSTOMER)).length === 1 || undefined, 20_000, 'the acknowledgement delivered');
    // Give a second acknowledgement every chance to show up before asserting there is none.
    await t.service.pipeline.drain();
    await new Promise((r) => setTimeout(r, 1500));
    expect(t.sink.messages.filter((m) => m.envelopeTo.includes(CUSTOMER))).toHaveLength(1);
  });
});
