// What happens when worker processes start, die and take over together, on a real PostgreSQL with one session each:
// migrations started by three processes at once (after an upgrade, every worker migrates at start), and the IMAP
// mailbox lease taken over from a worker that died, and from one that lost its database, by one of the others.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { acquireLease, leaseHolder, LeaseKeeper } from '../src/jobs/leases.js';
import { createLogger } from '../src/logger.js';
import { runCli } from './support/child-service.js';
import { createPostgresDatabase } from './support/database.js';
import { eventually } from './support/mail.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const rowsOf = async (database: Database, text: string) => {
  const result = await database.execute(text);
  return (Array.isArray(result) ? result[0]! : result).rows;
};

describe('worker start-up and takeover on one PostgreSQL', () => {
  const cleanup: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const c of cleanup.reverse()) await c().catch(() => undefined);
  });

  it('applies the migrations once when three processes run `firstreply migrate` on an empty database at once', async () => {
    const fresh = await createPostgresDatabase({ empty: true });
    cleanup.push(fresh.drop);
    const dataDir = mkdtempSync(path.join(tmpdir(), 'firstreply-migrate-'));
    cleanup.push(async () => rmSync(dataDir, { recursive: true, force: true }));
    const env = { DATABASE_URL: fresh.url, DATA_DIR: dataDir, SUPPORT_ADDRESS: 'support@shop.test', LOG_LEVEL: 'silent' };
    const runs = await Promise.all([1, 2, 3].map(() => runCli(['migrate'], env)));
    for (const run of runs) expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });

    const database = await openDatabase({ databaseUrl: fresh.url, maxConnections: 1 });
    cleanup.push(() => database.close());
    const journal = JSON.parse(readFileSync(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../migrations/meta/_journal.json'), 'utf8')) as { entries: unknown[] };
    const applied = await rowsOf(database, 'select hash, count(*)::int as n from drizzle.__drizzle_migrations group by hash');
    expect(applied).toHaveLength(journal.entries.length);
    expect(applied.filter((r) => r.n !== 1)).toEqual([]);
    expect(await rowsOf(database, "select extname from pg_extension where extname = 'vector'")).toEqual([{ extname: 'vector' }]);
  });

  describe('the mailbox lease', () => {
    const TTL = 2;
    const lease = 'imap:support@shop.test@127.0.0.1:993/INBOX';
    const running = new Set<string>();
    const pools: Database[] = [];
    const keepers: LeaseKeeper[] = [];
    let url: string;

    beforeAll(async () => {
      const created = await createPostgresDatabase();
      cleanup.push(created.drop);
      url = created.url;
      const log = createLogger(process.env.TEST_LOG_LEVEL as never ?? 'silent');
      for (const name of ['worker-1', 'worker-2', 'worker-3']) {
        // A pool each, as each worker process has: their renewals race on separate sessions.
        const database = await openDatabase({ databaseUrl: url, maxConnections: 2 });
        pools.push(database);
        keepers.push(new LeaseKeeper(database.db, name, TTL, [{ name: lease, start: () => void running.add(name), stop: async () => void running.delete(name) }], log));
      }
      cleanup.push(async () => {
        for (const k of keepers) await k.stop();
        for (const p of pools) await p.close().catch(() => undefined);
      });
    });

    it('goes to exactly one of three workers once the holder that died runs out, and stays with it', async () => {
      // The holder was SIGKILLed: it took the lease and will never renew or release it.
      expect(await acquireLease(pools[0]!.db, lease, 'worker-dead', TTL)).toBe(true);
      keepers.forEach((k) => k.start());
      await sleep(TTL * 500);
      expect([...running]).toEqual([]); // not before it ran out
      const taker = await eventually(async () => [...running][0], TTL * 3000, 'a worker to take the lease over');
      // Watch for longer than the lease: the others keep trying every ttl/3 and must never get it.
      for (let i = 0; i < 40; i++) {
        expect([...running]).toEqual([taker]);
        await sleep(100);
      }
      expect(await leaseHolder(pools[0]!.db, lease)).toBe(taker);
    });

    it('goes to one of the two others when its holder loses the database, and the holder stops reading', async () => {
      const holder = [...running][0]!;
      const index = Number(holder.replace('worker-', '')) - 1;
      await pools[index]!.close(); // every renewal now fails, as when the network to the database is gone
      const taker = await eventually(async () => [...running].find((w) => w !== holder), TTL * 5000, 'another worker to take the lease over');
      await eventually(() => !running.has(holder) || undefined, TTL * 3000, 'the cut-off holder to stop reading');
      await sleep(TTL * 1000);
      expect([...running]).toEqual([taker]);
      expect(await leaseHolder(pools[(index + 1) % 3]!.db, lease)).toBe(taker);
    });
  });
});
