// What autovacuum does on a PostgreSQL server, for the embedded database. PGlite runs PostgreSQL as one session with
// no background processes: no table is ever analysed or vacuumed by itself. Two consequences measured on the embedded
// default (2026-11-24):
// - A prepared statement's generic plan made while a table was empty stays in force as the table grows, because
//   nothing invalidates it. Counting a customer's acknowledgements of the last day (done for every message) was
//   planned to walk every acknowledgement, not the recipient's index: 1.2 ms per query on an empty outbox, 8–12 ms
//   once it held 20k rows, 0.9–1.0 ms after an ANALYZE (which invalidates the plans that use the table).
// - Rows left dead by updates (every message, outbox row and pg-boss job is updated several times) are never reclaimed.
// So every few seconds the embedded database's tables are checked, and one that grew since its last VACUUM ANALYZE
// (by a fifth, and at least a few pages: PostgreSQL's own rule of thumb for auto-analyze) gets one.
import { sql } from 'drizzle-orm';
import type { Db } from './client.js';
import { selectRows } from './rows.js';
import { Waker } from '../runtime/waker.js';
import type { Logger } from '../logger.js';

export interface TableSize {
  schema: string;
  table: string;
  /** pages now */
  pages: number;
  /** pages at the last VACUUM or ANALYZE; null if the table never had one */
  pagesThen: number | null;
}

/** A table is due once it has pages and never had a VACUUM ANALYZE, or grew by `growth` and `minPages` since. */
export function tablesDue(tables: readonly TableSize[], growth = 0.2, minPages = 8): TableSize[] {
  return tables.filter((t) => (t.pagesThen === null ? t.pages > 0 : t.pages >= t.pagesThen * (1 + growth) + minPages));
}

/** The schemas firstreply writes: its own tables and pg-boss's queue. */
const SCHEMAS = ['public', 'pgboss'];

async function tableSizes(db: Db): Promise<TableSize[]> {
  const rows = await selectRows<{ schema: string; table: string; pages: string; relpages: number; reltuples: number }>(db, sql`
    SELECT n.nspname AS schema, c.relname AS table, pg_relation_size(c.oid) / current_setting('block_size')::int AS pages,
      c.relpages, c.reltuples
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE c.relkind = 'r' AND n.nspname IN (${sql.join(SCHEMAS.map((s) => sql`${s}`), sql`, `)})`);
  // reltuples is -1 until the first VACUUM or ANALYZE (PostgreSQL 14+)
  return rows.map((r) => ({ schema: r.schema, table: r.table, pages: Number(r.pages), pagesThen: Number(r.reltuples) < 0 ? null : Number(r.relpages) }));
}

const quoted = (name: string) => `"${name.replaceAll('"', '""')}"`;

/** One round: VACUUM ANALYZE each table that is due. Returns the tables it did. */
export async function maintainTables(db: Db): Promise<string[]> {
  const done: string[] = [];
  for (const t of tablesDue(await tableSizes(db))) {
    await db.execute(sql.raw(`VACUUM (ANALYZE) ${quoted(t.schema)}.${quoted(t.table)}`));
    done.push(`${t.schema}.${t.table}`);
  }
  return done;
}

/** Runs maintainTables every `everyMs` on the embedded database. */
export class EmbeddedMaintenance {
  private readonly waker: Waker;

  constructor(db: Db, log: Logger, everyMs = 5_000) {
    this.waker = new Waker(async () => {
      const started = performance.now();
      const done = await maintainTables(db);
      if (done.length > 0) log.debug({ tables: done, ms: Math.round(performance.now() - started) }, 'embedded database: tables vacuumed and analysed');
    }, everyMs, log);
  }

  start(): void {
    this.waker.start(false);
  }

  stop(): Promise<void> {
    return this.waker.stop();
  }
}
