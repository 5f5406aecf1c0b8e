import { asc } from 'drizzle-orm';
import type { Queryable } from '../db/client.js';
import { mailboxes } from '../db/schema/mailboxes.js';
import { customerText, detectLanguage } from '../domain/language.js';
import type { KnowledgeBase, KnowledgeMatch, MatchInput, Suggestion } from './knowledge.js';

/** What the playground needs of a mailbox's settings (mailboxes/settings.ts's MailboxSettings gives it). */
export interface MatchSettingsReader {
  get(mailboxId: number): Promise<{ threshold: MatchInput['threshold']; mailbox: { fallbackLanguages: string[] } } | null>;
}

export interface PlaygroundQuestion { question: string; subject: string; /** '' detects it from the question */ language: string }

export interface PlaygroundResult { language: string; match: KnowledgeMatch; suggestions: Suggestion[] }

/**
 * What would match a customer's question: matched as the first mailbox would (its threshold and fallback languages),
 * as the pipeline does, read fresh for every question so an admin's change shows at once. Read-only.
 */
export async function tryQuestion(db: Queryable, knowledge: KnowledgeBase, settings: MatchSettingsReader, q: PlaygroundQuestion): Promise<PlaygroundResult> {
  const language = q.language || detectLanguage(q.question).language;
  const [first] = await db.select({ id: mailboxes.id }).from(mailboxes).orderBy(asc(mailboxes.id)).limit(1);
  const inForce = first ? await settings.get(first.id) : null;
  const match = await knowledge.match(customerText(q.subject, q.question), {
    language, subject: q.subject, limit: 8, threshold: inForce?.threshold ?? null, fallbackLanguages: inForce?.mailbox.fallbackLanguages ?? [],
  });
  return { language, match, suggestions: await knowledge.suggestions(match, language, 3) };
}
