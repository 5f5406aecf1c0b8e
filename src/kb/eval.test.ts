import { describe, expect, it } from 'vitest';
import { scoreAt, type EvalOutcome } from './eval.js';

const o = (expected: string | null, rank: number, confidence: number): EvalOutcome => ({ expected, rank, confidence });

describe('scoreAt', () => {
  it.each([
    // answered: the three at or above 0.5; right: the first (rank 0); the out-of-scope one answered is wrong
    ['mixed', [o('a', 0, 0.9), o('b', 1, 0.7), o(null, -1, 0.6), o('c', 0, 0.2), o(null, -1, 0.1)], 0.5,
      { top1: 2 / 3, inScopeAccuracy: 1 / 3, escalationRecall: 1 / 2, answeredPrecision: 1 / 3 }],
    ['nothing answered', [o('a', 0, 0.1), o(null, -1, 0.1)], 0.5, { top1: 1, inScopeAccuracy: 0, escalationRecall: 1, answeredPrecision: 0 }],
    ['all right', [o('a', 0, 0.9), o('b', 0, 0.8), o(null, -1, 0.1)], 0.5, { top1: 1, inScopeAccuracy: 1, escalationRecall: 1, answeredPrecision: 1 }],
  ])('%s', (_, outcomes, threshold, expected) => {
    const got = scoreAt(outcomes, threshold);
    for (const [k, v] of Object.entries(expected)) expect(got[k as keyof typeof got]).toBeCloseTo(v, 6);
  });
});
