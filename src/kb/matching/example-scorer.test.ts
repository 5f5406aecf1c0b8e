import { describe, expect, it } from 'vitest';
import { fitTfidf, vectorize } from './tfidf.js';
import { predictProba, rng, trainExampleScorer } from './example-scorer.js';

const examples: [string, number][] = [
  ['my card has not arrived yet', 0], ['when will my new card come', 0], ['still waiting for the card in the mail', 0],
  ['what is the exchange rate', 1], ['how much is one euro in dollars', 1], ['which rate do you use to convert currency', 1],
  ['i want a refund', 2], ['how do i get my money back for this purchase', 2], ['the merchant owes me a refund', 2],
];

describe('trainExampleScorer', () => {
  const tfidf = fitTfidf(examples.map((e) => e[0]));
  const xs = examples.map((e) => vectorize(tfidf, e[0]));
  const model = trainExampleScorer(xs, examples.map((e) => e[1]), 3, tfidf.idf.length, { epochs: 30, learningRate: 1, l2: 1e-6, seed: 1 });

  it('learns the articles from their examples', () => {
    const cases: [string, number][] = [['my card still has not come', 0], ['euro exchange rate please', 1], ['refund my purchase', 2]];
    for (const [q, want] of cases) {
      const p = predictProba(model, vectorize(tfidf, q));
      expect(p.indexOf(Math.max(...p))).toBe(want);
    }
  });

  it('returns a probability distribution', () => {
    const p = predictProba(model, vectorize(tfidf, 'hello'));
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
  });

  it('is deterministic for a seed', () => {
    const again = trainExampleScorer(xs, examples.map((e) => e[1]), 3, tfidf.idf.length, { epochs: 30, learningRate: 1, l2: 1e-6, seed: 1 });
    expect(Array.from(again.members[0]!.weights)).toEqual(Array.from(model.members[0]!.weights));
  });

  it('rng is reproducible and in [0, 1)', () => {
    const a = rng(42), b = rng(42);
    for (let i = 0; i < 100; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
