// Issue 17 item 12: mail left 'uncertain' by a crash stays unsent (at most once) until an admin decides; /health
// counts it; resending and marking delivered are audited.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listUncertain, settleUncertain, UNCERTAIN_RISK } from '../src/admin/uncertain-mail.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog } from '../src/db/schema/review.js';
import type { Service } from '../src/service.js';
import { AdminUncertainPage } from '../src/web/pages/admin-uncertain.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const ADMIN = { id: 'admin-1', name: 'Ada Admin' };

describe(`uncertain deliveries (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let db: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  const health = async () => (await fetch(`http://127.0.0.1:${service.httpPort}/health`)).json() as Promise<{ status: string; alerts: string[]; outbox: { uncertain: number } }>;
  /** A mail a crashed process was handing to the server: 'sending', lease run out. */
  const crashedMail = async (n: number) => {
    const [row] = await db.database.db.insert(outbox).values({
      kind: 'notification', messageId: `crash-${n}@firstreply.test`, fromAddress: 'support@shop.test', fromName: 'Support',
      toAddress: `team${n}@shop.test`, subject: `Mail ${n}`, textBody: 'Hello', status: 'sending', attempts: 1, leaseUntil: new Date(Date.now() - 1000),
    }).returning();
    return row!;
  };

  beforeAll(async () => {
    db = await openTestDatabase();
    sink = await startSmtpSink();
    service = await startTestService(db, { SMTP_URL: sink.url });
  }, 300_000);
  afterAll(async () => {
    await service?.stop();
    await sink?.stop();
    await db?.stop();
  });

  it('are counted on /health, listed with the risk, and sent again or recorded as delivered only by an admin (audited)', async () => {
    const first = await crashedMail(1);
    const second = await crashedMail(2);
    expect(await service.outboxWorker.markUncertain()).toBe(2);
    await service.outboxWorker.drain();
    expect(sink.messages).toHaveLength(0); // at most once: nothing resent on its own

    const h = await health();
    expect(h).toMatchObject({ status: 'degraded', outbox: { uncertain: 2 } });
    expect(h.alerts.join(' ')).toMatch(/2 outgoing mails have an unknown delivery state .*Admin → Uncertain mail/);
    const rows = await listUncertain(db.database.db);
    expect(rows.map((r) => r.messageId).sort()).toEqual(['crash-1@firstreply.test', 'crash-2@firstreply.test']);
    const page = String(await AdminUncertainPage({ viewer: { id: 'a', name: 'A', email: 'a@shop.test', role: 'admin', csrf: 'x' }, rows }).toString());
    expect(page).toContain('may or may not have been delivered');
    expect(page).toContain('crash-1@firstreply.test');
    expect(UNCERTAIN_RISK).toMatch(/gets it twice/);

    await settleUncertain(db.database.db, ADMIN, first.id, 'resend');
    service.outboxWorker.kick();
    await eventually(() => sink.messages.find((m) => m.envelopeTo.includes('team1@shop.test')), 15_000, 'the resent mail');
    await settleUncertain(db.database.db, ADMIN, second.id, 'delivered');
    const [marked] = await db.database.db.select().from(outbox).where(eq(outbox.id, second.id));
    expect(marked!.status).toBe('sent');
    expect(sink.messages.some((m) => m.envelopeTo.includes('team2@shop.test'))).toBe(false);
    await expect(settleUncertain(db.database.db, ADMIN, second.id, 'resend')).rejects.toThrow(/no uncertain mail/);

    const audits = await db.database.db.select().from(auditLog).where(and(eq(auditLog.actorId, 'admin-1')));
    expect(audits.map((a) => a.action).sort()).toEqual(['uncertain_mail_marked_delivered', 'uncertain_mail_resent']);
    expect(await health()).toMatchObject({ status: 'ok', outbox: { uncertain: 0 } });
  });
});
