// Where an address (or any text) still appears after an erasure: every text-like column of every table.
import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { selectRows } from '../db/rows.js';

export interface Mention {
  table: string;
  column: string;
  rows: number;
}

/**
 * Every column of every table (text, varchar, bytea, json, jsonb, text[]) that still contains `needle`,
 * case-insensitively. Generic on purpose: it also sees tables added after this was written.
 */
export async function findMentions(q: Queryable, needle: string): Promise<Mention[]> {
  const columns = await selectRows<{ table_name: string; column_name: string; data_type: string }>(
    q,
    sql`select c.table_name, c.column_name, c.data_type
          from information_schema.columns c
          join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name
         where c.table_schema = current_schema() and t.table_type = 'BASE TABLE'
           and (c.data_type in ('text', 'character varying', 'character', 'bytea', 'json', 'jsonb')
                or (c.data_type = 'ARRAY' and c.udt_name in ('_text', '_varchar')))
         order by c.table_name, c.column_name`,
  );
  const found: Mention[] = [];
  const lowered = needle.toLowerCase();
  for (const c of columns) {
    const column = sql.raw(`"${c.table_name.replace(/"/g, '""')}"."${c.column_name.replace(/"/g, '""')}"`);
    const text = c.data_type === 'bytea' ? sql`encode(${column}, 'escape')` : c.data_type === 'text' || c.data_type.startsWith('char') ? column : sql`${column}::text`;
    const [r] = await selectRows<{ n: number }>(
      q,
      sql`select count(*)::int as n from ${sql.raw(`"${c.table_name.replace(/"/g, '""')}"`)} where position(${lowered} in lower(${text})) > 0`,
    );
    if (r && Number(r.n) > 0) found.push({ table: c.table_name, column: c.column_name, rows: Number(r.n) });
  }
  return found;
}
