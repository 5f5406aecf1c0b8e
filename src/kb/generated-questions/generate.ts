// Writing an article's customer questions: which published articles need them (their title, body or language changed
// since the questions were written, or they never had any), asking the chat model, and storing the answer in place of
// the questions an older text had. Storing checks the text is still the one the model read: an article edited
// meanwhile is left for the next run.
import { and, eq, lt, sql } from 'drizzle-orm';
import type { ChatClient } from '../../ai/chat.js';
import type { Db } from '../../db/client.js';
import { selectRows } from '../../db/rows.js';
import { articleGeneratedQuestions, articleQuestionGenerations } from '../../db/schema/kb.js';
import { questionAnswerSchema } from './answer.js';
import { loadQuestionPrompt, questionMessages, type QuestionPrompt } from './prompt.js';

/** What the writer needs of a chat client (a ChatClient, or a test double). */
export type QuestionChat = Pick<ChatClient, 'completeJson' | 'model'>;

export interface ArticleNeedingQuestions {
  id: string;
  version: number;
  title: string;
  body: string;
  language: string;
  /** identifies the text the questions are written from */
  sourceHash: string;
}

// md5 in the database, so a scan compares hashes without reading every body; a change detector, not a secret.
const sourceHashSql = sql`md5(a.language || E'\\n' || a.title || E'\\n' || a.body)`;

/** Published articles whose questions are missing or were written from another text, oldest change first. */
export async function articlesNeedingQuestions(db: Db, limit = 20): Promise<ArticleNeedingQuestions[]> {
  return selectRows<ArticleNeedingQuestions>(db, sql`
    SELECT a.id, a.version, a.title, a.body, a.language, ${sourceHashSql} AS "sourceHash"
    FROM articles a LEFT JOIN article_question_generations g ON g.article_id = a.id
    WHERE a.status = 'published' AND g.source_hash IS DISTINCT FROM ${sourceHashSql}
    ORDER BY a.updated_at, a.id LIMIT ${limit}`);
}

export interface GenerateOptions {
  prompt?: QuestionPrompt;
  signal?: AbortSignal;
}

/** Asks the model for the article's questions and stores them; how many were stored (0: the article changed meanwhile). */
export async function generateArticleQuestions(db: Db, chat: QuestionChat, article: ArticleNeedingQuestions, opts: GenerateOptions = {}): Promise<number> {
  const prompt = opts.prompt ?? (await loadQuestionPrompt());
  const questions = await chat.completeJson(questionMessages(article, prompt), questionAnswerSchema, { temperature: 0.3, maxTokens: 800, signal: opts.signal });
  const stored = await storeGeneratedQuestions(db, article, questions, `${chat.model}/${prompt.version}`);
  return stored ?? 0;
}

/**
 * Replaces the questions of older versions with these, in one transaction, if the article is still published with the
 * text they were written from; null otherwise (nothing written).
 */
export async function storeGeneratedQuestions(db: Db, article: ArticleNeedingQuestions, questions: readonly string[], model: string): Promise<number | null> {
  return db.transaction(async (tx) => {
    const [current] = await selectRows<{ version: number; hash: string }>(tx, sql`
      SELECT a.version, ${sourceHashSql} AS hash FROM articles a WHERE a.id = ${article.id} AND a.status = 'published' FOR UPDATE`);
    if (!current || current.hash !== article.sourceHash) return null;
    const version = current.version;
    await tx.delete(articleGeneratedQuestions).where(and(eq(articleGeneratedQuestions.articleId, article.id), lt(articleGeneratedQuestions.articleVersion, version)));
    const rows = questions.length
      ? await tx.insert(articleGeneratedQuestions)
        .values(questions.map((text) => ({ articleId: article.id, articleVersion: version, language: article.language, text, model })))
        .onConflictDoNothing()
        .returning({ id: articleGeneratedQuestions.id })
      : [];
    await tx.insert(articleQuestionGenerations)
      .values({ articleId: article.id, articleVersion: version, sourceHash: article.sourceHash, model })
      .onConflictDoUpdate({
        target: articleQuestionGenerations.articleId,
        set: { articleVersion: version, sourceHash: article.sourceHash, model, generatedAt: sql`now()` },
      });
    return rows.length;
  });
}
