// Issue 19 item 15 in a real browser (Debian chromium via playwright-core) against the real service: a knowledge
// manager reads the knowledge gaps (size, trend, samples, closest article), writes a gap's article in the editor
// prefilled with its suggestion, merges one into an existing article, dismisses one; an article's page shows what it
// did for customers and agents. Every knowledge-base page and the gap pages pass axe (no serious or critical finding).
import { eq } from 'drizzle-orm';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalEmbedder } from '../src/ai/local-embedder.js';
import { createUser } from '../src/auth/users.js';
import { cases } from '../src/db/schema/cases.js';
import { gapClusters } from '../src/db/schema/gaps.js';
import { drafts } from '../src/db/schema/review.js';
import { listGaps, type GapReport } from '../src/insight/gaps/list.js';
import { recomputeGaps } from '../src/insight/gaps/recompute.js';
import { recordGapQuestion } from '../src/insight/gaps/record.js';
import { getArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { seriousA11yViolations } from './support/axe.js';
import { consoleErrors, launchBrowser, screenshot, signIn } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const KM = { email: 'kim@shop.test', password: 'km-password-12345', name: 'Kim Curator' };
const AGENT = { email: 'alex@shop.test', password: 'agent-password-123', name: 'Alex Agent' };

// Three topics the fixture knowledge base (passwords, delivery, refunds) does not answer (as in test/gaps.db.test.ts).
const TRANSFERS = [
  'How do I make an international transfer with IBAN and SWIFT?',
  'Can I send an international transfer to a European IBAN?',
  'My international transfer to an IBAN account failed',
  'What does an international transfer cost?',
  'How long does an international transfer take?',
  'I need the SWIFT code for an international transfer',
  'Is there a limit for international transfers?',
  '¿Cómo hago una transferencia internacional con IBAN?',
  'Mi transferencia internacional no ha llegado al IBAN',
  '¿Cuál es el código SWIFT para una transferencia internacional?',
];
const BITCOIN = [
  'Can I buy bitcoin in the app?',
  'How do I sell my bitcoin in the app?',
  'Can I buy crypto like bitcoin and ethereum in the app?',
  'Where can I see my bitcoin balance in the app?',
  'Is buying bitcoin in the app safe?',
  'What are the fees for buying bitcoin?',
  '¿Puedo comprar bitcoin en la app?',
  '¿Cómo vendo mis bitcoin en la app?',
  '¿Cuáles son las comisiones para comprar bitcoin?',
];
const OFFICE = ['Do you have an office in Oslo?', 'Is there an office in Oslo I can visit?'];
const BITCOIN_REPLIES = [
  'Hi Anna,\n\nYou can buy bitcoin in the app under Crypto. Each purchase costs a 1.5% fee.\n\nBest regards,\nSam',
  'Hello, you can buy bitcoin in the app under Crypto. Selling works the same way from the Crypto tab.\n\nThanks, Lee',
];
const DAY = 86_400_000;
const spanish = (text: string) => /[¿]|transferencia/.test(text);

describe('knowledge gaps and article performance in the web app', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  let browser: Browser;
  let base: string;
  let gaps: GapReport[];
  const errors: string[][] = [];
  const gapOf = (text: string) => gaps.find((g) => g.samples.some((s) => s.text === text) || g.suggestion.examples.includes(text))!;

  beforeAll(async () => {
    [t, sink, browser] = await Promise.all([openTestDatabase(), startSmtpSink(), launchBrowser()]);
    const db = t.database.db;
    await loadFixtureKb(db);
    service = await startTestService(t, { SMTP_URL: sink.url });
    base = `http://127.0.0.1:${service.httpPort}`;
    await createUser(db, { ...KM, role: 'knowledge_manager' });
    await createUser(db, { ...AGENT, role: 'agent' });
    await service.knowledge.ready();
    // The service embeds locally (no API key): the same model as here, so the closest-article look-up finds the index.
    const embedder = new LocalEmbedder();
    const now = Date.now();
    // Transfers: 4 questions in the week before last, 6 this week (rising); bitcoin and the office: this week only.
    for (const [i, text] of TRANSFERS.entries()) {
      await recordGapQuestion(db, embedder, { text, language: spanish(text) ? 'es' : 'en', source: 'no_article', createdAt: new Date(now - (i < 4 ? 10 : 2) * DAY) });
    }
    for (const [i, text] of BITCOIN.entries()) {
      await recordGapQuestion(db, embedder, { text, language: spanish(text) ? 'es' : 'en', source: BITCOIN_REPLIES[i] ? 'uncited_reply' : 'no_article', agentReply: BITCOIN_REPLIES[i] });
    }
    for (const text of OFFICE) await recordGapQuestion(db, embedder, { text, language: 'en', source: 'no_article' });
    await recomputeGaps(db, embedder);
    gaps = await listGaps(db, {});
    expect(gaps.map((g) => g.size)).toEqual([10, 9, 2]);
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await sink?.stop();
    await t?.stop();
  });

  async function signedIn(who: { email: string; password: string }): Promise<Page> {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    context.setDefaultTimeout(10_000);
    const page = await context.newPage();
    errors.push(consoleErrors(page));
    // "Dismiss" asks first (app.js, data-confirm): say yes.
    page.on('dialog', (d) => void d.accept());
    await signIn(page, who);
    return page;
  }

  const card = (page: Page, gap: GapReport) => page.locator(`section[data-gap="${gap.id}"]`);
  const gapRow = async (id: number) => (await t.database.db.select().from(gapClusters).where(eq(gapClusters.id, id)))[0]!;

  it('agents neither see nor reach the knowledge gaps', async () => {
    const page = await signedIn(AGENT);
    expect(await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge gaps' }).count()).toBe(0);
    expect((await page.goto('/app/kb/gaps'))?.status()).toBe(403);
    expect((await page.goto(`/app/kb/new?gap=${gaps[0]!.id}`))?.status()).toBe(403);
    await page.context().close();
  });

  it('lists the gaps by size with trend, three samples and the closest article', async () => {
    const page = await signedIn(KM);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Knowledge gaps' }).click();
    await page.waitForURL('**/app/kb/gaps');
    expect(await page.getByRole('link', { name: 'Knowledge gaps' }).getAttribute('aria-current')).toBe('page');
    const cards = page.locator('section[data-gap]');
    expect(await cards.evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-gap'))))).toEqual(gaps.map((g) => g.id));
    expect(await cards.locator('[data-size]').allInnerTexts()).toEqual(['10', '9', '2']);
    const transfers = card(page, gapOf(TRANSFERS[0]!));
    expect(await transfers.locator('[data-trend]').innerText()).toBe('6 in the last 7 days, 4 in the 7 before (rising)');
    expect(await card(page, gapOf(OFFICE[0]!)).locator('[data-trend]').innerText()).toBe('2 in the last 7 days, 0 in the 7 before (new this week)');
    for (const g of gaps) {
      const samples = await card(page, g).locator('[data-samples] li').allInnerTexts();
      expect(samples).toEqual(g.samples.slice(0, 3).map((s) => s.text));
      expect(await card(page, g).getByRole('heading', { level: 2 }).innerText()).toBe(g.suggestion.title);
    }
    // the most recent first: the two Spanish questions recorded last, in their language
    expect(await transfers.locator('[data-samples] li').first().getAttribute('lang')).toBe('es');
    const closest = gapOf(TRANSFERS[0]!).closestArticle!;
    expect(await transfers.locator('[data-closest]').innerText()).toBe(`${closest.title} (similarity ${closest.score.toFixed(2)})`);
    expect(await transfers.locator('[data-closest] a').getAttribute('href')).toBe(`/app/kb/articles/${closest.articleId}`);
    expect(await transfers.getByRole('link', { name: 'Write this article' }).getAttribute('href')).toBe(`/app/kb/new?gap=${gapOf(TRANSFERS[0]!).id}`);
    await screenshot(page, 'gaps');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.context().close();
  });

  it('"Write this article" opens the editor prefilled; creating the draft accepts the gap, and it can be published', async () => {
    const gap = gapOf(BITCOIN[0]!);
    const page = await signedIn(KM);
    await page.goto('/app/kb/gaps');
    await card(page, gap).getByRole('link', { name: 'Write this article' }).click();
    await page.waitForURL(`**/app/kb/new?gap=${gap.id}`);
    expect(await page.getByLabel('Title').inputValue()).toBe(gap.suggestion.title);
    const body = await page.getByLabel('Body (Markdown)').inputValue();
    expect(body).toBe(gap.suggestion.body);
    expect(body).toContain('You can buy bitcoin in the app under Crypto.');
    expect(body).not.toMatch(/Anna|Sam|regards/);
    expect(await page.getByLabel('Language').inputValue()).toBe('en'); // 6 of 9 in English
    expect((await page.getByLabel('Example questions').inputValue()).split('\n')).toEqual(gap.suggestion.examples);
    expect(await page.locator('[data-gap-note]').innerText()).toContain('knowledge gap of 9 customer questions');
    await screenshot(page, 'kb-editor-from-gap');
    expect(await seriousA11yViolations(page)).toEqual([]);

    // The preview keeps the gap; what the knowledge manager types is what is saved.
    await page.getByLabel('Title').fill('Buying and selling bitcoin');
    await page.getByLabel('Tags').fill('crypto');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.waitForURL('**/app/kb/new');
    expect(await page.locator('input[name="gap"]').inputValue()).toBe(String(gap.id));
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/done=gap-accepted/);
    expect(await page.getByRole('status').first().innerText()).toContain('the gap is marked accepted');
    const articleId = decodeURIComponent(new URL(page.url()).pathname.split('/').at(-1)!);
    const article = await getArticle(t.database.db, articleId);
    expect(article).toMatchObject({ title: 'Buying and selling bitcoin', status: 'draft', language: 'en', tags: ['crypto', 'knowledge-gap'], examples: gap.suggestion.examples, updatedBy: KM.name });
    expect(await gapRow(gap.id)).toMatchObject({ status: 'accepted', articleId, resolvedBy: KM.name });

    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/done=published/);
    expect((await getArticle(t.database.db, articleId)).status).toBe('published');
    // Decided: gone from the open list, under "Accepted" with a link to its article.
    await page.goto('/app/kb/gaps');
    expect(await card(page, gap).count()).toBe(0);
    await page.getByRole('link', { name: 'Accepted' }).click();
    expect(await card(page, gap).getByRole('link', { name: 'the article' }).getAttribute('href')).toBe(`/app/kb/articles/${articleId}`);
    expect(await card(page, gap).getByRole('button', { name: 'Dismiss' }).count()).toBe(0);
    await screenshot(page, 'gaps-accepted');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // A second article for the same gap is refused at once.
    expect((await page.goto(`/app/kb/new?gap=${gap.id}`))?.status()).toBe(409);
    await page.context().close();
  });

  it('"Merge into article…" adds the gap\'s questions to the chosen article as a new version', async () => {
    const gap = gapOf(TRANSFERS[0]!);
    const page = await signedIn(KM);
    await page.goto('/app/kb/gaps');
    await card(page, gap).getByRole('link', { name: 'Merge into article…' }).click();
    await page.waitForURL(`**/app/kb/gaps/${gap.id}/merge`);
    // the closest article is chosen to start with
    expect(await page.getByLabel('Article').inputValue()).toBe(gap.closestArticle!.articleId);
    expect(await page.locator('[data-merge-examples] li').allInnerTexts()).toEqual(gap.suggestion.examples);
    await screenshot(page, 'gap-merge');
    expect(await seriousA11yViolations(page)).toEqual([]);

    const before = await getArticle(t.database.db, 'refund-en');
    await page.getByLabel('Article').selectOption('refund-en');
    await page.getByRole('button', { name: 'Merge into this article' }).click();
    await page.waitForURL(/\/app\/kb\/articles\/refund-en\?done=gap-merged/);
    const examples = await page.locator('section[aria-labelledby="examples-h"] li').allInnerTexts();
    expect(examples).toEqual([...before.examples, ...gap.suggestion.examples]);
    expect((await getArticle(t.database.db, 'refund-en')).version).toBe(before.version + 1);
    expect(await gapRow(gap.id)).toMatchObject({ status: 'merged', articleId: 'refund-en', resolvedBy: KM.name });
    await page.context().close();
  });

  it('dismisses a gap; an article being written for it meanwhile is not saved; then the list says it is empty', async () => {
    const gap = gapOf(OFFICE[0]!);
    const writer = await signedIn(KM);
    await writer.goto(`/app/kb/new?gap=${gap.id}`);
    await writer.getByLabel('Title').fill('Our offices');

    const page = await signedIn(KM);
    await page.goto('/app/kb/gaps');
    await card(page, gap).getByRole('button', { name: 'Dismiss' }).click();
    await page.waitForURL(/done=gap-dismissed/);
    expect(await page.getByRole('status').first().innerText()).toContain('Gap dismissed');
    expect(await gapRow(gap.id)).toMatchObject({ status: 'dismissed', resolvedBy: KM.name });
    expect(await page.locator('[data-empty]').innerText()).toMatch(/^No open knowledge gaps/);
    await screenshot(page, 'gaps-empty');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('link', { name: 'Dismissed' }).click();
    expect(await card(page, gap).count()).toBe(1);

    await writer.getByRole('button', { name: 'Create draft' }).click();
    expect(await writer.locator('.error-summary').innerText()).toContain(`knowledge gap ${gap.id} is already dismissed`);
    expect(await writer.getByLabel('Title').inputValue()).toBe('Our offices');
    expect((await t.database.db.select().from(gapClusters).where(eq(gapClusters.id, gap.id)))[0]!.articleId).toBeNull();
    await writer.context().close();
    await page.context().close();
  });

  it('an article\'s page shows what it did: suggested, cited, approved unchanged; every KB page passes axe', async () => {
    // A customer asks; the acknowledgement suggests the password article and the draft cites it; the agent sends it as written.
    await sendRaw(service.smtpPort!, customerEmail({
      from: 'Maria Lopez <maria@customer.test>', subject: 'Cannot log in', messageId: 'pw-perf@customer.test',
      body: 'Hello, I forgot my password and the reset link does not work. Can you help?',
    }));
    const kase = await eventually(async () => (await t.database.db.select().from(cases))[0], 20_000, 'case');
    await eventually(async () => (await t.database.db.select().from(drafts).where(eq(drafts.caseId, kase.id))).find((d) => d.status === 'proposed'), 30_000, 'draft');
    const agent = await signedIn(AGENT);
    await agent.goto(`/app/cases/${kase.id}`);
    await agent.getByRole('button', { name: 'Claim' }).click();
    await agent.waitForURL(/done=claimed/);
    await agent.getByRole('button', { name: 'Approve and send' }).click();
    await agent.waitForURL(/done=sent/);
    await agent.context().close();
    const [draft] = await t.database.db.select().from(drafts).where(eq(drafts.caseId, kase.id));
    expect(draft!.citations.map((c) => c.articleId)).toContain('password-en');

    const page = await signedIn(KM);
    await page.goto('/app/kb/articles/password-en');
    const row = page.locator('table[data-performance] tr[data-version="1"]');
    const figures = Object.fromEntries(await row.locator('td').evaluateAll((tds) => tds.map((td) => [td.getAttribute('data-figure'), Number(td.textContent)])));
    expect(figures).toEqual({ suggested: 1, cited: 1, approvedUnchanged: 1, edited: 0, rejected: 0, deflected: 0 });
    expect(await page.locator('table[data-performance] thead th').allInnerTexts()).toEqual(['Version', 'Suggested', 'Cited', 'Approved unchanged', 'Edited', 'Rejected', 'Deflected']);
    await screenshot(page, 'kb-article-performance');
    expect(await seriousA11yViolations(page)).toEqual([]);
    // An article nothing has used yet says so.
    await page.goto('/app/kb/articles/delivery-ru');
    expect(await page.locator('[data-performance-empty]').innerText()).toBe('Not suggested to a customer or cited in a draft yet.');

    // The other knowledge-base pages.
    const pages: [string, string][] = [
      ['/app/kb', 'kb-list'],
      ['/app/kb?q=password', 'kb-list-search'],
      ['/app/kb/new', 'kb-editor-new'],
      ['/app/kb/articles/password-en/edit', 'kb-editor'],
      ['/app/kb/articles/refund-en/history', 'kb-history'],
      ['/app/kb/articles/refund-en/versions/1', 'kb-version'],
      ['/app/kb/playground', 'kb-playground'],
      ['/app/kb/playground?q=I+forgot+my+password', 'kb-playground-result'],
    ];
    for (const [path, name] of pages) {
      expect((await page.goto(path))?.status(), path).toBe(200);
      await screenshot(page, name);
      expect(await seriousA11yViolations(page), path).toEqual([]);
    }
    await page.context().close();
    // no script error or CSP violation on any page (the refusals above, 403 and 409, are logged as failed loads)
    expect(errors.flat().filter((e) => !e.startsWith('Failed to load resource'))).toEqual([]);
  }, 180_000);
});
