// The inbox read model and bulk changes on a real database (PGlite and PostgreSQL): search by subject, customer
// and reference with LIKE wildcards taken literally; built-in and personal views with their counts in one query;
// bulk assign, priority and resolve with an audit row per changed case and a reason for each one left alone.
import { randomUUID } from 'node:crypto';
import { asc, eq, inArray } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/users.js';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { auditLog, drafts } from '../src/db/schema/review.js';
import { newCaseReference } from '../src/domain/case-reference.js';
import { bulkUpdate } from '../src/inbox/bulk.js';
import { queueFilterOf } from '../src/inbox/filters.js';
import { caseIdByReference } from '../src/inbox/search.js';
import { deleteInboxView, listInboxViews, saveInboxView } from '../src/inbox/view-store.js';
import { builtInFilter, viewCounts, withinView } from '../src/inbox/views.js';
import { Review } from '../src/review/actions.js';
import { reviewQueue } from '../src/review/inbox.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';

const at = new Date('2026-11-20T10:00:00Z');

describe(`inbox search, views and bulk actions (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let review: Review;
  let ana: { id: string; name: string };
  let bo: { id: string; name: string };
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  beforeEach(async () => {
    await t.reset();
    review = new Review({ db: t.database.db, messageIdDomain: 'shop.test', appUrl: 'http://127.0.0.1', now: () => at });
    ana = await createUser(t.database.db, { email: 'ana@shop.test', name: 'Ana Agent', role: 'agent', password: 'ana-password-1234' });
    bo = await createUser(t.database.db, { email: 'bo@shop.test', name: 'Bo Second', role: 'agent', password: 'bo-password-12345' });
  });
  afterAll(async () => {
    await t.stop();
  });

  async function seed() {
    const q = t.database.db;
    const [mailbox] = await q.insert(mailboxes).values({
      key: 'default', address: 'support@shop.test', displayName: 'Shop', timeZone: 'UTC',
      businessHours: { days: [1, 2, 3, 4, 5], open: '09:00', close: '18:00', holidays: [] }, firstReplyMinutes: 240, maxAcksPerSender24h: 5,
    }).returning();
    const kase = (subject: string, address: string, name: string | null, minutes: number, extra: Partial<typeof cases.$inferInsert> = {}) => ({
      reference: newCaseReference(), mailboxId: mailbox!.id, customerAddress: address, customerName: name, subject, language: 'en',
      firstReplyDueAt: new Date(at.getTime() + minutes * 60_000), lastCustomerMessageAt: at, ...extra,
    });
    const rows = await q.insert(cases).values([
      kase('Refund for my broken lamp', 'maria@customer.test', 'María López', 30),
      kase('Where is my parcel?', 'tom@customer.test', 'Tom Parcel', 300, { assigneeId: ana.id, assigneeName: ana.name, claimExpiresAt: new Date(at.getTime() + 600_000) }),
      kase('100% discount_code not working', 'deal@customer.test', null, 600, { status: 'escalated' }),
      kase('1000 discount codes', 'bulk@customer.test', null, 700, { assigneeId: bo.id, assigneeName: bo.name, claimExpiresAt: new Date(at.getTime() + 600_000) }),
      kase('Old question', 'old@customer.test', null, -60, { status: 'resolved', resolvedAt: at }),
    ]).returning();
    await q.insert(drafts).values({ caseId: rows[1]!.id, inboundMessageId: randomUUID(), status: 'proposed', confidence: 0.9 });
    const [lamp, parcel, discount, codes, old] = rows;
    return { lamp: lamp!, parcel: parcel!, discount: discount!, codes: codes!, old: old! };
  }

  const subjects = async (f: Parameters<typeof queueFilterOf>[0], view?: ReturnType<typeof builtInFilter>) =>
    (await reviewQueue(t.database.db, view ? withinView(queueFilterOf(f), view) : queueFilterOf(f))).map((r) => r.subject).sort();

  it('searches subject, customer address and name and reference, case-insensitively, with wildcards taken literally', async () => {
    const k = await seed();
    expect(await subjects({ q: 'LAMP' })).toEqual(['Refund for my broken lamp']);
    expect(await subjects({ q: 'lópez' })).toEqual(['Refund for my broken lamp']);
    expect(await subjects({ q: 'tom@customer' })).toEqual(['Where is my parcel?']);
    expect(await subjects({ q: k.parcel.reference.slice(3).toLowerCase() })).toEqual(['Where is my parcel?']);
    // every word must match somewhere; a quoted phrase is one word
    expect(await subjects({ q: 'broken maria' })).toEqual(['Refund for my broken lamp']);
    expect(await subjects({ q: '"lamp broken"' })).toEqual([]);
    // % and _ are literal: "100%" is not "100 anything", "discount_code" is not "discount codes"
    expect(await subjects({ q: '100%' })).toEqual(['100% discount_code not working']);
    expect(await subjects({ q: 'discount_' })).toEqual(['100% discount_code not working']);
    expect(await subjects({ q: 'discount' })).toEqual(['100% discount_code not working', '1000 discount codes']);
    // combined with the other filters: the resolved case is found only with status=all
    expect(await subjects({ q: 'question' })).toEqual([]);
    expect(await subjects({ q: 'question', status: 'all' })).toEqual(['Old question']);
    expect(await subjects({ q: 'discount', status: 'escalated' })).toEqual(['100% discount_code not working']);
    expect(await caseIdByReference(t.database.db, k.old.reference.toLowerCase())).toBe(k.old.id);
    expect(await caseIdByReference(t.database.db, 'FR-000000')).toBeNull();
  });

  it('filters by built-in views and counts every view, built-in and personal, in one query', async () => {
    await seed();
    const me = { id: ana.id };
    expect(await subjects({}, builtInFilter('mine', me, at))).toEqual(['Where is my parcel?']);
    expect(await subjects({}, builtInFilter('unassigned', me, at))).toEqual(['100% discount_code not working', 'Refund for my broken lamp']);
    expect(await subjects({}, builtInFilter('escalated', me, at))).toEqual(['100% discount_code not working']);
    expect(await subjects({}, builtInFilter('due', me, at))).toEqual(['Refund for my broken lamp']);
    expect(await subjects({}, builtInFilter('review', me, at))).toEqual(['Where is my parcel?']);
    expect(await subjects({ q: 'parcel' }, builtInFilter('unassigned', me, at))).toEqual([]);

    const discount = await saveInboxView(t.database.db, ana.id, { name: 'Discounts', filters: { q: 'discount' } });
    const closed = await saveInboxView(t.database.db, ana.id, { name: 'Closed', filters: { status: 'resolved' } });
    const mineUrgent = await saveInboxView(t.database.db, ana.id, { name: 'Mine, parcels', filters: { view: 'mine', q: 'parcel' } });
    await saveInboxView(t.database.db, bo.id, { name: 'Bo’s', filters: {} });
    const mine = await listInboxViews(t.database.db, ana.id);
    expect(mine.map((v) => v.name)).toEqual(['Closed', 'Discounts', 'Mine, parcels']);

    const statements: string[] = [];
    const spy = { select: t.database.db.select.bind(t.database.db) };
    const counting = new Proxy(t.database.db, { get: (db, p) => (p === 'select' ? (...a: Parameters<typeof spy.select>) => (statements.push('select'), spy.select(...a)) : Reflect.get(db, p)) });
    const counts = await viewCounts(counting, me, at, mine);
    expect(statements).toHaveLength(1);
    expect(counts.builtIn).toEqual({ all: 4, mine: 1, unassigned: 2, escalated: 1, due: 1, review: 1 });
    expect([...counts.personal.entries()].sort((a, b) => a[0] - b[0])).toEqual([[discount.id, 2], [closed.id, 1], [mineUrgent.id, 1]].sort((a, b) => a[0] - b[0]));

    // saving under the same name replaces the filters; only the owner deletes
    await saveInboxView(t.database.db, ana.id, { name: 'Discounts', filters: { q: 'codes' } });
    expect((await listInboxViews(t.database.db, ana.id)).find((v) => v.name === 'Discounts')?.filters).toEqual({ q: 'codes' });
    await expect(deleteInboxView(t.database.db, bo.id, discount.id)).rejects.toMatchObject({ code: 'not_found' });
    await deleteInboxView(t.database.db, ana.id, discount.id);
    expect((await listInboxViews(t.database.db, ana.id)).map((v) => v.name)).toEqual(['Closed', 'Mine, parcels']);
    await expect(saveInboxView(t.database.db, ana.id, { name: '  ', filters: {} })).rejects.toMatchObject({ code: 'bad_request' });
  });

  it('resolves in bulk: one audit row per changed case, the rest skipped with a reason', async () => {
    const k = await seed();
    const actor = { id: ana.id, name: ana.name };
    const missing = randomUUID();
    const result = await bulkUpdate(review, actor, { caseIds: [k.lamp.id, k.parcel.id, k.codes.id, k.old.id, missing], action: { kind: 'resolve' } }, at);
    expect(result.changed.map((c) => c.id).sort()).toEqual([k.lamp.id, k.parcel.id].sort());
    expect(result.skipped.map((s) => [s.id, s.reason])).toEqual([[k.codes.id, 'held'], [k.old.id, 'already_resolved'], [missing, 'not_found']]);
    expect(result.skipped[0]!.detail).toContain('Bo Second');
    const after = await t.database.db.select({ id: cases.id, status: cases.status }).from(cases).where(inArray(cases.id, [k.lamp.id, k.parcel.id, k.codes.id])).orderBy(asc(cases.subject));
    expect(after.map((r) => r.status)).toEqual(['open', 'resolved', 'resolved']); // 1000 discount codes (Bo's), lamp, parcel
    const rows = await t.database.db.select().from(auditLog).orderBy(asc(auditLog.id));
    expect(rows.map((r) => [r.caseId, r.action, r.actorName]).sort()).toEqual([[k.lamp.id, 'resolved', 'Ana Agent'], [k.parcel.id, 'resolved', 'Ana Agent']].sort());
  });

  it('sets priority and assigns in bulk (to me, to another agent, to nobody), each through the single-case rules', async () => {
    const k = await seed();
    const actor = { id: ana.id, name: ana.name };
    const prio = await bulkUpdate(review, actor, { caseIds: [k.lamp.id, k.discount.id, k.codes.id], action: { kind: 'priority', priority: 'urgent' } }, at);
    expect(prio.changed.map((c) => c.id).sort()).toEqual([k.lamp.id, k.discount.id].sort());
    expect(prio.skipped.map((s) => [s.id, s.reason])).toEqual([[k.codes.id, 'held']]);
    const again = await bulkUpdate(review, actor, { caseIds: [k.lamp.id], action: { kind: 'priority', priority: 'urgent' } }, at);
    expect(again.skipped.map((s) => s.reason)).toEqual(['unchanged']);

    const toBo = await bulkUpdate(review, actor, { caseIds: [k.lamp.id, k.parcel.id, k.old.id], action: { kind: 'assign', to: { userId: bo.id } } }, at);
    expect(toBo.changed.map((c) => c.id).sort()).toEqual([k.lamp.id, k.parcel.id].sort());
    expect(toBo.skipped.map((s) => [s.id, s.reason])).toEqual([[k.old.id, 'already_resolved']]);
    const held = await t.database.db.select({ name: cases.assigneeName }).from(cases).where(inArray(cases.id, [k.lamp.id, k.parcel.id]));
    expect(held.map((h) => h.name)).toEqual(['Bo Second', 'Bo Second']);

    // Bo holds both now: Ana can neither take them nor unassign them; the unassigned one she takes
    const mine = await bulkUpdate(review, actor, { caseIds: [k.lamp.id, k.discount.id], action: { kind: 'assign', to: 'me' } }, at);
    expect(mine.changed.map((c) => c.id)).toEqual([k.discount.id]);
    expect(mine.skipped.map((s) => [s.id, s.reason])).toEqual([[k.lamp.id, 'held']]);
    const bosActor = { id: bo.id, name: bo.name };
    const released = await bulkUpdate(review, bosActor, { caseIds: [k.lamp.id, k.parcel.id, k.discount.id], action: { kind: 'assign', to: 'nobody' } }, at);
    expect(released.changed.map((c) => c.id).sort()).toEqual([k.lamp.id, k.parcel.id].sort());
    expect(released.skipped.map((s) => [s.id, s.reason])).toEqual([[k.discount.id, 'held']]);

    const audit = await t.database.db.select({ caseId: auditLog.caseId, action: auditLog.action, actor: auditLog.actorName, after: auditLog.after }).from(auditLog).orderBy(asc(auditLog.id));
    expect(audit.map((a) => a.action)).toEqual(['triaged', 'triaged', 'assigned', 'assigned', 'claimed', 'released', 'released']);
    expect(audit.filter((a) => a.action === 'assigned').map((a) => a.after)).toEqual([{ assigneeId: bo.id, assigneeName: 'Bo Second' }, { assigneeName: 'Bo Second' }].map((x) => expect.objectContaining(x)));
    const [lamp] = await t.database.db.select().from(cases).where(eq(cases.id, k.lamp.id));
    expect(lamp!.priority).toBe('urgent');
  });

  it('refuses a whole bulk assignment to someone who cannot work cases, changing nothing', async () => {
    const k = await seed();
    const km = await createUser(t.database.db, { email: 'kim@shop.test', name: 'Kim KM', role: 'knowledge_manager', password: 'kim-password-1234' });
    await expect(bulkUpdate(review, { id: ana.id, name: ana.name }, { caseIds: [k.lamp.id], action: { kind: 'assign', to: { userId: km.id } } }, at))
      .rejects.toMatchObject({ code: 'bad_request' });
    expect(await t.database.db.select().from(auditLog)).toEqual([]);
  });
});
