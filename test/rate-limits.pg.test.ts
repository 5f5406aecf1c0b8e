// Rate limits on PostgreSQL are one count for every API process: two apps on two connection pools (as two processes
// behind a load balancer would be) share each client's and the token's budget, where in-memory limits would double it.
import { Hono } from 'hono';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { errorResponse } from '../src/api/errors.js';
import { createRateLimiter, MEMORY_RATE_LIMITS, openRateLimitStore, type RateLimitStore } from '../src/api/rate-limit.js';
import { inboundRoutes } from '../src/api/routes/inbound.js';
import { createLogger } from '../src/logger.js';
import type { Inbound } from '../src/mail/inbound.js';
import { createPostgresDatabase } from './support/database.js';
import { TEST_INBOUND_TOKEN } from './support/service.js';

const log = createLogger('silent');
const fakeInbound = { mailboxByKey: () => ({ id: 1, key: 'default' }), receive: async () => ({ id: 'm1', duplicate: false }) } as unknown as Inbound;
const RATE = { ratePerSecond: 0.001, burst: 3 };

/** An API process's inbound route, with the client address taken from a test header. */
function apiProcess(store: RateLimitStore) {
  const app = new Hono();
  app.onError((err, c) => errorResponse(err, c, log));
  app.route('/api/inbound', inboundRoutes(fakeInbound, TEST_INBOUND_TOKEN, 1024 * 1024, { rateLimit: RATE, store, clientIp: (c) => c.req.header('x-test-ip') ?? 'none' }));
  return (ip: string, token = 'wrong-token-0123456789') =>
    app.request('/api/inbound/raw', { method: 'POST', headers: { 'x-test-ip': ip, authorization: `Bearer ${token}` }, body: 'Subject: x\r\n\r\nx' });
}

describe('rate limits shared by API processes on PostgreSQL', () => {
  let drop: () => Promise<void>;
  const databases: Database[] = [];

  beforeAll(async () => {
    const created = await createPostgresDatabase();
    drop = created.drop;
    for (let i = 0; i < 2; i++) databases.push(await openDatabase({ databaseUrl: created.url, maxConnections: 2 }));
  });
  afterAll(async () => {
    for (const d of databases) await d.close();
    await drop?.();
  });

  it('counts one budget per client address across two processes, and one for the token', async () => {
    const [a, b] = await Promise.all(databases.map(async (d) => apiProcess(await openRateLimitStore(d))));
    // A token guesser spreading its requests over both processes gets three tries in all, not three per process.
    expect([(await a!('10.0.0.9')).status, (await b!('10.0.0.9')).status, (await a!('10.0.0.9')).status]).toEqual([401, 401, 401]);
    const refused = await b!('10.0.0.9');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(2000);
    expect((await refused.json()).error).toMatchObject({ code: 'rate_limited', retryable: true });
    expect((await a!('10.0.0.9')).status).toBe(429);
    // Accepted messages share the token's budget the same way: three from three addresses, then a refusal.
    const accepted = [await a!('10.0.0.1', TEST_INBOUND_TOKEN), await b!('10.0.0.2', TEST_INBOUND_TOKEN), await a!('10.0.0.3', TEST_INBOUND_TOKEN)];
    expect(accepted.map((r) => r.status)).toEqual([202, 202, 202]);
    expect((await b!('10.0.0.4', TEST_INBOUND_TOKEN)).status).toBe(429);
  });

  it('keeps the counts in one table, readable by any process', async () => {
    const store = await openRateLimitStore(databases[0]!);
    expect(store.kind).toBe('postgres');
    const limiter = createRateLimiter(store, 'shared-check', { ratePerSecond: 1, burst: 2 });
    await limiter.consume('k');
    const other = createRateLimiter(await openRateLimitStore(databases[1]!), 'shared-check', { ratePerSecond: 1, burst: 2 });
    expect((await other.get('k'))?.consumedPoints).toBe(1);
  });

  it('processes starting together on a fresh database both open the store (CREATE TABLE IF NOT EXISTS races)', async () => {
    for (let i = 0; i < 5; i++) {
      await databases[0]!.execute('drop table if exists rate_limits');
      const stores = await Promise.all(databases.map((d) => openRateLimitStore(d)));
      expect(stores.map((s) => s.kind)).toEqual(['postgres', 'postgres']);
    }
  });

  it('in memory (the embedded database), each process would count on its own', async () => {
    const [a, b] = [apiProcess(MEMORY_RATE_LIMITS), apiProcess(MEMORY_RATE_LIMITS)];
    for (let i = 0; i < 3; i++) expect((await a('10.0.0.9')).status).toBe(401);
    expect((await a('10.0.0.9')).status).toBe(429);
    expect((await b('10.0.0.9')).status).toBe(401);
  });
});
