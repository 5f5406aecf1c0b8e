import { describe, expect, it } from 'vitest';
import { comparableSubject, customerKey, describeGap, describeSameQuestion, sameQuestion, type ComparedCase } from './same-question.js';

const DAY = 86_400_000;
const T0 = new Date('2026-12-01T10:00:00Z');
const LAMP = { id: 'lamp-delivery', title: 'Where is my order?' };
const RETURNS = { id: 'returns', title: 'Returning an item' };

const first: ComparedCase = {
  id: 'a', mailboxId: 1, status: 'open', createdAt: T0, subject: 'Lamp not delivered',
  question: 'Where is my order? I ordered a lamp last week and it has not arrived.', topArticle: LAMP,
};
const second = (patch: Partial<ComparedCase>): ComparedCase => ({
  id: 'b', mailboxId: 1, status: 'open', createdAt: new Date(T0.getTime() + 2 * DAY), subject: 'Question',
  question: 'Do you ship to Canada?', topArticle: null, ...patch,
});

describe('sameQuestion', () => {
  const table: [string, ComparedCase, string | null][] = [
    ['the same article matched first', second({ topArticle: LAMP }), 'same_article'],
    ['the same subject behind Re:, a reference and other case', second({ subject: 'RE: [FR-7K3Q9X] lamp NOT delivered!' }), 'same_subject'],
    ['the question in other words', second({ question: 'My order has not arrived yet. I ordered a lamp last week, where is it?' }), 'similar_text'],
    ['a different question, article and subject', second({ topArticle: RETURNS, subject: 'Wrong colour', question: 'How do I return a lamp? It is the wrong colour.' }), null],
    ['a one-word subject says nothing', second({ subject: 'Question' }), null],
    ['another mailbox', second({ mailboxId: 2, topArticle: LAMP }), null],
    ['opened more than 7 days apart', second({ topArticle: LAMP, createdAt: new Date(T0.getTime() + 8 * DAY) }), null],
    ['opened exactly 7 days apart', second({ topArticle: LAMP, createdAt: new Date(T0.getTime() + 7 * DAY) }), 'same_article'],
    ['opened earlier counts too', second({ topArticle: LAMP, createdAt: new Date(T0.getTime() - 3 * DAY) }), 'same_article'],
    ['already resolved', second({ topArticle: LAMP, status: 'resolved' }), null],
    ['already merged', second({ topArticle: LAMP, status: 'merged' }), null],
    ['waiting on the customer', second({ topArticle: LAMP, status: 'waiting' }), 'same_article'],
    ['the case itself', { ...first }, null],
  ];
  it.each(table)('%s', (_name, other, code) => {
    expect(sameQuestion(first, other)?.code ?? null).toBe(code);
    // the rule is symmetric: whichever page the agent opens says the same
    expect(sameQuestion(other, first)?.code ?? null).toBe(code);
  });

  it('says the reason in words', () => {
    expect(describeSameQuestion(sameQuestion(first, second({ topArticle: LAMP }))!)).toBe('both questions were matched first to the article “Where is my order?”');
    expect(describeSameQuestion(sameQuestion(first, second({ subject: 'Re: Lamp not delivered' }))!)).toBe('both have the subject “lamp not delivered”');
    expect(describeSameQuestion({ code: 'similar_text', similarity: 0.834 })).toBe('the two questions are 83% alike in their words');
  });
});

describe('customer identity and wording', () => {
  it.each([
    ['Ana@Shop.Test', 'ana@shop.test'],
    ['ana+orders@shop.test', 'ana@shop.test'],
    [' ANA+x+y@shop.test ', 'ana@shop.test'],
    ['ana@plus+domain.test', 'ana@plus+domain.test'],
    ['+tag@shop.test', '@shop.test'],
  ])('customerKey(%s) = %s', (address, key) => expect(customerKey(address)).toBe(key));

  it.each([
    ['Re: Fwd: Where is my order?', 'where is my order'],
    ['AW: [FR-7K3Q9X] Rechnung fehlt', 'rechnung fehlt'],
    ['', ''],
  ])('comparableSubject(%s) = %s', (subject, plain) => expect(comparableSubject(subject)).toBe(plain));

  it.each([
    [0.5, 'opened within the hour'], [1, 'opened 1 hour apart'], [5, 'opened 5 hours apart'], [26, 'opened 1 day apart'], [24 * 6 + 3, 'opened 6 days apart'],
  ])('%s hours: %s', (hours, words) => expect(describeGap(T0, new Date(T0.getTime() + hours * 3_600_000))).toBe(words));
});
