import type { Service } from '../../src/service.js';
import { openTestDatabase, type TestDatabase } from './database.js';
import { startDovecot, type DovecotServer } from './dovecot.js';
import { startTestService } from './service.js';
import { startSmtpSink, type SmtpSink } from './smtp-sink.js';

export interface TwoMailboxes {
  db: TestDatabase;
  dovecot: DovecotServer;
  sink: SmtpSink;
  service: Service;
  stop(): Promise<void>;
}

/**
 * A service with two mailboxes: mailbox 1, the default one behind the SMTP listener (support@shop.test), and mailbox
 * 2, help@partner.test read over IMAP from a real Dovecot. Outgoing mail goes to `sink`. `prepare` runs on the
 * database before the service starts (e.g. loading a knowledge base).
 */
export async function startTwoMailboxes(prepare?: (db: TestDatabase) => Promise<void>): Promise<TwoMailboxes> {
  const [db, dovecot, sink] = await Promise.all([openTestDatabase(), startDovecot({ user: 'help@partner.test' }), startSmtpSink()]);
  await prepare?.(db);
  const service = await startTestService(db, { SMTP_URL: sink.url, IMAP_URL: dovecot.url() });
  return {
    db, dovecot, sink, service,
    async stop() {
      await service.stop();
      await Promise.all([dovecot.stop(), sink.stop()]);
      await db.stop();
    },
  };
}
