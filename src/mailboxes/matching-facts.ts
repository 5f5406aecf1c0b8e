// What Admin → Mailbox shows about matching: per language of the knowledge base, the threshold in force for this
// mailbox and how it was chosen, and the fit from the agents' labels with its trade-off curve.
import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { mailboxCalibrations } from '../db/schema/labels.js';
import type { KnowledgeBase } from '../kb/knowledge.js';
import { MailboxSettings } from './settings.js';

export async function matchingFacts(db: Db, knowledge: KnowledgeBase, mailboxId: number) {
  const [inForce, [fitted]] = await Promise.all([
    new MailboxSettings(db).get(mailboxId),
    db.select().from(mailboxCalibrations).where(eq(mailboxCalibrations.mailboxId, mailboxId)),
  ]);
  const languages = knowledge.languages.map((l) => ({ ...l, ...knowledge.calibrationFor(l.language, inForce?.threshold) }));
  return { languages, fitted: fitted ?? null };
}
