import { describe, expect, it } from 'vitest';
import { resummarizeAt } from './summary.js';

describe('when a growing knowledge-gap cluster re-derives its suggestion', () => {
  it.each([
    [1, true], [2, true], [3, false], [4, true], [5, false], [8, true], [12, false], [16, true],
    [17, false], [31, false], [32, true], [33, false], [63, false], [64, true], [96, false], [128, true],
    [256, true], [384, false], [512, true], [768, true], [1000, false],
  ])('at %i members: %s', (size, expected) => {
    expect(resummarizeAt(size)).toBe(expected);
  });

  it('does so a dozen times over a thousand members', () => {
    const derived = Array.from({ length: 1000 }, (_, i) => i + 1).filter((size) => resummarizeAt(size));
    expect(derived).toEqual([1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 768]);
  });
});
