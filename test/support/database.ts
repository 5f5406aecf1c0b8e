import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { sql } from 'drizzle-orm';
import { openDatabase, wrapPglite, type Database } from '../../src/db/client.js';

/** Which database layer a test file runs on: PGlite in process, or node-postgres over PGlite's socket server. */
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
  const pglite = await PGlite.create('memory://', { extensions: { vector } });
  let server: PGLiteSocketServer | undefined;
  let database: Database;
  let url: string | undefined;
  if (mode === 'pg') {
    server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 20 });
    await server.start();
    url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
    // One connection, as the embedded default uses: PGlite is a single session and its socket server interleaves
    // statements of concurrent transactions from different connections (see README, Tests).
    database = await openDatabase({ databaseUrl: url, maxConnections: 1 });
  } else {
    database = wrapPglite(pglite);
  }
  await database.migrate();
  return {
    database,
    mode,
    url,
    async reset() {
      // Every table of the public schema, so tables added later are emptied too (migrations live in 'drizzle').
      const tables = (await database.db.execute(sql`select tablename from pg_tables where schemaname = 'public'`)) as unknown as { rows: { tablename: string }[] };
      const names = tables.rows.map((r) => `"${r.tablename}"`).join(', ');
      if (names) await database.db.execute(sql.raw(`truncate ${names} restart identity cascade`));
    },
    async stop() {
      if (server) {
        await database.close();
        await server.stop();
      }
      await pglite.close();
    },
  };
}
