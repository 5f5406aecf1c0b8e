import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { drafts } from '../src/db/schema/review.js';
import { newCaseReference } from '../src/domain/case-reference.js';
import { reviewQueue } from '../src/review/inbox.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

describe(`the inbox queue (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await openTestDatabase();
  });
  beforeEach(async () => {
    await db.reset();
  });
  afterAll(async () => {
    await db.stop();
  });

  it("shows each case's own latest draft status and confidence", async () => {
    const q = db.database.db;
    const [mailbox] = await q.insert(mailboxes).values({
      key: 'default', address: 'support@shop.test', displayName: 'Shop', timeZone: 'UTC',
      businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] }, firstReplyMinutes: 240, maxAcksPerSender24h: 5,
    }).returning();
    const at = new Date('2026-11-20T10:00:00Z');
    const open = (subject: string, minutes: number) => ({
      reference: newCaseReference(), mailboxId: mailbox!.id, customerAddress: `${minutes}@customer.test`, subject, language: 'en',
      firstReplyDueAt: new Date(at.getTime() + minutes * 60_000), lastCustomerMessageAt: at,
    });
    const [drafted, pending] = await q.insert(cases).values([open('Refund', 10), open('Parcel', 20), open('Invoice', 30)]).returning();
    await q.insert(drafts).values([
      { caseId: drafted!.id, inboundMessageId: randomUUID(), status: 'superseded', confidence: 0.2, createdAt: at },
      { caseId: drafted!.id, inboundMessageId: randomUUID(), status: 'proposed', confidence: 0.8, createdAt: new Date(at.getTime() + 1000) },
      { caseId: pending!.id, inboundMessageId: randomUUID(), status: 'pending' },
    ]);
    const rows = await reviewQueue(q);
    expect(rows.map((r) => [r.subject, r.draftStatus, r.draftConfidence])).toEqual([
      ['Refund', 'proposed', expect.closeTo(0.8, 5)],
      ['Parcel', 'pending', null],
      ['Invoice', null, null],
    ]);
  });
});
