import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.js';
import { imapCursors } from '../db/schema/mailboxes.js';
import type { ImapCursor, ImapCursorStore } from './imap-watcher.js';

export function dbCursorStore(db: Db): ImapCursorStore {
  return {
    async get(mailboxKey: string): Promise<ImapCursor | null> {
      const [row] = await db.select().from(imapCursors).where(eq(imapCursors.mailboxKey, mailboxKey));
      return row ? { uidValidity: row.uidValidity, lastUid: row.lastUid } : null;
    },
    async set(mailboxKey: string, c: ImapCursor): Promise<void> {
      await db
        .insert(imapCursors)
        .values({ mailboxKey, ...c })
        .onConflictDoUpdate({ target: imapCursors.mailboxKey, set: { ...c, updatedAt: new Date() } });
    },
  };
}
