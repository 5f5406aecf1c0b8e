// Issue 19 item 14 in a real browser: the case page shows the customer's other cases, offers to merge the one that
// asks the same thing again (with the reason in words), merges it on a click without mailing the customer, and both
// cases' histories say what happened.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/users.js';
import { cases, type Case } from '../src/db/schema/cases.js';
import type { Service } from '../src/service.js';
import { seriousA11yViolations } from './support/axe.js';
import { launchBrowser, screenshot } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const AGENT = { email: 'alex@shop.test', password: 'agent-password-123', name: 'Alex Agent' };
const text = (s: string) => s.replace(/\s+/g, ' ').trim();

describe('case page: the customer in context, and merging the same question asked again', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  let browser: Browser;
  let base: string;
  let first: Case;
  let again: Case;
  let other: Case;
  const caseBySubject = (subject: string) => eventually(async () => (await t.database.db.select().from(cases).where(eq(cases.subject, subject)))[0], 20_000, subject);

  beforeAll(async () => {
    [t, sink, browser] = await Promise.all([openTestDatabase(), startSmtpSink(), launchBrowser()]);
    await loadFixtureKb(t.database.db);
    service = await startTestService(t, { SMTP_URL: sink.url });
    base = `http://127.0.0.1:${service.httpPort}`;
    await createUser(t.database.db, { ...AGENT, role: 'agent' });
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria Lopez <maria@customer.test>', subject: 'Lamp not delivered', body: 'Where is my order? I ordered a blue lamp last week and it has not arrived.' }));
    first = await caseBySubject('Lamp not delivered');
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria Lopez <maria+orders@customer.test>', subject: 'Still no lamp', body: 'My order has not arrived yet. I ordered a blue lamp last week, where is it?' }),
      { from: 'maria+orders@customer.test', to: ['support@shop.test'] });
    again = await caseBySubject('Still no lamp');
    await sendRaw(service.smtpPort!, customerEmail({ from: 'maria@customer.test', subject: 'Gift wrapping', body: 'Do you offer gift wrapping for birthday presents?' }));
    other = await caseBySubject('Gift wrapping');
    await sink.waitFor(3, 30_000); // the three acknowledgements
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sink?.stop();
    await t?.stop();
  });

  async function agentPage(): Promise<{ page: Page; errors: string[] }> {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('console', (m) => m.type() === 'error' && !m.location().url.endsWith('/favicon.ico') && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto('/signin');
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
    return { page, errors };
  }

  it('lists the customer’s other cases with links and offers the same question for a merge, saying why', async () => {
    const { page, errors } = await agentPage();
    await page.goto(`/app/cases/${first.id}`);
    const card = page.locator('.case-side section[aria-labelledby="customer-h"]');
    expect(text(await card.locator('p').first().innerText())).toBe('Maria Lopez <maria@customer.test>');
    const items = card.locator('ul.other-cases > li');
    expect(await items.count()).toBe(2);
    // newest first: reference, subject, status, when
    expect(text(await items.nth(0).innerText())).toMatch(new RegExp(`^${other.reference} Gift wrapping (open|escalated) opened \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d UTC$`));
    expect(text(await items.nth(1).innerText())).toMatch(new RegExp(`^${again.reference} Still no lamp open opened .+ UTC · same question$`));
    expect(await items.nth(1).getByRole('link').getAttribute('href')).toBe(`/app/cases/${again.id}`);
    const offer = card.locator('.merge-offer');
    expect(text(await offer.locator('p').first().innerText())).toMatch(
      new RegExp(`^Same question again\\? ${again.reference} and this case: opened within the hour, and (both questions were matched first to the article “.+”|the two questions are \\d+% alike in their words)\\.$`));
    expect(await offer.getByRole('button').innerText()).toBe(`Merge ${again.reference} into this case`);
    await screenshot(page, 'case-customer-context');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // the newer case offers the same merge, in its direction
    await items.nth(1).getByRole('link').click();
    await page.waitForURL(`**/app/cases/${again.id}`);
    expect(await page.locator('.merge-offer').getByRole('button').innerText()).toBe(`Merge into ${first.reference}`);
    // the unrelated case offers none
    await page.goto(`/app/cases/${other.id}`);
    expect(await page.locator('.merge-offer').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('merges on a click: the messages move, both histories say so in words, nothing is mailed', async () => {
    const { page, errors } = await agentPage();
    const mailed = sink.messages.length;
    await page.goto(`/app/cases/${again.id}`);
    await page.getByRole('button', { name: `Merge into ${first.reference}` }).click();
    await page.waitForURL(`**/app/cases/${first.id}?done=merged`);
    expect(await page.getByRole('status').first().innerText()).toContain('Nothing was sent to the customer');
    expect(await page.locator('article.message').count()).toBe(2);
    const history = text(await page.locator('section[aria-labelledby="audit-h"]').innerText());
    expect(history).toMatch(new RegExp(`Alex Agent merged another case into this one from ${again.reference}: 1 message, 0 notes moved here; .*nothing sent to the customer`));
    // the merged case is listed as merged and offered no more
    const merged = page.locator('ul.other-cases > li', { hasText: again.reference });
    expect(text(await merged.innerText())).toContain(`${again.reference} Still no lamp merged`);
    expect(await page.locator('.merge-offer').count()).toBe(0);
    await screenshot(page, 'case-merged');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto(`/app/cases/${again.id}`);
    expect(text(await page.locator('.customer-context .notice').innerText())).toBe(`This case was merged into ${first.reference}: its messages are there, and mail on its thread goes there.`);
    expect(await page.getByRole('button', { name: 'Claim' }).count()).toBe(0);
    expect(text(await page.locator('section[aria-labelledby="audit-h"]').innerText())).toContain(`Alex Agent merged this case into another into ${first.reference}; 1 message moved there`);
    await screenshot(page, 'case-merged-away');
    expect(sink.messages.length).toBe(mailed);
    expect(errors).toEqual([]);
  });

  it('refuses a merge into a merged case on the page, with the reason', async () => {
    const { page } = await agentPage();
    await page.goto(`/app/cases/${other.id}`);
    await page.getByLabel('Merge this case into').fill(again.reference.toLowerCase());
    await page.getByRole('button', { name: 'Merge', exact: true }).click();
    expect(text(await page.locator('.error-summary').innerText())).toContain(`${again.reference} was itself merged into another case: merge into that one.`);
    expect((await t.database.db.select().from(cases).where(eq(cases.id, other.id)))[0]).toMatchObject({ status: other.status, mergedIntoId: null });
    await screenshot(page, 'case-merge-refused');
  });
});
