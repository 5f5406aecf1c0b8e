import { and, eq, getTableColumns, getTableName, is, sql, SQL, type Placeholder, type SQLWrapper } from 'drizzle-orm';
import type { PgColumn, PgInsert, PgTable } from 'drizzle-orm/pg-core';
import type { Queryable } from './client.js';

// Statements built once and run many times. drizzle assembles a statement's SQL text from its query builder on
// every run, and on the message pipeline that assembly cost more CPU than anything else the worker did (a fifth of
// it in a profile of bench:workers on PostgreSQL, 2026-11-24). A statement here is written with placeholders
// (sql.placeholder), built once per driver into a drizzle prepared query, and each run only fills in its values and
// sends it on the connection of the database or transaction it is given.
//
// drizzle binds a prepared query to the session it was prepared on; running one inside a transaction takes that
// transaction's connection, which this module reads from drizzle's `session.client`. `internals` checks that the
// shape is still there, so a drizzle upgrade that changes it fails every test loudly rather than misbehaving.

type Values = Record<string, unknown>;
interface Runnable<R> { execute(values?: Values): Promise<R> }
interface Preparable<R> { prepare(name: string): Runnable<R> }
interface Internals {
  session: { client: unknown; prepareQuery(query: unknown, fields: undefined, name: string, arrayMode: boolean): Runnable<unknown> };
  dialect: { sqlToQuery(query: SQL): unknown };
}

function internals(q: Queryable): Internals {
  const found = q as unknown as Partial<Internals>;
  if (!found.session || !('client' in found.session) || typeof found.session.prepareQuery !== 'function' || typeof found.dialect?.sqlToQuery !== 'function') {
    throw new Error('drizzle-orm no longer exposes session.client / dialect: src/db/statement.ts needs updating');
  }
  return found as Internals;
}

/** The template, run on a session's connection (the pool's, or the transaction's client). */
function on<R>(template: Runnable<R>, session: Internals['session']): Runnable<R> {
  const bound = Object.create(template) as Runnable<R> & { client: unknown };
  bound.client = session.client;
  return bound;
}

/** Past this many shapes of one statement, further shapes are built for their one run and not kept. */
const MAX_SHAPES = 64;

/**
 * A statement of many shapes (a row count, which optional parts are present): `shapeOf` names the shape, `build`
 * writes it with placeholders; each shape is built once per driver. The prepared name is left empty: the connection
 * (src/db/prepared.ts) decides whether it runs as a named statement.
 */
export function shapedStatement<S, R>(shapeOf: (shape: S) => string, build: (q: Queryable, shape: S) => Preparable<R>) {
  const templates = new Map<unknown, Map<string, Runnable<R>>>();
  return (q: Queryable, shape: S, values: Values): Promise<R> => {
    const { session } = internals(q);
    let byShape = templates.get(session.constructor);
    if (!byShape) templates.set(session.constructor, (byShape = new Map()));
    const key = shapeOf(shape);
    let template = byShape.get(key);
    if (!template) {
      template = build(q, shape).prepare('');
      if (byShape.size < MAX_SHAPES) byShape.set(key, template);
    }
    return on(template, session).execute(values);
  };
}

/** A statement of one shape: `build` writes it with sql.placeholder(name) for every value that changes. */
export function statement<R>(build: (q: Queryable) => Preparable<R>): (q: Queryable, values: Values) => Promise<R> {
  const run = shapedStatement(() => '', (q) => build(q));
  return (q, values) => run(q, undefined, values);
}

/** Raw SQL (with placeholders) made preparable like a query builder. */
function preparableSql(q: Queryable, query: SQL): Preparable<unknown> {
  const { session, dialect } = internals(q);
  return { prepare: (name) => session.prepareQuery(dialect.sqlToQuery(query), undefined, name, false) };
}

// ---- rows as placeholders -------------------------------------------------------------------------------------

/**
 * How a row fills its columns, part of its statement's shape: the columns it gives a value (undefined ones are left
 * to their default), and which of those are NULL. A NULL is written into the SQL rather than sent as a value:
 * drizzle sends NULL without its column's encoder, which a placeholder would not skip.
 */
class RowShape {
  readonly columns: string[];
  readonly nulls: Set<string>;
  constructor(row: Values) {
    this.columns = Object.keys(row).filter((k) => row[k] !== undefined);
    this.nulls = new Set(this.columns.filter((k) => row[k] === null));
  }

