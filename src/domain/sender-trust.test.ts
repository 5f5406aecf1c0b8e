import { describe, expect, it } from 'vitest';
import {
  decideSenderTrust, parseAuthenticationResults, resultsFromHeaders, worstDmarc,
  type AuthResult, type SenderAuthResults,
} from './sender-trust.js';

const results = (over: Partial<SenderAuthResults>): SenderAuthResults => ({
  spf: 'none', dkim: 'none', dmarc: 'none', fromDomain: 'example.com', method: 'verified', ...over,
});

describe('decideSenderTrust: the decision rule', () => {
  it.each<[string, Partial<SenderAuthResults>, boolean, RegExp | undefined]>([
    ['DMARC pass', { dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'reject' }, true, undefined],
    ['DMARC fail, p=reject', { dmarc: 'fail', dmarcPolicy: 'reject' }, false, /^DMARC failed for example\.com \(policy reject\): the sender may be forged$/],
    ['DMARC fail, p=quarantine', { dmarc: 'fail', dmarcPolicy: 'quarantine' }, false, /\(policy quarantine\)/],
    // p=none still withholds: the policy is about delivery, which happens (the case opens); replying is our choice.
    ['DMARC fail, p=none', { dmarc: 'fail', dmarcPolicy: 'none' }, false, /\(policy none\): the sender may be forged/],
    ['DMARC fail, policy unknown (from a header)', { dmarc: 'fail', method: 'header' }, false, /^DMARC failed for example\.com: /],
    ['DMARC fail even though SPF passed for another domain', { spf: 'pass', dmarc: 'fail' }, false, /DMARC failed/],
    ['no DMARC record', { dmarc: 'none' }, true, /publishes no DMARC policy/],
    ['no DMARC record, DKIM failed', { dkim: 'fail', spf: 'fail', dmarc: 'none' }, true, /no DMARC policy/],
    ['DNS trouble', { dmarc: 'temperror' }, true, /DNS error: not verified, DNS failed/],
    ['broken record', { dmarc: 'permerror' }, true, /broken DMARC record/],
    ['unknown DMARC result', { dmarc: 'unknown' }, true, /unknown/],
    ['check switched off', { method: 'skipped', dmarc: 'unknown' }, true, /turned off/],
    ['detail is kept', { dmarc: 'fail', detail: 'SPF not checked: the connecting IP is unknown' }, false, /forged; SPF not checked/],
    ['detail alone on a pass', { dmarc: 'pass', detail: 'SPF not checked' }, true, /^SPF not checked$/],
    ['no From domain', { dmarc: 'fail', fromDomain: '' }, false, /for the sender/],
    ['no From domain, nothing to check', { dmarc: 'none', fromDomain: '' }, true, /^the message names no From domain, so DMARC does not apply$/],
  ])('%s', (_, over, acknowledge, reason) => {
    const verdict = decideSenderTrust(results(over));
    expect(verdict.acknowledge).toBe(acknowledge);
    if (reason) expect(verdict.reason).toMatch(reason);
    else expect(verdict.reason).toBeUndefined();
    // The verdict carries the results it was decided from, and survives a JSON round trip (it goes into case events).
    expect(verdict).toMatchObject(results(over));
    expect(JSON.parse(JSON.stringify(verdict))).toEqual(verdict);
  });
});

describe('worstDmarc', () => {
  it.each<[AuthResult[], AuthResult]>([
    [[], 'none'],
    [['pass'], 'pass'],
    [['pass', 'pass'], 'pass'],
    [['pass', 'fail'], 'fail'],
    [['pass', 'none'], 'none'],
    [['temperror', 'fail'], 'fail'],
    [['pass', 'temperror'], 'temperror'],
  ])('%j -> %s', (input, expected) => expect(worstDmarc(input)).toBe(expected));
});

