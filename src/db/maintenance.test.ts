// The embedded database has no autovacuum (db/maintenance.ts): tables that grew get a VACUUM ANALYZE, which also
// replaces a prepared statement's generic plan made while the table was empty (one that walks every acknowledgement
// to count one customer's: the embedded default slowed down as a long burst filled the outbox).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './client.js';
import { maintainTables, tablesDue, type TableSize } from './maintenance.js';
import { selectRows } from './rows.js';

const size = (pages: number, pagesThen: number | null): TableSize => ({ schema: 'public', table: 't', pages, pagesThen });

describe('tablesDue', () => {
  it.each([
    ['an empty table never analysed', size(0, null), false],
    ['a table with one page, never analysed', size(1, null), true],
    ['unchanged since its last analyse', size(10, 10), false],
    ['grown, but by fewer than 8 pages', size(7, 0), false],
    ['grown from nothing by 8 pages', size(8, 0), true],
    ['grown by less than a fifth plus 8 pages', size(1207, 1000), false],
    ['grown by a fifth plus 8 pages', size(1208, 1000), true],
    ['shrunk', size(5, 100), false],
  ])('%s', (_label, table, due) => {
    expect(tablesDue([table]).length === 1).toBe(due);
  });
});

describe('maintainTables on the embedded database', () => {
  let dir: string;
  let database: Database;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'firstreply-maintenance-'));
    database = await openDatabase({ dataDir: dir });
    await database.migrate();
  });
  afterAll(async () => {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('analyses the tables that grew, which replaces a generic plan made while the table was empty', async () => {
    const db = database.db;
    await maintainTables(db);
    const acknowledgementsTo = (address: string) => selectRows<{ n: number }>(db, sql`select count(*)::int as n from outbox
      where to_address = ${address} and kind = 'acknowledgement' and created_at > ${new Date(Date.now() - 86_400_000)}`);
    // the embedded database names every parameterised statement (db/prepared.ts); after five runs PostgreSQL may
    // keep a generic plan, made here for an empty outbox
    for (let i = 0; i < 10; i++) await acknowledgementsTo(`c${i}@customer.test`);
    const [named] = await selectRows<{ name: string }>(db, sql`select name from pg_prepared_statements where statement like '%from outbox%to_address%' and generic_plans > 0`);
    expect(named).toBeDefined();
    const plan = async () => (await selectRows<{ 'QUERY PLAN': string }>(db, sql.raw(`EXPLAIN EXECUTE ${named!.name}('c1@customer.test', now())`))).map((r) => r['QUERY PLAN']).join('\n');
    // planned for a table never analysed: it walks every acknowledgement instead of the recipient's index
    expect(await plan()).not.toMatch(/outbox_recipient/);

    await db.execute(sql`insert into outbox (kind, message_id, from_address, from_name, to_address, subject, text_body)
      select 'acknowledgement', 'm' || g || '@firstreply.test', 'support@shop.test', 'Support', 'c' || (g % 5000) || '@customer.test', 's', 't'
      from generate_series(1, 20000) g`);
    expect(await plan()).not.toMatch(/outbox_recipient/);

    const done = await maintainTables(db);
    expect(done).toContain('public.outbox');
    const [outbox] = await selectRows<{ reltuples: number }>(db, sql`select reltuples from pg_class where relname = 'outbox'`);
    expect(Number(outbox!.reltuples)).toBeGreaterThan(15_000);
    for (let i = 0; i < 10; i++) await acknowledgementsTo(`c${i}@customer.test`);
    expect(await plan()).toMatch(/outbox_recipient/);
    // nothing grew since: nothing to do
    expect(await maintainTables(db)).toEqual([]);
  });
});
