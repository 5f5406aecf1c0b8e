import { describe, expect, it } from 'vitest';
import { resummarizeAt } from './gaps.js';

describe('when a growing knowledge-gap cluster re-derives its suggestion', () => {
  it.each([
    [1, true], [2, true], [16, true], // small clusters: every member changes the suggestion
    [17, false], [31, false], [32, true], [33, false], [63, false], [64, true], [480, true], [481, false],
  ])('at %i members: %s', (size, expected) => {
    expect(resummarizeAt(size)).toBe(expected);
  });

  it('does so for at most one in 32 members of a large topic', () => {
    const derived = Array.from({ length: 1000 }, (_, i) => i + 1).filter((size) => size > 16 && resummarizeAt(size));
    expect(derived.length).toBe(Math.floor(1000 / 32));
  });
});
