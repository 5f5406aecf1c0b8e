// SLA attainment per policy (mailbox × the case's priority × timer kind) for the cases opened in a range.
import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { checkFilter, num, ratio, scopedCases, type ReportFilter } from './query.js';

export interface SlaAttainmentRow {
  mailboxId: number;
  priority: string;
  kind: string;
  met: number;
  breached: number;
  attainment: number | null;
}

const PRIORITY_ORDER = ['urgent', 'high', 'normal', 'low'];
const KIND_ORDER = ['first_reply', 'next_reply', 'resolution'];

/**
 * Per policy (mailbox × the case's priority × timer kind), for the timers of cases opened in the range: how many were
 * met and breached. Policies whose timers are all still running appear with attainment null.
 */
export async function slaAttainment(db: Db, f: ReportFilter): Promise<{ rows: SlaAttainmentRow[] }> {
  checkFilter(f);
  const rows = await selectRows<{ mailbox_id: number; priority: string; kind: string; met: number; breached: number }>(db, sql`
    with ${scopedCases(f)}
    select s.mailbox_id, s.priority, t.kind,
      count(*) filter (where t.breached_at is null and t.stopped_at is not null)::int as met,
      count(*) filter (where t.breached_at is not null)::int as breached
    from scoped s join sla_timers t on t.case_id = s.id
    group by 1, 2, 3`);
  const rank = (list: string[], v: string) => (list.includes(v) ? list.indexOf(v) : list.length);
  return {
    rows: rows
      .map((r) => ({ mailboxId: num(r.mailbox_id), priority: r.priority, kind: r.kind, met: num(r.met), breached: num(r.breached), attainment: ratio(num(r.met), num(r.breached)) }))
      .sort((a, b) => a.mailboxId - b.mailboxId || rank(PRIORITY_ORDER, a.priority) - rank(PRIORITY_ORDER, b.priority) || rank(KIND_ORDER, a.kind) - rank(KIND_ORDER, b.kind)),
  };
}
