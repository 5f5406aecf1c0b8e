import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { inject } from 'vitest';
import { openDatabase, wrapPglite, type Database } from '../../src/db/client.js';
import type {} from './postgres-global-setup.js'; // the type of inject('postgres')

/** Which database a test file runs on: PGlite in process (the embedded default's engine), or a real PostgreSQL 15
 * with pgvector (the cluster test/support/postgres-global-setup.ts starts), through node-postgres with a normal pool. */
export type TestDbMode = 'pglite' | 'pg';
export const testDbMode: TestDbMode = process.env.TEST_DB === 'pg' ? 'pg' : 'pglite';

export interface TestDatabase {
  database: Database;
  mode: TestDbMode;
  /** postgres:// URL when mode is 'pg' (for child processes). */
  url?: string;
  reset(): Promise<void>;
  stop(): Promise<void>;
}

export async function openTestDatabase(mode: TestDbMode = testDbMode): Promise<TestDatabase> {
  if (mode === 'pg') return openPostgresTestDatabase();
  const pglite = await PGlite.create('memory://', { extensions: { vector } });
  const database = wrapPglite(pglite);
  await database.migrate();
  return {
    database,
    mode,
    reset: () => truncateAll(database),
    stop: () => pglite.close(),
  };
}

let databasesCreated = 0;

/**
 * A new database on the test run's PostgreSQL: a copy of the migrated template, or with `empty`, one without even
 * the vector extension (to test migrating). `drop` removes it, whoever is still connected.
 */
export async function createPostgresDatabase(opts: { empty?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const provided = inject('postgres');
  if (!provided) throw new Error('no PostgreSQL for the tests: run them through vitest.config.ts (its globalSetup starts one)');
  if ('unavailable' in provided) throw new Error(provided.unavailable);
  const name = `test_${process.pid}_${++databasesCreated}_${Date.now().toString(36)}`;
  const admin = async (statement: string) => {
    const client = new pg.Client({ connectionString: provided.adminUrl });
    await client.connect();
    try {
      await client.query(statement);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE ${name} TEMPLATE ${opts.empty ? 'template0' : provided.template}`);
  const url = new URL(provided.adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

/** A database of its own for each call, copied from the migrated template, so files running in parallel never meet. */
async function openPostgresTestDatabase(): Promise<TestDatabase> {
  const created = await createPostgresDatabase();
  const database = await openDatabase({ databaseUrl: created.url });
  // Already migrated by the template: this proves a second migrate() finds nothing to do.
  await database.migrate();
  return {
    database,
    mode: 'pg',
    url: created.url,
    reset: () => truncateAll(database),
    async stop() {
      await database.close();
      await created.drop();
    },
  };
}

async function truncateAll(database: Database): Promise<void> {
  // Every table of the public schema, so tables added later are emptied too (migrations live in 'drizzle').
  const tables = (await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as { rows: { tablename: string }[] };
  const names = tables.rows.map((r) => `"${r.tablename}"`).join(', ');
  if (!names) return;
  await quiet(database);
  await database.db.execute(sql.raw(`truncate ${names} restart identity cascade`));
}

/**
 * On PostgreSQL, waits (up to 5 s) until no other session of this database runs a statement or holds a transaction
 * open, and otherwise fails naming them: work that outlives a stopped service is a bug (in CI it once deadlocked the
 * reset's TRUNCATE, which takes its locks table by table), and this says which work it is.
 */
async function quiet(database: Database): Promise<void> {
  if (database.kind !== 'postgres') return;
  const deadline = Date.now() + 5000;
  for (;;) {
    const busy = (await database.db.execute(sql`select state, left(query, 200) as query from pg_stat_activity
      where datname = current_database() and pid <> pg_backend_pid() and state in ('active', 'idle in transaction')`)) as unknown as { rows: { state: string; query: string }[] };
    if (!busy.rows.length) return;
    if (Date.now() > deadline) throw new Error(`test reset: other sessions still busy 5 s after the test: ${JSON.stringify(busy.rows)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
