// What agents and the matcher wrote about a customer's cases: drafts, notes, the audit trail, matches, labels and
// the questions learned from them.
import { asc, inArray, or } from 'drizzle-orm';
import { articleLearnedExamples } from '../../db/schema/kb.js';
import { matchLabels } from '../../db/schema/labels.js';
import { caseMatches } from '../../db/schema/matches.js';
import { caseNotes } from '../../db/schema/notes.js';
import { auditLog, drafts } from '../../db/schema/review.js';
import { ERASED, type CustomerDataHandler } from '../handler.js';
import { anyOf } from '../scope.js';

/**
 * Rows that hold the customer's question in their own words, per case: questions learned from agents' decisions and
 * the agents' labels. Exported, and deleted with the case's customer.
 */
function questionsOfCases(table: typeof articleLearnedExamples | typeof matchLabels, name: string): CustomerDataHandler {
  return {
    table: name,
    async exportRows(q, scope) {
      if (scope.caseIds.length === 0) return [];
      return q.select().from(table as typeof matchLabels).where(inArray(table.caseId, scope.caseIds)).orderBy(asc(table.id));
    },
    async erase(tx, scope) {
      if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
      const deleted = await tx.delete(table).where(inArray(table.caseId, scope.caseIds)).returning({ id: table.id });
      return { deleted: deleted.length, anonymised: 0 };
    },
  };
}
export const learnedExamplesHandler = questionsOfCases(articleLearnedExamples, 'article_learned_examples');
export const matchLabelsHandler = questionsOfCases(matchLabels, 'match_labels');

/**
 * Knowledge-base matches made for their messages: exported (they are about the customer), kept on erasure —
 * they hold article ids and scores only, and the article-performance reports count them.
 */
export const caseMatchesHandler: CustomerDataHandler = {
  table: 'case_matches',
  async exportRows(q, scope) {
    const where = or(anyOf(caseMatches.caseId, scope.caseIds), anyOf(caseMatches.inboundMessageId, scope.messageIds));
    if (!where) return [];
    return q.select().from(caseMatches).where(where).orderBy(asc(caseMatches.id));
  },
  erase: async () => ({ deleted: 0, anonymised: 0 }),
};

/** Drafts quote and address the customer: their text goes, status and figures stay for the reports. */
export const draftsHandler: CustomerDataHandler = {
  table: 'drafts',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(drafts).where(inArray(drafts.caseId, scope.caseIds)).orderBy(asc(drafts.createdAt));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(drafts)
      .set({ subject: ERASED, body: ERASED, generatedBody: ERASED, sentences: [], strippedLinks: [], modelError: null, rejectReason: null })
      .where(inArray(drafts.caseId, scope.caseIds)).returning({ id: drafts.id });
    return { deleted: 0, anonymised: rows.length };
  },
};

/** Agents' internal notes talk about the customer: the text goes, who wrote a note and when stay. */
export const notesHandler: CustomerDataHandler = {
  table: 'case_notes',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(caseNotes).where(inArray(caseNotes.caseId, scope.caseIds)).orderBy(asc(caseNotes.id));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(caseNotes).set({ body: ERASED }).where(inArray(caseNotes.caseId, scope.caseIds)).returning({ id: caseNotes.id });
    return { deleted: 0, anonymised: rows.length };
  },
};

/** The audit trail keeps who did what when; the before/after values (draft text, subjects) go. */
export const auditHandler: CustomerDataHandler = {
  table: 'audit_log',
  async exportRows(q, scope) {
    if (scope.caseIds.length === 0) return [];
    return q.select().from(auditLog).where(inArray(auditLog.caseId, scope.caseIds)).orderBy(asc(auditLog.id));
  },
  async erase(tx, scope) {
    if (scope.caseIds.length === 0) return { deleted: 0, anonymised: 0 };
    const rows = await tx.update(auditLog).set({ before: { erased: true }, after: { erased: true } })
      .where(inArray(auditLog.caseId, scope.caseIds)).returning({ id: auditLog.id });
    return { deleted: 0, anonymised: rows.length };
  },
};
