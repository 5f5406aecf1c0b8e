import { describe, expect, it } from 'vitest';
import { LocalEmbedder, hash32 } from './local-embedder.js';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('LocalEmbedder', () => {
  const e = new LocalEmbedder();

  it('has 384 L2-normalised dimensions and a versioned model name', async () => {
    const [v] = await e.embed(['Where is my card?']);
    expect(e.dimensions).toBe(384);
    expect(e.model).toBe('local-hash-v1-c35-d384');
    expect(v!.length).toBe(384);
    expect(dot(v!, v!)).toBeCloseTo(1, 5);
  });

  it('is deterministic across instances', async () => {
    const [a] = await e.embed(['Mi tarjeta no ha llegado']);
    const [b] = await new LocalEmbedder().embed(['Mi tarjeta no ha llegado']);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('places paraphrases closer than unrelated questions, in several languages', async () => {
    const pairs: [string, string, string][] = [
      ['my card has not arrived', 'card still not arrived yet', 'what is the exchange rate'],
      ['¿dónde está mi tarjeta?', '¿mi tarjeta dónde está ahora?', 'quiero cancelar la transferencia'],
      ['я не получил карту', 'когда я получу карту', 'как изменить пароль'],
      ['我的卡还没到', '卡什么时候到', '汇率是多少'],
    ];
    for (const [q, near, far] of pairs) {
      const [vq, vn, vf] = await e.embed([q, near, far]);
      expect(dot(vq!, vn!)).toBeGreaterThan(dot(vq!, vf!));
    }
  });

  it('embeds empty text as the zero vector and honours dimensions', async () => {
    const [z] = await new LocalEmbedder({ dimensions: 256 }).embed(['   ']);
    expect(z!.length).toBe(256);
    expect(z!.every((x) => x === 0)).toBe(true);
  });

  it('hash32 is stable', () => {
    expect(hash32('w:card')).toBe(hash32('w:card'));
    expect(hash32('w:card')).not.toBe(hash32('w:cards'));
  });
});
