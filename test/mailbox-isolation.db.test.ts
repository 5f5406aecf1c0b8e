// Two mailboxes share the knowledge base (articles are shared by design) but never a customer's private data:
// an approved reply in mailbox 1 teaches the matcher Anna's whole question, secrets included, as a learned example
// of the cited article. Everything mailbox 2's customer gets, and every mailbox-2 view, must be free of it.
import { and, eq, ne } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { cases } from '../src/db/schema/cases.js';
import { articleChunks, articleLearnedExamples } from '../src/db/schema/kb.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { drafts } from '../src/db/schema/review.js';
import { articleIdOf, loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { api } from './support/service.js';
import { startTwoMailboxes, type TwoMailboxes } from './support/two-mailboxes.js';

const AGENT = { id: 'ana', name: 'Ana' };
const ANNA = { address: 'evelyn.marchetti@private-a.test', name: 'Evelyn Marchetti' };
const ANNA_SECRETS = ['4417-9921-0034', '4417', 'Marchetti', 'Evelyn', 'private-a.test', '12 March 1961', 'Elm Court'];
const BEN = { address: 'tomas.ruiz@customer-b.test', name: 'Tomás Ruiz' };
const SIMILAR_QUESTION = 'Hello, I forgot my password and cannot log in to my account. Can you help me reset it?';

describe(`separate mailboxes share no private data (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TwoMailboxes;
  const q = () => t.db.database.db;

  beforeAll(async () => {
    t = await startTwoMailboxes((db) => loadFixtureKb(db.database.db));
    await t.service.knowledge.ready();
  });
  afterAll(async () => {
    await t?.stop();
  });

  const caseOf = (customer: string) =>
    eventually(async () => (await q().select().from(cases).where(eq(cases.customerAddress, customer)))[0], 20_000, `case of ${customer}`);
  const draftOf = (caseId: string) =>
    eventually(async () => (await q().select().from(drafts).where(and(eq(drafts.caseId, caseId), ne(drafts.status, 'pending'))))[0], 20_000, 'draft');
  const mailTo = async (customer: string, n = 1) =>
    eventually(() => { const m = t.sink.messages.filter((x) => x.envelopeTo.includes(customer)); return m.length >= n ? m : undefined; }, 20_000, `mail to ${customer}`);
  const expectNoSecret = (what: string, text: string) => {
    for (const secret of [...ANNA_SECRETS, ANNA.address]) expect(text, `${what} contains "${secret}"`).not.toContain(secret);
  };

  it("an example learned from mailbox 1's customer never reaches mailbox 2's customer, draft, case or queue", async () => {
    const [box1, box2] = await q().select().from(mailboxes).orderBy(mailboxes.id);
    expect([box1!.address, box2!.address]).toEqual(['support@shop.test', 'help@partner.test']);

    // Mailbox 1: Anna's question carries her account number, name, birth date and street.
    const annasText = `${SIMILAR_QUESTION} My account number is 4417-9921-0034, my name is Evelyn Marchetti, ` +
      'born 12 March 1961, and I live at 7 Elm Court.';
    await sendRaw(t.service.smtpPort!, customerEmail({ from: `${ANNA.name} <${ANNA.address}>`, subject: 'Cannot log in', body: annasText }),
      { from: ANNA.address, to: ['support@shop.test'] });
    const annasCase = await caseOf(ANNA.address);
    expect(annasCase.mailboxId).toBe(box1!.id);
    expect((await draftOf(annasCase.id)).citations.map((c) => c.articleId)).toContain(articleIdOf('password', 'en'));
    await t.service.review.claim(annasCase.id, AGENT);
    await t.service.review.approve(annasCase.id, AGENT);
    await mailTo(ANNA.address, 2); // acknowledgement and reply
    await t.service.knowledge.refresh();
    // The premise: her secrets are now part of the shared article's matching data.
    const learned = await q().select().from(articleLearnedExamples);
    expect(learned.map((l) => l.articleId)).toContain(articleIdOf('password', 'en'));
    expect(learned.every((l) => l.text.includes('4417-9921-0034'))).toBe(true);
    const chunks = await q().select().from(articleChunks).where(eq(articleChunks.kind, 'learned_example'));
    expect(chunks.some((c) => c.text.includes('4417-9921-0034'))).toBe(true);

    // Mailbox 2: Ben asks the same thing over IMAP.
    await t.dovecot.append(customerEmail({ from: `${BEN.name} <${BEN.address}>`, to: 'help@partner.test', subject: 'Cannot log in', body: SIMILAR_QUESTION }));
    const bensCase = await caseOf(BEN.address);
    expect(bensCase.mailboxId).toBe(box2!.id);
    const [bensAck] = await mailTo(BEN.address);
    expectNoSecret("Ben's acknowledgement", bensAck!.raw.toString('utf8'));
    const bensDraft = await draftOf(bensCase.id);
    expect(bensDraft.citations.map((c) => c.articleId)).toContain(articleIdOf('password', 'en'));
    expectNoSecret("Ben's draft", JSON.stringify({ body: bensDraft.body, subject: bensDraft.subject, citations: bensDraft.citations }));

    const json = async (path: string, init?: RequestInit) => {
      const res = await api(t.service, path, init);
      expect(res.status, path).toBe(200);
      return JSON.stringify(await res.json());
    };
    // The checks below can see a message's text: Anna's own case shows her secrets.
    expect(await json(`/api/cases/${annasCase.id}`)).toContain('4417-9921-0034');
    expectNoSecret('case API', await json(`/api/cases/${bensCase.id}`));
    expectNoSecret('case detail for review', await json(`/api/review/cases/${bensCase.id}`));
    const queue = await json(`/api/review/queue?mailbox=${box2!.id}`);
    expect(queue).toContain(bensCase.id);
    expect(queue).not.toContain(annasCase.id);
    expectNoSecret('mailbox 2 review queue', queue);
    const match = await json('/api/kb/match', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: SIMILAR_QUESTION }) });
    expect(match).toContain(articleIdOf('password', 'en'));
    expectNoSecret('knowledge match', match);

    // The same views in the web app, as an agent of the company sees them.
    const admin = await createUser(q(), { email: 'lead@shop.test', name: 'Lead', role: 'admin', password: 'lead-password-123' });
    const session = await createSession(q(), admin.id, { ttlHours: 1 });
    const page = async (path: string) => {
      const res = await fetch(`http://127.0.0.1:${t.service.httpPort}${path}`, { headers: { cookie: `firstreply_session=${session.token}` } });
      expect(res.status, path).toBe(200);
      return res.text();
    };
    expect(await page(`/app/cases/${annasCase.id}`)).toContain('4417-9921-0034');
    expectNoSecret('web case page', await page(`/app/cases/${bensCase.id}`));
    expectNoSecret('web playground', await page(`/app/kb/playground?q=${encodeURIComponent(SIMILAR_QUESTION)}`));

    // And the reply Ben finally gets.
    await t.service.review.claim(bensCase.id, AGENT);
    await t.service.review.approve(bensCase.id, AGENT);
    const [, bensReply] = await mailTo(BEN.address, 2);
    expectNoSecret("Ben's reply", bensReply!.raw.toString('utf8'));
  });
});
