import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken } from '../src/auth/tokens.js';
import { cases } from '../src/db/schema/cases.js';
import { articleLearnedExamples } from '../src/db/schema/kb.js';
import { outbox } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startDovecot, type DovecotServer } from './support/dovecot.js';
import { articleIdOf, loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

/** The whole review loop with a real IMAP server and SMTP sink, driven through the API as agents would. */
describe('draft → review → send loop (Dovecot + SMTP sink)', () => {
  let db: TestDatabase;
  let dovecot: DovecotServer;
  let sink: SmtpSink;
  let service: Service;
  let agentA: string;
  let agentB: string;

  const call = async (token: string, path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/review${path}`, {
      method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };

  beforeAll(async () => {
    [db, dovecot, sink] = await Promise.all([openTestDatabase('pglite'), startDovecot(), startSmtpSink()]);
    await loadFixtureKb(db.database.db);
    service = await startTestService(db, { SMTP_URL: sink.url, IMAP_URL: dovecot.url('INBOX'), INBOUND_SMTP_ENABLED: 'false' });
    await service.knowledge.ready();
    agentA = (await createApiToken(db.database.db, { name: 'Ana (agent)', role: 'agent' })).token;
    agentB = (await createApiToken(db.database.db, { name: 'Ben (agent)', role: 'agent' })).token;
  });
  afterAll(async () => {
    await service?.stop();
    await Promise.all([dovecot.stop(), sink.stop()]);
    await db.stop();
  });

  it('email → acknowledgement → cited draft → claim and approve → threaded reply → customer writes again → reopened, no second acknowledgement', async () => {
    await eventually(async () => (await fetch(`http://127.0.0.1:${service.httpPort}/health`).then((r) => r.json())).mail[0]?.connected, 20_000, 'IMAP connected');
    await dovecot.append(customerEmail({
      from: 'Maria Lopez <maria@customer.test>', to: dovecot.user, messageId: 'pw-1@customer.test',
      subject: 'Cannot log in', body: 'Hello, I forgot my password and the reset link does not work. Can you help?',
    }));
    const [ack] = await sink.waitFor(1, 20_000);
    expect(ack!.envelopeTo).toEqual(['maria@customer.test']);
    const [kase] = await db.database.db.select().from(cases);

    // the draft is written in the background, grounded in the matched article, with citations
    const detail = await eventually(async () => {
      const d = await call(agentA, `/cases/${kase!.id}`);
      return d.body.draft?.status === 'proposed' ? d.body : null;
    }, 20_000, 'draft proposed');
    expect(detail.draft.citations.map((c: { articleId: string }) => c.articleId)).toContain(articleIdOf('password', 'en'));
    expect(detail.draft.body).toContain('Maria');
    expect(detail.matches[0].ranked[0].articleId).toBe(articleIdOf('password', 'en'));

    // the queue offers it; Ana claims it, Ben is refused and told who holds it
    const queue = await call(agentA, '/queue');
    expect(queue.body.next).toBe(kase!.id);
    expect((await call(agentA, `/cases/${kase!.id}/claim`, {})).status).toBe(200);
    const refused = await call(agentB, `/cases/${kase!.id}/claim`, {});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toContain('Ana (agent)');
    expect((await call(agentB, `/cases/${kase!.id}/approve`, {})).status).toBe(409);

    // Ana edits and approves
    const edited = `${detail.draft.body}\n\nAna`;
    expect((await call(agentA, `/cases/${kase!.id}/draft`, { body: edited }, 'PUT')).status).toBe(200);
    const approved = await call(agentA, `/cases/${kase!.id}/approve`, {});
    expect(approved.status).toBe(200);

    const [, reply] = await sink.waitFor(2, 20_000);
    expect(reply!.envelopeTo).toEqual(['maria@customer.test']);
    expect(reply!.envelopeFrom).toBe(dovecot.user);
    expect(reply!.headers.get('in-reply-to')).toBe('<pw-1@customer.test>');
    expect(reply!.headers.get('subject')).toBe(`Re: Cannot log in [${kase!.reference}]`);
    expect(reply!.headers.get('auto-submitted')).toBeUndefined();
    expect((await simpleParser(reply!.raw)).text).toContain('Ana');

    const [afterReply] = await db.database.db.select().from(cases).where(eq(cases.id, kase!.id));
    expect(afterReply!.status).toBe('waiting');
    expect(afterReply!.firstHumanReplyAt).not.toBeNull();
    // the approved reply cited the article: the customer's question is now one of its examples
    const learned = await db.database.db.select().from(articleLearnedExamples).where(eq(articleLearnedExamples.caseId, kase!.id));
    expect(learned.map((l) => l.articleId)).toEqual([articleIdOf('password', 'en')]);

    // the customer answers the reply: the case reopens, gets a new draft, and no second acknowledgement
    await dovecot.append(customerEmail({
      from: 'Maria Lopez <maria@customer.test>', to: dovecot.user, messageId: 'pw-2@customer.test',
      subject: `Re: Cannot log in [${kase!.reference}]`, body: 'Thanks, but the link still fails.',
      headers: { 'In-Reply-To': reply!.messageId!, References: `<pw-1@customer.test> ${reply!.messageId}` },
    }));
    const reopened = await eventually(async () => {
      const [k] = await db.database.db.select().from(cases).where(eq(cases.id, kase!.id));
      return k!.status === 'open' && k!.customerMessageCount === 2 ? k : null;
    }, 20_000, 'case reopened');
    expect(reopened.reference).toBe(kase!.reference);
    await service.outboxWorker.drain();
    const acks = await db.database.db.select().from(outbox).where(eq(outbox.kind, 'acknowledgement'));
    expect(acks).toHaveLength(1);
    const audit = (await call(agentA, `/cases/${kase!.id}`)).body.audit.map((a: { action: string }) => a.action);
    // the approved reply cited an article: it is the agents' label for the question (kb/labels.ts)
    expect(audit).toEqual(['triaged', 'claimed', 'draft_edited', 'reply_approved', 'match_labelled', 'reopened']);
  });
});
