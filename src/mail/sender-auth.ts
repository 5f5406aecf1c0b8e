// Sender authentication: SPF, DKIM and DMARC checked with mailauth, or read from the receiving MTA's
// Authentication-Results. The outcome is a plain verdict for the guard (src/domain/guard.ts): a DMARC failure means
// the From address may be forged, and acknowledging it would send mail to someone who never wrote to us.
//
// DNS never blocks the pipeline and never throws through: every query is bounded, and a failed or slow query
// becomes a temperror in the verdict, which still acknowledges.
import { Resolver as DnsResolver } from 'node:dns/promises';
import { authenticate, dkimVerify, dmarc as verifyDmarc, type DNSResolver, type DKIMVerifyResult } from 'mailauth';
import {
  decideSenderTrust, normalisePolicy, normaliseResult, resultsFromHeaders, worstDmarc,
  type AuthResult, type DmarcPolicy, type SenderAuthResults, type SenderAuthVerdict,
} from '../domain/sender-trust.js';
import { extractAddresses, parseRawHeaders } from '../domain/raw-headers.js';

export type { SenderAuthVerdict } from '../domain/sender-trust.js';

/** Same shape as node:dns/promises resolve(name, rrtype): TXT answers are string[][], A answers string[], MX objects. */
export type Resolver = (name: string, rrtype: string) => Promise<unknown[]>;

export type SenderAuthMode = 'verify' | 'trust-header' | 'off';

export interface SenderAuthContext {
  mode: SenderAuthMode;
  /** The connecting client's IP, known only to the SMTP listener. Without it SPF is not checked. */
  remoteIp?: string;
  helo?: string;
  /** The SMTP envelope sender (MAIL FROM); '' for the null sender. */
  mailFrom?: string;
  /** Required by trust-header: the authserv-id our receiving MTA writes; also our name in verify mode. */
  authservId?: string;
  /** Injected in tests; defaults to the system resolver with dnsTimeoutMs per query. */
  resolver?: Resolver;
  dnsTimeoutMs: number;
}

/**
 * Lookups the sender controls (SPF of the envelope domain, DKIM keys of any signing domain) share a budget of this
 * many query timeouts; DMARC lookups of the From domain are outside it, so a sender who makes its own DNS slow cannot
 * starve the DMARC lookup of a domain it forges and turn a "fail" into a forgiving "temperror".
 */
const SENDER_CONTROLLED_BUDGET = 3;
/** DMARC looks up the From domain, then its organisational domain: two queries in a row at most. */
const DMARC_QUERIES = 2;
/** RFC 5322 allows several From addresses; each domain must pass DMARC, but a message naming more is refused outright. */
const MAX_FROM_DOMAINS = 5;

export async function checkSenderAuth(raw: Buffer, ctx: SenderAuthContext): Promise<SenderAuthVerdict> {
  const fromDomains = headerFromDomains(raw);
  const fromDomain = fromDomains[0] ?? '';
  if (ctx.mode === 'off') {
    return decideSenderTrust({ spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', fromDomain, method: 'skipped' });
  }
  if (ctx.mode === 'trust-header') {
    const headers = parseRawHeaders(raw).headers.get('authentication-results') ?? [];
    return decideSenderTrust(resultsFromHeaders(headers, ctx.authservId, fromDomain));
  }

  const timeoutMs = Math.max(1, ctx.dnsTimeoutMs);
  const inner = ctx.resolver ?? systemResolver(timeoutMs);
  const resolver = boundedResolver(inner, timeoutMs, Date.now() + SENDER_CONTROLLED_BUDGET * timeoutMs);
  // A last safety net for a resolver that ignores everything above: the verdict arrives in bounded time regardless.
  const hardLimitMs = (SENDER_CONTROLLED_BUDGET + DMARC_QUERIES) * timeoutMs + 1000;
  let timer: NodeJS.Timeout | undefined;
  const overtime = new Error(`sender authentication took longer than ${hardLimitMs} ms`);
  try {
    const results = await Promise.race([
      verify(raw, ctx, resolver, fromDomain),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(overtime), hardLimitMs);
        timer.unref();
      }),
    ]);
    return decideSenderTrust(results);
  } catch (err) {
    // Overtime counts as DNS trouble; any other error (none is known: mailauth turns bad input into results) is
    // recorded as unknown. Both acknowledge: a crash in the checker is no evidence that the sender is forged.
    const result: AuthResult = err === overtime ? 'temperror' : 'unknown';
    return decideSenderTrust({
      spf: result, dkim: result, dmarc: result, fromDomain, method: 'verified',
      detail: `sender authentication could not be completed: ${err instanceof Error ? err.message : String(err)}`,
    });
  } finally {
    clearTimeout(timer);
  }
}

