import { describe, expect, it } from 'vitest';
import type { RankedArticle } from './fusion.js';
import { contentWords, coverage, coverageReport, priorConfidence, priorFeatures, questionWords } from './prior.js';

const words = (...w: string[]) => new Set(w);

describe('contentWords', () => {
  it.each([
    ['Where is my parcel?', ['where', 'parcel']],
    ['Order #12345, 59 EUR', ['order', 'eur']],
    ['Returns and refunds', ['return', 'and', 'refund']],
    ['Kann man im Showroom einen Termin machen?', ['kann', 'man', 'showroom', 'einen', 'termin', 'machen']],
    ['我的订单什么时候到', []],
    ['', []],
  ])('%j -> %j', (text, expected) => {
    expect([...contentWords(text)].sort()).toEqual([...expected].sort());
  });
});

describe('coverage', () => {
  it.each([
    [words('student', 'discount'), words('discount', 'code'), 0.5],
    [words('discount', 'code'), words('discount', 'code', 'basket'), 1],
    [words('vat', 'export', 'form'), words('showroom', 'pickup'), 0],
    [words(), words('anything'), 0.5],
    [words('parcel'), undefined, 0.5],
  ])('%o against %o = %d', (question, article, expected) => {
    expect(coverage(question, article)).toBe(expected);
  });
});

describe('questionWords', () => {
  it('reads the subject as the question\'s summary, or the whole text without one', () => {
    expect([...questionWords('Interior advice\n\nDo you offer styling?', 'Interior advice').subject].sort()).toEqual(['advice', 'interior']);
    expect(questionWords('Do you offer styling?').subject).toEqual(questionWords('Do you offer styling?').text);
    expect(questionWords('Do you offer styling?', 'Re: 123').subject).toEqual(questionWords('Do you offer styling?').text);
  });
});

describe('coverageReport', () => {
  it.each([
    ['Do you offer styling appointments at the showroom?', 'Interior advice at the showroom', { subject: 2 / 4, missing: ['interior', 'advice', 'you', 'offer', 'styling', 'appointments'] }],
    ['Can I collect my order at the showroom?', 'Collecting at the showroom', { subject: 1, missing: ['can'] }],
    ['Where is my parcel?', undefined, { subject: 0, missing: ['where', 'parcel'] }],
  ])('%j under %j', (text, subject, expected) => {
    const report = coverageReport(text, subject, words('showroom', 'the', 'collect', 'order', 'pick'));
    expect(report.subject).toBeCloseTo(expected.subject, 5);
    expect(report.missing).toEqual(expected.missing);
  });
});

describe('priorConfidence', () => {
  const ranking = (learned: number): RankedArticle[] => [
    { articleId: 'showroom-pickup', score: 0.6 + learned, signals: { learned, vector: 0.6 }, contributions: { learned, vector: 0.6 } },
    { articleId: 'shipping', score: 0.3, signals: { learned: 0.05, vector: 0.3 }, contributions: { learned: 0.05, vector: 0.3 } },
  ];
  const article = words('showroom', 'leipzig', 'pick', 'order', 'collect', 'opening', 'hour');
  const articleWords = (id: string) => (id === 'showroom-pickup' ? article : undefined);

  it('is lower when the top article does not cover what the subject asks, the ranking being the same', () => {
    const covered = priorConfidence(ranking(0.7), questionWords('Collect my order at the showroom?', 'Collect at the showroom'), articleWords);
    const uncovered = priorConfidence(ranking(0.7), questionWords('Interior design appointments at the showroom?', 'Interior advice at the showroom'), articleWords);
    expect(covered).toBeGreaterThan(uncovered);
  });

  it('rises with the learned probability; no ranking, no confidence', () => {
    const q = questionWords('Collect my order at the showroom?', 'Collect at the showroom');
    expect(priorConfidence(ranking(0.9), q, articleWords)).toBeGreaterThan(priorConfidence(ranking(0.3), q, articleWords));
    expect(priorConfidence([], q, articleWords)).toBe(0);
  });

  it('reads the ranking without the sentence encoder\'s share', () => {
    const q = questionWords('Collect my order at the showroom?');
    const withSemantic = ranking(0.7).map((r) => ({ ...r, score: r.score + 0.4, contributions: { ...r.contributions, semantic: 0.4 } }));
    const plain = priorFeatures(ranking(0.7), q, articleWords);
    priorFeatures(withSemantic, q, articleWords).forEach((x, j) => expect(x).toBeCloseTo(plain[j]!, 10));
  });
});
