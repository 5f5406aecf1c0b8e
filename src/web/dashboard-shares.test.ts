import { describe, expect, it } from 'vitest';
import { outcomeShares, shareSentence } from './dashboard-shares.js';

describe('outcomeShares', () => {
  // the example: every case acknowledged, and 1 of 14 emails (an auto-reply) opened no case and was suppressed
  const totals = { messages: 14, cases: 12, acknowledged: 12, suppressed: 1, escalated: 3, answeredFromKb: 6 };

  it('divides each count by what it is a share of', () => {
    expect(outcomeShares(totals).map((s) => [s.key, s.count, s.of, s.ofLabel, s.percent])).toEqual([
      ['acknowledged', 12, 12, 'cases opened', 100],
      ['suppressed', 1, 14, 'emails received', 7],
      ['escalated', 3, 12, 'cases opened', 25],
      ['answeredFromKb', 6, 12, 'cases opened', 50],
    ]);
  });

  it('says the denominator in words', () => {
    expect(outcomeShares(totals).map(shareSentence)).toEqual([
      '100% acknowledged: 12 of 12 cases opened',
      '7% acknowledgements withheld: 1 of 14 emails received',
      '25% escalated: 3 of 12 cases opened',
      '50% answered from the knowledge base: 6 of 12 cases opened',
    ]);
  });

  it('has no share of nothing, and suppressed mail counts without any case', () => {
    const shares = outcomeShares({ messages: 2, cases: 0, acknowledged: 0, suppressed: 2, escalated: 0, answeredFromKb: 0 });
    expect(shares.map((s) => s.percent)).toEqual([null, 100, null, null]);
    expect(shareSentence(shares[0]!)).toBe('— acknowledged: 0 of 0 cases opened');
  });
});
