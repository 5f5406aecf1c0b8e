// Sender authentication end to end through mailauth, offline: keys are generated here, messages are signed (and
// forged) here, and every DNS answer comes from the in-memory zone below.
import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { dkimSign } from 'mailauth';
import { describe, expect, it } from 'vitest';
import { boundedResolver, checkSenderAuth, type SenderAuthContext, type SenderAuthVerdict } from '../src/mail/sender-auth.js';
import { fakeResolver, type FakeZone } from './support/dns.js';
import { customerEmail } from './support/mail.js';

function keyPair() {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const p = publicKey.export({ type: 'spki', format: 'der' }).toString('base64');
  // A 2048-bit key is longer than one TXT character-string: the fake DNS splits it, as real DNS does.
  return { privateKey, record: `v=DKIM1; k=rsa; p=${p}` };
}
const ours = keyPair(); // the real example.com (and lenient.example) key
const theirs = keyPair(); // an attacker's key for attacker.example

const zone: FakeZone = {
  'example.com': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
  'sel._domainkey.example.com': { TXT: [ours.record] },
  '_dmarc.example.com': { TXT: ['v=DMARC1; p=reject; sp=quarantine; rua=mailto:dmarc@example.com'] },
  'lenient.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 ~all'] },
  'sel._domainkey.lenient.example': { TXT: [ours.record] },
  '_dmarc.lenient.example': { TXT: ['v=DMARC1; p=none'] },
  'attacker.example': { TXT: ['v=spf1 ip4:203.0.113.0/24 -all'] },
  'sel._domainkey.attacker.example': { TXT: [theirs.record] },
  'slow.attacker.example': { TXT: 'hang' },
  'nodmarc.example': { TXT: ['v=spf1 ip4:192.0.2.0/24 -all'] },
  'sel._domainkey.nodmarc.example': { TXT: [ours.record] },
};

async function sign(raw: string, domain: string, key: KeyObject): Promise<string> {
  const signer = { signingDomain: domain, selector: 'sel', privateKey: key.export({ type: 'pkcs8', format: 'pem' }) };
  // signTime is given on purpose: without it mailauth 4.13 reads the clock twice (for the hashed header and for the
  // written one) and, when a rounding boundary falls in between, writes a t= it did not sign (about 1 in 200).
  const result = await dkimSign(raw, { ...signer, signatureData: [signer], signTime: new Date() });
  expect(result.errors).toEqual([]);
  return result.signatures + raw;
}

const mail = (from: string) => customerEmail({ from: `Anna <${from}>` });
const imap = {}; // IMAP and webhook: no connecting IP, no HELO, no envelope
const smtpFrom = (remoteIp: string, mailFrom: string, helo = 'mail.sender.example') => ({ remoteIp, mailFrom, helo });

async function check(raw: string | Buffer, ctx: Partial<SenderAuthContext> = {}, records: FakeZone = zone) {
  const resolver = fakeResolver(records);
  // Generous by default: the fake DNS answers at once, and a stalled shared machine must not turn answers into timeouts.
  const verdict = await checkSenderAuth(Buffer.from(raw), { mode: 'verify', dnsTimeoutMs: 2000, resolver, ...ctx });
  return { verdict, queries: resolver.queries };
}

type Case = [name: string, raw: () => Promise<string>, ctx: Partial<SenderAuthContext>, expected: Partial<SenderAuthVerdict>, reason?: RegExp];

