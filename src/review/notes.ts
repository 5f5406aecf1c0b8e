// Internal notes: what agents tell each other about a case. Written with their audit row in one transaction; shown
// on the case page and in its history, never put in the outbox.
import { asc, eq } from 'drizzle-orm';
import type { Db, Queryable } from '../db/client.js';
import { cases } from '../db/schema/cases.js';
import { caseNotes, type CaseNote } from '../db/schema/notes.js';
import { AppError } from '../errors.js';
import { audit, type Actor } from '../audit/log.js';

export const NOTE_MAX_CHARS = 5000;

export async function addCaseNote(db: Db, caseId: string, actor: Actor, input: { body: string }): Promise<CaseNote> {
  const body = input.body.replace(/\r\n/g, '\n').trim();
  if (!body) throw new AppError('bad_request', 'The note is empty.');
  if (body.length > NOTE_MAX_CHARS) throw new AppError('bad_request', `A note holds at most ${NOTE_MAX_CHARS} characters.`);
  return db.transaction(async (tx) => {
    const [kase] = await tx.select({ id: cases.id }).from(cases).where(eq(cases.id, caseId)).for('update');
    if (!kase) throw new AppError('not_found', 'no such case');
    const [note] = await tx.insert(caseNotes).values({ caseId, authorId: actor.id, authorName: actor.name, body }).returning();
    // The audit row says a note was written and which one; the text stays in case_notes (one place to erase it).
    await audit(tx, { caseId, actor, action: 'note_added', after: { noteId: note!.id } });
    await tx.update(cases).set({ updatedAt: new Date() }).where(eq(cases.id, caseId));
    return note!;
  });
}

export function caseNotesOf(q: Queryable, caseId: string): Promise<CaseNote[]> {
  return q.select().from(caseNotes).where(eq(caseNotes.caseId, caseId)).orderBy(asc(caseNotes.id));
}
