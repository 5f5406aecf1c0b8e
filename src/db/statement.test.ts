// Statements built once (src/db/statement.ts) on both drivers firstreply runs: PGlite in-process (the tests'
// database) and node-postgres (the embedded default on its thread, and every DATABASE_URL).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { eq, sql } from 'drizzle-orm';
import { integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, wrapPglite, type Database } from './client.js';
import { insertRows, insertStatement, insertThen, statement, updateById, writeTogether } from './statement.js';

const notes = pgTable('notes', {
  id: serial('id').primaryKey(),
  body: text('body').notNull(),
  meta: jsonb('meta').$type<{ tags: string[] }>(),
  at: timestamp('at', { withTimezone: true, mode: 'date' }),
  kind: text('kind').notNull().default('plain'),
});
const counters = pgTable('counters', { id: text('id').primaryKey(), value: integer('value').notNull() });
// a parent with a second unique key (a case and its reference) and a child naming it (its acknowledgement)
const folders = pgTable('folders', { id: text('id').primaryKey(), code: text('code').notNull(), labels: text('labels').array().notNull(), openedAt: timestamp('opened_at', { withTimezone: true, mode: 'date' }).notNull() });
const letters = pgTable('letters', {
  id: serial('id').primaryKey(), folderId: text('folder_id').notNull(), dedupe: text('dedupe'), meta: jsonb('meta').$type<{ n: number }>(), kind: text('kind').notNull().default('plain'),
});
const SCHEMA = `create table notes (id serial primary key, body text not null, meta jsonb, at timestamptz, kind text not null default 'plain');
  create table counters (id text primary key, value int not null); insert into counters values ('seen', 0);
  create table folders (id text primary key, code text not null unique, labels text[] not null, opened_at timestamptz not null);
  create table letters (id serial primary key, folder_id text not null references folders (id), dedupe text unique, meta jsonb, kind text not null default 'plain')`;
const openFolder = insertThen(folders);

let builds = 0;
const noteById = statement((q) => {
  builds++;
  return q.select().from(notes).where(eq(notes.id, sql.placeholder('id')));
});
const addNote = statement((q) => q.insert(notes).values({ body: sql.placeholder('body') }).returning({ id: notes.id }));

const addNoteAt = insertStatement(notes, (insert) => insert.returning());

type Setup = { name: string; open(): Promise<{ database: Database; statements(): number; close(): Promise<void> }> };
const setups: Setup[] = [
  {
    name: 'PGlite in-process',
    async open() {
      const pglite = await PGlite.create();
      await pglite.exec(SCHEMA);
      let count = 0;
      const query = pglite.query.bind(pglite);
      pglite.query = ((...args: unknown[]) => { count++; return (query as (...a: unknown[]) => unknown)(...args); }) as typeof pglite.query;
      return { database: wrapPglite(pglite), statements: () => count, close: () => pglite.close() };
    },
  },
  {
    name: 'node-postgres (the embedded default)',
    async open() {
      const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-statement-'));
      const database = await openDatabase({ dataDir: dir });
      await database.execute(SCHEMA);
      return { database, statements: () => NaN, close: async () => { await database.close(); rmSync(dir, { recursive: true, force: true }); } };
    },
  },
];

