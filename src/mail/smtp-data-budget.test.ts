import { describe, expect, it } from 'vitest';
import { DataBudget } from './smtp-data-budget.js';

describe('DataBudget', () => {
  it('holds up to the per-client and the total limit, and gives back what is released', () => {
    const budget = new DataBudget({ perClient: 100, total: 150 });
    expect(budget.take('a', 60)).toBe(true);
    expect(budget.take('a', 41)).toBe(false); // 101 for one client
    expect(budget.take('b', 90)).toBe(true);
    expect(budget.take('c', 1)).toBe(false); // 151 in total
    expect([budget.bufferedBytes, budget.heldFor('a'), budget.heldFor('b')]).toEqual([150, 60, 90]);
    budget.release('a', 60);
    expect(budget.heldFor('a')).toBe(0);
    expect(budget.take('c', 50)).toBe(true);
    expect(budget.bufferedBytes).toBe(140);
    expect(budget.peakBytes).toBe(150);
  });

  it('never goes below zero on a release it did not take', () => {
    const budget = new DataBudget({ perClient: 10, total: 10 });
    budget.release('x', 5);
    expect(budget.bufferedBytes).toBe(0);
    expect(budget.take('x', 10)).toBe(true);
  });
});
