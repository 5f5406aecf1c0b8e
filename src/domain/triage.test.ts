import { describe, expect, it } from 'vitest';
import { categoryFor, priorityFor, raisedPriority } from './triage.js';

describe('triage', () => {
  it.each([
    [[], 'normal'],
    [['no_confident_article'], 'normal'],
    [['asks_for_human'], 'high'],
    [['negative_sentiment', 'no_confident_article'], 'high'],
    [['cancellation_threat'], 'high'],
    [['legal_threat', 'complaint'], 'urgent'],
    [['vip_sender'], 'urgent'],
    [['prompt_injection'], 'normal'],
  ] as const)('%j → %s', (codes, priority) => expect(priorityFor(codes)).toBe(priority));

  it.each([
    ['normal', 'high', 'high'],
    ['high', 'normal', 'high'],
    ['urgent', 'high', 'urgent'],
    ['low', 'normal', 'normal'],
  ] as const)('raise %s with %s → %s', (current, proposed, expected) => expect(raisedPriority(current, proposed)).toBe(expected));

  it.each([
    [null, null],
    [{ escalate: true, candidates: [{ tags: ['billing'] }] }, null],
    [{ escalate: false, candidates: [{ tags: ['billing', 'cards'] }] }, 'billing'],
    [{ escalate: false, candidates: [{ tags: [] }] }, null],
    [{ escalate: false, candidates: [] }, null],
  ])('category of %j → %s', (match, category) => expect(categoryFor(match)).toBe(category));
});