describe('checkSenderAuth (verify): signed and forged messages', () => {
  it.each<Case>([
    ['DKIM signed by the From domain, no IP known (IMAP)', () => sign(mail('anna@example.com'), 'example.com', ours.privateKey), imap,
      { spf: 'none', dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'reject', acknowledge: true }, /^SPF not checked: the connecting IP is unknown$/],
    ['SPF and DKIM pass over SMTP', () => sign(mail('anna@example.com'), 'example.com', ours.privateKey), smtpFrom('192.0.2.25', 'anna@example.com'),
      { spf: 'pass', dkim: 'pass', dmarc: 'pass', acknowledge: true, reason: undefined }],
    ['unsigned, but SPF passes for the From domain', async () => mail('anna@example.com'), smtpFrom('192.0.2.25', 'anna@example.com'),
      { spf: 'pass', dkim: 'none', dmarc: 'pass', acknowledge: true }],
    ['forged: unsigned, SPF fails from an unlisted IP, p=reject', async () => mail('anna@example.com'), smtpFrom('198.51.100.7', 'anna@example.com'),
      { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcPolicy: 'reject', fromDomain: 'example.com', acknowledge: false },
      /^DMARC failed for example\.com \(policy reject\): the sender may be forged$/],
    ['forged: signed by the attacker\'s own domain, SPF passes for it', () => sign(mail('anna@example.com'), 'attacker.example', theirs.privateKey),
      smtpFrom('203.0.113.5', 'bounce@attacker.example'),
      { spf: 'pass', dkim: 'pass', dmarc: 'fail', dmarcPolicy: 'reject', acknowledge: false }, /DMARC failed for example\.com/],
    ['forged: signed with a key that is not example.com\'s', () => sign(mail('anna@example.com'), 'example.com', theirs.privateKey), imap,
      { dkim: 'fail', dmarc: 'fail', acknowledge: false }],
    ['forged: unsigned, no IP known', async () => mail('anna@example.com'), imap,
      { spf: 'none', dkim: 'none', dmarc: 'fail', acknowledge: false }, /forged; SPF not checked/],
    ['body modified after signing', async () => (await sign(mail('anna@example.com'), 'example.com', ours.privateKey)).replace('blue lamp', 'gift card'), imap,
      { dkim: 'fail', dmarc: 'fail', acknowledge: false }],
    ['signed header modified after signing', async () => (await sign(mail('anna@example.com'), 'example.com', ours.privateKey)).replace('Subject: Where', 'Subject: Urgent, where'), imap,
      { dkim: 'fail', dmarc: 'fail', acknowledge: false }],
    // p=none asks receivers to deliver anyway, and we do (the case opens for an agent), but the sender is still
    // unproven: an automatic reply could land on a stranger whose address was forged. See decideSenderTrust.
    ['p=none and DMARC fails: still no acknowledgement', async () => mail('anna@lenient.example'), smtpFrom('198.51.100.7', 'anna@lenient.example'),
      { spf: 'softfail', dmarc: 'fail', dmarcPolicy: 'none', fromDomain: 'lenient.example', acknowledge: false }, /\(policy none\): the sender may be forged/],
    ['p=none and DMARC passes', () => sign(mail('anna@lenient.example'), 'lenient.example', ours.privateKey), imap,
      { dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'none', fromDomain: 'lenient.example', acknowledge: true }],
    ['subdomain covered by the organisation\'s sp=quarantine', async () => mail('anna@shop.example.com'), imap,
      { dmarc: 'fail', dmarcPolicy: 'quarantine', fromDomain: 'shop.example.com', acknowledge: false }],
    ['DKIM of the organisational domain aligns with a subdomain From (relaxed)', () => sign(mail('anna@shop.example.com'), 'example.com', ours.privateKey), imap,
      { dkim: 'pass', dmarc: 'pass', fromDomain: 'shop.example.com', acknowledge: true }],
    ['no DMARC record: acknowledged even with SPF failing', async () => mail('anna@nodmarc.example'), smtpFrom('198.51.100.7', 'anna@nodmarc.example'),
      { spf: 'fail', dmarc: 'none', fromDomain: 'nodmarc.example', acknowledge: true }, /nodmarc\.example publishes no DMARC policy/],
    ['no DMARC record, body modified after signing', async () => (await sign(mail('anna@nodmarc.example'), 'nodmarc.example', ours.privateKey)).replace('blue lamp', 'gift card'), imap,
      { dkim: 'fail', dmarc: 'none', fromDomain: 'nodmarc.example', acknowledge: true }],
    ['two From domains, one of them forged', () => sign(customerEmail({ from: 'anna@attacker.example, anna@example.com' }), 'attacker.example', theirs.privateKey), imap,
      { dkim: 'pass', dmarc: 'fail', fromDomain: 'example.com', acknowledge: false }, /several domains \(attacker\.example, example\.com\)/],
    ['the attacker slows its own SPF lookups: DMARC still fails', async () => mail('anna@example.com'), { ...smtpFrom('203.0.113.5', 'x@slow.attacker.example'), dnsTimeoutMs: 300 },
      { spf: 'temperror', dmarc: 'fail', dmarcPolicy: 'reject', acknowledge: false }],
  ])('%s', async (_, raw, ctx, expected, reason) => {
    const { verdict } = await check(await raw(), ctx);
    const { reason: expectedReason, ...rest } = expected;
    expect(verdict).toMatchObject({ method: 'verified', fromDomain: 'example.com', ...rest });
    if (reason) expect(verdict.reason).toMatch(reason);
    if ('reason' in expected && expectedReason === undefined) expect(verdict.reason).toBeUndefined();
  });

  it('does not look up SPF when the connecting IP is unknown', async () => {
    const { queries } = await check(mail('anna@example.com'), { mailFrom: 'anna@example.com', helo: 'mail.example.com' });
    expect(queries).toEqual(['_dmarc.example.com TXT']);
  });
});

