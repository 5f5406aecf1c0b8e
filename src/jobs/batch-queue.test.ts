import { describe, expect, it } from 'vitest';
import { BatchQueue } from './batch-queue.js';

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('BatchQueue', () => {
  it('runs an item at once when idle, and groups what arrives while a batch runs', async () => {
    const batches: number[][] = [];
    const queue = new BatchQueue(async (items: number[]) => {
      batches.push(items);
      await tick();
      return items.map((n) => n * 10);
    });
    const first = queue.add(1);
    const rest = [2, 3, 4].map((n) => queue.add(n));
    expect(await Promise.all([first, ...rest])).toEqual([10, 20, 30, 40]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it.each([
    [2, [[0], [1, 2], [3, 4]]],
    [10, [[0], [1, 2, 3, 4]]],
  ])('batches of at most %i', async (max, expected) => {
    const batches: number[][] = [];
    const queue = new BatchQueue(async (items: number[]) => (batches.push(items), await tick(), items), max);
    await Promise.all([0, 1, 2, 3, 4].map((n) => queue.add(n)));
    expect(batches).toEqual(expected);
  });

  it('a failed batch fails its callers only; the next batch runs', async () => {
    const queue = new BatchQueue(async (items: string[]) => {
      await tick();
      if (items.includes('bad')) throw new Error('batch failed');
      return items;
    });
    const bad = queue.add('bad');
    const late = [queue.add('x'), queue.add('y')];
    await expect(bad).rejects.toThrow('batch failed');
    expect(await Promise.all(late)).toEqual(['x', 'y']);
  });
});
