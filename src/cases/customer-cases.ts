// The customer in context: their other cases beside the one an agent has open, and whether one of them asks the same
// thing (then the page offers to merge, see src/domain/same-question.ts and src/review/merge-cases.ts). Agents see every
// mailbox (src/web/access.ts has no per-mailbox scope), so cases in other mailboxes are listed too, but are never
// offered for a merge.
import { and, asc, desc, eq, inArray, ne } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { cases, customerKeySql, type Case } from '../db/schema/cases.js';
import { caseMatches } from '../db/schema/matches.js';
import { inboundMessages } from '../db/schema/messages.js';
import { customerText } from '../domain/language.js';
import { customerKey, describeGap, describeSameQuestion, sameQuestion, type ComparedCase } from '../domain/same-question.js';

/** The newest other cases shown; older ones are a search away. */
export const OTHER_CASES_SHOWN = 20;
const QUESTION_CHARS = 2000;

export interface OtherCase {
  id: string; reference: string; subject: string; status: Case['status']; mailboxId: number; createdAt: Date;
  mergedIntoId: string | null;
  /** set when this case asks what the open case asks: the reason in words */
  sameQuestion: string | null;
}

export interface MergeSuggestion {
  /** the newer case is merged into the older one: the customer keeps the reference they got first */
  source: { id: string; reference: string };
  target: { id: string; reference: string };
  reason: string;
}

export interface CustomerContext {
  others: OtherCase[];
  suggestions: MergeSuggestion[];
  /** where this case went, when it was merged */
  mergedInto: { id: string; reference: string } | null;
}

async function comparable(q: Queryable, rows: Case[]): Promise<Map<string, ComparedCase>> {
  const ids = rows.map((r) => r.id);
  const [firstMessages, firstMatches] = await Promise.all([
    q.selectDistinctOn([inboundMessages.caseId], { caseId: inboundMessages.caseId, subject: inboundMessages.subject, text: inboundMessages.textBody })
      .from(inboundMessages).where(inArray(inboundMessages.caseId, ids)).orderBy(inboundMessages.caseId, asc(inboundMessages.receivedAt)),
    q.selectDistinctOn([caseMatches.caseId], { caseId: caseMatches.caseId, ranked: caseMatches.ranked })
      .from(caseMatches).where(and(inArray(caseMatches.caseId, ids), eq(caseMatches.escalate, false))).orderBy(caseMatches.caseId, asc(caseMatches.id)),
  ]);
  const messageOf = new Map(firstMessages.map((m) => [m.caseId, m]));
  const topOf = new Map(firstMatches.map((m) => [m.caseId, m.ranked[0]]));
  return new Map(rows.map((r) => {
    const m = messageOf.get(r.id);
    const top = topOf.get(r.id);
    return [r.id, {
      id: r.id, mailboxId: r.mailboxId, status: r.status, createdAt: r.createdAt, subject: r.subject,
      // the opening words are the question; a long mail's tail would only cost time on every page view
      question: customerText(m?.subject ?? r.subject, (m?.text ?? '').slice(0, QUESTION_CHARS)).slice(0, QUESTION_CHARS), topArticle: top ? { id: top.articleId, title: top.title } : null,
    }];
  }));
}

export async function customerContext(q: Queryable, kase: Case): Promise<CustomerContext> {
  const [into] = kase.mergedIntoId ? await q.select({ id: cases.id, reference: cases.reference }).from(cases).where(eq(cases.id, kase.mergedIntoId)) : [];
  // an erased customer's cases all read "[erased]" (privacy/handler.ts): no address left, no other cases
  if (!kase.customerAddress.includes('@')) return { others: [], suggestions: [], mergedInto: into ?? null };
  const rows = await q.select().from(cases)
    .where(and(eq(customerKeySql(cases.customerAddress), customerKey(kase.customerAddress)), ne(cases.id, kase.id)))
    .orderBy(desc(cases.createdAt), asc(cases.id)).limit(OTHER_CASES_SHOWN);
  const compared = rows.length ? await comparable(q, [kase, ...rows]) : new Map<string, ComparedCase>();
  const current = compared.get(kase.id);
  const suggestions: MergeSuggestion[] = [];
  const others = rows.map((r): OtherCase => {
    const reason = current ? sameQuestion(current, compared.get(r.id)!) : null;
    const words = reason ? `${describeGap(kase.createdAt, r.createdAt)}, and ${describeSameQuestion(reason)}` : null;
    if (reason && words) {
      const [older, newer] = r.createdAt <= kase.createdAt ? [r, kase] : [kase, r];
      suggestions.push({ source: { id: newer.id, reference: newer.reference }, target: { id: older.id, reference: older.reference }, reason: words });
    }
    return {
      id: r.id, reference: r.reference, subject: r.subject, status: r.status, mailboxId: r.mailboxId, createdAt: r.createdAt,
      mergedIntoId: r.mergedIntoId, sameQuestion: words,
    };
  });
  return { others, suggestions, mergedInto: into ?? null };
}
