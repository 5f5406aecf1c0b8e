import { describe, expect, it } from 'vitest';
import { defaultFeatureOptions, extractFeatures, recentFeatures } from './text-features.js';

describe('recentFeatures', () => {
  it('gives what extractFeatures gives, computed once for a text matched and embedded right after each other', () => {
    const text = 'Where is my parcel? Ordered it last week.';
    const first = recentFeatures(text);
    expect([...first]).toEqual([...extractFeatures(text)]);
    expect(recentFeatures(text)).toBe(first);
    // other options, other features
    const wordsOnly = { ...defaultFeatureOptions, charRange: [3, 3] as [number, number], wordBigrams: false };
    expect(recentFeatures(text, wordsOnly)).not.toBe(first);
    expect([...recentFeatures(text, wordsOnly)]).toEqual([...extractFeatures(text, wordsOnly)]);
  });

  it('keeps only a few recent texts', () => {
    const first = recentFeatures('text number 0');
    for (let i = 1; i <= 40; i++) recentFeatures(`text number ${i}`);
    const again = recentFeatures('text number 0');
    expect(again).not.toBe(first);
    expect([...again]).toEqual([...first]);
  });
});
