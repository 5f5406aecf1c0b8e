// Issue 17 item 10: every escalation path (pipeline, SLA breach, agent) tells the team, writes the audit row and
// queues the signed webhook in the outbox, in the transaction that escalates the case; the webhook is retried by the
// outbox worker and survives a restart. Item 11: a webhook to a private address is refused unless allowed.
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { outbox } from '../src/db/schema/outbox.js';
import { auditLog } from '../src/db/schema/review.js';
import { slaTimers } from '../src/db/schema/sla.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { serviceOnSink } from './support/service-on-sink.js';
import { startWebhookReceiver, type WebhookReceiver } from './support/webhook-receiver.js';

const SECRET = 'webhook-secret-0123456789';

describe(`every escalation path announces itself durably (${process.env.TEST_DB ?? 'pglite'})`, () => {
  const t = serviceOnSink();
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver(SECRET);
  });
  afterAll(() => receiver.close());
  const start = async (overrides: Record<string, string> = { WEBHOOK_ALLOWED_HOSTS: '127.0.0.1' }) => {
    await t.reset();
    receiver.clear();
    await t.start(overrides, { kb: true });
    await t.db.database.db.update(mailboxes).set({
      escalationRules: { teamAddresses: { support: 'team@shop.test', billing: 'billing@shop.test' }, webhookUrl: receiver.url, webhookSecret: SECRET },
    });
  };
  beforeEach(() => start());

  /** A calm customer whose question the knowledge base answers: a case that is not escalated. */
  const calmCase = async (address: string) => {
    await sendRaw(t.service!.smtpPort!, customerEmail({ from: `Cleo <${address}>`, subject: 'Password', body: 'I forgot my password, how do I reset it?' }), { from: address, to: ['support@shop.test'] });
    const kase = await eventually(async () => (await t.db.database.db.select().from(cases).where(eq(cases.customerAddress, address)))[0], 15_000, 'case');
    expect(kase.status).toBe('open');
    return kase;
  };
  const rowsOf = (caseId: string, kind: 'notification' | 'webhook') => t.db.database.db.select().from(outbox).where(and(eq(outbox.caseId, caseId), eq(outbox.kind, kind)));
  const escalationAudits = (caseId: string) => t.db.database.db.select().from(auditLog).where(and(eq(auditLog.caseId, caseId), eq(auditLog.action, 'escalated')));
  const expectAnnounced = async (caseId: string, reference: string, code: string, teamAddress = 'team@shop.test') => {
    await eventually(() => t.sink.messages.find((m) => m.envelopeTo.includes(teamAddress) && m.raw.toString().includes(reference)), 15_000, 'team notice');
    const hook = await eventually(() => receiver.received.find((r) => r.body.case?.reference === reference), 15_000, 'webhook');
    expect(hook.verified).toBe(true);
    expect(hook.body.reasons.map((r: { code: string }) => r.code)).toContain(code);
    expect((await escalationAudits(caseId)).some((a) => JSON.stringify(a.after).includes(code))).toBe(true);
    const [webhook] = await rowsOf(caseId, 'webhook');
    expect(webhook!.messageId).toBe(hook.delivery);
    await eventually(async () => (await rowsOf(caseId, 'webhook'))[0]!.status === 'sent', 15_000, 'webhook row sent');
  };

  it('an SLA breach: team notice, audit row and signed webhook', async () => {
    const kase = await calmCase('sla@c.test');
    await t.db.database.db.update(slaTimers).set({ dueAt: new Date(Date.now() - 60_000), remindAt: null }).where(and(eq(slaTimers.caseId, kase.id), eq(slaTimers.kind, 'first_reply')));
    // The service's own SLA loop may take the timer first (on PostgreSQL it runs beside this drain): wait for either.
    await t.service!.slaWorker.drain();
    await eventually(async () => (await t.db.database.db.select().from(cases).where(eq(cases.id, kase.id)))[0]!.status === 'escalated', 15_000, 'escalated by the SLA worker');
    await expectAnnounced(kase.id, kase.reference, 'sla_breach');
  });

  it("an agent's escalation: the chosen team's notice, audit row and signed webhook", async () => {
    const kase = await calmCase('agent@c.test');
    await t.service!.review.escalate(kase.id, { id: 'user-1', name: 'Ann Agent' }, { reason: 'wants a refund over the limit', team: 'billing' });
    await expectAnnounced(kase.id, kase.reference, 'agent_escalated', 'billing@shop.test');
    expect(receiver.received.find((r) => r.body.case.reference === kase.reference)!.body.team).toBe('billing');
  });

  it('the pipeline: the webhook is an outbox row written with the escalation, retried until the receiver takes it', async () => {
    receiver.answers.push(503, 500);
    await sendRaw(t.service!.smtpPort!, customerEmail({ from: 'Pat <pat@c.test>', subject: 'Help', body: 'I want to talk to a person, not a bot.' }), { from: 'pat@c.test', to: ['support@shop.test'] });
    const kase = await eventually(async () => (await t.db.database.db.select().from(cases).where(eq(cases.customerAddress, 'pat@c.test')))[0], 15_000, 'case');
    expect(kase.status).toBe('escalated');
    const sent = await eventually(async () => {
      await t.service!.outboxWorker.drain();
      const [row] = await rowsOf(kase.id, 'webhook');
      return row?.status === 'sent' ? row : null;
    }, 30_000, 'webhook delivered after retries');
    expect(sent.attempts).toBe(3);
    const calls = receiver.received.filter((r) => r.body.case.reference === kase.reference);
    expect(calls).toHaveLength(3);
    expect(new Set(calls.map((c) => c.delivery)).size).toBe(1);
  });

  it('a webhook left mid-call by a dead process is sent again, with the same delivery id', async () => {
    const kase = await calmCase('crash@c.test');
    await t.service!.outboxWorker.stop();
    await t.service!.review.escalate(kase.id, { id: 'user-1', name: 'Ann Agent' }, { reason: 'needs a manager' });
    const [row] = await rowsOf(kase.id, 'webhook');
    await t.db.database.db.update(outbox).set({ status: 'sending', leaseUntil: new Date(Date.now() - 1000), attempts: 1 }).where(eq(outbox.id, row!.id));
    await t.service!.outboxWorker.markUncertain();
    expect((await rowsOf(kase.id, 'webhook'))[0]!.status).toBe('pending');
    t.service!.outboxWorker.start();
    await eventually(async () => (await rowsOf(kase.id, 'webhook'))[0]!.status === 'sent', 15_000, 'webhook sent again');
    expect(receiver.received.find((r) => r.body.case.reference === kase.reference)!.delivery).toBe(row!.messageId);
  });

  it('a webhook to a loopback address is refused without WEBHOOK_ALLOWED_HOSTS, and not retried', async () => {
    await start({});
    const kase = await calmCase('ssrf@c.test');
    await t.service!.review.escalate(kase.id, { id: 'user-1', name: 'Ann Agent' }, { reason: 'check' });
    // the service's own outbox run may hold the row: wait for the outcome rather than for one drain
    const row = await eventually(async () => {
      await t.service!.outboxWorker.drain();
      const [r] = await rowsOf(kase.id, 'webhook');
      return r?.status === 'failed' ? r : null;
    }, 15_000, 'the webhook refused');
    expect(row!.attempts).toBe(1);
    expect(row!.lastError).toMatch(/127\.0\.0\.1 is a private, loopback, link-local or reserved address.*WEBHOOK_ALLOWED_HOSTS/);
    expect(receiver.received).toEqual([]);
  });
});
