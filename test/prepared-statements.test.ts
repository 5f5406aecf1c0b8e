// Named prepared statements (src/db/prepared.ts) on the two kinds of server they must tell apart: the embedded
// database (PGlite on its thread, one connection: always named, reset when a connection starts) and PGlite's socket
// server on a DATABASE_URL (one session shared by every connection: never named). Plus hnsw.ef_search, set per session.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../src/db/client.js';
import { PLAN_EACH_TIME } from '../src/db/prepared.js';
import { HNSW_EF_SEARCH } from '../src/db/session.js';

const prepared = async (database: Database) => {
  const result = await database.execute('select name, statement from pg_prepared_statements where name like $1 order by name', ['fr_%']);
  return (Array.isArray(result) ? result[0]! : result).rows as { name: string; statement: string }[];
};
const ask = async (database: Database, n: number) => {
  const result = await database.execute('select $1::int + 1 as answer', [n]);
  return Number((Array.isArray(result) ? result[0]! : result).rows[0]!.answer);
};
const efSearch = async (database: Database) => {
  const result = await database.execute("select current_setting('hnsw.ef_search') as v");
  return Number((Array.isArray(result) ? result[0]! : result).rows[0]!.v);
};

describe('named prepared statements', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));


  it('the embedded database prepares each parameterised statement once and runs it by name', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'firstreply-prepared-'));
    dirs.push(dir);
    const database = await openDatabase({ dataDir: dir });
    try {
      for (const n of [1, 2, 3]) expect(await ask(database, n)).toBe(n + 1);
      const names = (await prepared(database)).filter((p) => p.statement.includes('$1::int + 1'));
      expect(names).toHaveLength(1);
      expect(await efSearch(database)).toBe(HNSW_EF_SEARCH);
      // marked to be planned for its parameters each time (the knowledge-base search): never named
      for (const n of [1, 2, 3, 4, 5, 6, 7]) await database.execute(`${PLAN_EACH_TIME} select $1::int * 2 as twice`, [n]);
      expect((await prepared(database)).filter((p) => p.statement.includes('* 2 as twice'))).toEqual([]);
    } finally {
      await database.close();
    }
    // The embedded session outlives its connection: reopened, the names are prepared afresh instead of colliding.
    const again = await openDatabase({ dataDir: dir });
    try {
      expect(await ask(again, 41)).toBe(42);
    } finally {
      await again.close();
    }
  });

  it('PGlite served on a DATABASE_URL (one session for all connections) gets no names, and two connections work', async () => {
    const pglite = await PGlite.create('memory://', { extensions: { vector } });
    const server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 4 });
    await server.start();
    const url = `postgres://postgres:postgres@${server.getServerConn()}/postgres`;
    const a = await openDatabase({ databaseUrl: url, maxConnections: 1 });
    const b = await openDatabase({ databaseUrl: url, maxConnections: 1 });
    try {
      for (const n of [1, 2, 3]) {
        expect(await ask(a, n)).toBe(n + 1);
        expect(await ask(b, n)).toBe(n + 1);
      }
      expect(await prepared(a)).toEqual([]);
      expect(await efSearch(b)).toBe(HNSW_EF_SEARCH);
    } finally {
      await a.close();
      await b.close();
      await server.stop();
      await pglite.close();
    }
  });

  it.each([true, false])('DATABASE_PREPARED_STATEMENTS=%s decides on a DATABASE_URL, whatever the server', async (setting) => {
    const pglite = await PGlite.create('memory://', { extensions: { vector } });
    const server = new PGLiteSocketServer({ db: pglite, port: 0, host: '127.0.0.1', maxConnections: 2 });
    await server.start();
    const database = await openDatabase({ databaseUrl: `postgres://postgres:postgres@${server.getServerConn()}/postgres`, maxConnections: 1, preparedStatements: setting });
    try {
      for (const n of [7, 8]) expect(await ask(database, n)).toBe(n + 1);
      expect((await prepared(database)).filter((p) => p.statement.includes('$1::int + 1'))).toHaveLength(setting ? 1 : 0);
    } finally {
      await database.close();
      await server.stop();
      await pglite.close();
    }
  });
});
