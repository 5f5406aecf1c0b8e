// Issue 19 item 13 in a real browser: a knowledge manager curates saved replies per language with placeholders;
// an agent inserts one into a case's draft, filled in with the customer's name and the case reference.
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser } from '../src/auth/users.js';
import { cases } from '../src/db/schema/cases.js';
import { drafts } from '../src/db/schema/review.js';
import type { Service } from '../src/service.js';
import { seriousA11yViolations } from './support/axe.js';
import { launchBrowser, screenshot, signIn } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';

const KM = { email: 'kim@shop.test', password: 'km-password-12345', name: 'Kim Curator' };
const AGENT = { email: 'alex@shop.test', password: 'agent-password-123', name: 'Alex Agent' };

describe('saved replies', () => {
  let t: TestDatabase;
  let service: Service;
  let browser: Browser;
  let base: string;

  beforeAll(async () => {
    [t, browser] = await Promise.all([openTestDatabase(), launchBrowser()]);
    await loadFixtureKb(t.database.db);
    service = await startTestService(t);
    base = `http://127.0.0.1:${service.httpPort}`;
    await createUser(t.database.db, { ...KM, role: 'knowledge_manager' });
    await createUser(t.database.db, { ...AGENT, role: 'agent' });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await t?.stop();
  });

  async function signedIn(who: { email: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    await signIn(page, who);
    return page;
  }

  it('the accessibility check finds what it should (an image without alt text, an unlabelled field)', async () => {
    const page = await (await browser.newContext()).newPage();
    await page.setContent('<html lang="en"><title>t</title><main><img src="data:,"><input type="text"></main></html>');
    expect((await seriousA11yViolations(page)).map((v) => v.id).sort()).toEqual(['image-alt', 'label']);
  });

  it('a knowledge manager adds replies per language; an unknown placeholder is refused by name', async () => {
    const page = await signedIn(KM);
    await page.goto('/app/kb');
    await page.getByRole('link', { name: 'Saved replies' }).click();
    await page.getByLabel('Language').fill('en');
    await page.getByLabel('Title').fill('Replacement on its way');
    await page.getByLabel('Text').fill('Hello {{custmer_name}}, a replacement is on its way.');
    await page.getByRole('button', { name: 'Save reply' }).click();
    expect(await page.locator('.error-summary').innerText()).toContain('unknown placeholder {{custmer_name}}');
    await page.getByLabel('Text').fill('Hello {{customer_name}}, a replacement is on its way (case {{case_reference}}).\n{{agent_name}}');
    await page.getByRole('button', { name: 'Save reply' }).click();
    await page.waitForURL(/done=saved-reply-saved/);
    await page.getByLabel('Language').fill('es');
    await page.getByLabel('Title').fill('Reemplazo en camino');
    await page.getByLabel('Text').fill('Hola {{customer_name}}, el reemplazo está en camino.');
    await page.getByRole('button', { name: 'Save reply' }).click();
    await page.waitForURL(/done=saved-reply-saved/);
    expect(await page.locator('tr[data-saved-reply]').count()).toBe(2);
    await screenshot(page, 'saved-replies');
    expect(await seriousA11yViolations(page)).toEqual([]);
  });

  it('an agent inserts the case language\'s reply into the draft, filled in; agents cannot curate', async () => {
    await sendRaw(service.smtpPort!, customerEmail({ from: 'Maria Lopez <maria@customer.test>', subject: 'Broken lamp', body: 'My lamp arrived broken, what can I do?' }));
    const kase = await eventually(async () => (await t.database.db.select().from(cases))[0], 20_000, 'case');
    await eventually(async () => (await t.database.db.select().from(drafts).where(eq(drafts.caseId, kase.id))).find((d) => d.status === 'proposed'), 30_000, 'draft');
    const page = await signedIn(AGENT);
    await page.goto(`/app/cases/${kase.id}`);
    await page.getByRole('button', { name: 'Claim' }).click();
    await page.waitForURL(/done=claimed/);
    const options = await page.getByLabel('Saved reply').locator('option').allInnerTexts();
    expect(options).toEqual(['Replacement on its way']); // the case is in English: the Spanish reply is not offered
    await page.getByLabel('Reply', { exact: true }).fill('Dear Maria,');
    await page.getByRole('button', { name: 'Insert into the draft' }).click();
    await page.waitForURL(/done=saved-reply-inserted/);
    const body = await page.getByLabel('Reply', { exact: true }).inputValue();
    expect(body).toBe(`Dear Maria,\n\nHello Maria Lopez, a replacement is on its way (case ${kase.reference}).\nAlex Agent`);
    await screenshot(page, 'case-saved-reply');
    expect(await seriousA11yViolations(page)).toEqual([]);

    await page.goto('/app/kb/saved-replies');
    expect(await page.getByRole('button', { name: 'Save reply' }).count()).toBe(0);
    const csrf = await page.locator('input[name="_csrf"]').first().getAttribute('value');
    const refused = await page.request.post('/app/kb/saved-replies', { form: { _csrf: csrf ?? '', language: 'en', title: 'x', body: 'y' }, headers: { origin: base } });
    expect(refused.status()).toBe(403);
  });
});
