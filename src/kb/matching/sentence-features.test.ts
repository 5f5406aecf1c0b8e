import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../ai/embedder.js';
import { LocalEmbedder } from '../../ai/local-embedder.js';
import { Matcher, type ArticleInput } from './matcher.js';
import { SentenceVectors, withSentence } from './sentence-features.js';

describe('withSentence', () => {
  const x = { idx: Int32Array.from([0, 3]), val: Float32Array.from([0.6, 0.8]) };
  it.each([
    { name: 'appends the scaled vector after the vocabulary', v: Float32Array.from([1, 0]), scale: 2, idx: [0, 3, 10, 11], val: [0.6, 0.8, 2, 0] },
    { name: 'no vector: the n-grams alone', v: undefined, scale: 1, idx: [0, 3], val: [0.6, 0.8] },
    { name: 'scale 0: the n-grams alone', v: Float32Array.from([1, 0]), scale: 0, idx: [0, 3], val: [0.6, 0.8] },
  ])('$name', ({ v, scale, idx, val }) => {
    const out = withSentence(x, v, 10, scale);
    expect([...out.idx]).toEqual(idx);
    expect([...out.val].map((n) => Math.round(n * 100) / 100)).toEqual(val);
  });
});

/**
 * A stand-in sentence encoder that knows synonyms the n-grams cannot see: a text's vector is its concept's axis
 * (vehicle, baking, travel), so "automobile" and "car" point the same way without sharing a character.
 */
const concepts: [RegExp, number][] = [
  [/\b(car|automobile|vehicle)\b/, 0], [/\b(bread|cake|bakery)\b/, 1], [/\b(flights?|plane|airport)\b/, 2],
  [/\b(dog|puppy|pet)\b/, 3], [/\b(garden|gardening|plant|flower)\b/, 4], [/\b(phone|mobile|sim)\b/, 5],
];
const conceptEncoder = (calls: string[][] = []): Embedder => ({
  model: 'concepts', dimensions: 8,
  embed: async (texts) => {
    calls.push(texts);
    return texts.map((t) => {
      const v = new Float32Array(8);
      v[concepts.find(([re]) => re.test(t.toLowerCase()))?.[1] ?? 7] = 1;
      return v;
    });
  },
});

const articles: ArticleInput[] = [
  { id: 'repairs', title: 'Automobile repairs', examples: ['my automobile makes a noise', 'automobile service booking', 'fix my automobile', 'automobile will not start'] },
  { id: 'bakery', title: 'Bakery orders', examples: ['order a birthday cake', 'fresh bread delivery', 'gluten free bread', 'cake for a wedding'] },
  { id: 'travel', title: 'Flights', examples: ['book a flight', 'airport transfer', 'my flight was cancelled', 'plane seat upgrade'] },
  { id: 'pets', title: 'Pet care', examples: ['walk my dog', 'puppy training class', 'dog food brand', 'pet sitter for a week'] },
  { id: 'garden', title: 'Gardening', examples: ['plant roses in spring', 'water the garden', 'flower bed design', 'garden hedge trimming'] },
  { id: 'phones', title: 'Phone contracts', examples: ['new sim card', 'phone screen broken', 'mobile data plan', 'phone contract ends'] },
];
const lexicalEmbedder = () => new LocalEmbedder({ dimensions: 64 });

describe('the sentence vector as features of the learned model', () => {
  it('teaches a calibrated learned model what the n-grams cannot see, encoding each text once', async () => {
    const question = 'the car makes a strange sound';
    const lexical = await Matcher.train(articles, { embedder: lexicalEmbedder(), folds: 3 });
    const calls: string[][] = [];
    const semantic = await Matcher.train(articles, { embedder: lexicalEmbedder(), folds: 3, sentence: { embedder: conceptEncoder(calls), scale: 1 } });
    expect(semantic.calibration).toBeDefined();
    expect(calls.slice(0, 1).flat()).toHaveLength(new Set(articles.flatMap((a) => [a.title, ...a.examples])).size);
    const before = (await lexical.match(question)).ranked.find((r) => r.articleId === 'repairs')!.signals.learned!;
    const after = await semantic.match(question);
    expect(after.ranked[0]!.articleId).toBe('repairs');
    expect(after.ranked[0]!.signals.learned).toBeGreaterThan(before + 0.2);
    expect(after.ranked[0]!.signals.semantic).toBeCloseTo(1, 5);
  });

  it('without cross-validation (the prior) the vector ranks but is no feature of the learned model', async () => {
    const question = 'the car makes a strange sound';
    const lexical = await Matcher.train(articles, { embedder: lexicalEmbedder(), calibrate: false });
    const semantic = await Matcher.train(articles, { embedder: lexicalEmbedder(), calibrate: false, sentence: { embedder: conceptEncoder(), scale: 1 } });
    const [a, b] = [await lexical.match(question), await semantic.match(question)];
    expect(b.ranked.find((r) => r.articleId === 'repairs')!.signals.learned).toBeCloseTo(a.ranked.find((r) => r.articleId === 'repairs')!.signals.learned!, 6);
    expect(b.ranked[0]!.articleId).toBe('repairs');
    expect(b.ranked[0]!.signals.semantic).toBeCloseTo(1, 5);
  });

  it('cross-validation encodes each text once across its folds', async () => {
    const calls: string[][] = [];
    const vectors = new SentenceVectors({ embedder: conceptEncoder(calls), scale: 1 });
    await vectors.load(['a car', 'a cake', 'a car']);
    await vectors.load(['a car', 'a flight']);
    expect(calls).toEqual([['a car', 'a cake'], ['a flight']]);
    expect(vectors.get('a cake')?.[1]).toBe(1);
  });
});
