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
const concepts: [RegExp, number][] = [[/car|automobile|vehicle|motor/, 0], [/bread|cake|bak/, 1], [/flight|plane|airport/, 2]];
const conceptEncoder = (calls: string[][] = []): Embedder => ({
  model: 'concepts', dimensions: 4,
  embed: async (texts) => {
    calls.push(texts);
    return texts.map((t) => {
      const v = new Float32Array(4);
      v[concepts.find(([re]) => re.test(t.toLowerCase()))?.[1] ?? 3] = 1;
      return v;
    });
  },
});

const articles: ArticleInput[] = [
  { id: 'repairs', title: 'Automobile repairs', examples: ['my automobile makes a noise', 'automobile service booking', 'fix my automobile', 'automobile will not start'] },
  { id: 'bakery', title: 'Bakery orders', examples: ['order a birthday cake', 'fresh bread delivery', 'gluten free bread', 'cake for a wedding'] },
  { id: 'travel', title: 'Flights', examples: ['book a flight', 'airport transfer', 'my flight was cancelled', 'plane seat upgrade'] },
];

describe('the sentence vector as features of the learned model', () => {
  it('teaches the learned model what the n-grams cannot see, encoding each text once', async () => {
    const question = 'the car makes a strange sound';
    const lexical = await Matcher.train(articles, { embedder: new LocalEmbedder({ dimensions: 64 }), calibrate: false });
    const calls: string[][] = [];
    const encoder = conceptEncoder(calls);
    const semantic = await Matcher.train(articles, { embedder: new LocalEmbedder({ dimensions: 64 }), calibrate: false, sentence: { embedder: encoder, scale: 1 } });
    expect(semantic.usesSentences).toBe(true);
    expect(calls.flat()).toHaveLength(new Set(articles.flatMap((a) => [a.title, ...a.examples])).size);
    const before = (await lexical.match(question)).ranked.find((r) => r.articleId === 'repairs')!.signals.learned!;
    const after = await semantic.match(question);
    expect(after.ranked[0]!.articleId).toBe('repairs');
    expect(after.ranked[0]!.signals.learned).toBeGreaterThan(before + 0.2);
    expect(after.ranked[0]!.signals.semantic).toBeCloseTo(1, 5);
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
