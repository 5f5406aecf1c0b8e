import { and, asc, eq, ne } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog, drafts } from '../src/db/schema/review.js';
import { articleIdOf } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api } from './support/service.js';
import { serviceOnSink } from './support/service-on-sink.js';

const ANA = { id: 'ana', name: 'Ana' };

describe(`review actions (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  beforeEach(async () => {
    await t.reset();
    await t.start({}, { kb: true });
  });

  const ask = async (from: string, subject: string, body: string) => {
    await sendRaw(t.service.smtpPort!, customerEmail({ from, subject, body }), { from: from.replace(/.*<|>/g, ''), to: ['support@shop.test'] });
    const kase = await eventually(async () => (await t.db.database.db.select().from(cases)).find((c) => from.includes(c.customerAddress)), 15_000, 'case');
    const draft = await eventually(async () => (await t.db.database.db.select().from(drafts).where(and(eq(drafts.caseId, kase.id), ne(drafts.status, 'pending'))))[0], 15_000, 'draft');
    return { kase, draft };
  };

  it('re-drafts an untouched draft when its cited article changes, and only flags an edited one', async () => {
    const first = await ask('Maria <maria@customer.test>', 'Refund', 'I want a refund for a damaged product, when will I get my money back?');
    const second = await ask('Tom <tom@customer.test>', 'Money back', 'I want a refund please, how do I return an item?');
    const refund = articleIdOf('refund', 'en');
    expect(first.draft.citations.map((c) => c.articleId)).toContain(refund);
    await t.service.review.claim(second.kase.id, ANA);
    await t.service.review.editDraft(second.kase.id, ANA, { body: 'Edited by Ana' });

    const res = await api(t.service, `/api/kb/articles/${refund}`, {
      method: 'PUT', headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Return an item within 60 days for a full refund. Refunds reach your card in 3 business days.' }),
    });
    expect(res.status).toBe(200);
    await t.service.knowledge.refresh();
    // the untouched draft is written again from version 2; the edited one keeps Ana's text and is marked stale
    const redrafted = await eventually(async () => {
      const rows = await t.db.database.db.select().from(drafts).where(eq(drafts.caseId, first.kase.id));
      return rows.find((d) => d.status === 'proposed' && d.staleSince !== null && d.citations.some((c) => c.articleId === refund && c.version === 2));
    }, 15_000, 'redrafted');
    expect(redrafted.body).toContain('60 days');
    const [edited] = await t.db.database.db.select().from(drafts).where(and(eq(drafts.caseId, second.kase.id), eq(drafts.status, 'edited')));
    expect(edited!.body).toBe('Edited by Ana');
    expect(edited!.staleSince).not.toBeNull();
  });

  it('auto-sends only when every condition holds on an "on" mailbox, and reports agreement in shadow mode', async () => {
    await t.db.database.db.update(mailboxes).set({ autoSendMode: 'on', autoSendMinConfidence: 0 });
    const sent = await ask('Lucía <lucia@cliente.test>', 'Contraseña', 'Olvidé mi contraseña y no puedo iniciar sesión');
    const reply = await eventually(async () => (await t.db.database.db.select().from(outbox).where(and(eq(outbox.caseId, sent.kase.id), eq(outbox.kind, 'reply'))))[0], 15_000,
      `auto reply; verdict ${JSON.stringify((await t.db.database.db.select().from(drafts).where(eq(drafts.caseId, sent.kase.id))).map((d) => d.autoSend))}`);
    expect(reply.approvedBy).toBe('firstreply');
    const [entry] = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, sent.kase.id), eq(auditLog.action, 'reply_auto_sent')));
    expect(entry).toBeDefined();

    // a question nobody answers: escalated, not auto-sent, and the verdict says why
    const escalated = await ask('Tom <tom@customer.test>', 'Gift cards', 'Do you sell gift cards for corporate events in Norway?');
    const verdict = await eventually(async () => (await t.db.database.db.select().from(drafts).where(eq(drafts.id, escalated.draft.id)))[0]?.autoSend, 15_000, 'verdict');
    expect(verdict).toMatchObject({ sent: false, wouldSend: false });
    expect(verdict.blockers).toEqual(expect.arrayContaining(['escalated']));

    // shadow: computes but never sends; the report counts what agents did with those drafts
    await t.db.database.db.update(mailboxes).set({ autoSendMode: 'shadow' });
    const shadow = await ask('Ivan <ivan@client.test>', 'Пароль', 'Я забыл пароль и не могу войти');
    await eventually(async () => (await t.db.database.db.select().from(drafts).where(eq(drafts.id, shadow.draft.id)))[0]?.autoSend, 15_000, 'shadow verdict');
    await t.service.review.claim(shadow.kase.id, ANA);
    await t.service.review.approve(shadow.kase.id, ANA);
    const report = await (await api(t.service, '/api/review/auto-send-report')).json();
    expect(report).toMatchObject({ evaluated: 3, wouldSend: 2, autoSent: 1, wouldSendDecided: 1, agentsSentSame: 1, agreement: 1 });
  });

  it('a reply sent as generated counts as unchanged when a browser submits it with CRLF line breaks', async () => {
    const { kase, draft } = await ask('Maria <maria@customer.test>', 'Cannot log in', 'I forgot my password and the reset link does not work');
    expect(draft.generatedBody).toContain('\n');
    await t.service.review.claim(kase.id, ANA);
    // an HTML form sends a textarea's line breaks as CRLF
    await t.service.review.approve(kase.id, ANA, { body: draft.generatedBody!.replace(/\n/g, '\r\n') });
    const [sent] = await t.db.database.db.select().from(drafts).where(eq(drafts.id, draft.id));
    expect(sent!.body).toBe(draft.generatedBody!.trim());
    const [entry] = await t.db.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, kase.id), eq(auditLog.action, 'reply_approved')));
    expect(entry!.after).toMatchObject({ unchanged: true });
  });

  it('audits escalation, triage and resolution with before and after', async () => {
    const { kase } = await ask('Maria <maria@customer.test>', 'Where is my order', 'My parcel has not arrived');
    await t.service.review.escalate(kase.id, ANA, { reason: 'customer is a journalist', team: 'press' });
    await t.service.review.triage(kase.id, ANA, { priority: 'urgent', category: 'shipping' });
    await t.service.review.resolve(kase.id, ANA);
    // the system triaged the new case first (category from the matched article's tag); then Ana's actions
    // in the order written: PostgreSQL returns rows in no particular order without ORDER BY
    const entries = await t.db.database.db.select().from(auditLog).where(eq(auditLog.caseId, kase.id)).orderBy(asc(auditLog.id));
    expect(entries.map((e) => [e.action, e.actorName])).toEqual([['triaged', 'firstreply'], ['escalated', 'Ana'], ['triaged', 'Ana'], ['resolved', 'Ana']]);
    expect(entries[0]).toMatchObject({ before: { category: null }, after: { priority: 'normal', category: 'delivery' } });
    expect(entries[2]).toMatchObject({ before: { priority: 'normal' }, after: { priority: 'urgent' } });
    const [final] = await t.db.database.db.select().from(cases).where(eq(cases.id, kase.id));
    expect(final).toMatchObject({ status: 'resolved', team: 'press', priority: 'urgent', category: 'shipping' });
    expect(final!.escalationReasons.map((r) => r.code)).toContain('agent_escalated');
  });
});
