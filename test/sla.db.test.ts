import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { caseEvents, cases, type Case } from '../src/db/schema/cases.js';
import { mailboxes, type Mailbox } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { outbox } from '../src/db/schema/outbox.js';
import { slaPolicies, slaTimers } from '../src/db/schema/sla.js';
import { users } from '../src/db/schema/users.js';
import { newCaseReference } from '../src/domain/case-reference.js';
import { mailboxHours } from '../src/domain/sla-policy.js';
import { createLogger } from '../src/logger.js';
import { createMetrics } from '../src/metrics.js';
import { OutboxWorker } from '../src/mail/outbox-worker.js';
import { smtpSender } from '../src/mail/senders.js';
import {
  caseTimers, loadPolicy, newCaseTimerRows, onAgentReplied, onCustomerMessage, onPriorityChanged, onStatusChanged,
} from '../src/sla/timers.js';
import { SlaWorker, type SlaQueued } from '../src/sla/worker.js';
import { TestClock } from './support/clock.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/mail.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

// Berlin in November is UTC+1. Business hours 09:00-18:00, Monday to Friday.
const FRIDAY_16 = '2026-11-20T15:00:00.000Z';
const MONDAY_09 = '2026-11-23T08:00:00.000Z';
const MONDAY_REMIND = '2026-11-23T09:12:00.000Z'; // 10:12 Berlin: 48 business minutes (20%) before the deadline
const MONDAY_11 = '2026-11-23T10:00:00.000Z'; // Friday 16:00 + 4 business hours
const TUESDAY_18 = '2026-11-24T17:00:00.000Z'; // + 20 business hours: the resolution deadline
const log = createLogger('silent');

