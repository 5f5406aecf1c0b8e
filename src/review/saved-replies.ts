// Saved replies (macros): per-language text with placeholders, curated by knowledge managers and inserted by agents
// into a case's draft. Placeholders are checked when a reply is saved, so an agent never sends "{{custmer_name}}".
import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import type { Db, Queryable } from '../db/client.js';
import { cases, type Case } from '../db/schema/cases.js';
import { savedReplies, type SavedReply } from '../db/schema/saved-replies.js';
import { AppError } from '../errors.js';
import { parseInput } from '../validation.js';
import type { Review } from './actions.js';
import { audit, type Actor } from '../audit/log.js';

export const PLACEHOLDERS = {
  customer_name: 'the customer’s name (else the part of their address before the @)',
  case_reference: 'the case reference, e.g. FR-7K3Q9X',
  agent_name: 'the name of the agent inserting the reply',
} as const;
type Placeholder = keyof typeof PLACEHOLDERS;
const PLACEHOLDER = /\{\{\s*([a-z_]+)\s*\}\}/g;

const savedReplyInput = z.object({
  language: z.string().trim().toLowerCase().regex(/^[a-z]{2}$/, 'expected an ISO 639-1 code like en or es'),
  title: z.string().trim().min(1, 'must not be empty').max(200),
  body: z.string().trim().min(1, 'must not be empty').max(20_000),
});

function checkPlaceholders(body: string): void {
  const unknown = [...new Set([...body.matchAll(PLACEHOLDER)].map((m) => m[1]!).filter((n) => !(n in PLACEHOLDERS)))];
  if (unknown.length === 0) return;
  const message = `unknown placeholder ${unknown.map((n) => `{{${n}}}`).join(', ')}: use ${Object.keys(PLACEHOLDERS).map((n) => `{{${n}}}`).join(', ')}`;
  throw new AppError('bad_request', `body: ${message}`, false, { fields: { body: message } });
}

/** The reply's text for one case: every placeholder filled in. */
export function fillPlaceholders(body: string, kase: Pick<Case, 'customerName' | 'customerAddress' | 'reference'>, agentName: string): string {
  const values: Record<Placeholder, string> = {
    customer_name: kase.customerName?.trim() || kase.customerAddress.split('@')[0]!,
    case_reference: kase.reference,
    agent_name: agentName,
  };
  return body.replace(PLACEHOLDER, (whole, name: string) => (name in values ? values[name as Placeholder] : whole));
}

export function listSavedReplies(q: Queryable, language?: string): Promise<SavedReply[]> {
  return q.select().from(savedReplies).where(language ? eq(savedReplies.language, language) : undefined).orderBy(asc(savedReplies.language), asc(savedReplies.title));
}

export async function createSavedReply(db: Db, actor: Actor, input: unknown): Promise<SavedReply> {
  const fields = parseInput(savedReplyInput, input);
  checkPlaceholders(fields.body);
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(savedReplies).values({ ...fields, updatedBy: actor.name }).returning();
    await audit(tx, { caseId: null, actor, action: 'saved_reply_created', after: { savedReplyId: row!.id, language: row!.language, title: row!.title } });
    return row!;
  });
}

export async function deleteSavedReply(db: Db, actor: Actor, id: number): Promise<void> {
  await db.transaction(async (tx) => {
    const [row] = await tx.delete(savedReplies).where(eq(savedReplies.id, id)).returning();
    if (!row) throw new AppError('not_found', 'no such saved reply');
    await audit(tx, { caseId: null, actor, action: 'saved_reply_deleted', before: { savedReplyId: row.id, language: row.language, title: row.title } });
  });
}

/** Appends a saved reply, filled in for the case, to the case's draft (an edit like any other: claim needed, audited). */
export async function insertSavedReply(db: Db, review: Review, caseId: string, actor: Actor, savedReplyId: number, currentBody: string) {
  const [kase] = await db.select().from(cases).where(eq(cases.id, caseId));
  if (!kase) throw new AppError('not_found', 'no such case');
  const [reply] = await db.select().from(savedReplies).where(and(eq(savedReplies.id, savedReplyId), eq(savedReplies.language, kase.language)));
  if (!reply) throw new AppError('bad_request', `Choose a saved reply in the case's language (${kase.language}).`);
  const text = fillPlaceholders(reply.body, kase, actor.name);
  const body = currentBody.trim() ? `${currentBody.trimEnd()}\n\n${text}` : text;
  return review.editDraft(caseId, actor, { body });
}
