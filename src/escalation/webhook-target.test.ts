import { createServer } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { guardedFetch } from './guarded-fetch.js';
import { refusedAddress, unmapIPv4, urlRefusal, WebhookAllowList } from './webhook-target.js';

const none = new WebhookAllowList([]);

describe('webhook targets', () => {
  it.each([
    ['http://127.0.0.1/x', /127\.0\.0\.1 is a private/],
    ['http://127.1/x', /127\.0\.0\.1/], // short form
    ['http://2130706433/x', /127\.0\.0\.1/], // decimal
    ['http://0x7f000001/x', /127\.0\.0\.1/], // hex
    ['http://0177.0.0.1/x', /127\.0\.0\.1/], // octal
    ['http://169.254.169.254/latest/meta-data/', /169\.254\.169\.254/], // cloud metadata
    ['http://[::ffff:169.254.169.254]/', /169\.254\.169\.254/], // IPv4-mapped IPv6
    ['http://[::ffff:7f00:1]/', /127\.0\.0\.1/], // IPv4-mapped, hex
    ['http://[::1]/', /::1 is a private/],
    ['http://[fd00:ec2::254]/', /fd00:ec2::254/], // AWS metadata over IPv6
    ['http://[fe80::1]/', /fe80::1/],
    ['http://10.1.2.3/', /10\.1\.2\.3/],
    ['http://172.20.0.1/', /172\.20\.0\.1/],
    ['http://192.168.1.1/', /192\.168\.1\.1/],
    ['http://100.100.100.200/', /100\.100\.100\.200/], // Alibaba metadata (shared address space)
    ['http://0.0.0.0/', /0\.0\.0\.0/],
    ['http://localhost:8080/', /localhost is a local name/],
    ['http://metadata.google.internal/', /local name/],
  ])('refuses %s', (url, why) => {
    expect(urlRefusal(url, none)).toMatch(why);
  });

  it.each(['https://hooks.example.com/x', 'http://93.184.215.14/', 'http://[2606:4700::1111]/'])('accepts %s', (url) => {
    expect(urlRefusal(url, none)).toBeNull();
  });

  it('lets the allow-list name a host, an address or a range', () => {
    const allow = new WebhookAllowList(['hooks.internal', '127.0.0.1', '10.0.5.0/24', '::1']);
    expect(urlRefusal('http://hooks.internal/x', allow)).toBeNull();
    expect(urlRefusal('http://2130706433/x', allow)).toBeNull();
    expect(urlRefusal('http://10.0.5.77/x', allow)).toBeNull();
    expect(urlRefusal('http://10.0.6.1/x', allow)).toMatch(/10\.0\.6\.1/);
    expect(urlRefusal('http://[::1]/x', allow)).toBeNull();
  });

  it.each([
    ['::ffff:127.0.0.1', '127.0.0.1'], ['::ffff:7f00:1', '127.0.0.1'], ['[::ffff:a9fe:a9fe]', '169.254.169.254'],
    ['0:0:0:0:0:ffff:a9fe:a9fe', '169.254.169.254'], ['2001:db8::1', '2001:db8::1'], ['8.8.8.8', '8.8.8.8'],
  ])('reads %s as %s', (ip, expected) => {
    expect(unmapIPv4(ip)).toBe(expected);
  });

  it('knows a public address from a reserved one', () => {
    expect(refusedAddress('8.8.8.8')).toBeNull();
    expect(refusedAddress('::ffff:8.8.8.8')).toBeNull();
    expect(refusedAddress('224.0.0.1')).not.toBeNull();
  });
});

describe('the guarded fetch (DNS rebinding)', () => {
  const fakeDns = (answers: LookupAddress[]) =>
    ((_host: string, _options: unknown, callback: (err: null, addresses: LookupAddress[]) => void) => callback(null, answers)) as never;

  it('refuses a public-looking name that resolves to loopback, before connecting', async () => {
    let connections = 0;
    const server = createServer((_req, res) => res.end('ok')).on('connection', () => connections++);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const rebinding = guardedFetch(none, fakeDns([{ address: '127.0.0.1', family: 4 }]));
      await expect(rebinding(`http://hooks.example.com:${port}/x`, { method: 'POST', body: '{}' })).rejects.toThrow(/127\.0\.0\.1 is a private/);
      expect(connections).toBe(0);
      // the same name allowed by the list is called, at the address that was checked
      const allowed = guardedFetch(new WebhookAllowList(['hooks.example.com']), fakeDns([{ address: '127.0.0.1', family: 4 }]));
      expect((await allowed(`http://hooks.example.com:${port}/x`, { method: 'POST', body: '{}' })).status).toBe(200);
      expect(connections).toBe(1);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('skips the refused answers of a name with several and connects to an allowed one only', async () => {
    const server = createServer((_req, res) => res.end('ok'));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    try {
      const mixed = guardedFetch(new WebhookAllowList(['127.0.0.1']), fakeDns([{ address: '169.254.169.254', family: 4 }, { address: '127.0.0.1', family: 4 }]));
      expect((await mixed(`http://hooks.example.com:${port}/x`, { method: 'POST', body: '{}' })).status).toBe(200);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
