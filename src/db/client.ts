import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import { lockDataDir } from './data-dir-lock.js';
import { preparingClient, type PreparePolicy } from './prepared.js';
import { SESSION_SETUP } from './session.js';

export type Db = PgDatabase<PgQueryResultHKT>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Anything queries can run on: the database or an open transaction. */
export type Queryable = Db | Tx;

/** A plain SQL seam for libraries that bring their own SQL (the pg-boss job queue): one statement with parameters, or
 * several without; answers like node-postgres ({ rows }, or one result per statement). */
export type SqlExecutor = (text: string, values?: unknown[]) => Promise<{ rows: Record<string, unknown>[] } | { rows: Record<string, unknown>[] }[]>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** runs SQL on the same connections as `db` (the embedded database has only one) */
  execute: SqlExecutor;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

const migrationsFolder = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../migrations');

/**
 * PostgreSQL when a URL is given, otherwise the embedded PGlite (with pgvector) persisted in dataDir —
 * on its own thread by default, reached through node-postgres like a real server.
 */
export async function openDatabase(opts: {
  databaseUrl?: string; dataDir?: string; embeddedThread?: boolean; maxConnections?: number;
  /** named prepared statements on a DATABASE_URL (default: unless the server is PGlite); see prepared.ts */
  preparedStatements?: boolean;
}): Promise<Database> {
  if (opts.databaseUrl) return openPostgres({ connectionString: opts.databaseUrl, max: opts.maxConnections ?? 10 }, 'postgres', { mode: opts.preparedStatements ?? 'unless-pglite' });
  if (!opts.dataDir) return wrapPglite(await PGlite.create('memory://', { extensions: { vector } }));
  // One process per embedded DATA_DIR (data-dir-lock.ts), released when the database is closed or fails to open.
  const lock = lockDataDir(opts.dataDir, process.argv.slice(2, 4).join(' ') || 'firstreply');
  try {
    const dir = path.resolve(opts.dataDir, 'pglite');
    mkdirSync(dir, { recursive: true });
    const database = opts.embeddedThread !== false ? await openEmbeddedThread(dir) : wrapPglite(await PGlite.create(dir, { extensions: { vector } }));
    return { ...database, close: () => database.close().finally(() => lock.release()) };
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openEmbeddedThread(dir: string): Promise<Database> {
  const socketDir = mkdtempSync(path.join(tmpdir(), 'firstreply-db-'));
  const worker = new Worker(new URL('./embedded-worker.mjs', import.meta.url), {
    workerData: { dataDir: dir, socketPath: path.join(socketDir, '.s.PGSQL.5432') },
  });
  const firstMessage = () => new Promise<{ ready?: boolean; error?: string; closed?: boolean }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  const started = await firstMessage();
  if (started.error) throw new Error(`the embedded database did not start: ${started.error}`);
  // One connection: PGlite is a single session, and the socket server would interleave transactions.
  // Known limit (electric-sql/pglite#958, open): the socket server answers a statement that fails with an extra
  // ReadyForQuery, and the connection breaks. The pool then opens a new one, but when the failure happened outside a
  // transaction, the next statement on the old connection can fail too (EPIPE). The pipeline writes in transactions.
  const database = openPostgres({ host: socketDir, port: 5432, user: 'postgres', database: 'postgres', max: 1 }, 'pglite', { mode: true });
  return {
    ...database,
    async close() {
      await database.close();
      const closed = firstMessage();
      worker.postMessage('close');
      await closed;
      await worker.terminate();
      rmSync(socketDir, { recursive: true, force: true });
    },
  };
}

/** For one-off commands: open, migrate, run, and always close. */
export async function withDatabase<T>(opts: { databaseUrl?: string; dataDir?: string }, work: (database: Database) => Promise<T>): Promise<T> {
  const database = await openDatabase(opts);
  try {
    await database.migrate();
    return await work(database);
  } finally {
    await database.close();
  }
}

export function wrapPglite(client: PGlite): Database {
  const db = drizzlePglite(client) as unknown as Db;
  // PGlite runs statements in the order they are given: this one comes before any other of ours.
  client.exec(SESSION_SETUP).catch(() => undefined);
  return {
    db,
    kind: 'pglite',
    migrate: () => migratePglite(drizzlePglite(client), { migrationsFolder }),
    execute: async (text, values) => {
      if (values && values.length > 0) return client.query<Record<string, unknown>>(text, values);
      const results = await client.exec(text);
      return results.length === 1 ? results[0]! : results;
    },
    ping: async () => void (await client.query('select 1')),
    close: () => client.close(),
  };
}

function openPostgres(options: pg.PoolConfig, kind: Database['kind'], prepare: PreparePolicy): Database {
  const pool = new pg.Pool({ ...options, Client: preparingClient(prepare) });
  // An idle client losing its connection (database restart) must not crash the process.
  pool.on('error', () => undefined);
  // Nor a checked-out client losing it mid-transaction: pg drops its own listener while a client is lent out, and
  // the 'error' event would go unhandled. The query in flight still fails; the pool discards the client on release.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = drizzlePg(pool) as unknown as Db;
  return {
    db,
    kind,
    migrate: () => (kind === 'postgres' ? migrateAlone(options, () => migratePg(drizzlePg(pool), { migrationsFolder })) : migratePg(drizzlePg(pool), { migrationsFolder })),
    execute: async (text, values) => (await pool.query(text, values)) as unknown as { rows: Record<string, unknown>[] },
    ping: async () => void (await pool.query('select 1')),
    close: () => pool.end(),
  };
}

/** Any constant: the advisory lock all firstreply processes take to migrate one at a time. */
const MIGRATION_LOCK = 726_100_1;

/**
 * Several processes starting together against one PostgreSQL (workers after an upgrade) migrate one after the other:
 * the first applies the migrations, the others then find nothing to do. The lock is held on a connection of its own,
 * outside the pool, so a pool of one connection can still run the migrations.
 */
async function migrateAlone(options: pg.PoolConfig, migrate: () => Promise<void>): Promise<void> {
  const client = new pg.Client(options);
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate();
  } finally {
    await client.query('select pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    await client.end();
  }
}

