// Sender authentication asks DNS several questions per message (DMARC policy, DKIM keys, SPF), mostly about the
// same few domains. Node does not cache DNS, so answers — and failures, for less time — are kept here: a domain
// whose DNS is slow costs its timeout once a minute, not on every message.
import type { Resolver } from './sender-auth.js';

export interface DnsCacheOptions {
  ttlMs?: number;
  negativeTtlMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export function cachingResolver(inner: Resolver, opts: DnsCacheOptions = {}): Resolver {
  const ttl = opts.ttlMs ?? 5 * 60_000;
  const negativeTtl = opts.negativeTtlMs ?? 60_000;
  const max = opts.maxEntries ?? 10_000;
  const now = opts.now ?? Date.now;
  const entries = new Map<string, { until: number; answer: Promise<unknown[]> }>();
  return (name, rrtype) => {
    const key = `${rrtype} ${name.toLowerCase()}`;
    const hit = entries.get(key);
    if (hit && hit.until > now()) return hit.answer;
    const answer = inner(name, rrtype);
    const entry = { until: now() + ttl, answer };
    answer.catch(() => (entry.until = now() + negativeTtl));
    entries.delete(key);
    entries.set(key, entry);
    if (entries.size > max) entries.delete(entries.keys().next().value!);
    return answer;
  };
}
