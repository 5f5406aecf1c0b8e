// GET /app/kb/playground: type a customer question, see which articles match, how sure the matcher is, and what
// each signal contributed. Read-only (a GET form), like the API's POST /api/kb/match.
import { Hono } from 'hono';
import type { Db } from '../../db/client.js';
import type { KnowledgeBase } from '../../kb/knowledge.js';
import { tryQuestion } from '../../kb/playground.js';
import { MailboxSettings } from '../../mailboxes/settings.js';
import { render, type WebEnv } from '../env.js';
import { PlaygroundPage } from '../pages/playground.js';
import { allow } from './guards.js';

/** The playground matches as the first mailbox would (its threshold and fallback languages), as the pipeline does. */
export function playgroundRoutes(knowledge: KnowledgeBase, db: Db) {
  return new Hono<WebEnv>().get('/playground', allow('kb'), async (c) => {
    const question = (c.req.query('q') ?? '').slice(0, 5000);
    const subject = (c.req.query('subject') ?? '').slice(0, 500);
    const chosen = (c.req.query('language') ?? '').trim().slice(0, 10);
    if (!question.trim()) return render(c, <PlaygroundPage viewer={c.get('viewer')} question="" subject={subject} language={chosen} />);
    const { language, match, suggestions } = await tryQuestion(db, knowledge, new MailboxSettings(db), { question, subject, language: chosen });
    return render(c, (
      <PlaygroundPage viewer={c.get('viewer')} question={question} subject={subject} language={chosen} detected={chosen ? undefined : language}
        result={{ match, suggestions }} />
    ));
  });
}
