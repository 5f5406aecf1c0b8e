import { describe, expect, it } from 'vitest';
import { fitTfidf, vectorize } from '../../text/tfidf.js';
import { type TrainOptions, predictProba, rng, trainExampleScorer } from './example-scorer.js';

const examples: [string, number][] = [
  ['my card has not arrived yet', 0], ['when will my new card come', 0], ['still waiting for the card in the mail', 0],
  ['what is the exchange rate', 1], ['how much is one euro in dollars', 1], ['which rate do you use to convert currency', 1],
  ['i want a refund', 2], ['how do i get my money back for this purchase', 2], ['the merchant owes me a refund', 2],
];
const base: TrainOptions = { epochs: 30, learningRate: 1, l2: 1e-6, seed: 1 };
const variants: [string, TrainOptions][] = [
  ['logistic', base],
  ['logistic with dropout', { ...base, dropout: 0.5 }],
  ['hinge', { ...base, loss: 'hinge', learningRate: 0.1, l2: 1e-5, temperature: 5 }],
  ['ensemble', { ...base, dropout: 0.5, ensemble: [{ seed: 2 }, { loss: 'hinge', learningRate: 0.1, dropout: 0, temperature: 5 }] }],
];

describe.each(variants)('trainExampleScorer (%s)', (_, opts) => {
  const tfidf = fitTfidf(examples.map((e) => e[0]));
  const xs = examples.map((e) => vectorize(tfidf, e[0]));
  const ys = examples.map((e) => e[1]);
  const model = trainExampleScorer(xs, ys, 3, tfidf.idf.length, opts);

  it('has one member per ensemble entry', () => {
    expect(model.members).toHaveLength(1 + (opts.ensemble?.length ?? 0));
  });

  it.each([
    ['my card still has not come', 0],
    ['euro exchange rate please', 1],
    ['refund my purchase', 2],
  ] as const)('ranks "%s" first for article %i', (q, want) => {
    const p = predictProba(model, vectorize(tfidf, q));
    expect(p.indexOf(Math.max(...p))).toBe(want);
  });

  it('returns a probability distribution', () => {
    const p = predictProba(model, vectorize(tfidf, 'hello'));
    expect([...p].reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    for (const v of p) expect(v).toBeGreaterThanOrEqual(0);
  });

  it('is deterministic for a seed', () => {
    const again = trainExampleScorer(xs, ys, 3, tfidf.idf.length, opts);
    again.members.forEach((m, i) => expect(Array.from(m.weights)).toEqual(Array.from(model.members[i]!.weights)));
  });
});

describe('ensemble members', () => {
  it('override only the options they name', () => {
    const tfidf = fitTfidf(examples.map((e) => e[0]));
    const xs = examples.map((e) => vectorize(tfidf, e[0]));
    const m = trainExampleScorer(xs, examples.map((e) => e[1]), 3, tfidf.idf.length, { ...base, temperature: 2, ensemble: [{ seed: 7 }, { temperature: 3 }] });
    expect(m.members.map((x) => x.temperature)).toEqual([2, 2, 3]);
  });
});

describe('rng', () => {
  it('is reproducible and in [0, 1)', () => {
    const a = rng(42), b = rng(42);
    for (let i = 0; i < 100; i++) {
      const x = a();
      expect(x).toBe(b());
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
    }
  });
});
