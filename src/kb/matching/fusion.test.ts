import { describe, expect, it } from 'vitest';
import { fuse, maxPerArticle, rankingFeatures } from './fusion.js';

describe('fuse', () => {
  const scores = {
    learned: new Map([['a', 0.7], ['b', 0.2], ['c', 0.1]]),
    vector: new Map([['b', 0.9], ['a', 0.6]]),
    ignored: new Map([['c', 100]]),
  };
  const weights = { learned: { weight: 1 }, vector: { weight: 0.5 } };

  it('sums weighted signals and keeps contributions', () => {
    const ranked = fuse(scores, weights);
    expect(ranked.map((r) => r.articleId)).toEqual(['a', 'b', 'c']);
    expect(ranked[0]!.score).toBeCloseTo(1.0);
    expect(ranked[0]!.contributions).toEqual({ learned: 0.7, vector: 0.3 });
    expect(ranked[2]!.signals.vector).toBe(0); // missing -> floor
  });

  it('honours limit and breaks ties by id', () => {
    const tied = fuse({ s: new Map([['z', 1], ['y', 1], ['x', 0]]) }, { s: { weight: 1 } }, 2);
    expect(tied.map((r) => r.articleId)).toEqual(['y', 'z']);
  });

  it('ignores a weighted signal that was not computed', () => {
    expect(fuse({ learned: scores.learned }, weights)[0]!.signals).toEqual({ learned: 0.7 });
  });
});

describe('maxPerArticle', () => {
  it('keeps the best chunk per article', () => {
    const m = maxPerArticle([{ articleId: 'a', score: 0.2 }, { articleId: 'a', score: 0.5 }, { articleId: 'b', score: 0.1 }]);
    expect([...m]).toEqual([['a', 0.5], ['b', 0.1]]);
  });
});

describe('rankingFeatures', () => {
  it('describes top score, margins and per-signal values', () => {
    const ranked = fuse({ learned: new Map([['a', 0.7], ['b', 0.2]]) }, { learned: { weight: 1 } });
    const f = rankingFeatures(ranked, ['learned']);
    expect(f.map((x) => +x.toFixed(2))).toEqual([0.7, 0.5, 0.7, 0.5]);
    expect(rankingFeatures([], ['learned'])).toEqual([0, 0, 0, 0]);
  });
});