describe.each(setups)('statements built once: $name', (setup) => {
  let opened: Awaited<ReturnType<Setup['open']>>;
  let db: Database['db'];
  beforeAll(async () => {
    opened = await setup.open();
    db = opened.database.db;
  });
  afterAll(() => opened.close());

  it('runs with new values each time, built once per driver', async () => {
    const buildsBefore = builds;
    const ids = [];
    for (const body of ['first', 'second', "third, with 'quotes'"]) ids.push((await addNote(db, { body }))[0]!.id);
    const read = [];
    for (const id of ids) read.push((await noteById(db, { id }))[0]!.body);
    expect(read).toEqual(['first', 'second', "third, with 'quotes'"]);
    expect(builds - buildsBefore).toBeLessThanOrEqual(1);
    await expect(noteById(db, {})).rejects.toThrow(/placeholder "id"/);
  });

  it('inside a transaction it runs on the transaction: sees its writes, and a rollback undoes them', async () => {
    let inside: string | undefined;
    let id = 0;
    await expect(db.transaction(async (tx) => {
      id = (await addNote(tx, { body: 'rolled back' }))[0]!.id;
      inside = (await noteById(tx, { id }))[0]?.body;
      throw new Error('roll back');
    })).rejects.toThrow('roll back');
    expect(inside).toBe('rolled back');
    expect(await noteById(db, { id })).toEqual([]);
  });

  it('writeTogether: inserts and updates in one statement, values typed by their columns (jsonb, timestamps, defaults)', async () => {
    const at = new Date('2026-11-24T10:00:00.000Z');
    const before = opened.statements();
    await writeTogether(db, [
      insertRows(notes, [{ body: 'a', meta: { tags: ['x', "it's"] }, at }, { body: 'b', meta: null, at }]),
      undefined,
      false,
      updateById(counters, 'seen', { value: 5 }),
    ]);
    if (!Number.isNaN(before)) expect(opened.statements() - before).toBe(1);
    const rows = await db.select().from(notes).where(eq(notes.at, at));
    expect(rows.map((r) => [r.body, r.meta, r.at?.toISOString(), r.kind]).sort()).toEqual([
      ['a', { tags: ['x', "it's"] }, at.toISOString(), 'plain'],
      ['b', null, at.toISOString(), 'plain'],
    ]);
    expect((await db.select().from(counters))[0]!.value).toBe(5);
    // the same shape again: new values, not the first run's
    await writeTogether(db, [insertRows(notes, [{ body: 'c', meta: null, at }, { body: 'd', meta: { tags: [] }, at }]), updateById(counters, 'seen', { value: 6 })]);
    expect((await db.select().from(notes).where(eq(notes.at, at))).map((r) => r.body).sort()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('NULL in a column with an encoder (a timestamp) in any row, and the same statement with a value after it', async () => {
    const at = new Date('2026-11-24T11:00:00.000Z');
    for (const when of [null, at, null]) {
      const [row] = await addNoteAt(db, { body: `at ${when?.toISOString() ?? 'none'}`, at: when });
      expect(row!.at?.toISOString() ?? null).toBe(when?.toISOString() ?? null);
    }
    await writeTogether(db, [insertRows(notes, [{ body: 'x', at: null }, { body: 'y', at }])]);
    expect((await db.select().from(notes).where(eq(notes.body, 'y')))[0]!.at?.toISOString()).toBe(at.toISOString());
    expect((await db.select().from(counters))[0]!.value).toBe(6);
  });

  it('a failing write fails them all', async () => {
    const count = async () => (await db.select().from(notes)).length;
    const before = await count();
    // in a transaction, as the pipeline runs it (see openEmbeddedThread in src/db/client.ts: a failure outside one can cost the embedded connection)
    await expect(db.transaction((tx) => writeTogether(tx, [
      insertRows(notes, [{ body: 'kept only if all succeed' }]),
      insertRows(counters, [{ id: 'seen', value: 1 }]), // duplicate key
    ]))).rejects.toThrow();
    expect(await count()).toBe(before);
  });

  it('insertThen: the row and the writes that depend on it in one statement; nothing depends on a row not inserted', async () => {
    const openedAt = new Date('2026-11-24T12:00:00.000Z');
    const letter = (folderId: string, dedupe: string | null, n: number) =>
      insertRows(letters, [{ folderId, dedupe, meta: { n } }], { onConflict: letters.dedupe });
    const before = opened.statements();
    const first = await openFolder(db, { id: 'f1', code: 'A', labels: ['x', "it's"], openedAt }, [letter('f1', 'd1', 1), updateById(counters, 'seen', { value: 10 })]);
    if (!Number.isNaN(before)) expect(opened.statements() - before).toBe(1);
    expect(first).toEqual({ row: { id: 'f1', code: 'A', labels: ['x', "it's"], openedAt }, wrote: [1, 1] });
    expect((await db.select().from(letters)).map((l) => [l.folderId, l.dedupe, l.meta, l.kind])).toEqual([['f1', 'd1', { n: 1 }, 'plain']]);
    expect((await db.select().from(counters))[0]!.value).toBe(10);

    // the same shape, new values; the dependent's own ON CONFLICT writes nothing and says so
    const second = await openFolder(db, { id: 'f2', code: 'B', labels: [], openedAt }, [letter('f2', 'd1', 2), updateById(counters, 'seen', { value: 11 })]);
    expect(second.row?.id).toBe('f2');
    expect(second.wrote).toEqual([0, 1]);

    // the parent conflicts (its code is taken): no row, and neither dependent ran
    const third = await openFolder(db, { id: 'f3', code: 'A', labels: [], openedAt }, [letter('f3', 'd3', 3), updateById(counters, 'seen', { value: 12 })]);
    expect(third).toEqual({ row: undefined, wrote: [0, 0] });
    expect((await db.select().from(letters)).map((l) => l.folderId)).toEqual(['f1']);
    expect((await db.select().from(counters))[0]!.value).toBe(11);

    // a NULL where the earlier shape had a value, without dependents
    expect((await openFolder(db, { id: 'f4', code: 'C', labels: [], openedAt }, [letter('f4', null, 4)])).wrote).toEqual([1]);
    expect((await openFolder(db, { id: 'f5', code: 'D', labels: ['y'], openedAt }, [])).row?.labels).toEqual(['y']);
  });

  it.each([
    ['rows giving different columns', () => insertRows(notes, [{ body: 'a', kind: 'x' }, { body: 'b' }]).values('', {}), /same columns/],
    ['an SQL expression as a value', () => updateById(counters, 'seen', { value: sql`value + 1` as never }).values('', {}), /plain values/],
  ])('refuses %s', (_label, make, error) => {
    expect(make).toThrow(error);
  });
});
