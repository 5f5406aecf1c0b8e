import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { selectRows } from '../db/rows.js';

/**
 * An article changed (new version, archived): drafts citing an older version are stale. Untouched ones go back to
 * the draft worker (re-drafted from the current articles); ones an agent already edited are only flagged, so
 * their work is never thrown away. Returns how many were re-queued and flagged.
 */
export async function refreshStaleDrafts(db: Db, articleIds: string[]): Promise<{ redrafted: number; flagged: number }> {
  if (articleIds.length === 0) return { redrafted: 0, flagged: 0 };
  const citesOutdated = sql`exists (
    select 1 from jsonb_array_elements(d.citations) c
    left join articles a on a.id = c->>'articleId'
    where c->>'articleId' in (${sql.join(articleIds.map((id) => sql`${id}`), sql`, `)})
      and (a.id is null or a.status <> 'published' or (c->>'version')::int < a.version))`;
  const redrafted = await selectRows<{ id: string }>(db, sql`
    update drafts d set status = 'pending', stale_since = now(), attempts = 0, lease_until = null, model_retry_at = null, updated_at = now()
    where d.status = 'proposed' and ${citesOutdated} returning d.id`);
  const flagged = await selectRows<{ id: string }>(db, sql`
    update drafts d set stale_since = now(), updated_at = now()
    where d.status = 'edited' and d.stale_since is null and ${citesOutdated} returning d.id`);
  return { redrafted: redrafted.length, flagged: flagged.length };
}
