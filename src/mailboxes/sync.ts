import { sql } from 'drizzle-orm';
import type { Config } from '../config.js';
import type { Db } from '../db/client.js';
import { mailboxes, type Mailbox } from '../db/schema/mailboxes.js';
import { parseImapUrl } from '../mail/imap-watcher.js';

export const DEFAULT_MAILBOX_KEY = 'default';

export function imapMailboxKey(url: string): string {
  const u = parseImapUrl(url);
  return `imap:${u.user}@${u.host}:${u.port}/${u.mailbox}`;
}

/**
 * Mailboxes come from configuration: the default one (SMTP listener, webhook, import) and one per IMAP_URL.
 * Configuration gives a new mailbox its settings (time zone, business hours, SLA, auto-send); after that they
 * belong to the admin (web app, Admin → Mailboxes) and a restart does not overwrite them.
 */
export async function syncMailboxes(db: Db, config: Config): Promise<Mailbox[]> {
  const settings = {
    timeZone: config.TIME_ZONE,
    businessHours: { days: config.BUSINESS_DAYS, open: config.BUSINESS_OPEN, close: config.BUSINESS_CLOSE, holidays: config.HOLIDAYS },
    firstReplyMinutes: config.FIRST_REPLY_MINUTES,
    maxAcksPerSender24h: config.MAX_ACKS_PER_SENDER_24H,
    displayName: config.SUPPORT_NAME,
  };
  const wanted = [
    { key: DEFAULT_MAILBOX_KEY, address: config.SUPPORT_ADDRESS.toLowerCase() },
    ...config.IMAP_URL.map((url) => {
      const user = parseImapUrl(url).user.toLowerCase();
      return { key: imapMailboxKey(url), address: user.includes('@') ? user : config.SUPPORT_ADDRESS.toLowerCase() };
    }),
  ];
  const rows: Mailbox[] = [];
  for (const w of wanted) {
    const [row] = await db
      .insert(mailboxes)
      // Review settings are only defaults for a new mailbox: afterwards they belong to the admin.
      .values({ ...w, ...settings, autoSendMode: config.AUTO_SEND_MODE, autoSendMinConfidence: config.AUTO_SEND_MIN_CONFIDENCE })
      .onConflictDoUpdate({ target: mailboxes.key, set: { address: sql`excluded.address` } })
      .returning();
    rows.push(row!);
  }
  return rows;
}
