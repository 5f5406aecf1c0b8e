import type { Queryable } from '../db/client.js';
import { auditLog } from '../db/schema/review.js';

/** The system itself (SLA worker, pipeline) when it changes a case. */
export const SYSTEM_ACTOR = { id: 'system', name: 'firstreply' } as const;

/** Who changed something: a principal's id and name (token, configured token or signed-in user), or SYSTEM_ACTOR. */
export type Actor = { id: string; name: string };

export interface AuditEntry {
  caseId: string | null; actor: Actor; action: string; before?: Record<string, unknown> | null; after?: Record<string, unknown> | null;
}

/** The audit_log row of an entry (to insert along with other writes). */
export function auditRow(entry: AuditEntry): typeof auditLog.$inferInsert {
  return {
    caseId: entry.caseId, actorId: entry.actor.id, actorName: entry.actor.name, action: entry.action,
    before: entry.before ?? null, after: entry.after ?? null,
  };
}

export async function audit(db: Queryable, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values(auditRow(entry));
}

/** Only the fields that changed, before and after: what an auditor wants to read. */
export function changedFields<T extends Record<string, unknown>>(before: T, after: Partial<T>) {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) {
    if (JSON.stringify(before[k]) !== JSON.stringify(v)) {
      b[k] = before[k] ?? null;
      a[k] = v ?? null;
    }
  }
  return { before: b, after: a };
}
