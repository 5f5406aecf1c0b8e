// An in-memory DNS for sender-authentication tests: the machine has no internet, and tests must not depend on it.
import type { Resolver } from '../../src/mail/sender-auth.js';

/** One record set: TXT strings (split into 255-byte chunks as real DNS does), A/AAAA addresses, MX as
 * "10 mx.example.com", or a failure. */
export type FakeAnswer = string[] | { error: string } | 'hang';
export type FakeZone = Record<string, Partial<Record<'TXT' | 'A' | 'AAAA' | 'MX' | 'PTR', FakeAnswer>>>;

export interface FakeResolver extends Resolver {
  /** Every query made, as "name TYPE", in order. */
  queries: string[];
}

function dnsError(code: string, name: string, rrtype: string): Error {
  return Object.assign(new Error(`query${code} ${name} ${rrtype}`), { code, hostname: name });
}

/** TXT strings longer than 255 bytes arrive as several character-strings; mailauth must join them. */
function chunks(record: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < record.length; i += 255) out.push(record.slice(i, i + 255));
  return out.length ? out : [''];
}

/**
 * fakeResolver({ 'example.com': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] }, '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject'] } })
 * An unknown name answers ENOTFOUND, a known name without the type ENODATA, { error: 'ESERVFAIL' } fails with that
 * code, and 'hang' never answers (the code under test must time out). The key '*' applies to every name not listed.
 */
export function fakeResolver(zone: FakeZone): FakeResolver {
  const table = new Map(Object.entries(zone).map(([k, v]) => [k.toLowerCase().replace(/\.$/, ''), v]));
  const queries: string[] = [];
  const resolve = async (name: string, rrtype: string): Promise<unknown[]> => {
    const key = name.toLowerCase().replace(/\.$/, '');
    queries.push(`${key} ${rrtype}`);
    const node = table.get(key) ?? table.get('*');
    if (!node) throw dnsError('ENOTFOUND', name, rrtype);
    const answer = node[rrtype as keyof typeof node];
    if (answer === undefined) throw dnsError('ENODATA', name, rrtype);
    if (answer === 'hang') return new Promise<never>(() => {});
    if (!Array.isArray(answer)) throw dnsError(answer.error, name, rrtype);
    if (rrtype === 'TXT') return answer.map(chunks);
    if (rrtype === 'MX') {
      return answer.map((mx) => {
        const [priority, exchange] = mx.split(' ');
        return { priority: Number(priority), exchange };
      });
    }
    return [...answer];
  };
  return Object.assign(resolve, { queries });
}