async function verify(raw: Buffer, ctx: SenderAuthContext, resolver: Resolver, fromDomain: string): Promise<SenderAuthResults> {
  const dnsResolver = resolver as unknown as DNSResolver;
  let dkim: DKIMVerifyResult;
  let spf: AuthResult = 'none';
  let spfDomains: string[] = [];
  let detail: string | undefined;
  if (ctx.remoteIp) {
    const result = await authenticate(raw, {
      ip: ctx.remoteIp,
      helo: ctx.helo,
      // The null sender (bounces) is checked as postmaster@HELO, as RFC 7208 section 2.4 says; mailauth does that.
      sender: ctx.mailFrom || undefined,
      mta: ctx.authservId ?? 'firstreply',
      resolver: dnsResolver,
      disableArc: true,
      disableBimi: true,
      // DMARC is evaluated below, once per From domain (mailauth gives up when From names several addresses).
      disableDmarc: true,
    });
    dkim = result.dkim;
    if (result.spf) {
      spf = normaliseResult(result.spf.status.result);
      if (spf === 'pass' && result.spf.domain) spfDomains = [result.spf.domain];
    }
  } else {
    // IMAP and the webhook do not know the connecting IP: SPF cannot be evaluated, DMARC rests on DKIM alone.
    dkim = await dkimVerify(raw, { resolver: dnsResolver });
    detail = 'SPF not checked: the connecting IP is unknown';
  }

  const signatures = dkim.results ?? [];
  const dkimResult = combineDkim(signatures.map((r) => dkimOutcome(r.status.result, r.status.comment)));
  const dkimDomains = signatures
    .filter((r) => r.status.result === 'pass')
    .map((r) => ({ id: r.id, domain: r.signingDomain, aligned: Boolean(r.status.aligned), underSized: r.status.underSized }));

  const domains = [...new Set((dkim.headerFrom ?? []).map((a) => domainOf(a)).filter(Boolean))];
  if (domains.length > MAX_FROM_DOMAINS) {
    // Not a customer's mail: treated as failing, so no acknowledgement and no flood of DMARC lookups.
    return {
      spf, dkim: dkimResult, dmarc: 'fail', fromDomain: domains[0]!, method: 'verified',
      detail: `From names ${domains.length} domains; at most ${MAX_FROM_DOMAINS} are checked`,
    };
  }
  // In parallel, so several From domains cost no more time than one.
  const dmarcs = await Promise.all(domains.map(async (domain): Promise<{ result: AuthResult; policy?: DmarcPolicy; domain: string }> => {
    const r = await verifyDmarc({ headerFrom: domain, spfDomains, dkimDomains, resolver: dnsResolver });
    if (!r) return { result: 'none', domain };
    return { result: normaliseResult(r.status.result), policy: normalisePolicy(r.policy), domain };
  }));
  const dmarc = worstDmarc(dmarcs.map((d) => d.result));
  const decisive = dmarcs.find((d) => d.result === dmarc);
  if (domains.length > 1) {
    const several = `From names several domains (${domains.join(', ')}), each must pass DMARC`;
    detail = detail ? `${detail}; ${several}` : several;
  }
  return {
    spf,
    dkim: dkimResult,
    dmarc,
    ...(decisive?.policy ? { dmarcPolicy: decisive.policy } : {}),
    fromDomain: decisive?.domain ?? domains[0] ?? fromDomain,
    method: 'verified',
    ...(detail ? { detail } : {}),
  };
}

/**
 * mailauth reports a body changed after signing as "neutral (body hash did not verify)", as Gmail does; RFC 6376
 * section 6.1.3 calls it a permanent failure of the signature, and for an agent it is one: the content was altered.
 */
function dkimOutcome(result: string, comment: unknown): AuthResult {
  if (result === 'neutral' && typeof comment === 'string' && /body hash did not verify/i.test(comment)) return 'fail';
  return normaliseResult(result);
}

/** Any valid signature passes DKIM (alignment is DMARC's business); otherwise the most telling failure. */
function combineDkim(results: AuthResult[]): AuthResult {
  if (results.length === 0) return 'none';
  for (const r of ['pass', 'fail', 'temperror', 'permerror', 'neutral', 'softfail', 'unknown'] as const) {
    if (results.includes(r)) return r;
  }
  return 'none';
}

function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at >= 0 ? address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '') : '';
}

function headerFromDomains(raw: Buffer): string[] {
  const from = parseRawHeaders(raw).headers.get('from') ?? [];
  return [...new Set(from.flatMap(extractAddresses).map(domainOf).filter(Boolean))];
}

// ---------------------------------------------------------------------------------------------------------------------
// DNS

function dnsError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

/** The system resolver, one try per server, each bounded by timeoutMs. */
export function systemResolver(timeoutMs: number): Resolver {
  const dns = new DnsResolver({ timeout: Math.max(1, Math.round(timeoutMs)), tries: 1 });
  return (name, rrtype) => dns.resolve(name, rrtype) as Promise<unknown[]>;
}

/**
 * Bounds every query by timeoutMs and sender-controlled queries by a shared deadline; a query past its time fails
 * with ETIMEOUT (which mailauth reports as temperror), and an error without a DNS code becomes ESERVFAIL.
 */
export function boundedResolver(inner: Resolver, timeoutMs: number, deadline: number): Resolver {
  return async (name, rrtype) => {
    const isDmarc = /^_dmarc\./i.test(name);
    const limit = isDmarc ? timeoutMs : Math.min(timeoutMs, deadline - Date.now());
    if (limit <= 0) throw dnsError('ETIMEOUT', `DNS budget spent before querying ${name} ${rrtype}`);
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        Promise.resolve().then(() => inner(name, rrtype)),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(dnsError('ETIMEOUT', `DNS query ${name} ${rrtype} timed out after ${limit} ms`)), limit);
          timer.unref();
        }),
      ]);
    } catch (err) {
      if (err instanceof Error && typeof (err as { code?: unknown }).code === 'string') throw err;
      throw dnsError('ESERVFAIL', `DNS query ${name} ${rrtype} failed: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      clearTimeout(timer);
    }
  };
}
