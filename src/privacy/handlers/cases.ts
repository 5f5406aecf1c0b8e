// Cases and their history: kept as anonymised statistics, their free text erased.
import { asc, eq, inArray } from 'drizzle-orm';
import { caseEvents, cases } from '../../db/schema/cases.js';
import { mailboxes } from '../../db/schema/mailboxes.js';
import { ERASED, type CustomerDataHandler } from '../handler.js';

/**
 * Replaces every string in an event's detail (guard reasons, parse errors) with the marker, except
 * identifier-like ones (reason codes, flags), which carry no personal data and keep the statistics.
 */
export function scrubDetail(value: unknown): unknown {
  if (typeof value === 'string') return /^[a-z][a-z0-9_]{0,63}$/i.test(value) ? value : ERASED;
  if (Array.isArray(value)) return value.map(scrubDetail);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDetail(v)]));
  return value;
}

export const casesHandler: CustomerDataHandler = {
  table: 'cases',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q
      .select({ case: cases, mailbox: mailboxes.key })
      .from(cases)
      .innerJoin(mailboxes, eq(mailboxes.id, cases.mailboxId))
      .where(inArray(cases.id, scope.caseIds))
      .orderBy(asc(cases.createdAt))
      .then((rows) => rows.map((r) => ({ ...r.case, mailbox: r.mailbox })));
  },
  // Kept as anonymised statistics (counts, timings, status, language, reference) so reports stay correct.
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const updated = await tx
      .update(cases)
      .set({ customerAddress: ERASED, customerName: ERASED, subject: ERASED })
      .where(inArray(cases.id, scope.caseIds))
      .returning({ id: cases.id });
    return { deleted: 0, anonymised: updated.length };
  },
};

export const caseEventsHandler: CustomerDataHandler = {
  table: 'case_events',
  async exportRows(q, scope) {
    if (scope.eventIds.length === 0) return [];
    return q.select().from(caseEvents).where(inArray(caseEvents.id, scope.eventIds)).orderBy(asc(caseEvents.id));
  },
  // The history stays (types, times, reason codes, flags); free text in the details goes.
  async erase(tx, scope) {
    if (scope.eventIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.select({ id: caseEvents.id, detail: caseEvents.detail }).from(caseEvents).where(inArray(caseEvents.id, scope.eventIds));
    for (const row of rows) {
      await tx.update(caseEvents).set({ detail: scrubDetail(row.detail) as Record<string, unknown> }).where(eq(caseEvents.id, row.id));
    }
    return { deleted: 0, anonymised: rows.length };
  },
};
