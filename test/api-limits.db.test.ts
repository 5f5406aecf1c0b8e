// Bounded request bodies on every JSON API route, rate limits on the inbound webhook, and connection caps on the
// SMTP listener: what a misbehaving client or a flood gets (413, 429 with Retry-After, 421), and that normal
// traffic and the routes with larger limits of their own still pass.
import net from 'node:net';
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { errorResponse } from '../src/api/errors.js';
import { createRateLimiter, MEMORY_RATE_LIMITS } from '../src/api/rate-limit.js';
import { inboundRoutes } from '../src/api/routes/inbound.js';
import { createArticle } from '../src/kb/articles.js';
import { createLogger } from '../src/logger.js';
import type { Inbound } from '../src/mail/inbound.js';
import { createSmtpListener } from '../src/mail/smtp-listener.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail } from './support/mail.js';
import { startTestService, TEST_API_TOKEN, TEST_INBOUND_TOKEN } from './support/service.js';

const MiB = 1024 * 1024;
const NO_SUCH = '00000000-0000-0000-0000-000000000000';
const log = createLogger('silent');

/** A JSON object of about `bytes` bytes whose fields the routes accept (the padding goes into a string). */
const jsonOf = (fields: Record<string, unknown>, bytes: number) => {
  const base = JSON.stringify(fields);
  return JSON.stringify({ ...fields, padding: 'x'.repeat(Math.max(0, bytes - base.length - 14)) });
};

const fakeInbound = (received: Buffer[] = []) => ({
  mailboxByKey: () => ({ id: 1, key: 'default' }),
  receive: async (_m: unknown, _s: unknown, raw: Buffer) => {
    received.push(raw);
    return { id: `m${received.length}`, duplicate: false };
  },
}) as unknown as Inbound;

