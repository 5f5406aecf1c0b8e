// The web app in a real browser (Debian chromium via playwright-core) against the real service on PGlite:
// sign-in, roles, the knowledge-base editor, CSRF, session expiry and the sign-in rate limit.
import { eq } from 'drizzle-orm';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser, ensureBootstrapAdmin } from '../src/auth/users.js';
import { sessions, users } from '../src/db/schema/users.js';
import { getArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { webRoutes } from '../src/web/routes/index.js';
import { consoleErrors, launchBrowser, screenshot, signIn } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService } from './support/service.js';

const ADMIN = { email: 'admin@shop.test', password: 'admin-password-123' };
const KM = { email: 'kim@shop.test', password: 'kim-password-1234', name: 'Kim Manager' };
const AGENT = { email: 'agent@shop.test', password: 'agent-password-123', name: 'Alex Agent' };
const MAX_ATTEMPTS = 4;

describe('web app: sign-in, roles, knowledge base, CSRF', () => {
  let t: TestDatabase;
  let service: Service;
  let browser: Browser;
  let base: string;
  let agentId: string;
  const consoleLogs: string[][] = [];

  beforeAll(async () => {
    t = await openTestDatabase();
    [service, browser] = await Promise.all([
      startTestService(t, { ADMIN_EMAIL: ADMIN.email, ADMIN_PASSWORD: ADMIN.password, SIGNIN_MAX_ATTEMPTS_PER_15MIN: String(MAX_ATTEMPTS) }),
      launchBrowser(),
    ]);
    base = `http://127.0.0.1:${service.httpPort}`;
    // What src/service.ts does on start (a no-op here once the service calls it itself); later calls find a user
    // and leave everything alone.
    await ensureBootstrapAdmin(t.database.db, service.config);
    expect(await t.database.db.select({ role: users.role }).from(users).where(eq(users.email, ADMIN.email))).toEqual([{ role: 'admin' }]);
    expect(await ensureBootstrapAdmin(t.database.db, service.config)).toBeNull();
    agentId = (await createUser(t.database.db, { ...AGENT, role: 'agent' })).id;
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await t?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: base, viewport });
    // Fail fast: nothing here should take seconds, and a missing element otherwise costs 30 s.
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    consoleLogs.push(consoleErrors(page));
    return { context, page };
  }

  /** A session straight in the database (no password hashing): for tests about what happens after sign-in. */
  async function sessionCookie(userId: string) {
    const s = await createSession(t.database.db, userId, { ttlHours: 12 });
    return { cookie: `firstreply_session=${s.token}`, token: s.token, csrf: s.csrfToken };
  }

  const navLabels = (page: Page) => page.getByRole('navigation', { name: 'Main' }).getByRole('link').allInnerTexts();

  it('an admin signs in, creates a knowledge manager, and signs out', async () => {
    const { context, page } = await newPage();
    const signinPage = await page.goto('/signin');
    expect(signinPage!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Skip to content');
    await screenshot(page, 'signin');

    await signIn(page, ADMIN);
    expect(new URL(page.url()).pathname).toBe('/app/inbox');
    expect(await navLabels(page)).toEqual(['Inbox', 'Knowledge base', 'Knowledge gaps', 'Dashboard', 'Admin']);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'firstreply_session', httpOnly: true, sameSite: 'Lax', path: '/' });

    await page.getByRole('link', { name: 'Admin' }).click();
    await page.getByLabel('Name', { exact: true }).fill(KM.name);
    await page.getByLabel('Email', { exact: true }).fill(KM.email);
    await page.getByLabel('Role', { exact: true }).selectOption('knowledge_manager');
    await page.getByLabel('Initial password').fill(KM.password);
    await page.getByRole('button', { name: 'Add user' }).click();
    await page.waitForURL(/done=user-created/);
    expect(await page.getByRole('status').innerText()).toBe('User created.');
    expect(await page.getByRole('row', { name: new RegExp(KM.email) }).innerText()).toContain(KM.name);
    await screenshot(page, 'admin-users');

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.waitForURL(/\/signin\?done=signed-out/);
    expect(await t.database.db.select().from(sessions).where(eq(sessions.userId, (await userId(ADMIN.email))))).toEqual([]);
    await context.close();
  });

  async function userId(email: string) {
    const [row] = await t.database.db.select({ id: users.id }).from(users).where(eq(users.email, email));
    return row!.id;
  }

  it('a knowledge manager writes, previews, publishes and edits an article, and sees the diff', async () => {
    const { context, page } = await newPage();
    await signIn(page, KM);
    expect(new URL(page.url()).pathname).toBe('/app/kb');
    expect(await navLabels(page)).toEqual(['Knowledge base', 'Knowledge gaps', 'Dashboard']);

    await page.getByRole('link', { name: 'New article' }).click();
    await page.getByLabel('Id', { exact: true }).fill('card-arrival');
    await page.getByLabel('Title', { exact: true }).fill('When will my card arrive?');
    await page.getByLabel('Body (Markdown)').fill('# Card delivery\n\nCards arrive within **5 working days**.\n\nTrack it in the app.');
    await page.getByLabel('Tags').fill('cards, delivery');
    await page.getByLabel('Example questions').fill('Where is my card?\nMy card has not arrived');
    await page.getByRole('button', { name: 'Preview' }).click();
    await page.locator('#preview h1').waitFor();
    expect(await page.locator('#preview h1').innerText()).toBe('Card delivery');
    expect(await page.locator('#preview strong').innerText()).toBe('5 working days');
    expect(await page.getByLabel('Title', { exact: true }).inputValue()).toBe('When will my card arrive?');
    await screenshot(page, 'kb-editor-preview');

    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/\/app\/kb\/articles\/card-arrival\?done=created/);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/done=published/);
    expect(await page.locator('h1 .badge').innerText()).toBe('published');
    await screenshot(page, 'kb-article');

    await page.goto('/app/kb?q=arrive');
    expect(await page.getByRole('link', { name: 'When will my card arrive?' }).count()).toBe(1);
    await screenshot(page, 'kb-list');

    await page.getByRole('link', { name: 'When will my card arrive?' }).click();
    await page.getByRole('link', { name: 'Edit' }).click();
    await page.getByLabel('Body (Markdown)').fill('# Card delivery\n\nCards arrive within **3 working days**.\n\nTrack it in the app.\n\nStill nothing? Reply to this email.');
    await page.getByLabel('Change note').fill('faster delivery');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.waitForURL(/done=saved/);
    expect((await getArticle(t.database.db, 'card-arrival')).version).toBe(3);

    await page.getByRole('link', { name: 'history' }).click();
    expect(await page.getByRole('heading', { level: 2, name: 'Changes from v2 to v3' }).count()).toBe(1);
    expect(await page.locator('tr.diff-del').allInnerTexts()).toEqual([expect.stringContaining('5 working days')]);
    const added = await page.locator('tr.diff-add').allInnerTexts();
    expect(added.join('\n')).toContain('3 working days');
    expect(added.join('\n')).toContain('Still nothing? Reply to this email.');
    await screenshot(page, 'kb-diff');
    await context.close();

    const phone = await newPage({ width: 390, height: 844 });
    await signIn(phone.page, KM, '/signin?next=%2Fapp%2Fkb%2Farticles%2Fcard-arrival');
    expect(new URL(phone.page.url()).pathname).toBe('/app/kb/articles/card-arrival');
    await screenshot(phone.page, 'kb-article-phone');
    await phone.context.close();
  });

  it('an agent reads the knowledge base but gets a 403 page on admin and editor pages', async () => {
    const { context, page } = await newPage();
    await context.addCookies([{ name: 'firstreply_session', value: (await sessionCookie(agentId)).token, url: base }]);
    await page.goto('/app');
    expect(new URL(page.url()).pathname).toBe('/app/inbox');
    expect(await navLabels(page)).toEqual(['Inbox', 'Knowledge base', 'Dashboard']);
    for (const path of ['/app/admin/users', '/app/admin/tokens', '/app/kb/new', '/app/kb/articles/card-arrival/edit']) {
      const response = await page.goto(path);
      expect(response!.status(), path).toBe(403);
      expect(await page.locator('h1').innerText()).toBe('Not allowed');
    }
    await screenshot(page, 'forbidden');
    expect((await page.goto('/app/kb/articles/card-arrival'))!.status()).toBe(200);
    expect(await page.getByRole('button', { name: 'Publish' }).count()).toBe(0);
    await context.close();
  });

  // Every state-changing form route the web app registers; the first test below checks none is missing.
  const stateChanging = [
    '/signout', '/app/kb/new', '/app/kb/preview', '/app/kb/import', '/app/kb/articles/:id/edit', '/app/kb/articles/:id/publish',
    '/app/kb/articles/:id/archive', '/app/admin/users', '/app/admin/users/:id/role', '/app/admin/users/:id/disable',
    '/app/admin/users/:id/enable', '/app/admin/users/:id/reset-password', '/app/admin/tokens', '/app/admin/tokens/:id/revoke',
    // The review and mailbox forms (test/web-review.browser.test.ts also checks session expiry on them).
    '/app/inbox/next', '/app/cases/:id/claim', '/app/cases/:id/release', '/app/cases/:id/draft', '/app/cases/:id/approve', '/app/cases/:id/reject',
    '/app/cases/:id/escalate', '/app/cases/:id/resolve', '/app/cases/:id/reopen', '/app/cases/:id/triage', '/app/cases/:id/notes',
    '/app/cases/:id/saved-reply', '/app/kb/saved-replies', '/app/kb/saved-replies/:id/delete',
    '/app/admin/mailboxes/:id', '/app/admin/mailboxes/:id/rules', '/app/admin/mailboxes/:id/sla', '/app/admin/mailboxes/:id/test',
    '/app/cases/:id/label', '/app/admin/uncertain/:id/:decision{resend|delivered}', '/app/kb/articles/:id/generated-questions/:qid/delete',
    // The inbox's bulk bar and personal views (test/web-inbox.browser.test.ts).
    '/app/inbox/bulk', '/app/inbox/views', '/app/inbox/views/:id/delete',
    // The knowledge-gap answers (test/web-gaps.browser.test.ts).
    '/app/kb/gaps/:id/merge', '/app/kb/gaps/:id/dismiss',
    // Merging a case into another (test/web-case-merge.browser.test.ts).
    '/app/cases/:id/merge',
  ];

  it('the CSRF table covers every state-changing route (sign-in and the password reset forms have only the origin check)', () => {
    const registered = webRoutes({ config: service.config, database: t.database, log: service.log, knowledge: service.knowledge, review: service.review, rawStore: {} as never }).routes
      .filter((r) => !['GET', 'ALL'].includes(r.method))
      .map((r) => r.path);
    expect(new Set(registered)).toEqual(new Set([...stateChanging, '/signin', '/signin/forgot', '/reset-password']));
  });

  describe('CSRF: a cookie-authenticated POST', () => {
    let admin: Awaited<ReturnType<typeof sessionCookie>>;
    const post = (path: string, opts: { csrf?: string; origin?: string; cookie?: string } = {}) => {
      const body = new URLSearchParams({ title: 'x', body: 'y', language: 'en', name: 'n', email: 'e@x.test', role: 'admin', password: 'p'.repeat(12) });
      if (opts.csrf) body.set('_csrf', opts.csrf);
      const concrete = path.replace(':qid', '1').replace(':decision{resend|delivered}', 'resend').replace(':id', path.includes('/users/') ? agentId : path.includes('/tokens/') || path.includes('/cases/') ? '00000000-0000-0000-0000-000000000000' : path.includes('/mailboxes/') || path.includes('/views/') || path.includes('/gaps/') ? '1' : 'card-arrival');
      return fetch(base + concrete, {
        method: 'POST', redirect: 'manual', body,
        headers: { cookie: opts.cookie ?? admin.cookie, origin: opts.origin ?? base, 'content-type': 'application/x-www-form-urlencoded' },
      });
    };
    beforeAll(async () => {
      admin = await sessionCookie(await userId(ADMIN.email));
    });

    it.each(stateChanging)('without the token → 403: POST %s', async (path) => {
      expect((await post(path)).status).toBe(403);
    });

    it.each(stateChanging)('with the token from another origin → 403: POST %s', async (path) => {
      expect((await post(path, { csrf: admin.csrf, origin: 'http://evil.test' })).status).toBe(403);
    });

    it('changed nothing, and the same request with the token and our origin goes through', async () => {
      expect((await getArticle(t.database.db, 'card-arrival')).status).toBe('published');
      const [agent] = await t.database.db.select().from(users).where(eq(users.id, agentId));
      expect(agent).toMatchObject({ role: 'agent', disabledAt: null });
      const preview = await post('/app/kb/preview', { csrf: admin.csrf });
      expect(preview.status).toBe(200);
      expect(await preview.text()).toBe('<p>y</p>\n');
    });

    it('applies to the JSON API too: x-csrf-token required with a cookie, not with a bearer token', async () => {
      const create = (headers: Record<string, string>) => fetch(`${base}/api/kb/articles`, {
        method: 'POST', headers: { 'content-type': 'application/json', cookie: admin.cookie, ...headers },
        body: JSON.stringify({ title: 'API via cookie', body: 'Body', language: 'en' }),
      });
      expect((await create({})).status).toBe(403);
      expect((await create({ 'x-csrf-token': admin.csrf })).status).toBe(201);
    });
  });

  it('an expired session sends pages to sign-in (and back) and gets 401 from the API', async () => {
    const { context, page } = await newPage();
    const agent = await sessionCookie(agentId);
    await context.addCookies([{ name: 'firstreply_session', value: agent.token, url: base }]);
    expect((await page.goto('/app/kb'))!.status()).toBe(200);
    await t.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, agentId));

    await page.goto('/app/kb?q=card');
    expect(page.url()).toBe(`${base}/signin?next=${encodeURIComponent('/app/kb?q=card')}`);
    expect((await fetch(`${base}/api/kb/articles`, { headers: { cookie: agent.cookie } })).status).toBe(401);
    await page.getByLabel('Email').fill(AGENT.email);
    await page.getByLabel('Password').fill(AGENT.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${base}/app/kb?q=card`);
    await context.close();
  });

  it('marks the cookie Secure with the __Host- prefix behind an HTTPS proxy', async () => {
    const response = await fetch(`${base}/signin`, {
      method: 'POST', redirect: 'manual',
      headers: { 'x-forwarded-proto': 'https', origin: `https://127.0.0.1:${service.httpPort}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: AGENT.email, password: AGENT.password }),
    });
    expect(response.status).toBe(303);
    expect(response.headers.get('set-cookie')).toMatch(/^__Host-firstreply_session=[\w-]+; Max-Age=\d+; Path=\/; HttpOnly; Secure; SameSite=Lax$/);
  });

  // Last: the per-IP count it builds up would block the sign-ins above (every test signs in from 127.0.0.1).
  it('a wrong password gets one generic message, and the rate limit kicks in after the configured attempts', async () => {
    const { context, page } = await newPage();
    const attempt = async (email: string, password: string) => {
      await page.goto('/signin');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      const [response] = await Promise.all([page.waitForResponse((r) => r.url() === `${base}/signin` && r.request().method() === 'POST'), page.getByRole('button', { name: 'Sign in' }).click()]);
      await page.waitForLoadState();
      return { status: response.status(), message: await page.getByRole('alert').innerText() };
    };
    const wrongPassword = await attempt(KM.email, 'not-the-password');
    const unknownEmail = await attempt('nobody@shop.test', 'not-the-password');
    expect(wrongPassword).toEqual({ status: 401, message: expect.stringContaining('The email or password is not right.') });
    expect(unknownEmail).toEqual(wrongPassword);
    await screenshot(page, 'signin-error');
    for (let i = 2; i < MAX_ATTEMPTS; i++) expect((await attempt(KM.email, `wrong-${i}`)).status).toBe(401);

    const limited = await attempt(KM.email, KM.password);
    expect(limited.status).toBe(429);
    expect(limited.message).toMatch(/Too many sign-in attempts\. Try again in \d+ minutes?\./);
    await screenshot(page, 'signin-rate-limited');
    await context.close();
    // 4xx responses are logged as "Failed to load resource"; anything else (a CSP violation, a script error) is a bug.
    const unexpected = consoleLogs.flat().filter((e) => !e.startsWith('Failed to load resource'));
    expect(unexpected, 'console errors').toEqual([]);
  });
});
