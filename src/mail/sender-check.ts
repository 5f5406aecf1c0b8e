import { isIP } from 'node:net';
import type { Config } from '../config.js';
import type { SmtpEnvelope } from '../db/schema/messages.js';
import type { SenderAuthVerdict } from '../domain/sender-trust.js';
import { checkSenderAuth, systemResolver, type Resolver } from './sender-auth.js';
import { cachingResolver } from './dns-cache.js';

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

export function senderCheck(config: Pick<Config, 'SENDER_AUTH' | 'AUTHSERV_ID' | 'DNS_TIMEOUT_MS'>, injected?: Resolver) {
  const resolver = cachingResolver(injected ?? systemResolver(config.DNS_TIMEOUT_MS));
  return (raw: Buffer, envelope: SmtpEnvelope | null): Promise<SenderAuthVerdict> => {
    const peer = envelope && isPublicPeer(envelope.remoteAddress) ? envelope : null;
    return checkSenderAuth(raw, {
      mode: config.SENDER_AUTH,
      authservId: config.AUTHSERV_ID,
      dnsTimeoutMs: config.DNS_TIMEOUT_MS,
      resolver,
      remoteIp: peer?.remoteAddress ?? undefined,
      helo: peer?.helo ?? undefined,
      mailFrom: peer?.mailFrom ?? undefined,
    });
  };
}
