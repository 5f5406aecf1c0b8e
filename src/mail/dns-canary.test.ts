import { describe, expect, it } from 'vitest';
import { fakeResolver } from '../../test/support/dns.js';
import { mailAlerts } from '../api/routes/ops.js';
import { DnsCanary } from './dns-canary.js';
import { distrustWhileDnsBroken } from './sender-check.js';

const CANARY = '_dmarc.canary.test';

describe('DnsCanary', () => {
  it.each([
    ['the canary resolves', fakeResolver({ [CANARY]: { TXT: ['v=DMARC1; p=reject'] } }), true, undefined],
    ['NXDOMAIN for everything', fakeResolver({}), false, 'ENOTFOUND'],
    ['SERVFAIL for everything', fakeResolver({ '*': { TXT: { error: 'ESERVFAIL' } } }), false, 'ESERVFAIL'],
    ['no answer at all', fakeResolver({ '*': { TXT: 'hang' } }), false, 'ETIMEOUT'],
  ])('%s', async (_, resolver, ok, error) => {
    const canary = new DnsCanary(resolver, CANARY, 60_000, 50);
    const state = await canary.fresh();
    expect(state.ok).toBe(ok);
    expect(state.error).toBe(error);
    const alerts = mailAlerts(canary.status());
    if (ok) expect(alerts).toEqual([]);
    else expect(alerts).toEqual([expect.stringMatching(/^DNS looks broken: the lookup of _dmarc\.canary\.test \(TXT\).+not verified: DNS failed/)]);
  });

  it('looks up once per interval, and counts failures in a row', async () => {
    let t = 0;
    const resolver = fakeResolver({});
    const canary = new DnsCanary(resolver, CANARY, 1000, 50, () => t);
    await canary.fresh();
    await canary.fresh();
    expect(resolver.queries).toHaveLength(1);
    t = 1000;
    await canary.fresh();
    expect(resolver.queries).toHaveLength(2);
    expect(canary.status()[0]).toMatchObject({ kind: 'dns', connected: false, consecutiveFailures: 2, failingSince: new Date(0).toISOString() });
  });
});

describe('distrustWhileDnsBroken', () => {
  const verdict = { spf: 'none', dkim: 'none', dmarc: 'none', fromDomain: 'paypal.test', method: 'verified', acknowledge: true } as const;
  it.each([
    ['DNS broken: "no policy" proves nothing', verdict, false, 'temperror'],
    ['DNS works: "no policy" stands', verdict, true, 'none'],
    ['DNS broken but DMARC passed: a pass needed answers', { ...verdict, dmarc: 'pass' as const }, false, 'pass'],
    ['DNS broken, DMARC failed: still a failure', { ...verdict, dmarc: 'fail' as const, acknowledge: false }, false, 'fail'],
  ])('%s', (_, v, ok, dmarc) => {
    const out = distrustWhileDnsBroken(v, { ok, error: 'ENOTFOUND' }, CANARY);
    expect(out.dmarc).toBe(dmarc);
    if (dmarc === 'temperror') expect(out.reason).toMatch(/^not verified: DNS failed/);
  });
});
