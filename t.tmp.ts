import { mkdtempSync } from 'node:fs';
import { openDatabase } from './src/db/client.js';
const d = await openDatabase({ dataDir: mkdtempSync('/tmp/x-') });
await d.execute('create table c (id text primary key, v int)');
await d.execute("insert into c values ('a', 1)");
for (const [label, text, vals] of [['named dup', 'insert into c values ($1, $2)', ['a', 2]], ['named cte dup', 'with w as (insert into c values ($1, $2)) select 1', ['a', 2]]] as const) {
  try { await d.execute(text, vals as any); } catch (e) { console.log(label, 'failed as expected:', (e as Error).message); }
  try { console.log('after:', (await d.execute('select count(*) from c', [] as any) as any).rows); } catch (e) { console.log('AFTER FAILED', (e as Error).message); }
}
await d.close();
