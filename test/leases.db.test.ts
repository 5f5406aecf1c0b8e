// Leases: one worker at a time reads an IMAP mailbox; the lease is renewed while the worker lives, and taken over by
// another once it runs out (the holder died) or is released (the holder stopped).
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { acquireLease, leaseHolder, LeaseKeeper, listLeases, type LeasedWork } from '../src/jobs/leases.js';
import { createLogger } from '../src/logger.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/mail.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('worker leases', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await openTestDatabase();
  });
  beforeEach(async () => t.reset());
  afterAll(async () => t.stop());

  it('goes to one holder at a time, is renewed by it, and is taken over only once it expired', async () => {
    const db = t.database.db;
    expect(await acquireLease(db, 'imap:a', 'w1', 1)).toBe(true);
    expect(await acquireLease(db, 'imap:a', 'w2', 1)).toBe(false);
    const [first] = await listLeases(db);
    expect(await acquireLease(db, 'imap:a', 'w1', 1)).toBe(true); // renewed
    const [renewed] = await listLeases(db);
    expect(renewed!.acquiredAt.getTime()).toBe(first!.acquiredAt.getTime());
    expect(renewed!.expiresAt.getTime()).toBeGreaterThanOrEqual(first!.expiresAt.getTime());
    // Another lease is independent.
    expect(await acquireLease(db, 'imap:b', 'w2', 1)).toBe(true);

    await sleep(1100);
    expect(await acquireLease(db, 'imap:a', 'w2', 5)).toBe(true);
    expect(await leaseHolder(db, 'imap:a')).toBe('w2');
    expect(await acquireLease(db, 'imap:a', 'w1', 5)).toBe(false);
  });

  it('lets exactly one racing worker win', async () => {
    const db = t.database.db;
    const wins = await Promise.all(['w1', 'w2', 'w3', 'w4'].map((w) => acquireLease(db, 'imap:race', w, 30)));
    expect(wins.filter(Boolean)).toHaveLength(1);
  });

  it('runs the work only while it holds the lease, and hands it over on stop or when taken', async () => {
    const db = t.database.db;
    const log = createLogger('silent');
    const running = new Set<string>();
    const work = (who: string): LeasedWork => ({ name: 'imap:shop', start: () => void running.add(who), stop: async () => void running.delete(who) });
    const one = new LeaseKeeper(db, 'w1', 2, [work('w1')], log);
    const two = new LeaseKeeper(db, 'w2', 2, [work('w2')], log);
    one.start();
    await eventually(() => running.has('w1'), 5000, 'w1 to start reading');
    two.start();
    await sleep(1500); // w2 renews every 2/3 s: it has tried, and failed, at least twice
    expect([...running]).toEqual(['w1']);

    await one.stop(); // releases: w2 need not wait for the lease to run out
    expect(running.has('w1')).toBe(false);
    await eventually(() => running.has('w2'), 5000, 'w2 to take over');

    // Someone else took the lease (w2 was cut off from the database for longer than the lease): w2 stops reading.
    await db.execute(sql`update worker_leases set holder = 'w3', expires_at = now() + interval '1 minute' where name = 'imap:shop'`);
    await eventually(() => !running.has('w2'), 5000, 'w2 to stop once the lease is gone');
    await two.stop();
    expect(await leaseHolder(db, 'imap:shop')).toBe('w3');
  });
});
