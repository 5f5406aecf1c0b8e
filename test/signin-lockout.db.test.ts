// Issue 17 item 13: wrong passwords from one address do not lock the named user out at another address.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService } from './support/service.js';

const ADMIN = { email: 'ann@shop.test', password: 'correct horse battery staple' };

describe(`sign-in failures are counted per client address and account (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let service: Service;

  beforeAll(async () => {
    db = await openTestDatabase();
    service = await startTestService(db, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SIGNIN_MAX_ATTEMPTS_PER_15MIN: '5' });
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
    await db?.stop();
  });

  /** POST /signin from a chosen loopback address (Linux routes all of 127/8 to lo). */
  const signIn = (from: string, email: string, password: string) => new Promise<number>((resolve, reject) => {
    const body = new URLSearchParams({ email, password }).toString();
    const origin = `http://127.0.0.1:${service.httpPort}`;
    const req = request(`${origin}/signin`, {
      method: 'POST', localAddress: from,
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end(body);
  });

  it("a stranger guessing the admin's password is stopped; the admin signs in from their own address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 8; i++) statuses.push(await signIn('127.0.0.2', ADMIN.email, `guess-${i}`));
    expect(statuses.slice(0, 3)).toEqual([401, 401, 401]);
    expect(statuses.at(-1)).toBe(429); // the growing delay, then the limit
    expect(await signIn('127.0.0.2', ADMIN.email, ADMIN.password)).toBe(429);
    expect(await signIn('127.0.0.1', ADMIN.email, ADMIN.password)).toBe(303);
  });
});
