// Language-agnostic surface features for matching customer questions: words, word pairs and
// character n-grams. Char n-grams carry most of the signal for typos, inflections and for
// languages without spaces (zh, ja), so no per-language tokenizer or stemmer is required.

export interface FeatureOptions {
  /** character n-gram lengths taken inside each padded word, e.g. [3, 5] = 3..5 */
  charRange: [number, number];
  /** emit adjacent word pairs */
  wordBigrams: boolean;
  /** strip common English inflection suffixes from word features (char n-grams stay raw) */
  lightStem: boolean;
  /** weight of each feature family in the final vector */
  weights: { word: number; bigram: number; char: number };
}

export const defaultFeatureOptions: FeatureOptions = {
  charRange: [3, 5],
  wordBigrams: true,
  lightStem: true,
  weights: { word: 1, bigram: 1, char: 1 },
};

const NON_WORD = /[^\p{L}\p{N}]+/gu;
const APOSTROPHE = /['’`´]/g;
// Scripts written without spaces: each character is also a "word" (and no word for coverage: kb/matching/prior.ts).
export const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}]/u;

export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(APOSTROPHE, '')
    .replace(NON_WORD, ' ')
    .trim();
}

/** Very light English suffix stripping; leaves short and non-Latin words untouched. */
export function lightStem(word: string): string {
  if (word.length <= 4 || !/^[a-z]+$/.test(word)) return word;
  if (word.endsWith('ies')) return word.slice(0, -3) + 'y';
  if (word.endsWith('ing') && word.length > 5) return word.slice(0, -3);
  if (word.endsWith('ed') && word.length > 4) return word.slice(0, -2);
  if (word.endsWith('es') && /(ss|sh|ch|x)es$/.test(word)) return word.slice(0, -2);
  if (word.endsWith('s') && !word.endsWith('ss') && !word.endsWith('us')) return word.slice(0, -1);
  return word;
}

export type FeatureCounts = Map<string, number>;

function bump(counts: FeatureCounts, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

/** Raw feature counts of one text; keys are prefixed by family: w: b: c: */
export function extractFeatures(text: string, opts: FeatureOptions = defaultFeatureOptions): FeatureCounts {
  const counts: FeatureCounts = new Map();
  const norm = normalizeText(text);
  if (!norm) return counts;
  const raw = norm.split(' ');
  const words: string[] = [];
  for (const w of raw) {
    if (UNSPACED.test(w)) for (const ch of w) words.push(ch);
    else words.push(opts.lightStem ? lightStem(w) : w);
  }
  for (const w of words) bump(counts, 'w:' + w);
  if (opts.wordBigrams) {
    for (let i = 0; i + 1 < words.length; i++) bump(counts, 'b:' + words[i] + ' ' + words[i + 1]);
  }
  const [lo, hi] = opts.charRange;
  for (const w of raw) {
    const padded = [...` ${w} `];
    for (let n = lo; n <= hi; n++) {
      for (let i = 0; i + n <= padded.length; i++) bump(counts, 'c:' + padded.slice(i, i + n).join(''));
    }
  }
  return counts;
}

/**
 * extractFeatures for the texts being matched right now, remembered for a moment: a customer message is embedded
 * (LocalEmbedder) and vectorised by the matcher from the same features, computed once. A few recent texts are kept
 * (one per message in flight); the counts returned are shared and must not be changed.
 */
export function recentFeatures(text: string, opts: FeatureOptions = defaultFeatureOptions): FeatureCounts {
  let byText = recent.get(opts);
  if (!byText) recent.set(opts, (byText = new Map()));
  const known = byText.get(text);
  if (known) return known;
  const counts = extractFeatures(text, opts);
  if (byText.size >= RECENT_TEXTS) byText.delete(byText.keys().next().value!);
  byText.set(text, counts);
  return counts;
}
const RECENT_TEXTS = 16;
const recent = new WeakMap<FeatureOptions, Map<string, FeatureCounts>>();

export function familyWeight(key: string, opts: FeatureOptions): number {
  const f = key.charCodeAt(0);
  if (f === 119 /* w */) return opts.weights.word;
  if (f === 98 /* b */) return opts.weights.bigram;
  return opts.weights.char;
}
