// Issue 19 items 16 and 18 in a real browser (Debian chromium via playwright-core) against the real service: the
// escalation rules as a form with its defaults, the SLA policies in force and where they come from, every admin page
// and the sign-in / reset pages free of serious axe findings, and password reset links mailed through the outbox to
// an SMTP sink — asked for on the sign-in page and sent by an admin.
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/users.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { outbox } from '../src/db/schema/outbox.js';
import type { Service } from '../src/service.js';
import { seriousA11yViolations } from './support/axe.js';
import { consoleErrors, launchBrowser, screenshot, signIn } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { eventually } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const ADMIN = { email: 'admin@shop.test', password: 'admin-password-123', name: 'Ada Admin' };
const AGENT = { email: 'alex@shop.test', password: 'agent-password-123', name: 'Alex Agent' };
const PUBLIC = 'https://support.shop.test';

describe('web admin: escalation rules form, SLA in force, password reset', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  let browser: Browser;
  let base: string;
  let mailboxId: number;
  const consoleLogs: string[][] = [];
  const notFound: string[] = [];

  beforeAll(async () => {
    [t, sink, browser] = await Promise.all([openTestDatabase(), startSmtpSink(), launchBrowser()]);
    service = await startTestService(t, { SMTP_URL: sink.url, PUBLIC_BASE_URL: PUBLIC, TIME_ZONE: 'Europe/Berlin', FIRST_REPLY_MINUTES: '240' });
    base = `http://127.0.0.1:${service.httpPort}`;
    await createUser(t.database.db, { ...ADMIN, role: 'admin' });
    await createUser(t.database.db, { ...AGENT, role: 'agent' });
    mailboxId = (await t.database.db.select().from(mailboxes).where(eq(mailboxes.key, 'default')))[0]!.id;
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sink?.stop();
    await t?.stop();
  });

  async function newPage(): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    consoleLogs.push(consoleErrors(page));
    page.on('response', (r) => r.status() === 404 && notFound.push(new URL(r.url()).pathname));
    page.on('dialog', (d) => void d.accept());
    return { context, page };
  }

  /** axe on the page as it is now, and a screenshot under the same name. */
  async function check(page: Page, name: string) {
    expect(await seriousA11yViolations(page), name).toEqual([]);
    await screenshot(page, name);
  }

  /** The reset link in the newest mail to `to` that reached the SMTP sink, as a path on this test server. */
  async function resetPathMailedTo(to: string, count: number): Promise<string> {
    const messages = await sink.waitFor(count, 20_000);
    const mail = messages.filter((m) => m.envelopeTo.includes(to)).at(-1)!;
    const body = mail.raw.toString('utf8').replace(/=\r?\n/g, '').replace(/=3D/g, '=');
    const link = new URL(/https:\/\/support\.shop\.test\/reset-password\?token=[\w-]+/.exec(body)![0]);
    expect(link.origin).toBe(PUBLIC);
    return link.pathname + link.search;
  }

  it('every admin page passes axe (no serious or critical findings)', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    for (const [path, name] of [
      ['/app/admin/users', 'admin-users'], ['/app/admin/tokens', 'admin-tokens'], ['/app/admin/mailboxes', 'admin-mailboxes-list'],
      [`/app/admin/mailboxes/${mailboxId}`, 'admin-mailbox-page'], [`/app/admin/mailboxes/${mailboxId}/rules`, 'admin-escalation-rules'],
      ['/app/admin/uncertain', 'admin-uncertain'],
    ] as const) {
      expect((await page.goto(path))!.status(), path).toBe(200);
      await check(page, name);
    }
    await context.close();
  });

  it('escalation rules: one field per rule with its default beside it, errors on their fields, saved through the form', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.goto(`/app/admin/mailboxes/${mailboxId}`);
    await page.getByRole('link', { name: 'Change escalation rules' }).click();
    expect(await page.getByLabel('Escalation rules (JSON)').count()).toBe(0);
    expect(await page.getByRole('checkbox', { name: 'negative sentiment' }).isChecked()).toBe(true);
    expect(await page.locator('#f-team-legal_threat-hint').innerText()).toBe('Default: legal.');
    expect(await page.locator('#f-defaultTeam-hint').innerText()).toContain('Default: support.');
    expect(await page.locator('#f-maxCustomerMessages-hint').innerText()).toContain('Default: 3.');

    await page.getByRole('checkbox', { name: 'negative sentiment' }).uncheck();
    await page.getByLabel('VIP domains').fill('bigcustomer.example');
    await page.getByLabel('VIP addresses').fill('ceo@bigcustomer.example\nnot an address');
    await page.getByLabel("Escalate at the customer's n-th message").fill('1');
    await page.getByLabel('Phrases for complaint').fill('de: unverschämt');
    await page.getByRole('button', { name: 'Save escalation rules' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('vipAddresses: line 2: expected an email address');
    expect(await page.locator('#f-maxCustomerMessages-error').innerText()).toBe('expected a whole number from 2 to 1000');
    expect(await page.getByLabel('VIP domains').inputValue()).toBe('bigcustomer.example');
    expect(await page.getByRole('checkbox', { name: 'negative sentiment' }).isChecked()).toBe(false);
    await check(page, 'admin-escalation-rules-errors');

    await page.getByLabel('VIP addresses').fill('ceo@bigcustomer.example');
    await page.getByLabel("Escalate at the customer's n-th message").fill('');
    await page.getByRole('button', { name: 'Save escalation rules' }).click();
    await page.waitForURL(/done=rules-saved/);
    const [mb] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.id, mailboxId));
    expect(mb!.escalationRules).toEqual({
      enabled: { negative_sentiment: false }, vipAddresses: ['ceo@bigcustomer.example'], vipDomains: ['bigcustomer.example'],
      extraPhrases: { complaint: { de: ['unverschämt'] } },
    });
    await page.getByText('Advanced: the stored rules document (read-only)').click();
    expect(await page.locator('pre.rules-json').innerText()).toContain('"bigcustomer.example"');
    await check(page, 'admin-escalation-rules-saved');
    await page.goto(`/app/admin/mailboxes/${mailboxId}`);
    expect(await page.locator('section[aria-labelledby="rules-h"]').innerText()).toMatch(/Off: negative sentiment\. Default team: support\. 2 VIP addresses or domains\./);
    await context.close();
  });

  it('SLA: the policy in force per priority and where it comes from, before and after saving one', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.goto(`/app/admin/mailboxes/${mailboxId}`);
    const inForce = page.getByRole('region', { name: 'SLA policies in force' });
    expect(await page.locator('#sla-hours').innerText()).toMatch(/time zone Europe\/Berlin.*from the configuration \(TIME_ZONE.*First reply 4 h — from the configuration \(FIRST_REPLY_MINUTES\)/s);
    expect(await inForce.getByRole('row', { name: /urgent/ }).innerText()).toMatch(/urgent\s+1 h\s+1 h\s+5 h\s+12 min\s+Default: first reply 4 h × 0.25/);
    expect(await inForce.getByRole('row', { name: /^low/ }).innerText()).toMatch(/low\s+8 h\s+8 h\s+40 h/);

    await page.getByLabel('urgent first reply minutes').fill('30');
    await page.getByLabel('urgent next reply minutes').fill('60');
    await page.getByLabel('urgent resolution minutes').fill('480');
    await page.getByLabel('urgent reminder before minutes').fill('');
    await page.getByRole('button', { name: 'Save SLA policies' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('fill every field with whole minutes');
    expect(await page.getByLabel('urgent first reply minutes').inputValue()).toBe('30');
    await page.getByLabel('urgent reminder before minutes').fill('10');
    await page.getByRole('button', { name: 'Save SLA policies' }).click();
    await page.waitForURL(/done=sla-saved/);
    expect(await inForce.getByRole('row', { name: /urgent/ }).innerText()).toMatch(/urgent\s+30 min\s+1 h\s+8 h\s+10 min\s+Saved here/);
    expect(await inForce.getByRole('row', { name: /normal/ }).innerText()).toContain('Default: first reply 4 h × 1');

    await page.getByLabel('Time zone').fill('America/New_York');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/done=mailbox-saved/);
    expect(await page.locator('#sla-hours').innerText()).toMatch(/time zone America\/New_York.*— saved here\./s);
    await check(page, 'admin-mailbox-sla');
    await context.close();
  });

  it('Forgot password? mails a single-use link through the outbox; the same answer for an unknown address', async () => {
    const { context, page } = await newPage();
    await page.goto('/signin');
    await check(page, 'signin-with-forgot-link');
    await page.getByRole('link', { name: 'Forgot password?' }).click();
    await check(page, 'forgot-password');
    await page.getByLabel('Email').fill('nobody@shop.test');
    await page.getByRole('button', { name: 'Send reset link' }).click();
    const quiet = await page.getByRole('status').innerText();
    const before = sink.messages.length;
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    expect(await page.getByRole('status').innerText()).toBe(quiet);
    await check(page, 'forgot-password-sent');
    const path = await resetPathMailedTo(AGENT.email, before + 1);
    expect(sink.messages.filter((m) => m.envelopeTo.includes('nobody@shop.test'))).toEqual([]);

    await page.goto(path);
    await check(page, 'reset-password');
    await page.getByLabel('New password', { exact: true }).fill('a new and long passphrase');
    await page.getByLabel('New password again').fill('a different passphrase!');
    await page.getByRole('button', { name: 'Set new password' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('confirm: the two passwords differ');
    await page.getByLabel('New password', { exact: true }).fill('a new and long passphrase');
    await page.getByLabel('New password again').fill('a new and long passphrase');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL(/\/signin\?done=password-reset/);
    expect(await page.getByRole('status').innerText()).toContain('Your password is changed');
    await signIn(page, { email: AGENT.email, password: 'a new and long passphrase' });
    expect(new URL(page.url()).pathname).toBe('/app/inbox');

    // single use: the same link again says so, with no form
    expect((await page.goto(path))!.status()).toBe(410);
    expect(await page.getByRole('alert').innerText()).toContain('expired or was already used');
    expect(await page.getByLabel('New password', { exact: true }).count()).toBe(0);
    await check(page, 'reset-password-used');
    await context.close();
  });

  it('an admin sends a user a reset link from the users page', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.goto('/app/admin/users');
    const before = sink.messages.length;
    await page.getByRole('button', { name: `Send reset link to ${AGENT.name}` }).click();
    await page.waitForURL(/done=reset-sent/);
    expect(await page.getByRole('status').innerText()).toContain('A password reset link is on its way');
    await check(page, 'admin-users-reset-sent');
    const path = await resetPathMailedTo(AGENT.email, before + 1);
    const sent = await t.database.db.select({ body: outbox.textBody }).from(outbox).where(eq(outbox.toAddress, AGENT.email)).orderBy(outbox.createdAt);
    expect(sent.at(-1)!.body).toContain('Ada Admin, an administrator, asked for a new password for your account alex@shop.test.');
    await eventually(async () => (await t.database.db.select().from(outbox).where(eq(outbox.status, 'pending'))).length === 0, 20_000, 'outbox drained');
    expect((await page.goto(path))!.status()).toBe(200);
    await context.close();
  });

  it('no console errors (CSP violations included) on any page; the refusals (400, 410) and the browser\'s own favicon request are the only failed loads', () => {
    // no page resource is missing (the console's 404 is chromium's favicon request, which page events do not see)
    expect(notFound).toEqual([]);
    const unexpected = consoleLogs.flat().filter((e) => !/^Failed to load resource: the server responded with a status of (400|404|410)\b/.test(e));
    expect(unexpected, unexpected.join('\n')).toEqual([]);
  });
});