describe(`API limits (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let service: Service;
  let base: string;
  const call = (pathname: string, init: RequestInit & { token?: string } = {}) => {
    const headers = new Headers(init.headers);
    headers.set('authorization', `Bearer ${init.token ?? TEST_API_TOKEN}`);
    if (typeof init.body === 'string' && !headers.has('content-type')) headers.set('content-type', 'application/json');
    return fetch(base + pathname, { ...init, headers });
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t);
    base = `http://127.0.0.1:${service.httpPort}`;
    await createArticle(t.database.db, { id: 'seed', title: 'Opening hours', body: 'We are open 9-17.', language: 'en' }, { by: 'test' });
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  // Each route: a body it accepts (answered `ok`: success, or 404 for a case that does not exist — past the limit
  // either way), then the same fields padded past 1 MiB.
  const routes: { name: string; method: string; path: string; fields: Record<string, unknown>; ok: number }[] = [
    { name: 'POST /api/kb/articles', method: 'POST', path: '/api/kb/articles', fields: { title: 'Big', body: 'b', language: 'en' }, ok: 201 },
    { name: 'PUT /api/kb/articles/:id', method: 'PUT', path: '/api/kb/articles/seed', fields: { title: 'Hours' }, ok: 200 },
    { name: 'POST /api/kb/match', method: 'POST', path: '/api/kb/match', fields: { text: 'When are you open?' }, ok: 200 },
    { name: 'PUT /api/review/cases/:id/draft', method: 'PUT', path: `/api/review/cases/${NO_SUCH}/draft`, fields: { body: 'Hello' }, ok: 404 },
    { name: 'POST /api/review/cases/:id/reject', method: 'POST', path: `/api/review/cases/${NO_SUCH}/reject`, fields: { reason: 'wrong' }, ok: 404 },
  ];

  it.each(routes)('$name: a normal body passes, one over 1 MiB is refused with 413', async ({ method, path, fields, ok }) => {
    const normal = await call(path, { method, body: JSON.stringify(fields) });
    expect(normal.status, await normal.clone().text()).toBe(ok);
    const big = await call(path, { method, body: jsonOf(fields, MiB + 1024) });
    expect(big.status).toBe(413);
    expect(await big.json()).toEqual({ error: { code: 'payload_too_large', message: expect.stringContaining(`${MiB} bytes`), retryable: false, requestId: expect.any(String) } });
  });

  it('counts a streamed body without Content-Length too', async () => {
    const chunk = new TextEncoder().encode('x'.repeat(64 * 1024));
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 0) controller.enqueue(new TextEncoder().encode('{"text":"'));
        if (sent++ < 20) controller.enqueue(chunk);
        else {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        }
      },
    });
    const res = await call('/api/kb/match', { method: 'POST', body, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe('payload_too_large');
    // The unread rest of the stream makes the connection unusable: the client is told not to reuse it, so the
    // next request (on a new connection) is not cut off when the server drops this one.
    expect(res.headers.get('connection')).toBe('close');
    expect((await call('/api/kb/match', { method: 'POST', body: JSON.stringify({ text: 'When are you open?' }) })).status).toBe(200);
  });

  it('refuses an oversized body before authentication (no token needed to be told 413)', async () => {
    const res = await fetch(`${base}/api/kb/articles`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: jsonOf({}, 2 * MiB) });
    expect(res.status).toBe(413);
  });

  it('keeps the larger limits of /api/kb/import and /api/inbound/raw', async () => {
    // 2 MiB of JSONL that is not valid: 400 from the importer shows the body got past the 1 MiB limit.
    const lines = Array.from({ length: 2 * 1024 }, () => `{"not":"an article","pad":"${'y'.repeat(1000)}"}`).join('\n');
    const imported = await call('/api/kb/import?format=jsonl', { method: 'POST', body: lines, headers: { 'content-type': 'application/x-ndjson' } });
    expect(imported.status, await imported.clone().text()).not.toBe(413);
    expect(imported.status).toBeLessThan(500);
    const raw = customerEmail({ from: 'big-webhook@customer.test', body: `${'z'.repeat(76)}\n`.repeat(Math.ceil((2 * MiB) / 77)) });
    const stored = await call('/api/inbound/raw', { method: 'POST', body: raw, token: TEST_INBOUND_TOKEN, headers: { 'content-type': 'message/rfc822' } });
    expect(stored.status, await stored.clone().text()).toBe(202);
  });

  // Last in this file: it empties this client's bucket for the inbound endpoint. Batches until the bucket is
  // empty, so a slow machine (refilling 50 a second meanwhile) only needs more of them.
  it('answers a flood on /api/inbound/raw with 429 and Retry-After, in the standard error shape', async () => {
    const flood = () => fetch(`${base}/api/inbound/raw`, { method: 'POST', headers: { authorization: 'Bearer not-the-inbound-token' }, body: 'x' });
    let unauthorized = 0;
    let limited: Response | undefined;
    for (let batch = 0; batch < 40 && !limited; batch++) {
      const responses = await Promise.all(Array.from({ length: 100 }, flood));
      unauthorized += responses.filter((r) => r.status === 401).length;
      limited = responses.find((r) => r.status === 429);
      expect(responses.every((r) => r.status === 401 || r.status === 429)).toBe(true);
      await Promise.all(responses.filter((r) => r !== limited).map((r) => r.body?.cancel()));
    }
    // The burst (200 per window of 200 / 50 = 4 s) went through to the token check before the first refusal; the
    // message the test before stored from this address counts against the same window when it is still open.
    expect(unauthorized).toBeGreaterThanOrEqual(199);
    expect(limited).toBeDefined();
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited!.json()).toEqual({ error: { code: 'rate_limited', message: expect.any(String), retryable: true, requestId: expect.any(String) } });
  });
});

