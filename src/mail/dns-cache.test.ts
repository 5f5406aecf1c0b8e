import { describe, expect, it } from 'vitest';
import { cachingResolver } from './dns-cache.js';

describe('cachingResolver', () => {
  const setup = (fail = false) => {
    let t = 0;
    const calls: string[] = [];
    const inner = async (name: string, rrtype: string) => {
      calls.push(`${rrtype} ${name}`);
      if (fail) throw Object.assign(new Error('timeout'), { code: 'ETIMEOUT' });
      return [[`v=DMARC1; p=none; ${calls.length}`]];
    };
    const resolver = cachingResolver(inner, { ttlMs: 1000, negativeTtlMs: 100, maxEntries: 2, now: () => t });
    return { resolver, calls, advance: (ms: number) => (t += ms) };
  };

  it('answers repeated questions from the cache until the TTL passes', async () => {
    const { resolver, calls, advance } = setup();
    const first = await resolver('_dmarc.Example.com', 'TXT');
    expect(await resolver('_dmarc.example.com', 'TXT')).toEqual(first);
    expect(calls).toHaveLength(1);
    advance(1001);
    await resolver('_dmarc.example.com', 'TXT');
    expect(calls).toHaveLength(2);
  });

  it('keeps failures for the shorter negative TTL', async () => {
    const { resolver, calls, advance } = setup(true);
    await expect(resolver('slow.test', 'TXT')).rejects.toThrow('timeout');
    await expect(resolver('slow.test', 'TXT')).rejects.toThrow('timeout');
    expect(calls).toHaveLength(1);
    advance(101);
    await expect(resolver('slow.test', 'TXT')).rejects.toThrow('timeout');
    expect(calls).toHaveLength(2);
  });

  it('evicts the oldest entry beyond its size', async () => {
    const { resolver, calls } = setup();
    for (const n of ['a.test', 'b.test', 'c.test', 'a.test']) await resolver(n, 'TXT');
    expect(calls).toEqual(['TXT a.test', 'TXT b.test', 'TXT c.test', 'TXT a.test']);
  });
});
