// Bulk changes from the inbox: assign, set priority, resolve, for many cases in one transaction. Each case goes
// through the same Review use case as a single change (lock, claim check, audit row); what was left alone says why.
import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import { z } from 'zod';
import type { Queryable } from '../db/client.js';
import { cases, casePriorities } from '../db/schema/cases.js';
import type { Role } from '../db/schema/auth.js';
import { users } from '../db/schema/users.js';
import { AppError } from '../errors.js';
import type { Review } from '../review/actions.js';
import type { Actor } from '../audit/log.js';

export const BULK_MAX_CASES = 200;
/** who may be given cases: the roles that work the inbox (the web's access table uses this list) */
export const CASE_WORKER_ROLES: readonly Role[] = ['admin', 'agent'];

export const bulkInput = z.object({
  caseIds: z.array(z.string().uuid()).min(1, 'Select at least one case.').max(BULK_MAX_CASES, `At most ${BULK_MAX_CASES} cases at a time.`),
  action: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('assign'), to: z.union([z.literal('me'), z.literal('nobody'), z.object({ userId: z.string().uuid() })]) }),
    z.object({ kind: z.literal('priority'), priority: z.enum(casePriorities) }),
    z.object({ kind: z.literal('resolve') }),
  ]),
});
export type BulkRequest = z.infer<typeof bulkInput>;
export type BulkAction = BulkRequest['action'];

export type SkipReason = 'not_found' | 'already_resolved' | 'unchanged' | 'held' | 'refused';
export interface BulkResult {
  changed: { id: string; reference: string }[];
  skipped: { id: string; reference: string | null; reason: SkipReason; detail: string }[];
}

/** An agent or admin who may work cases and is not disabled; anyone else cannot be given one. */
export async function assignableUser(db: Queryable, userId: string): Promise<Actor> {
  const [user] = await db.select({ id: users.id, name: users.name }).from(users)
    .where(and(eq(users.id, userId), isNull(users.disabledAt), inArray(users.role, [...CASE_WORKER_ROLES])));
  if (!user) throw new AppError('bad_request', 'That person cannot be given cases (unknown, disabled, or not an agent).');
  return user;
}

/** Who the inbox's "assign to" list offers: active agents and admins, by name. */
export function assignableUsers(db: Queryable): Promise<Actor[]> {
  return db.select({ id: users.id, name: users.name }).from(users)
    .where(and(isNull(users.disabledAt), inArray(users.role, [...CASE_WORKER_ROLES]))).orderBy(asc(users.name), asc(users.id));
}

type Snapshot = Pick<typeof cases.$inferSelect, 'id' | 'reference' | 'status' | 'priority' | 'assigneeId' | 'claimExpiresAt'>;

/** Why a case is left as it is before trying, or null to try. */
function skipBefore(k: Snapshot, action: BulkAction, assignee: Actor | null, now: Date): [SkipReason, string] | null {
  const held = k.assigneeId !== null && k.claimExpiresAt !== null && k.claimExpiresAt > now;
  switch (action.kind) {
    case 'resolve': return k.status === 'resolved' ? ['already_resolved', 'already resolved'] : null;
    case 'priority': return k.priority === action.priority ? ['unchanged', `already ${action.priority}`] : null;
    case 'assign':
      if (k.status === 'resolved') return ['already_resolved', 'resolved cases are not assigned'];
      if (!assignee) return held ? null : ['unchanged', 'nobody holds it'];
      return held && k.assigneeId === assignee.id ? ['unchanged', 'already assigned to them'] : null;
  }
}

export async function bulkUpdate(review: Review, actor: Actor, request: BulkRequest, now = new Date()): Promise<BulkResult> {
  const ids = [...new Set(request.caseIds.map((id) => id.toLowerCase()))];
  const { action } = request;
  return review.inOneTransaction(async (r, tx) => {
    const assignee = action.kind !== 'assign' || action.to === 'nobody' ? null : action.to === 'me' ? actor : await assignableUser(tx, action.to.userId);
    const rows = await tx.select({ id: cases.id, reference: cases.reference, status: cases.status, priority: cases.priority, assigneeId: cases.assigneeId, claimExpiresAt: cases.claimExpiresAt })
      .from(cases).where(inArray(cases.id, ids));
    const byId = new Map(rows.map((k) => [k.id, k]));
    const result: BulkResult = { changed: [], skipped: [] };
    for (const id of ids) {
      const k = byId.get(id);
      if (!k) {
        result.skipped.push({ id, reference: null, reason: 'not_found', detail: 'no such case' });
        continue;
      }
      const skip = skipBefore(k, action, assignee, now);
      if (skip) {
        result.skipped.push({ id, reference: k.reference, reason: skip[0], detail: skip[1] });
        continue;
      }
      try {
        if (action.kind === 'resolve') await r.resolve(id, actor);
        else if (action.kind === 'priority') await r.triage(id, actor, { priority: action.priority });
        else if (!assignee) await r.release(id, actor);
        else if (assignee.id === actor.id) await r.claim(id, actor);
        else await r.assign(id, actor, assignee);
        result.changed.push({ id, reference: k.reference });
      } catch (err) {
        if (!(err instanceof AppError) || err.httpStatus >= 500) throw err;
        result.skipped.push({ id, reference: k.reference, reason: err.code === 'conflict' ? 'held' : 'refused', detail: err.message });
      }
    }
    return result;
  });
}