describe('the inbound rate limit per client IP and per token', () => {
  function app(rate: { ratePerSecond: number; burst: number }) {
    const received: Buffer[] = [];
    const a = new Hono();
    a.onError((err, c) => errorResponse(err, c, log));
    a.route('/api/inbound', inboundRoutes(fakeInbound(received), TEST_INBOUND_TOKEN, MiB, { rateLimit: rate, clientIp: (c) => c.req.header('x-test-ip') ?? 'none' }));
    const post = (ip: string, token = TEST_INBOUND_TOKEN) =>
      a.request('/api/inbound/raw', { method: 'POST', headers: { 'x-test-ip': ip, authorization: `Bearer ${token}` }, body: 'Subject: x\r\n\r\nx' });
    return { post, received };
  }

  it('limits each address, and all accepted messages together through the token', async () => {
    const { post, received } = app({ ratePerSecond: 0.001, burst: 3 });
    // An address guessing tokens runs out of its own bucket and is told to wait.
    for (let i = 0; i < 3; i++) expect((await post('10.0.0.9', 'wrong-token-0123456789')).status).toBe(401);
    const guessing = await post('10.0.0.9', 'wrong-token-0123456789');
    expect(guessing.status).toBe(429);
    expect(Number(guessing.headers.get('retry-after'))).toBeGreaterThan(0);
    // Failed guesses took nothing from the token's bucket: three messages from three addresses are accepted…
    for (const ip of ['10.0.0.1', '10.0.0.2', '10.0.0.3']) expect((await post(ip)).status).toBe(202);
    // …and a fourth, from an address with a full bucket of its own, waits for the token's bucket.
    const fourth = await post('10.0.0.4');
    expect([fourth.status, (await fourth.json()).error.code]).toEqual([429, 'rate_limited']);
    expect(received).toHaveLength(3);
  });
});

describe('createRateLimiter', () => {
  it('allows a burst at once, then refuses until the window of burst / rate seconds has passed', async () => {
    const limiter = createRateLimiter(MEMORY_RATE_LIMITS, 'unit', { ratePerSecond: 2, burst: 3 });
    for (let i = 0; i < 3; i++) await limiter.consume('a');
    const refused = await limiter.consume('a').then(() => null, (res: { msBeforeNext: number }) => res);
    expect(refused?.msBeforeNext).toBeGreaterThan(0);
    expect(refused?.msBeforeNext).toBeLessThanOrEqual(2000);
    await limiter.consume('b');
  });

  it('refuses a limit that could never allow anything', () => {
    expect(() => createRateLimiter(MEMORY_RATE_LIMITS, 'unit', { ratePerSecond: 0, burst: 3 })).toThrow(/ratePerSecond/);
    expect(() => createRateLimiter(MEMORY_RATE_LIMITS, 'unit', { ratePerSecond: 1, burst: 0 })).toThrow(/burst/);
  });
});

describe('SMTP listener connection caps', () => {
  let server: ReturnType<typeof createSmtpListener>;
  let port: number;
  const sockets: net.Socket[] = [];

  /** Connects from `localAddress` (any 127.x address reaches the loopback listener) and returns the first reply line. */
  function connect(localAddress: string): Promise<{ socket: net.Socket; reply: string }> {
    return new Promise((resolve, reject) => {
      const socket = net.connect({ host: '127.0.0.1', port, localAddress });
      sockets.push(socket);
      let data = '';
      socket.on('error', reject);
      socket.on('data', (d) => {
        data += d.toString();
        if (data.includes('\r\n')) resolve({ socket, reply: data.split('\r\n')[0]! });
      });
    });
  }
  const closed = (socket: net.Socket) => new Promise<void>((resolve) => (socket.destroyed ? resolve() : (socket.once('close', () => resolve()), socket.end('QUIT\r\n'))));

  beforeAll(async () => {
    server = createSmtpListener({
      inbound: fakeInbound(), defaultMailbox: {} as never, host: '127.0.0.1', maxBytes: MiB, log, limits: { maxClients: 3, maxClientsPerIp: 2 },
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.server.address() as net.AddressInfo).port;
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('refuses with 421 beyond the per-address and the total cap, and counts closed connections out', async () => {
    const a1 = await connect('127.0.0.1');
    const a2 = await connect('127.0.0.1');
    expect([a1.reply, a2.reply].map((r) => r.slice(0, 3))).toEqual(['220', '220']);
    const a3 = await connect('127.0.0.1');
    expect(a3.reply).toMatch(/^421 .*too many connections from your address/);
    const b1 = await connect('127.0.0.2');
    expect(b1.reply.slice(0, 3)).toBe('220');
    const c1 = await connect('127.0.0.3');
    expect(c1.reply).toMatch(/^421 .*Too many connected clients/);
    await Promise.all([closed(a1.socket), closed(a3.socket), closed(c1.socket)]);
    // One of 127.0.0.1's connections is gone: it may connect again.
    const again = await connect('127.0.0.1');
    expect(again.reply.slice(0, 3)).toBe('220');
  });
});
