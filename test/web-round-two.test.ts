// Issue 19, broken items 4, 6 and 8 over plain HTTP: dashboard shares say what they are of, the mailbox page tells
// the truth about configuration and the .eml outbox, and / leads to sign-in or the start page.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { inboundMessages } from '../src/db/schema/messages.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';

type Who = { cookie: string; csrf: string };
const text = (html: string) => html.replace(/<[^>]+>/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&').replace(/\s+/g, ' ');

describe('web app, issue 19 broken items', () => {
  let t: TestDatabase;
  let service: Service;
  let base: string;
  let admin: Who;
  let agent: Who;

  const get = (path: string, who?: Who) => fetch(base + path, { redirect: 'manual', headers: who ? { cookie: who.cookie } : {} });
  const post = (path: string, who: Who, fields: Record<string, string> = {}) =>
    fetch(base + path, { method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, origin: base }, body: new URLSearchParams({ ...fields, _csrf: who.csrf }) });

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t); // no SMTP_URL: the documented .eml outbox
    base = `http://127.0.0.1:${service.httpPort}`;
    const db = t.database.db;
    const [a, g] = await Promise.all([
      createUser(db, { email: 'boss@shop.test', name: 'Boss', role: 'admin', password: 'boss-password-12' }),
      createUser(db, { email: 'agent@shop.test', name: 'Agent', role: 'agent', password: 'agent-password-12' }),
    ]);
    const sessionOf = async (id: string) => {
      const s = await createSession(db, id, { ttlHours: 12 });
      return { cookie: `firstreply_session=${s.token}`, csrf: s.csrfToken };
    };
    [admin, agent] = await Promise.all([sessionOf(a.id), sessionOf(g.id)]);
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  it('/ leads to sign-in, or to the start page when signed in', async () => {
    const anonymous = await get('/');
    expect(anonymous.status).toBe(303);
    expect(anonymous.headers.get('location')).toBe('/signin');
    expect((await get('/', agent)).headers.get('location')).toBe('/app/inbox');
    const signin = await fetch(base + '/');
    expect(signin.status).toBe(200);
    expect(await signin.text()).toContain('Sign in');
  });

  it('dashboard: acknowledgements per case opened, suppressions per email received', async () => {
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria <maria@customer.test>', subject: 'Broken lamp', body: 'My lamp arrived broken, what can I do?' }));
    await sendRaw(service.smtpPort!, customerEmail({ from: 'robot@customer.test', subject: 'Out of office', headers: { 'Auto-Submitted': 'auto-replied' }, body: 'I am away.' }));
    await eventually(async () => {
      const rows = await t.database.db.select().from(inboundMessages);
      return rows.length === 2 && rows.every((m) => m.status === 'processed');
    }, 20_000, 'both processed');
    const page = text(await (await get('/app/dashboard', admin)).text());
    expect(page).toMatch(/100% acknowledged 1 of 1 case opened/);
    expect(page).toMatch(/50% acknowledgements withheld 1 of 2 emails received/);
    expect(page).toContain('Suppressed: % of the emails received');
  });

  it('mailbox admin: settings from configuration only at creation; the .eml outbox tests OK', async () => {
    const [mailbox] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.key, 'default'));
    const page = text(await (await get(`/app/admin/mailboxes/${mailbox!.id}`, admin)).text());
    expect(page).toContain('only when a mailbox is first created');
    expect(page).toContain('a restart does not overwrite them');
    expect(page).not.toContain('refreshed from it when the service restarts');
    const tested = text(await (await post(`/app/admin/mailboxes/${mailbox!.id}/test`, admin)).text());
    expect(tested).toMatch(/Outgoing mail \(\.eml files\) \S+\/outbox: OK — SMTP_URL is not set: the outbox writes \.eml files to DATA_DIR\/outbox/);
    expect(tested).not.toContain('failed');
  });
});
