import type { Queryable } from '../../db/client.js';
import { assertTimeZone } from '../../domain/time-zone.js';
import { MailboxSettings } from '../../mailboxes/settings.js';

/**
 * The time zone a report's days are counted in: the one asked for (checked), else the mailbox's own when the report
 * is for one mailbox, else UTC.
 */
export async function reportTimeZone(db: Queryable, tz: string | undefined, mailboxId: number | undefined): Promise<string> {
  if (tz) {
    assertTimeZone(tz);
    return tz;
  }
  if (mailboxId !== undefined) {
    const settings = await new MailboxSettings(db).get(mailboxId);
    if (settings) return settings.mailbox.timeZone;
  }
  return 'UTC';
}