describe('parseAuthenticationResults', () => {
  it('reads methods, results, properties and comments', () => {
    const parsed = parseAuthenticationResults(
      ' mx.google.com;\r\n dkim=pass header.i=@example.com header.s=sel header.b="Ab;c(d)";\r\n' +
        ' spf=pass (google.com: domain of a@example.com designates 192.0.2.5 as permitted sender; x) smtp.mailfrom=a@example.com;\r\n' +
        ' dmarc=fail (p=REJECT sp=REJECT dis=REJECT) header.from=Example.com',
    );
    expect(parsed).toEqual({
      authservId: 'mx.google.com',
      results: [
        { method: 'dkim', result: 'pass', comment: '', props: { 'header.i': '@example.com', 'header.s': 'sel', 'header.b': 'Ab;c(d)' } },
        {
          method: 'spf', result: 'pass', comment: 'google.com: domain of a@example.com designates 192.0.2.5 as permitted sender; x',
          props: { 'smtp.mailfrom': 'a@example.com' },
        },
        { method: 'dmarc', result: 'fail', comment: 'p=REJECT sp=REJECT dis=REJECT', props: { 'header.from': 'Example.com' } },
      ],
    });
  });

  it.each<[string, string, string[]]>([
    ['version and nested comments', 'MX.Example.org 1; (a (nested) comment) spf = softfail smtp.mailfrom=x@y.example', ['spf=softfail']],
    ['method version', 'mx.example.org; dkim/1=pass header.d=example.com', ['dkim=pass']],
    ['no results', 'mx.example.org; none', []],
    ['garbage after the id', 'mx.example.org; ;;; =pass; what ever', []],
  ])('%s', (_, value, expected) => {
    const parsed = parseAuthenticationResults(value)!;
    expect(parsed.authservId).toBe(value.split(/[ ;]/)[0]!.toLowerCase());
    expect(parsed.results.map((r) => `${r.method}=${r.result}`)).toEqual(expected);
  });

  it('gives null for a value without an authserv-id', () => {
    expect(parseAuthenticationResults('')).toBeNull();
    expect(parseAuthenticationResults(' ; spf=pass')).toBeNull();
  });
});

describe('resultsFromHeaders: trusting only our own MTA', () => {
  const ours = 'mx.firstreply.test';
  it.each<[string, string[], string | undefined, Partial<SenderAuthResults>]>([
    ['our pass', [`${ours}; spf=pass smtp.mailfrom=a@example.com; dkim=pass header.d=example.com; dmarc=pass (p=REJECT) header.from=example.com`], ours,
      { spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'reject', fromDomain: 'example.com' }],
    ['our fail', [`${ours}; spf=fail smtp.mailfrom=a@example.com; dkim=none; dmarc=fail (p=QUARANTINE) header.from=example.com`], ours,
      { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcPolicy: 'quarantine' }],
    ['authserv-id compared without case', [`MX.FirstReply.Test; dmarc=fail policy.dmarc=reject header.from=example.com`], ours,
      { dmarc: 'fail', dmarcPolicy: 'reject' }],
    ['a forged header with another id is ignored', [
      `${ours}; dmarc=fail (p=reject) header.from=example.com`, 'mx.firstreply.test.evil.example; dmarc=pass header.from=example.com',
    ], ours, { dmarc: 'fail' }],
    ['only forged headers: nothing trusted', ['mx.evil.example; spf=pass; dkim=pass; dmarc=pass header.from=example.com'], ours,
      { spf: 'none', dkim: 'none', dmarc: 'none', detail: `no Authentication-Results header from ${ours}` }],
    ['a look-alike below ours does not override it', [
      `${ours}; dmarc=fail (p=reject) header.from=example.com`, `${ours}; dmarc=pass header.from=example.com`,
    ], ours, { dmarc: 'fail', dmarcPolicy: 'reject' }],
    ['one header per method (OpenDKIM, SPF policy, OpenDMARC)', [
      `${ours}; dmarc=pass (p=none dis=none) header.from=example.com`, `${ours}; spf=pass smtp.mailfrom=example.com`,
      `${ours}; dkim=fail header.d=example.com; dkim=pass header.d=example.com`,
    ], ours, { spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'none' }],
    ['Microsoft "bestguesspass" means no record', [`${ours}; dmarc=bestguesspass action=none header.from=example.com`], ours, { dmarc: 'none' }],
    ['no AUTHSERV_ID configured', [`${ours}; dmarc=pass header.from=example.com`], undefined,
      { dmarc: 'none', detail: 'no AUTHSERV_ID is configured, so no Authentication-Results header can be trusted' }],
  ])('%s', (_, headers, authservId, expected) => {
    const r = resultsFromHeaders(headers, authservId, 'example.com');
    expect(r).toMatchObject({ method: 'header', fromDomain: 'example.com', ...expected });
  });
});