  get key(): string {
    return this.columns.map((c) => (this.nulls.has(c) ? `${c}=null` : c)).join();
  }

  placeholders(prefix: string): Record<string, Placeholder | SQL> {
    return Object.fromEntries(this.columns.map((c) => [c, this.nulls.has(c) ? sql`null` : sql.placeholder(`${prefix}${c}`)]));
  }

  values(row: Values, prefix: string, into: Values): Values {
    for (const c of this.columns) {
      if (this.nulls.has(c)) continue;
      const v = row[c];
      // An SQL expression would be frozen into the template with the first run's parameters.
      if (is(v, SQL)) throw new Error(`column ${c}: statements built once take plain values, not SQL expressions`);
      into[`${prefix}${c}`] = v;
    }
    return into;
  }
}

/**
 * An INSERT of one row per run, built once per set of columns the row gives; `finish` adds what follows the
 * values (ON CONFLICT, RETURNING).
 */
export function insertStatement<T extends PgTable, R>(table: T, finish: (insert: PgInsert<T>) => Preparable<R>) {
  const run = shapedStatement(
    (shape: RowShape) => shape.key,
    (q, shape) => finish(q.insert(table).values(shape.placeholders('') as T['$inferInsert']) as unknown as PgInsert<T>),
  );
  return (q: Queryable, row: T['$inferInsert']): Promise<R> => {
    const shape = new RowShape(row as Values);
    return run(q, shape, shape.values(row as Values, '', {}));
  };
}

/**
 * One write for writeTogether and insertThen: its shape, its SQL with placeholders named `${prefix}…`, and the values
 * for them. `onlyIf` makes the write conditional (insertThen).
 */
export interface Write {
  shape: string;
  sql(q: Queryable, prefix: string, onlyIf?: SQL): SQLWrapper;
  values(prefix: string, into: Values): Values;
}

/**
 * INSERT of rows that all give values for the same columns. `onConflict` adds ON CONFLICT (column) DO NOTHING.
 * Conditional (`onlyIf`), it is written INSERT … SELECT … WHERE: each value cast to its column's type, which a VALUES
 * list in a sub-select does not infer.
 */
export function insertRows<T extends PgTable>(table: T, rows: readonly T['$inferInsert'][], opts: { onConflict?: PgColumn } = {}): Write {
  const shapes = rows.map((row) => new RowShape(row as Values));
  const columns = shapes[0]!.columns;
  if (shapes.some((s) => s.columns.join() !== columns.join())) throw new Error('insertRows: every row must give the same columns');
  const onConflict = opts.onConflict ? sql` on conflict (${sql.identifier(opts.onConflict.name)}) do nothing` : sql``;
  return {
    shape: `insert ${getTableName(table)} ${shapes.map((s) => `(${s.key})`).join()}${opts.onConflict ? ` on conflict ${opts.onConflict.name}` : ''}`,
    sql: (q, prefix, onlyIf) => {
      if (!onlyIf) {
        const insert = q.insert(table).values(shapes.map((s, i) => s.placeholders(`${prefix}${i}_`)) as T['$inferInsert'][]);
        return opts.onConflict ? insert.onConflictDoNothing({ target: opts.onConflict }) : insert;
      }
      const byKey = getTableColumns(table) as Record<string, PgColumn>;
      const typed = (s: RowShape, i: number) => sql.join(columns.map((c) => {
        const column = byKey[c]!;
        const value = s.nulls.has(c) ? sql`null` : sql.param(sql.placeholder(`${prefix}${i}_${c}`), column);
        return sql`${value}::${sql.raw(column.getSQLType())}`;
      }), sql`, `);
      return sql`insert into ${table} (${sql.join(columns.map((c) => sql.identifier(byKey[c]!.name)), sql`, `)})
        select * from (values ${sql.join(shapes.map((s, i) => sql`(${typed(s, i)})`), sql`, `)}) v where ${onlyIf}${onConflict}`;
    },
    values: (prefix, into) => {
      shapes.forEach((s, i) => s.values(rows[i] as Values, `${prefix}${i}_`, into));
      return into;
    },
  };
}

