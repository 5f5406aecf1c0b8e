import { describe, expect, it } from 'vitest';
import { defaultFeatureOptions, extractFeatures, lightStem, normalizeText, recentFeatures } from './features.js';

describe('normalizeText', () => {
  it.each([
    ["Why hasn't my card ARRIVED?!", 'why hasnt my card arrived'],
    ['  Top-up   failed… ', 'top up failed'],
    ['¿Dónde está mi tarjeta?', 'dónde está mi tarjeta'],
    ['ＦＵＬＬ width', 'full width'],
    ['我的卡在哪里？', '我的卡在哪里'],
  ])('%s', (input, expected) => expect(normalizeText(input)).toBe(expected));
});

describe('lightStem', () => {
  it.each([
    ['payments', 'payment'], ['charged', 'charg'], ['charging', 'charg'], ['countries', 'country'],
    ['boxes', 'box'], ['status', 'status'], ['card', 'card'], ['address', 'address'], ['карты', 'карты'],
  ])('%s -> %s', (w, s) => expect(lightStem(w)).toBe(s));
});

describe('extractFeatures', () => {
  it('emits words, word pairs and padded char n-grams', () => {
    const f = extractFeatures('Card payments', defaultFeatureOptions);
    expect(f.get('w:card')).toBe(1);
    expect(f.get('w:payment')).toBe(1);
    expect(f.get('b:card payment')).toBe(1);
    expect(f.get('c: ca')).toBe(1);
    expect(f.get('c:card ')).toBe(1);
    expect(f.has('c:d p')).toBe(false); // char n-grams stay inside words
  });

  it('splits unspaced scripts into character words', () => {
    const f = extractFeatures('我的卡', defaultFeatureOptions);
    expect(f.get('w:卡')).toBe(1);
    expect(f.get('b:的 卡')).toBe(1);
  });

  it('is empty for punctuation only', () => {
    expect(extractFeatures('?!…', defaultFeatureOptions).size).toBe(0);
  });
});

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
