// Knowledge gaps a knowledge manager can read without learning who asked: names, order numbers, amounts, addresses
// and contacts are placeholders in stored questions, samples and suggestions (src/domain/redact.ts); and a draft an
// agent rejects with a reason brings its question, and the reason, to the gaps.
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { cases } from '../src/db/schema/cases.js';
import { gapQuestions } from '../src/db/schema/gaps.js';
import { drafts } from '../src/db/schema/review.js';
import { exportGapQuestions } from '../src/insight/gaps/customer-data.js';
import { acceptGap } from '../src/insight/gaps/decisions.js';
import { listGaps } from '../src/insight/gaps/list.js';
import { recordGapQuestion } from '../src/insight/gaps/record.js';
import { Review } from '../src/review/actions.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';

const embedder = new LocalEmbedder();
const AGENT = { id: 'ana', name: 'Ana' };

describe(`knowledge gaps without personal data (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let service: Service;
  const db = () => t.database.db;

  beforeAll(async () => {
    t = await openTestDatabase();
    await loadFixtureKb(db());
    service = await startTestService(t);
    await service.knowledge.ready();
  });
  afterAll(async () => {
    await service?.stop();
    await t?.stop();
  });

  it('stores, lists and suggests questions with placeholders instead of personal data', async () => {
    const questions = [
      "Hi, I'm Anna Berg. Can I pay order LH-48213 (5000 EUR) in instalments?\nRegards, Anna Berg",
      'Can I pay in instalments? My number is +49 170 1234567, write to anna.berg@example.com',
      'Mit freundlichen Grüßen: kann ich in Raten zahlen? Bestellung #99812, Hauptstraße 12, 10115 Berlin\nMit freundlichen Grüßen\nKarl',
    ];
    for (const text of questions) await recordGapQuestion(db(), embedder, { text, language: 'en', source: 'no_article', agentReply: 'Hi Anna,\nyes, orders over €200 can be paid in three instalments.\nBest regards,\nSam' });
    const stored = (await db().select({ text: gapQuestions.text, reply: gapQuestions.agentReply }).from(gapQuestions)).map((r) => `${r.text}\n${r.reply}`).join('\n');
    for (const personal of ['Anna', 'Berg', 'LH-48213', '5000', '1234567', 'example.com', '99812', 'Hauptstraße', '10115', 'Karl', 'Sam', '€200']) expect(stored).not.toContain(personal);
    expect(stored).toContain("Hi, I'm [name]. Can I pay order [order number] ([amount]) in instalments?");

    // A question recorded before redaction existed, still stored as written: shown redacted all the same.
    await db().update(gapQuestions).set({ text: 'Can I pay invoice RE-2024-7781 for Tom Müller in instalments?\nThanks, Tom Müller' }).where(eq(gapQuestions.text, questions[1]!.replace('+49 170 1234567', '[phone]').replace('anna.berg@example.com', '[email]')));
    const shown = await listGaps(db(), { minSize: 1, limit: 50 });
    const everything = JSON.stringify(shown);
    for (const personal of ['Anna', 'LH-48213', 'RE-2024-7781', 'Tom', 'Müller', '€200']) expect(everything).not.toContain(personal);
    expect(everything).toContain('[order number]');

    const gap = shown.find((g) => g.samples.some((s) => s.text.includes('instalments')))!;
    const { article } = await acceptGap(db(), gap.id, {}, { by: 'Kim' });
    expect(JSON.stringify({ title: article.title, body: article.body, examples: article.examples })).not.toMatch(/Anna|Berg|LH-48213|Sam\b|€200/);
  });

  const ask = async (from: string, subject: string, body: string) => {
    await sendRaw(service.smtpPort!, customerEmail({ from, subject, body }), { from: from.replace(/.*<|>/g, ''), to: ['support@shop.test'] });
    const kase = await eventually(async () => (await db().select().from(cases)).find((c) => from.includes(c.customerAddress)), 15_000, 'case');
    const draft = await eventually(async () => (await db().select().from(drafts).where(and(eq(drafts.caseId, kase.id), ne(drafts.status, 'pending'))))[0], 15_000, 'draft');
    return { kase, draft };
  };

  it("a draft rejected with a reason brings its question and the reason to the gaps; without a reason, or on a complaint, it does not", async () => {
    const { kase, draft } = await ask('Tom Müller <tom@customer.test>', 'My order', 'Hello, can you gift wrap my order LH-55120 for my mother?\n\nThanks, Tom Müller');
    await service.review.claim(kase.id, AGENT);
    await service.review.reject(kase.id, AGENT, { reason: 'We have no article on gift wrapping; Tom Müller needs to know it costs €3.' });
    const row = await eventually(async () => (await db().select().from(gapQuestions).where(eq(gapQuestions.inboundMessageId, draft.inboundMessageId)))[0], 15_000, 'gap question');
    expect(row.source).toBe('rejected_draft');
    expect(row.caseId).toBe(kase.id);
    expect(row.text).toContain('gift wrap my order [order number]');
    expect(row.text).not.toContain('Müller');
    const withReason = await eventually(async () => (await db().select().from(gapQuestions).where(eq(gapQuestions.id, row.id)))[0]!.reason, 15_000, 'reason');
    expect(withReason).toBe('We have no article on gift wrapping; [name] needs to know it costs [amount].');
    const gap = (await listGaps(db(), { minSize: 1, limit: 50 })).find((g) => g.samples.some((s) => s.id === row.id))!;
    expect(gap.samples.find((s) => s.id === row.id)!.reason).toBe(withReason);
    // exported with the customer's other data
    expect((await exportGapQuestions(db(), { messageIds: [draft.inboundMessageId], caseIds: [] }))[0]).toMatchObject({ reason: withReason });

    // The hook itself, on a Review of our own: no reason, or a case no article could answer (a complaint), no gap.
    const rejections: unknown[] = [];
    const review = new Review({ db: db(), messageIdDomain: 'firstreply.test', appUrl: 'http://127.0.0.1', onDraftRejected: (r) => rejections.push(r) });
    const blank = await ask('Lea <lea@customer.test>', 'Engraving', 'Do you engrave watches?');
    await review.claim(blank.kase.id, AGENT);
    await review.reject(blank.kase.id, AGENT, { reason: '  ' });
    const complaint = await ask('Max <max@customer.test>', 'Packaging', 'Can you send it without plastic packaging?');
    await db().update(cases).set({ escalationReasons: [{ code: 'complaint', detail: 'test', at: new Date().toISOString() }] }).where(eq(cases.id, complaint.kase.id));
    await review.claim(complaint.kase.id, AGENT);
    await review.reject(complaint.kase.id, AGENT, { reason: 'No article for this' });
    expect(rejections).toEqual([]);
    const third = await ask('Ida Holm <ida@customer.test>', 'Engraving', 'Can you engrave a name on the watch?\n\nBest, Ida Holm');
    await review.claim(third.kase.id, AGENT);
    await review.reject(third.kase.id, AGENT, { reason: 'No article on engraving' });
    expect(rejections).toEqual([{
      caseId: third.kase.id, inboundMessageId: third.draft.inboundMessageId, question: 'Engraving\n\nCan you engrave a name on the watch?\n\nBest, Ida Holm',
      language: 'en', reason: 'No article on engraving', customerName: 'Ida Holm',
    }]);
  });
});