/** UPDATE of one row by its id. */
export function updateById<T extends PgTable & { id: PgColumn }>(table: T, id: string | number, set: Partial<T['$inferInsert']>): Write {
  const shape = new RowShape(set as Values);
  return {
    shape: `update ${getTableName(table)} (${shape.key})`,
    sql: (q, prefix, onlyIf) => q.update(table).set(shape.placeholders(prefix) as never)
      .where(onlyIf ? and(eq(table.id, sql.placeholder(`${prefix}$id`)), onlyIf) : eq(table.id, sql.placeholder(`${prefix}$id`))),
    values: (prefix, into) => {
      shape.values(set as Values, prefix, into);
      into[`${prefix}$id`] = id;
      return into;
    },
  };
}

const together = shapedStatement(
  (writes: readonly Write[]) => writes.map((w) => w.shape).join(' | '),
  (q, writes) => {
    if (writes.length === 1) return preparableSql(q, writes[0]!.sql(q, 'w0_').getSQL());
    const ctes = writes.map((w, i) => sql`${sql.raw(`write_${i}`)} AS (${w.sql(q, `w${i}_`).getSQL()})`);
    return preparableSql(q, sql`WITH ${sql.join(ctes, sql`, `)} SELECT 1`);
  },
);

/**
 * Independent writes (inserts, updates that use nothing another returns) as ONE statement: each becomes a
 * data-modifying CTE, which PostgreSQL runs all of, on one snapshot. One round trip instead of one per write — what
 * a statement costs on the embedded database (PGlite's single session) and in the client's CPU on PostgreSQL.
 * The writes must not depend on each other's effects (they cannot see them) and must not need their results.
 */
export async function writeTogether(q: Queryable, writes: readonly (Write | undefined | false | null)[]): Promise<void> {
  const all = writes.filter((w): w is Write => Boolean(w));
  if (all.length === 0) return;
  const values: Values = {};
  all.forEach((w, i) => w.values(`w${i}_`, values));
  await together(q, all, values);
}

/**
 * An INSERT of one row that may do nothing (ON CONFLICT DO NOTHING), and writes that happen only when it inserted,
 * as ONE statement: data-modifying CTEs, each dependent guarded by the insert's RETURNING (their foreign keys may name
 * the new row: PostgreSQL checks them at the end of the statement). Returns the inserted row, or undefined, and how
 * many rows each dependent wrote (an INSERT's own ON CONFLICT may still make it write none). `returning`: the
 * columns to return (default all).
 */
export function insertThen<T extends PgTable, K extends keyof T['$inferSelect'] & string = keyof T['$inferSelect'] & string>(table: T, returning?: readonly K[]) {
  type Row = Pick<T['$inferSelect'], K>;
  const run = shapedStatement(
    (s: { row: RowShape; then: readonly Write[] }) => [s.row.key, ...s.then.map((w) => w.shape)].join(' | '),
    (q, { row, then }) => {
      const all = getTableColumns(table) as Record<string, PgColumn>;
      const returned = returning ? Object.fromEntries(returning.map((k) => [k, all[k]!])) : all;
      const inserted = q.$with('inserted').as(q.insert(table).values(row.placeholders('i_') as T['$inferInsert']).onConflictDoNothing().returning(returned));
      const guard = sql`exists (select 1 from ${sql.identifier('inserted')})`;
      const ctes = then.map((w, i) => q.$with(`then_${i}`, { one: sql<number>`one` }).as(sql`${w.sql(q, `t${i}_`, guard).getSQL()} returning 1 as one`));
      const own = inserted as unknown as Record<string, PgColumn>;
      const columns = Object.fromEntries(Object.keys(returned).map((k) => [k, own[k]!]));
      const wrote = Object.fromEntries(ctes.map((c, i) => [String(i), sql<number>`(select count(*) from ${c})`.mapWith(Number)]));
      // drizzle's types do not follow a table-generic CTE; the result is typed below
      const select = q.with(inserted, ...ctes).select({ row: columns, wrote }) as unknown as { from(t: unknown): unknown };
      return select.from(inserted) as Preparable<{ row: Row; wrote: Record<string, number> }[]>;
    },
  );
  return async (q: Queryable, row: T['$inferInsert'], then: readonly Write[]): Promise<{ row: Row | undefined; wrote: number[] }> => {
    const shape = new RowShape(row as Values);
    const values = shape.values(row as Values, 'i_', {});
    then.forEach((w, i) => w.values(`t${i}_`, values));
    const [result] = await run(q, { row: shape, then }, values);
    return { row: result?.row, wrote: then.map((_, i) => result?.wrote[String(i)] ?? 0) };
  };
}
