import { isIP } from 'node:net';
import type { Config } from '../config.js';
import type { SmtpEnvelope } from '../db/schema/messages.js';
import type { SenderAuthVerdict } from '../domain/sender-trust.js';
import { checkSenderAuth, systemResolver, type Resolver } from './sender-auth.js';
import { cachingResolver } from './dns-cache.js';
import { DnsCanary } from './dns-canary.js';

/**
 * SPF judges the host that handed the message to the receiving MTA. When our SMTP listener is itself the public
 * MX, the peer address is that host; when an MTA on loopback or the private network forwards to us, the peer is
 * the forwarder and SPF against it would fail every sender, so only DKIM/DMARC are checked (or, better, the
 * forwarder's Authentication-Results with SENDER_AUTH=trust-header).
 */
export function isPublicPeer(address: string | null | undefined): address is string {
  if (!address) return false;
  const ip = address.replace(/^::ffff:/, '');
  if (!isIP(ip)) return false;
  return !/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|169\.254\.|::1$|fc|fd|fe80:)/i.test(ip);
}

/**
 * While the canary says DNS is broken, "no DMARC record" proves nothing: the lookup that found none may be the broken
 * one. Such a result is reported as temperror, and the mailbox's temperror action decides (issue 17, item 2).
 */
export function distrustWhileDnsBroken(verdict: SenderAuthVerdict, canary: { ok: boolean; error?: string }, name: string): SenderAuthVerdict {
  if (canary.ok || verdict.method !== 'verified' || verdict.dmarc !== 'none') return verdict;
  const reason = `not verified: DNS failed (the lookup of ${name}, which must resolve, failed: ${canary.error ?? 'no answer'})`;
  return { ...verdict, dmarc: 'temperror', reason };
}

export function senderCheck(config: Pick<Config, 'SENDER_AUTH' | 'AUTHSERV_ID' | 'DNS_TIMEOUT_MS'>, injected?: Resolver, canary?: DnsCanary) {
  const resolver = cachingResolver(injected ?? systemResolver(config.DNS_TIMEOUT_MS));
  return async (raw: Buffer, envelope: SmtpEnvelope | null): Promise<SenderAuthVerdict> => {
    const peer = envelope && isPublicPeer(envelope.remoteAddress) ? envelope : null;
    const [verdict, dns] = await Promise.all([checkSenderAuth(raw, {
      mode: config.SENDER_AUTH,
      authservId: config.AUTHSERV_ID,
      dnsTimeoutMs: config.DNS_TIMEOUT_MS,
      resolver,
      remoteIp: peer?.remoteAddress ?? undefined,
      helo: peer?.helo ?? undefined,
      mailFrom: peer?.mailFrom ?? undefined,
    }), canary?.fresh()]);
    return dns ? distrustWhileDnsBroken(verdict, dns, canary!.name) : verdict;
  };
}

/** The canary for a configuration that checks DMARC with DNS; none when sender checks are off or read from headers. */
export function dnsCanaryFor(
  config: Pick<Config, 'SENDER_AUTH' | 'DNS_TIMEOUT_MS' | 'DNS_CANARY_NAME' | 'DNS_CANARY_INTERVAL_SECONDS'>, injected?: Resolver,
): DnsCanary | undefined {
  if (config.SENDER_AUTH !== 'verify' || config.DNS_CANARY_NAME.toLowerCase() === 'off') return undefined;
  // the canary asks the resolver directly, never the cache: a cached answer would hide DNS breaking
  return new DnsCanary(injected ?? systemResolver(config.DNS_TIMEOUT_MS), config.DNS_CANARY_NAME, config.DNS_CANARY_INTERVAL_SECONDS * 1000, config.DNS_TIMEOUT_MS);
}
