// Issue 19 item 14: the same customer asks the same thing again and a second case opens. The first case lists the
// second as the same question; merging moves messages, notes and the reply deadline still owed into the first, marks
// the second merged with an audit row on each, mails nothing, and a later reply on the merged case's thread lands in
// the remaining case without a second acknowledgement.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customerContext } from '../src/cases/customer-cases.js';
import { mergeCase } from '../src/review/merge-cases.js';
import { caseEvents, cases, type Case } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { caseNotes } from '../src/db/schema/notes.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog, drafts } from '../src/db/schema/review.js';
import { slaPolicies, slaTimers } from '../src/db/schema/sla.js';
import { AppError } from '../src/errors.js';
import { addCaseNote } from '../src/review/notes.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api, startTestService } from './support/service.js';

const ANA = { id: 'ana', name: 'Ana' };
const FIRST = { subject: 'Lamp not delivered', body: 'Where is my order? I ordered a blue lamp last week and it has not arrived.' };
const AGAIN = { subject: 'Still no lamp', body: 'My order has not arrived yet. I ordered a blue lamp last week, where is it?' };

describe(`merging a case into another (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let service: Service;
  const q = () => db.database.db;
  const caseBySubject = (subject: string) => eventually(async () => (await q().select().from(cases).where(eq(cases.subject, subject)))[0], 20_000, `case ${subject}`);
  const acknowledgements = async () => (await q().select().from(outbox).where(eq(outbox.kind, 'acknowledgement')).orderBy(asc(outbox.createdAt)));
  const activeTimers = (caseId: string) => q().select().from(slaTimers).where(and(eq(slaTimers.caseId, caseId), isNull(slaTimers.stoppedAt))).orderBy(asc(slaTimers.kind));
  const refused = (p: Promise<unknown>) => p.then(() => null, (e: unknown) => (e instanceof AppError ? `${e.code}: ${e.message}` : String(e)));

  beforeAll(async () => {
    db = await openTestDatabase();
    await loadFixtureKb(q());
    service = await startTestService(db);
    // round the clock business hours: deadlines are simply start + the policy's minutes
    await q().update(mailboxes).set({ timeZone: 'UTC', businessHours: { days: [1, 2, 3, 4, 5, 6, 7], open: '00:00', close: '24:00', holidays: [] } });
    const [mailbox] = await q().select().from(mailboxes);
    await q().insert(slaPolicies).values({ mailboxId: mailbox!.id, priority: 'normal', firstReplyMinutes: 240, nextReplyMinutes: 90, resolutionMinutes: 2880, reminderBeforeMinutes: 0 });
  });
  afterAll(async () => {
    await service?.stop();
    await db?.stop();
  });

  let first: Case;
  let again: Case;

  it('offers the second case as the same question, and lists the customer’s other cases', async () => {
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria Lopez <maria@customer.test>', ...FIRST }));
    first = await caseBySubject(FIRST.subject);
    // the first case was answered: it waits on the customer, its reply deadline met
    await service.review.claim(first.id, ANA);
    await eventually(async () => (await q().select().from(drafts).where(eq(drafts.caseId, first.id))).find((d) => d.status === 'proposed'), 20_000, 'draft');
    await service.review.approve(first.id, ANA);
    // she writes again, from her plus-address, as a new email
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria Lopez <Maria+orders@customer.test>', ...AGAIN }), { from: 'maria+orders@customer.test', to: ['support@shop.test'] });
    again = await caseBySubject(AGAIN.subject);
    await eventually(async () => (await acknowledgements()).length === 2, 20_000, 'two acknowledgements');
    // and once about something else
    await sendRaw(service.smtpPort!, customerEmail({ from: 'maria@customer.test', subject: 'Gift wrapping', body: 'Do you offer gift wrapping for birthday presents?' }));
    const other = await caseBySubject('Gift wrapping');
    await addCaseNote(q(), again.id, ANA, { body: 'She phoned about this one too.' });

    const context = await customerContext(q(), (await q().select().from(cases).where(eq(cases.id, first.id)))[0]!);
    expect(context.others.map((o) => o.reference).sort()).toEqual([again.reference, other.reference].sort());
    expect(context.others.find((o) => o.id === other.id)!.sameQuestion).toBeNull();
    expect(context.suggestions).toHaveLength(1);
    expect(context.suggestions[0]).toMatchObject({ source: { id: again.id }, target: { id: first.id } });
    expect(context.suggestions[0]!.reason).toMatch(/^opened within the hour, and (both questions were matched first to the article “.+”|the two questions are \d+% alike in their words)$/);
    // the newer case's page makes the same offer
    expect((await customerContext(q(), again)).suggestions[0]).toMatchObject({ source: { id: again.id }, target: { id: first.id } });
  });

  it('refuses merging into itself, across customers, and a case held by another agent', async () => {
    const other = await caseBySubject('Gift wrapping');
    expect(await refused(mergeCase(q(), { source: again.id, into: again.reference }, ANA))).toBe('bad_request: A case cannot be merged into itself.');
    await sendRaw(service.smtpPort!, customerEmail({ from: 'ben@other.test', subject: 'Lamp not delivered either' }), { from: 'ben@other.test', to: ['support@shop.test'] });
    const ben = await caseBySubject('Lamp not delivered either');
    expect(await refused(mergeCase(q(), { source: ben.id, into: first.reference }, ANA))).toMatch(/^bad_request: The cases belong to different customers/);
    await service.review.claim(other.id, { id: 'bo', name: 'Bo' });
    expect(await refused(mergeCase(q(), { source: other.id, into: first.reference }, ANA))).toMatch(/^conflict: Bo is working on this case/);
    expect(await refused(mergeCase(q(), { source: again.id, into: 'FR-000000' }, ANA))).toBe('not_found: no case FR-000000');
  });

  it('moves messages, notes and the reply deadline still owed; marks the source merged; audits both; mails nothing', async () => {
    const before = { outbox: (await q().select().from(outbox)).length, firstTimers: await activeTimers(first.id), againTimers: await activeTimers(again.id) };
    expect(before.firstTimers.map((t) => [t.kind, t.pausedAt !== null])).toEqual([['resolution', true]]);
    const owed = before.againTimers.find((t) => t.kind === 'first_reply')!;
    expect(first.status).toBe('open');

    const result = await mergeCase(q(), { source: again.id, into: first.reference }, ANA);
    expect(result).toMatchObject({ messages: 1, source: { status: 'merged', mergedIntoId: first.id }, target: { id: first.id, status: 'open', customerMessageCount: 2 } });

    const messages = await q().select().from(inboundMessages).where(inArray(inboundMessages.subject, [FIRST.subject, AGAIN.subject])).orderBy(asc(inboundMessages.receivedAt));
    expect(messages.map((m) => m.caseId)).toEqual([first.id, first.id]);
    expect((await q().select().from(caseNotes).where(eq(caseNotes.caseId, first.id))).map((n) => n.body)).toEqual(['She phoned about this one too.']);
    // the deadline the customer is still owed moved unchanged; her case works again (its paused resolution clock resumed)
    // (and the earlier of the two resolution deadlines stays: hers, or the merged case's if that one is due first)
    const after = await activeTimers(first.id);
    expect(after.map((t) => [t.kind, t.pausedAt])).toEqual([['first_reply', null], ['resolution', null]]);
    expect(after.find((t) => t.kind === 'first_reply')).toMatchObject({ id: owed.id, dueAt: owed.dueAt, startedAt: owed.startedAt });
    const resolutionDue = after.find((t) => t.kind === 'resolution')!.dueAt.getTime();
    expect(resolutionDue).toBeLessThanOrEqual(before.againTimers.find((t) => t.kind === 'resolution')!.dueAt.getTime());
    expect(await activeTimers(again.id)).toEqual([]);
    expect((await q().select().from(cases).where(eq(cases.id, first.id)))[0]!.firstReplyDueAt).toEqual(owed.dueAt);
    // at most one undecided draft answers the merged conversation
    expect((await q().select().from(drafts).where(and(eq(drafts.caseId, first.id), inArray(drafts.status, ['pending', 'proposed', 'edited'])))).length).toBeLessThanOrEqual(1);

    const audit = await q().select().from(auditLog).where(inArray(auditLog.action, ['merged_into', 'merged_from'])).orderBy(asc(auditLog.id));
    expect(audit.map((a) => [a.caseId, a.action, a.actorName])).toEqual([[again.id, 'merged_into', 'Ana'], [first.id, 'merged_from', 'Ana']]);
    expect(audit[1]!.after).toMatchObject({ from: again.reference, messages: 1, notes: 1, status: 'open' });
    expect((audit[1]!.after!.timers as { moved: number }).moved).toBeGreaterThanOrEqual(1);
    expect(audit[1]!.before).toEqual({ status: 'waiting' });
    expect((await q().select().from(outbox)).length).toBe(before.outbox);

    // a merged case is merged once, and nothing merges into it
    expect(await refused(mergeCase(q(), { source: again.id, into: first.reference }, ANA))).toBe(`conflict: ${again.reference} was already merged.`);
    const other = await caseBySubject('Gift wrapping');
    await service.review.release(other.id, { id: 'bo', name: 'Bo' });
    expect(await refused(mergeCase(q(), { source: other.id, into: again.reference }, ANA))).toBe(`bad_request: ${again.reference} was itself merged into another case: merge into that one.`);
    expect(await refused(service.review.claim(again.id, ANA))).toMatch(/^conflict: .* was merged into another case/);
  });

  it('a reply on the merged case’s thread lands in the remaining case, with no second acknowledgement', async () => {
    const [ackOfAgain] = await q().select().from(outbox).where(and(eq(outbox.caseId, again.id), eq(outbox.kind, 'acknowledgement')));
    const acksBefore = (await acknowledgements()).length;
    await sendRaw(service.smtpPort!, customerEmail({
      from: 'Maria Lopez <maria+orders@customer.test>', subject: `Re: [${again.reference}] ${AGAIN.subject}`, body: 'Any news about my lamp?',
      headers: { 'In-Reply-To': `<${ackOfAgain!.messageId}>`, References: `<${ackOfAgain!.messageId}>` },
    }), { from: 'maria+orders@customer.test', to: ['support@shop.test'] });
    // only the reference in the subject, no headers
    await sendRaw(service.smtpPort!, customerEmail({ from: 'maria+orders@customer.test', subject: `${again.reference} the lamp again`, body: 'Please answer.' }),
      { from: 'maria+orders@customer.test', to: ['support@shop.test'] });
    const replies = await eventually(async () => {
      const rows = await q().select().from(inboundMessages).where(inArray(inboundMessages.textBody, ['Any news about my lamp?\n', 'Please answer.\n', 'Any news about my lamp?', 'Please answer.']));
      return rows.length === 2 && rows.every((r) => r.status === 'processed') ? rows : undefined;
    }, 20_000, 'replies processed');
    expect(replies.map((r) => r.caseId)).toEqual([first.id, first.id]);
    expect((await acknowledgements()).length).toBe(acksBefore);
    const events = await q().select().from(caseEvents).where(inArray(caseEvents.inboundMessageId, replies.map((r) => r.id)));
    expect(events.filter((e) => e.type === 'acknowledgement_queued')).toEqual([]);
    expect(events.filter((e) => e.type === 'message_joined')).toHaveLength(2);
    const remaining = (await q().select().from(cases).where(eq(cases.id, first.id)))[0]!;
    expect(remaining.customerMessageCount).toBe(4);
    expect(['open', 'escalated']).toContain(remaining.status);
  });

  it('the API merges with the review API’s validation and roles', async () => {
    const other = await caseBySubject('Gift wrapping');
    const post = (path: string, body: unknown) => api(service, path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    expect((await post(`/api/review/cases/${other.id}/merge`, {})).status).toBe(400);
    const res = await post(`/api/review/cases/${other.id}/merge`, { into: first.reference });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ source: { id: other.id, status: 'merged' }, target: { id: first.id } });
    // the case detail the review API serves carries the customer's other cases
    const detail = await (await api(service, `/api/review/cases/${first.reference}`)).json() as { customer: { others: { reference: string; status: string }[] } };
    expect(detail.customer.others.filter((o) => o.status === 'merged').map((o) => o.reference).sort()).toEqual([again.reference, other.reference].sort());
    const anonymous = await fetch(`http://127.0.0.1:${service.httpPort}/api/review/cases/${other.id}/merge`, { method: 'POST', body: '{}' });
    expect(anonymous.status).toBe(401);
  });
});
