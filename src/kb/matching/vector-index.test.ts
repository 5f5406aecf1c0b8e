import { describe, expect, it } from 'vitest';
import { VectorIndex } from './vector-index.js';

const unit = (...xs: number[]) => { const n = Math.hypot(...xs); return Float32Array.from(xs, (x) => x / n); };

describe('VectorIndex', () => {
  it('returns the best chunk cosine per article and grows past its capacity', () => {
    const ix = new VectorIndex(5, 1);
    ix.add('a', unit(1, 0, 0, 0, 0));
    ix.add('a', unit(0, 1, 0, 0, 0));
    ix.add('b', unit(1, 1, 0, 0, 1));
    const m = ix.maxPerArticle(unit(0, 1, 0, 0, 0));
    expect(m.get('a')).toBeCloseTo(1);
    expect(m.get('b')).toBeCloseTo(1 / Math.sqrt(3));
    expect(ix.length).toBe(3);
  });

  it('rejects vectors of the wrong size', () => {
    expect(() => new VectorIndex(3).add('a', new Float32Array(4))).toThrow(/3 dimensions/);
  });
});
