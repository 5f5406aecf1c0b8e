import { describe, expect, it } from 'vitest';
import { fitTfidf, sparseDot, vectorize } from './tfidf.js';

describe('tfidf', () => {
  const model = fitTfidf(['my card has not arrived', 'card payment declined', 'exchange rate for euros']);

  it('produces unit-length vectors with ascending indices', () => {
    const v = vectorize(model, 'card declined');
    expect(sparseDot(v, v)).toBeCloseTo(1, 5);
    for (let i = 1; i < v.idx.length; i++) expect(v.idx[i]!).toBeGreaterThan(v.idx[i - 1]!);
  });

  it('drops unknown features and yields an empty vector for unseen text', () => {
    expect(vectorize(model, 'zzzz qqqq').idx.length).toBe(0);
  });

  it('ranks the closest example highest', () => {
    const q = vectorize(model, 'my payment was declined');
    const sims = ['my card has not arrived', 'card payment declined', 'exchange rate for euros'].map((t) => sparseDot(q, vectorize(model, t)));
    expect(sims.indexOf(Math.max(...sims))).toBe(1);
  });
});
