// Where a webhook may go. A webhook URL is typed by a mailbox admin, and the call is made from inside the network the
// service runs in: without a check it reaches the cloud metadata service (169.254.169.254), the database's admin
// port, anything on loopback. Private, loopback, link-local, metadata and reserved addresses are refused unless the
// WEBHOOK_ALLOWED_HOSTS setting names the host or the address. The check is made on the address actually connected
// to (the name is resolved, each address checked, and the socket's peer checked again), so a name that resolves to a
// public address when saved and to 127.0.0.1 when called (DNS rebinding) is refused too.
import { BlockList, isIP } from 'node:net';

const refused = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.0.2.0', 24], ['192.88.99.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['198.51.100.0', 24],
  ['203.0.113.0', 24], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) refused.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [
  ['::', 128], ['::1', 128], ['64:ff9b::', 96], ['64:ff9b:1::', 48], ['100::', 64], ['2001::', 23], ['2001:db8::', 32],
  ['2002::', 16], ['fc00::', 7], ['fe80::', 10], ['fec0::', 10], ['ff00::', 8],
] as const) refused.addSubnet(net, bits, 'ipv6');

/** An IPv4 address written as IPv6 (::ffff:a.b.c.d, ::ffff:7f00:1, ::a.b.c.d) as the IPv4 address it is. */
export function unmapIPv4(ip: string): string {
  const v6 = ip.replace(/^\[|\]$/g, '').toLowerCase();
  if (isIP(v6) !== 6) return v6;
  const dotted = /^(?:0{0,4}:){2,5}(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(v6) ?? /^::(?:ffff:)?(\d+\.\d+\.\d+\.\d+)$/.exec(v6);
  if (dotted) return dotted[1]!;
  const hex = /^(?:0{0,4}:){2,5}ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6) ?? /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (hex) {
    const hi = parseInt(hex[1]!, 16);
    const lo = parseInt(hex[2]!, 16);
    return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
  }
  return v6;
}

/** Why an address may not be called, or null when it is a public unicast address. */
export function refusedAddress(ip: string): string | null {
  const address = unmapIPv4(ip);
  const family = isIP(address);
  if (family === 0) return 'not an IP address';
  return refused.check(address, family === 4 ? 'ipv4' : 'ipv6') ? 'a private, loopback, link-local or reserved address' : null;
}

/** WEBHOOK_ALLOWED_HOSTS: host names, IP addresses and CIDR ranges an admin allows in spite of the rules above. */
export class WebhookAllowList {
  private readonly hosts = new Set<string>();
  private readonly ranges = new BlockList();

  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase().replace(/^\[|\]$/g, '');
      if (!entry) continue;
      const [net, bits] = entry.split('/');
      const family = isIP(unmapIPv4(net!));
      if (family === 0) this.hosts.add(entry);
      else this.ranges.addSubnet(unmapIPv4(net!), bits === undefined ? (family === 4 ? 32 : 128) : Number(bits), family === 4 ? 'ipv4' : 'ipv6');
    }
  }

  allowsHost(hostname: string): boolean {
    return this.hosts.has(hostname.toLowerCase().replace(/^\[|\]$/g, '').replace(/\.$/, ''));
  }

  allowsAddress(ip: string): boolean {
    const address = unmapIPv4(ip);
    const family = isIP(address);
    return family !== 0 && this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }
}

/** Null when `address` (resolved from, or written in, the URL's `hostname`) may be called; else why not. */
export function targetRefusal(hostname: string, address: string, allow: WebhookAllowList): string | null {
  if (allow.allowsHost(hostname) || allow.allowsAddress(address)) return null;
  const why = refusedAddress(address);
  return why && `${unmapIPv4(address)} is ${why} (add it to WEBHOOK_ALLOWED_HOSTS to allow it)`;
}

/** A first check of a URL as typed (a literal address in any form the URL parser accepts: decimal, hex, mapped). */
export function urlRefusal(url: string, allow: WebhookAllowList): string | null {
  let hostname: string;
  try {
    hostname = new URL(url).hostname;
  } catch {
    return 'not a URL';
  }
  const literal = hostname.replace(/^\[|\]$/g, '');
  if (isIP(literal)) return targetRefusal(hostname, literal, allow);
  if (allow.allowsHost(hostname)) return null;
  if (/^(localhost|.*\.localhost|.*\.local|.*\.internal)\.?$/i.test(hostname)) return `${hostname} is a local name (add it to WEBHOOK_ALLOWED_HOSTS to allow it)`;
  return null;
}