describe(`SLA timers and worker (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let queued: SlaQueued[];
  let running: SlaWorker[];

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
  });
  beforeEach(async () => {
    await Promise.all(running?.map((w) => w.stop()) ?? []);
    running = [];
    queued = [];
    sink.messages.length = 0;
    await db.reset();
  });
  afterAll(async () => {
    await Promise.all(running.map((w) => w.stop()));
    await sink.stop();
    await db.stop();
  });

  const q = () => db.database.db;

  async function createMailbox(holidays: string[] = []): Promise<Mailbox> {
    const [mailbox] = await q().insert(mailboxes).values({
      key: 'default', address: 'support@shop.test', displayName: 'Shop Support', timeZone: 'Europe/Berlin',
      businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays },
      firstReplyMinutes: 240, maxAcksPerSender24h: 5,
    }).returning();
    return mailbox!;
  }

  async function createUser(email = 'ana@shop.test'): Promise<string> {
    const [user] = await q().insert(users).values({ email, name: 'Ana Agent', role: 'agent', passwordHash: 'x' }).returning();
    return user!.id;
  }

  /** A case opened at `openedAt` with its customer's message and its timers, as the pipeline would leave it. */
  async function openCase(mailbox: Mailbox, openedAt: string, over: Partial<typeof cases.$inferInsert> = {}) {
    const at = new Date(openedAt);
    return q().transaction(async (tx) => {
      const [kase] = await tx.insert(cases).values({
        reference: newCaseReference(), mailboxId: mailbox.id, customerAddress: 'lucia@cliente.test', customerName: 'Lucía García',
        subject: 'Mi pedido no ha llegado', language: 'es', firstReplyDueAt: at, lastCustomerMessageAt: at, acknowledgedAt: at,
        ...over,
      }).returning();
      await tx.insert(inboundMessages).values({
        mailboxId: mailbox.id, source: 'smtp', dedupeKey: `m-${kase!.id}`, size: 100, receivedAt: at, status: 'processed',
        caseId: kase!.id, messageId: `pedido-${kase!.reference}@cliente.test`, references: ['earlier@cliente.test'],
        fromAddress: 'lucia@cliente.test', subject: 'Mi pedido no ha llegado',
      });
      // the timers a new case gets, under the policy of its priority (the pipeline writes them with the case: planNewCase)
      const timers = newCaseTimerRows(kase!.id, await loadPolicy(tx, mailbox, kase!.priority), mailboxHours(mailbox), at);
      await tx.insert(slaTimers).values(timers);
      const due = timers[0]!.dueAt;
      await tx.update(cases).set({ firstReplyDueAt: due }).where(eq(cases.id, kase!.id));
      return { kase: { ...kase!, firstReplyDueAt: due } as Case, due };
    });
  }

  function worker(clock: TestClock, extra: Partial<ConstructorParameters<typeof SlaWorker>[0]> = {}): SlaWorker {
    const w = new SlaWorker({
      db: q(), log, messageIdDomain: 'firstreply.test', appUrl: 'https://support.shop.test', now: clock.now, pollMs: 20,
      teamAddress: (_mailbox, team) => (team ? `${team}@shop.test` : null),
      onQueued: (item) => queued.push(item),
      ...extra,
    });
    running.push(w);
    return w;
  }

  const rows = (kind: 'update' | 'notification') => q().select().from(outbox).where(eq(outbox.kind, kind)).orderBy(asc(outbox.createdAt));
  const escalations = (caseId: string) => q().select().from(caseEvents).where(and(eq(caseEvents.caseId, caseId), eq(caseEvents.type, 'escalated')));
  const reload = async (id: string) => (await q().select().from(cases).where(eq(cases.id, id)))[0]!;

  it('promises the same deadline the timer enforces and reminds the assignee once, 20% before it', async () => {
    const mailbox = await createMailbox();
    const assignee = await createUser();
    const { kase, due } = await openCase(mailbox, FRIDAY_16, { assigneeId: assignee, assigneeName: 'Ana Agent' });
    expect(due.toISOString()).toBe(MONDAY_11);
    expect((await reload(kase.id)).firstReplyDueAt.toISOString()).toBe(MONDAY_11);
    const timers = await caseTimers(q(), kase.id);
    expect(timers.map((t) => [t.kind, t.dueAt.toISOString(), t.remindAt?.toISOString()])).toEqual([
      ['first_reply', MONDAY_11, MONDAY_REMIND],
      ['resolution', TUESDAY_18, '2026-11-24T16:12:00.000Z'],
    ]);

    const clock = new TestClock('2026-11-20T16:59:00Z'); // Friday 17:59: still long before the reminder
    const w = worker(clock);
    expect(await w.drain()).toMatchObject({ reminders: 0, breaches: 0 });
    clock.set('2026-11-23T09:11:59Z');
    expect(await w.drain()).toMatchObject({ reminders: 0, breaches: 0 });
    clock.set(MONDAY_REMIND);
    expect(await w.drain()).toMatchObject({ reminders: 1, breaches: 0 });
    clock.advanceMinutes(5);
    expect(await w.drain()).toMatchObject({ reminders: 0, breaches: 0 });

    const [reminder, ...more] = await rows('notification');
    expect(more).toHaveLength(0);
    expect(reminder).toMatchObject({
      toAddress: 'ana@shop.test', caseId: kase.id, dedupeKey: `sla-reminder:${timers[0]!.id}`,
      subject: `Reminder: case ${kase.reference} first reply due at 11:00`,
    });
    expect(reminder!.headers['Auto-Submitted']).toBe('auto-generated');
    expect(reminder!.textBody).not.toContain('lucia@cliente.test'); // staff mail carries no customer data
    expect(queued).toEqual([{ kind: 'notification', caseId: kase.id, outboxId: reminder!.id }]);
    const [first] = await caseTimers(q(), kase.id);
    expect(first!.remindedAt?.toISOString()).toBe(MONDAY_REMIND);
    expect(await rows('update')).toHaveLength(0);
  });

  it('moves the deadline and the reminder past a holiday, and falls back to the team address', async () => {
    const mailbox = await createMailbox(['2026-11-23']); // Monday off
    const { kase, due } = await openCase(mailbox, FRIDAY_16, { team: 'billing' });
    const { kase: orphan } = await openCase(mailbox, FRIDAY_16); // no assignee, no team: nobody to remind
    expect(due.toISOString()).toBe('2026-11-24T10:00:00.000Z'); // Tuesday 11:00
    const clock = new TestClock(MONDAY_REMIND);
    const w = worker(clock);
    expect(await w.drain()).toMatchObject({ reminders: 0 });
    clock.set('2026-11-24T09:12:00Z');
    expect(await w.drain()).toMatchObject({ reminders: 2 });
    const notes = await rows('notification');
    expect(notes.map((n) => [n.caseId, n.toAddress])).toEqual([[kase.id, 'billing@shop.test']]);
    const [orphanFirst] = await caseTimers(q(), orphan.id);
    expect(orphanFirst!.remindedAt).not.toBeNull(); // handled, nobody to tell: not retried forever
  });

  it('a disabled assignee is not reminded; the team is', async () => {
    const mailbox = await createMailbox();
    const assignee = await createUser();
    await q().update(users).set({ disabledAt: new Date() }).where(eq(users.id, assignee));
    await openCase(mailbox, FRIDAY_16, { assigneeId: assignee, team: 'support' });
    await openCase(mailbox, FRIDAY_16, { assigneeId: 'token:deploy-bot', team: null }); // not a user id: no crash, nobody
    await worker(new TestClock(MONDAY_REMIND)).drain();
    expect((await rows('notification')).map((n) => n.toAddress)).toEqual(['support@shop.test']);
  });

  it('at the breach: one threaded update in the customer language and one escalation, delivered once', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16);
    const clock = new TestClock('2026-11-23T09:59:59Z');
    const w = worker(clock);
    expect(await w.drain()).toMatchObject({ breaches: 0, reminders: 1 });
    clock.set(MONDAY_11);
    expect(await w.drain()).toMatchObject({ breaches: 1, updates: 1 });
    for (const later of ['2026-11-23T10:01:00Z', '2026-11-23T16:00:00Z']) {
      clock.set(later);
      expect(await w.drain()).toMatchObject({ breaches: 0, reminders: 0, updates: 0 });
    }

    const after = await reload(kase.id);
    expect(after.status).toBe('escalated');
    expect(after.escalationReasons).toHaveLength(1);
    expect(after.escalationReasons[0]).toMatchObject({ code: 'sla_breach', at: MONDAY_11 });
    expect(after.escalationReasons[0]!.detail).toContain('first reply');
    const events = await escalations(kase.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.detail).toMatchObject({ reasons: [{ code: 'sla_breach', timer: 'first_reply' }], customerUpdate: 'queued' });

    const [update, ...more] = await rows('update');
    expect(more).toHaveLength(0);
    const [first] = await caseTimers(q(), kase.id);
    expect(update).toMatchObject({
      caseId: kase.id, toAddress: 'lucia@cliente.test', fromAddress: 'support@shop.test', dedupeKey: `sla-update:${first!.id}`,
      subject: `Re: Mi pedido no ha llegado [${kase.reference}]`,
    });
    expect(update!.headers).toMatchObject({
      'Auto-Submitted': 'auto-replied', 'Content-Language': 'es',
      'In-Reply-To': `<pedido-${kase.reference}@cliente.test>`,
      References: `<earlier@cliente.test> <pedido-${kase.reference}@cliente.test>`,
    });
    expect(update!.textBody).toContain('Todavía no hemos respondido');
    expect(update!.textBody).toContain(kase.reference);
    expect(update!.textBody).toContain('Lucía García');
    // the new expected time: the next-reply target (4 business hours) from the breach, Monday 15:00 Berlin
    expect(update!.textBody).toMatch(/23 de noviembre de 2026.*15:00/);

    // The outbox worker delivers it like any other mail.
    const sender = smtpSender(sink.url);
    try {
      const outboxWorker = new OutboxWorker({ db: q(), sender, log, metrics: createMetrics(), maxAttempts: 3, retryBaseMs: 100, leaseSeconds: 60 });
      await outboxWorker.drain();
      const mails = await sink.waitFor(1);
      const mail = mails.find((m) => m.envelopeTo.includes('lucia@cliente.test'))!;
      expect(mail.headers.get('in-reply-to')).toBe(`<pedido-${kase.reference}@cliente.test>`);
      expect(mail.headers.get('auto-submitted')).toBe('auto-replied');
    } finally {
      sender.close();
    }

    // The resolution deadline escalates again, but the customer gets no second update.
    clock.set(TUESDAY_18);
    expect(await w.drain()).toMatchObject({ breaches: 1, updates: 0 });
    expect((await reload(kase.id)).escalationReasons.map((r) => r.code)).toEqual(['sla_breach', 'sla_breach']);
    expect(await rows('update')).toHaveLength(1);
    expect(await escalations(kase.id)).toHaveLength(2);
  });

  it('no update to a customer who was never acknowledged, but the case is still escalated', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16, { acknowledgedAt: null });
    expect(await worker(new TestClock(MONDAY_11)).drain()).toMatchObject({ breaches: 1, updates: 0 });
    expect(await rows('update')).toHaveLength(0);
    expect((await reload(kase.id)).status).toBe('escalated');
    expect((await escalations(kase.id))[0]!.detail).toMatchObject({ customerUpdate: 'not_acknowledged' });
  });

  it('survives a restart: nothing is repeated and pending timers still fire', async () => {
    const mailbox = await createMailbox();
    const assignee = await createUser();
    const { kase: early } = await openCase(mailbox, '2026-11-20T09:00:00Z', { assigneeId: assignee }); // Friday 10:00 → due 14:00
    const { kase: late } = await openCase(mailbox, FRIDAY_16, { assigneeId: assignee }); // due Monday 11:00
    const clock = new TestClock('2026-11-20T13:00:00Z'); // Friday 14:00 Berlin
    const before = worker(clock);
    expect(await before.drain()).toMatchObject({ breaches: 1, reminders: 0 });
    clock.set(MONDAY_REMIND);
    expect(await before.drain()).toMatchObject({ breaches: 0, reminders: 1 });
    await before.stop();

    // A new process on the same database, polling on its own: same instant first, then past the deadline.
    const after = worker(clock);
    expect(await after.drain()).toMatchObject({ breaches: 0, reminders: 0, updates: 0 });
    clock.set(MONDAY_11);
    after.start();
    await eventually(async () => (await escalations(late.id)).length === 1, 10_000, 'the pending timer firing after the restart');
    await after.stop();
    expect(await escalations(early.id)).toHaveLength(1);
    expect((await rows('update')).map((r) => r.caseId).sort()).toEqual([early.id, late.id].sort());
    expect(await rows('notification')).toHaveLength(1); // the early case was past both points: escalated, not reminded
  });

  it('waiting on the customer pauses the clock; resuming extends the deadline by the paused business time', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16);
    const clock = new TestClock('2026-11-23T08:30:00Z'); // Monday 09:30: 150 of 240 minutes used
    const w = worker(clock);
    await q().transaction((tx) => onStatusChanged(tx, kase, mailbox, 'waiting', clock.now()));
    const [paused] = await caseTimers(q(), kase.id);
    expect(paused!.pausedAt?.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(paused!.remainingBusinessMinutes).toBe(90);

    clock.set('2026-11-23T12:00:00Z'); // long past the original deadline: nothing fires while waiting
    expect(await w.drain()).toMatchObject({ breaches: 0, reminders: 0 });

    clock.set('2026-11-23T13:00:00Z'); // Monday 14:00: 270 business minutes later the customer answers
    await q().transaction((tx) => onCustomerMessage(tx, kase, mailbox, clock.now()));
    const [resumed] = await caseTimers(q(), kase.id);
    expect(resumed!.pausedAt).toBeNull();
    expect(resumed!.dueAt.toISOString()).toBe('2026-11-23T14:30:00.000Z'); // 11:00 + 4.5 h = 15:30 Berlin
    expect(resumed!.pausedBusinessMinutes).toBe(270);
    expect((await reload(kase.id)).firstReplyDueAt.toISOString()).toBe('2026-11-23T14:30:00.000Z');
    // the first reply is still owed, so no next-reply timer was started
    expect((await caseTimers(q(), kase.id)).map((t) => t.kind)).toEqual(['first_reply', 'resolution']);

    clock.set('2026-11-23T14:29:00Z');
    expect(await w.drain()).toMatchObject({ breaches: 0 });
    clock.set('2026-11-23T14:30:00Z');
    expect(await w.drain()).toMatchObject({ breaches: 1, updates: 1 });
  });

  it('resuming through a status change works the same way (waiting → open)', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16);
    await q().transaction((tx) => onStatusChanged(tx, kase, mailbox, 'waiting', new Date('2026-11-20T16:00:00Z'))); // Fri 17:00
    await q().transaction((tx) => onStatusChanged(tx, kase, mailbox, 'open', new Date('2026-11-24T08:00:00Z'))); // Tue 09:00
    const [first, resolution] = await caseTimers(q(), kase.id);
    expect(first!.dueAt.toISOString()).toBe('2026-11-24T11:00:00.000Z'); // 180 left from Tue 09:00 → 12:00 Berlin
    expect(resolution!.pausedAt).toBeNull();
  });

  it('resolution stops everything', async () => {
    const mailbox = await createMailbox();
    const assignee = await createUser();
    const { kase } = await openCase(mailbox, FRIDAY_16, { assigneeId: assignee });
    await q().transaction((tx) => onStatusChanged(tx, kase, mailbox, 'resolved', new Date(MONDAY_09)));
    expect((await caseTimers(q(), kase.id)).every((t) => t.stoppedAt !== null)).toBe(true);
    expect(await worker(new TestClock('2026-12-31T12:00:00Z')).drain()).toMatchObject({ breaches: 0, reminders: 0 });
    expect(await rows('notification')).toHaveLength(0);
    expect(await rows('update')).toHaveLength(0);
    expect(await escalations(kase.id)).toHaveLength(0);
  });

  it('a resolved case whose timers were not stopped is not escalated', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16);
    await q().update(cases).set({ status: 'resolved' }).where(eq(cases.id, kase.id));
    expect(await worker(new TestClock('2026-12-31T12:00:00Z')).drain()).toMatchObject({ breaches: 0, reminders: 0 });
    expect(await escalations(kase.id)).toHaveLength(0);
    expect((await caseTimers(q(), kase.id)).every((t) => t.stoppedAt !== null)).toBe(true);
  });

  it('an agent reply stops the reply clock; the customer writing again starts the next-reply clock', async () => {
    const mailbox = await createMailbox();
    const { kase } = await openCase(mailbox, FRIDAY_16);
    await q().transaction((tx) => onAgentReplied(tx, kase.id, new Date(MONDAY_09)));
    const clock = new TestClock(MONDAY_11);
    const w = worker(clock);
    expect(await w.drain()).toMatchObject({ breaches: 0 });

    await q().transaction((tx) => onCustomerMessage(tx, kase, mailbox, new Date('2026-11-23T11:00:00Z'))); // Monday 12:00
    const next = (await caseTimers(q(), kase.id)).find((t) => t.kind === 'next_reply' && t.stoppedAt === null)!;
    expect(next.dueAt.toISOString()).toBe('2026-11-23T15:00:00.000Z'); // + 240 → 16:00 Berlin
    clock.set('2026-11-23T15:00:00Z');
    expect(await w.drain()).toMatchObject({ breaches: 1, updates: 1 });
    const [update] = await rows('update');
    expect(update!.dedupeKey).toBe(`sla-update:${next.id}`);
    // a second customer message while the next reply is owed starts nothing new
    await q().transaction((tx) => onCustomerMessage(tx, kase, mailbox, new Date('2026-11-23T16:00:00Z')));
    expect((await caseTimers(q(), kase.id)).filter((t) => t.kind === 'next_reply')).toHaveLength(1);
  });

  it('a priority change recomputes the deadlines from the start; policies per mailbox and priority apply', async () => {
    const mailbox = await createMailbox();
    await q().insert(slaPolicies).values({
      mailboxId: mailbox.id, priority: 'urgent', firstReplyMinutes: 30, nextReplyMinutes: 30, resolutionMinutes: 240, reminderBeforeMinutes: 10,
    });
    const { kase } = await openCase(mailbox, MONDAY_09);
    expect((await caseTimers(q(), kase.id))[0]!.dueAt.toISOString()).toBe('2026-11-23T12:00:00.000Z'); // normal: derived, 4 h
    const [urgent] = await q().update(cases).set({ priority: 'urgent' }).where(eq(cases.id, kase.id)).returning();
    await q().transaction((tx) => onPriorityChanged(tx, urgent!, mailbox, new Date('2026-11-23T08:10:00Z')));
    const [first, resolution] = await caseTimers(q(), kase.id);
    expect(first!.dueAt.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(first!.remindAt?.toISOString()).toBe('2026-11-23T08:20:00.000Z');
    expect(resolution!.dueAt.toISOString()).toBe('2026-11-23T12:00:00.000Z');
    expect((await reload(kase.id)).firstReplyDueAt.toISOString()).toBe('2026-11-23T08:30:00.000Z');
    expect(await worker(new TestClock('2026-11-23T08:30:00Z')).drain()).toMatchObject({ breaches: 1 });

    // a case opened as urgent uses the policy row from the start
    const { due } = await openCase(mailbox, MONDAY_09, { priority: 'urgent' });
    expect(due.toISOString()).toBe('2026-11-23T08:30:00.000Z');
  });

  it('two workers racing: each breach escalates once and sends one update', async () => {
    const mailbox = await createMailbox();
    const assignee = await createUser();
    const opened = [];
    for (let i = 0; i < 4; i++) opened.push((await openCase(mailbox, FRIDAY_16, { assigneeId: assignee })).kase);
    const clock = new TestClock(MONDAY_REMIND);
    const [a, b] = [worker(clock), worker(clock)];
    const reminders = await Promise.all([a.drain(), b.drain()]);
    expect(reminders[0].reminders + reminders[1].reminders).toBe(4);
    clock.set(MONDAY_11);
    const results = await Promise.all([a.drain(), b.drain(), a.drain(), b.drain()]);
    expect(results.reduce((n, r) => n + r.breaches, 0)).toBe(4);
    expect(results.reduce((n, r) => n + r.updates, 0)).toBe(4);

    const updates = await rows('update');
    expect(updates.map((u) => u.caseId).sort()).toEqual(opened.map((k) => k.id).sort());
    expect(await rows('notification')).toHaveLength(4);
    for (const kase of opened) {
      expect(await escalations(kase.id)).toHaveLength(1);
      expect((await reload(kase.id)).escalationReasons).toHaveLength(1);
    }
    const breached = await q().select().from(slaTimers).where(eq(slaTimers.kind, 'first_reply'));
    expect(breached.every((t) => t.breachedAt?.toISOString() === MONDAY_11)).toBe(true);
  });
});
