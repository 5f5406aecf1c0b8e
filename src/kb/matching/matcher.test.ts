import { describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../../ai/local-embedder.js';
import { Matcher, autoTrainOptions, type ArticleInput } from './matcher.js';

const topics: [string, string[]][] = [
  ['card-arrival', ['card', 'new card', 'my card']],
  ['exchange-rate', ['exchange rate', 'currency rate', 'conversion rate']],
  ['refund', ['refund', 'money back', 'reimbursement']],
  ['password', ['password', 'passcode', 'login password']],
  ['fees', ['fee', 'charge', 'commission']],
  ['transfer', ['transfer', 'bank transfer', 'wire']],
];
const frames = ['where is my {}', 'help with {}', 'question about {}', 'problem with {} today', 'i need {}', '{} not working'];
const articles: ArticleInput[] = topics.map(([id, terms]) => ({
  id,
  title: id.replace('-', ' '),
  examples: frames.flatMap((f) => terms.map((t) => f.replace('{}', t))),
}));

describe('Matcher', () => {
  it('ranks, explains and calibrates', async () => {
    const m = await Matcher.train(articles, { embedder: new LocalEmbedder({ dimensions: 128 }), folds: 3 });
    const res = await m.match('my refund has not come, I want my money back');
    expect(res.ranked[0]!.articleId).toBe('refund');
    expect(Object.keys(res.ranked[0]!.contributions).sort()).toEqual(['learned', 'vector']);
    expect(res.confidence).toBeGreaterThan(0);
    expect(res.confidence).toBeLessThanOrEqual(1);
    expect(res.escalate).toBe(res.confidence < m.threshold);
    expect(m.calibration).toBeDefined();
  });

  it('works without calibration for tiny knowledge bases', async () => {
    const m = await Matcher.train(articles.slice(0, 2), { embedder: new LocalEmbedder({ dimensions: 64 }), folds: 3 });
    expect(m.calibrator).toBeUndefined();
    const res = await m.match('what is the currency conversion rate');
    expect(res.ranked[0]!.articleId).toBe('exchange-rate');
    expect(res.escalate).toBe(false);
  });

  it('trains small knowledge bases for more epochs', () => {
    expect(autoTrainOptions(500).epochs).toBe(60);
    expect(autoTrainOptions(10_000).epochs).toBe(20);
    expect(autoTrainOptions(100_000).epochs).toBe(12);
  });
});