describe('checkSenderAuth (verify): DNS trouble never blocks and never throws', () => {
  const everythingHangs: FakeZone = { '*': { TXT: 'hang', A: 'hang', AAAA: 'hang', MX: 'hang', PTR: 'hang' } };
  const everythingFails: FakeZone = { '*': { TXT: { error: 'ESERVFAIL' }, A: { error: 'ESERVFAIL' }, AAAA: { error: 'ESERVFAIL' } } };
  const refused: FakeZone = { ...zone, '_dmarc.example.com': { TXT: { error: 'EREFUSED' } } };

  it.each<[string, FakeZone, number, Partial<SenderAuthVerdict>]>([
    ['every query times out', everythingHangs, 100, { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror' }],
    ['every query fails with SERVFAIL', everythingFails, 100, { spf: 'temperror', dkim: 'temperror', dmarc: 'temperror' }],
    ['only the DMARC lookup is refused', refused, 1000, { spf: 'pass', dkim: 'pass', dmarc: 'temperror' }],
  ])('%s: temperror, acknowledged, in bounded time', async (_, records, dnsTimeoutMs, expected) => {
    const raw = await sign(mail('anna@example.com'), 'example.com', ours.privateKey);
    const started = Date.now();
    const { verdict } = await check(raw, { ...smtpFrom('192.0.2.25', 'anna@example.com'), dnsTimeoutMs }, records);
    // 3 timeouts for the sender-controlled lookups, 2 for DMARC, and room for a slow shared machine.
    expect(Date.now() - started).toBeLessThan(5 * dnsTimeoutMs + 1500);
    expect(verdict).toMatchObject({ ...expected, acknowledge: true, method: 'verified' });
    expect(verdict.reason).toMatch(/DMARC could not be checked for example\.com because of a DNS error/);
  });

  it('turns a resolver that throws something odd into temperror', async () => {
    const verdict = await checkSenderAuth(Buffer.from(mail('anna@example.com')), {
      mode: 'verify', dnsTimeoutMs: 100, resolver: async () => { throw new TypeError('resolver bug'); },
    });
    expect(verdict).toMatchObject({ dmarc: 'temperror', acknowledge: true });
  });

  it('survives a resolver that answers nonsense', async () => {
    const raw = await sign(mail('anna@example.com'), 'example.com', ours.privateKey);
    const verdict = await checkSenderAuth(Buffer.from(raw), {
      mode: 'verify', dnsTimeoutMs: 100, remoteIp: '192.0.2.25', resolver: async () => [42, null, { nonsense: true }] as unknown[],
    });
    expect(verdict.dmarc).not.toBe('pass');
    expect(verdict.acknowledge).toBe(true);
  });

  it('uses the system resolver by default, bounded by DNS_TIMEOUT_MS (this machine has no DNS)', async () => {
    const dnsTimeoutMs = 300;
    const started = Date.now();
    const verdict = await checkSenderAuth(Buffer.from(mail('anna@customer.invalid')), { mode: 'verify', dnsTimeoutMs });
    expect(Date.now() - started).toBeLessThan(5 * dnsTimeoutMs + 1500);
    expect(['none', 'temperror']).toContain(verdict.dmarc);
    expect(verdict.acknowledge).toBe(true);
  });
});

describe('boundedResolver', () => {
  const slowZone: FakeZone = { ...zone, 'example.com': { TXT: 'hang' } };

  it.each<[string, string, number, string | null]>([
    ['answers within the time', 'sel._domainkey.example.com', 1000, null],
    ['a hanging query fails with ETIMEOUT after the per-query time', 'example.com', 1000, 'ETIMEOUT'],
    ['a sender-controlled query after the shared budget is spent fails at once', 'sel._domainkey.example.com', -1, 'ETIMEOUT'],
    ['a DMARC query is answered even after the budget is spent', '_dmarc.example.com', -1, null],
    ['an unknown name keeps its DNS code', 'nowhere.example', 1000, 'ENOTFOUND'],
  ])('%s', async (_, name, budgetMs, code) => {
    const resolve = boundedResolver(fakeResolver(slowZone), 50, Date.now() + budgetMs);
    const started = Date.now();
    const outcome = await resolve(name, 'TXT').then(() => null, (err: { code?: string }) => err.code ?? 'no code');
    expect(outcome).toBe(code);
    expect(Date.now() - started).toBeLessThan(1000);
  });
});

describe('checkSenderAuth (trust-header): the receiving MTA\'s Authentication-Results', () => {
  const authservId = 'mx.firstreply.test';
  const withResults = (...lines: string[]) => `${lines.map((l) => `Authentication-Results: ${l}\r\n`).join('')}${mail('anna@example.com')}`;
  const pass = `${authservId};\r\n dkim=pass header.i=@example.com header.s=sel;\r\n spf=pass smtp.mailfrom=anna@example.com;\r\n dmarc=pass (p=REJECT) header.from=example.com`;
  const fail = `${authservId};\r\n dkim=none (message not signed);\r\n spf=fail smtp.mailfrom=anna@example.com;\r\n dmarc=fail (p=REJECT sp=QUARANTINE) header.from=example.com`;
  const forgedPass = 'mx.elsewhere.example; dkim=pass header.i=@example.com; spf=pass; dmarc=pass header.from=example.com';

  it.each<[string, string, Partial<SenderAuthVerdict>, RegExp?]>([
    ['our MTA says pass', withResults(pass), { spf: 'pass', dkim: 'pass', dmarc: 'pass', dmarcPolicy: 'reject', acknowledge: true }],
    ['our MTA says fail', withResults(fail), { spf: 'fail', dkim: 'none', dmarc: 'fail', dmarcPolicy: 'reject', acknowledge: false },
      /^DMARC failed for example\.com \(policy reject\): the sender may be forged$/],
    ['a forged pass with another authserv-id is ignored; ours says fail', withResults(fail, forgedPass), { dmarc: 'fail', acknowledge: false }],
    ['only a forged header: nothing to trust', withResults(forgedPass), { spf: 'none', dkim: 'none', dmarc: 'none', acknowledge: true },
      /no Authentication-Results header from mx\.firstreply\.test/],
    ['a look-alike with our id below ours does not override it', withResults(fail, pass), { dmarc: 'fail', acknowledge: false }],
    ['no Authentication-Results at all', mail('anna@example.com'), { dmarc: 'none', acknowledge: true }],
  ])('%s', async (_, raw, expected, reason) => {
    const { verdict, queries } = await check(raw, { mode: 'trust-header', authservId });
    expect(verdict).toMatchObject({ method: 'header', fromDomain: 'example.com', ...expected });
    if (reason) expect(verdict.reason).toMatch(reason);
    expect(queries).toEqual([]); // trusting the MTA means no DNS of our own
  });

  it('trusts nothing when AUTHSERV_ID is not configured', async () => {
    const { verdict } = await check(withResults(pass), { mode: 'trust-header' });
    expect(verdict).toMatchObject({ method: 'header', dmarc: 'none', acknowledge: true });
    expect(verdict.reason).toMatch(/no AUTHSERV_ID is configured/);
  });
});

describe('checkSenderAuth (off)', () => {
  it('skips every check and acknowledges, with no DNS', async () => {
    const { verdict, queries } = await check(mail('anna@example.com'), { mode: 'off' });
    expect(verdict).toMatchObject({ method: 'skipped', spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', acknowledge: true, fromDomain: 'example.com' });
    expect(queries).toEqual([]);
  });
});
