import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { integer, pgTable, serial, text } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wrapPglite, type Database } from './client.js';
import { writeTogether } from './together.js';

const notes = pgTable('notes', { id: serial('id').primaryKey(), body: text('body').notNull() });
const counters = pgTable('counters', { name: text('name').primaryKey(), value: integer('value').notNull() });

describe('writeTogether', () => {
  let pglite: PGlite;
  let database: Database;
  let updatesSoFar = 0;
  beforeAll(async () => {
    pglite = await PGlite.create();
    database = wrapPglite(pglite);
    await pglite.exec(`create table notes (id serial primary key, body text not null);
      create table counters (name text primary key, value int not null); insert into counters values ('seen', 0)`);
  });
  afterAll(() => pglite.close());

  it.each([
    ['nothing', 0, 0],
    ['one insert', 1, 0],
    ['two inserts and an update', 2, 1],
  ])('%s: every write happens, in one statement', async (_label, inserts, updates) => {
    const before = await database.db.select().from(notes);
    const statements: string[] = [];
    const query = pglite.query.bind(pglite);
    pglite.query = ((text: string, ...rest: unknown[]) => { statements.push(text); return (query as (...a: unknown[]) => unknown)(text, ...rest); }) as typeof pglite.query;
    try {
      await writeTogether(database.db, [
        ...Array.from({ length: inserts }, (_, i) => database.db.insert(notes).values({ body: `note ${i}; with 'quotes'` })),
        undefined,
        false,
        ...Array.from({ length: updates }, () => database.db.update(counters).set({ value: sql`${counters.value} + 1` })),
      ]);
    } finally {
      pglite.query = query;
    }
    expect(statements).toHaveLength(inserts + updates > 0 ? 1 : 0);
    const after = await database.db.select().from(notes);
    expect(after.length - before.length).toBe(inserts);
    // (PostgreSQL runs the writes in an order of its own: they must not depend on each other)
    expect(after.slice(before.length).map((n) => n.body).sort()).toEqual(Array.from({ length: inserts }, (_, i) => `note ${i}; with 'quotes'`));
    expect((await database.db.select().from(counters))[0]!.value).toBe(updatesSoFar += updates);
  });

  it('a failing write fails them all', async () => {
    const [{ n: before }] = (await pglite.query<{ n: number }>('select count(*)::int as n from notes')).rows as [{ n: number }];
    await expect(writeTogether(database.db, [
      database.db.insert(notes).values({ body: 'kept only if all succeed' }),
      database.db.insert(counters).values({ name: 'seen', value: 1 }), // duplicate key
    ])).rejects.toThrow();
    expect((await pglite.query<{ n: number }>('select count(*)::int as n from notes')).rows[0]!.n).toBe(before);
    expect((await database.db.select().from(counters))[0]!.value).toBe(updatesSoFar);
  });
});
