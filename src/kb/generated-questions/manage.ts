// The knowledge manager's view of an article's generated questions: list them, delete a wrong one. A deletion is
// audited (who removed which question) and not undone by the writer: questions are written again only when the
// article's text changes.
import { and, asc, eq } from 'drizzle-orm';
import type { Db, Queryable } from '../../db/client.js';
import { articleGeneratedQuestions, articles } from '../../db/schema/kb.js';
import { AppError } from '../../errors.js';
import { audit, type Actor } from '../../audit/log.js';

export type GeneratedQuestion = typeof articleGeneratedQuestions.$inferSelect;

export async function listGeneratedQuestions(db: Queryable, articleId: string): Promise<GeneratedQuestion[]> {
  const [article] = await db.select({ id: articles.id }).from(articles).where(eq(articles.id, articleId));
  if (!article) throw new AppError('not_found', `no article ${articleId}`);
  return db.select().from(articleGeneratedQuestions).where(eq(articleGeneratedQuestions.articleId, articleId)).orderBy(asc(articleGeneratedQuestions.id));
}

/** Removes one question; matching forgets it at the next index run (the caller requests one). */
export async function deleteGeneratedQuestion(db: Db, articleId: string, questionId: number, actor: Actor): Promise<GeneratedQuestion> {
  return db.transaction(async (tx) => {
    const [deleted] = await tx.delete(articleGeneratedQuestions)
      .where(and(eq(articleGeneratedQuestions.articleId, articleId), eq(articleGeneratedQuestions.id, questionId)))
      .returning();
    if (!deleted) throw new AppError('not_found', `article ${articleId} has no generated question ${questionId}`);
    await audit(tx, {
      caseId: null, actor, action: 'generated_question_deleted',
      before: { articleId, articleVersion: deleted.articleVersion, text: deleted.text, model: deleted.model }, after: null,
    });
    return deleted;
  });
}
