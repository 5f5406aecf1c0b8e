// Issue 19 item 7: a reopened case owes the customer a reply again. Reopening starts the next-reply timer under the
// case's SLA policy, and the inbox and case page show that deadline ("Time left" was "—").
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { slaPolicies } from '../src/db/schema/sla.js';
import { reviewQueue } from '../src/review/inbox.js';
import { caseTimers } from '../src/sla/timers.js';
import type { Service } from '../src/service.js';
import { urgencyOf } from '../src/web/pages/inbox.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';

const ANA = { id: 'ana', name: 'Ana' };

describe(`reopening a resolved case (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let service: Service;

  beforeAll(async () => {
    db = await openTestDatabase();
  });
  beforeEach(async () => {
    await service?.stop();
    await db.reset();
    await loadFixtureKb(db.database.db);
    service = await startTestService(db);
  });
  afterAll(async () => {
    await service?.stop();
    await db.stop();
  });

  it("starts the next-reply and resolution timers under the case's policy, and the inbox shows the deadline", async () => {
    // round the clock business hours, so the deadline is simply now + the policy's minutes
    await db.database.db.update(mailboxes).set({ timeZone: 'UTC', businessHours: { days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00', holidays: [] } });
    const [mailbox] = await db.database.db.select().from(mailboxes);
    await db.database.db.insert(slaPolicies).values({ mailboxId: mailbox!.id, priority: 'normal', firstReplyMinutes: 240, nextReplyMinutes: 90, resolutionMinutes: 2880, reminderBeforeMinutes: 0 });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria <maria@customer.test>', subject: 'Broken lamp', body: 'My lamp arrived broken.' }));
    const kase = await eventually(async () => (await db.database.db.select().from(cases))[0], 15_000, 'case');
    await service.review.resolve(kase.id, ANA);
    expect((await caseTimers(db.database.db, kase.id)).every((t) => t.stoppedAt !== null)).toBe(true);

    const before = Date.now();
    await service.review.reopen(kase.id, ANA);
    const running = (await caseTimers(db.database.db, kase.id)).filter((t) => t.stoppedAt === null);
    expect(running.map((t) => [t.kind, t.targetMinutes]).sort()).toEqual([['next_reply', 90], ['resolution', 2880]]);
    const next = running.find((t) => t.kind === 'next_reply')!;
    expect(next.startedAt.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(next.dueAt.getTime() - next.startedAt.getTime()).toBeGreaterThanOrEqual(89 * 60_000);
    expect(next.dueAt.getTime() - next.startedAt.getTime()).toBeLessThanOrEqual(91 * 60_000);

    const [row] = await reviewQueue(db.database.db);
    expect(row).toMatchObject({ id: kase.id, status: 'open', replyKind: 'next_reply' });
    expect(row!.replyDueAt!.getTime()).toBe(next.dueAt.getTime());
    const shown = urgencyOf(row!, new Date(next.startedAt.getTime() + 30 * 60_000));
    expect(shown).toMatchObject({ level: 'green', left: '1 h 0 min left', deadline: { kind: 'next_reply' } });

    // reopening twice starts nothing new; resolving stops the new timers
    await service.review.reopen(kase.id, ANA);
    expect((await caseTimers(db.database.db, kase.id)).filter((t) => t.stoppedAt === null)).toHaveLength(2);
    await service.review.resolve(kase.id, ANA);
    expect((await caseTimers(db.database.db, kase.id)).every((t) => t.stoppedAt !== null)).toBe(true);
    expect(urgencyOf({ ...row!, status: 'resolved', replyDueAt: null }, new Date())).toMatchObject({ left: '—', deadline: null });
    expect((await db.database.db.select().from(cases).where(eq(cases.id, kase.id)))[0]!.status).toBe('resolved');
  });
});
