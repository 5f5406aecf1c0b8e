// The agents' side of the web app in a real browser (Debian chromium via playwright-core) against the real service:
// mail in through the SMTP listener, the inbox updating live over SSE, the case page with its cited draft, approve
// and see the reply reach an SMTP sink; hostile HTML mail rendered inert; the match playground, the dashboard,
// the mailbox admin; CSRF and session expiry on every form added here.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { eq } from 'drizzle-orm';
import { simpleParser } from 'mailparser';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { cases } from '../src/db/schema/cases.js';
import { mailboxes } from '../src/db/schema/mailboxes.js';
import { slaPolicies } from '../src/db/schema/sla.js';
import { sessions } from '../src/db/schema/users.js';
import type { Service } from '../src/service.js';
import { consoleErrors, launchBrowser, screenshot, signIn } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { loadFixtureKb } from './support/kb-fixture.js';
import { customerEmail, eventually, sendRaw } from './support/mail.js';
import { startTestService } from './support/service.js';
import { startSmtpSink, type SmtpSink } from './support/smtp-sink.js';

const ADMIN = { email: 'admin@shop.test', password: 'admin-password-123', name: 'Ada Admin' };
const AGENT = { email: 'alex@shop.test', password: 'agent-password-123', name: 'Alex Agent' };
const AGENT2 = { email: 'bo@shop.test', password: 'agent2-password-12', name: 'Bo Second' };

/** A loopback "remote host" that records every request: remote images must not reach it until asked. */
async function startRecorder() {
  const requests: string[] = [];
  const pixel = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': req.url?.endsWith('.js') ? 'text/javascript' : 'image/gif' });
    res.end(req.url?.endsWith('.js') ? 'alert("remote script")' : pixel);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, origin, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

function hostileEmail(remote: string): string {
  const html = `<html><head><meta http-equiv="refresh" content="0;url=${remote}/refresh"><script>alert('head script')</script>
<link rel="stylesheet" href="${remote}/style.css"><style>body{background:url(${remote}/style-bg.gif)}</style></head>
<body onload="alert('body onload')"><h1>Order problem</h1>
<p>My <b>lamp</b> arrived broken.</p>
<script>alert('xss script')</script>
<img src="x" onerror="alert('onerror')">
<img src="${remote}/pixel.gif" alt="tracker">
<div style="background-image:url(${remote}/bg.gif)">styled</div>
<a href="javascript:alert('js link')" id="jslink">click me</a>
<a href="JaVaScRiPt:alert('js link 2')">and me</a>
<svg onload="alert('svg onload')"><script>alert('svg script')</script><image href="${remote}/svg-image.gif"/></svg>
<img src="data:image/svg+xml;base64,${Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert('data svg')"><script>alert(1)</script></svg>`).toString('base64')}">
<iframe src="${remote}/frame.html"></iframe><object data="${remote}/object.swf"></object><embed src="${remote}/embed.swf">
<form action="${remote}/form"><input name="q"><button>go</button></form>
<script src="${remote}/remote.js"></script>
</body></html>`;
  const boundary = 'b-outer-1';
  const alt = 'b-alt-2';
  return [
    'From: Eve Mallory <eve@customer.test>', 'To: support@shop.test', 'Subject: Broken lamp with pictures', `Date: ${new Date().toUTCString()}`,
    'Message-ID: <hostile-1@customer.test>', 'MIME-Version: 1.0', `Content-Type: multipart/mixed; boundary="${boundary}"`, '',
    `--${boundary}`, `Content-Type: multipart/alternative; boundary="${alt}"`, '',
    `--${alt}`, 'Content-Type: text/plain; charset=utf-8', '', 'My lamp arrived broken.', '',
    `--${alt}`, 'Content-Type: text/html; charset=utf-8', '', html, '', `--${alt}--`, '',
    `--${boundary}`, 'Content-Type: application/pdf; name="invoice.pdf"', 'Content-Disposition: attachment; filename="invoice.pdf"', 'Content-Transfer-Encoding: base64', '',
    Buffer.from('%PDF-1.4 not really a pdf').toString('base64'), '', `--${boundary}--`, '',
  ].join('\r\n');
}

describe('web app: inbox, case review, playground, dashboard, admin', () => {
  let t: TestDatabase;
  let sink: SmtpSink;
  let service: Service;
  let browser: Browser;
  let remote: Awaited<ReturnType<typeof startRecorder>>;
  let base: string;
  const ids: Record<string, string> = {};
  const consoleLogs: string[][] = [];
  const dialogs: string[] = [];
  let caseId: string;

  beforeAll(async () => {
    [t, sink, remote, browser] = await Promise.all([openTestDatabase(), startSmtpSink(), startRecorder(), launchBrowser()]);
    await loadFixtureKb(t.database.db);
    service = await startTestService(t, { SMTP_URL: sink.url });
    base = `http://127.0.0.1:${service.httpPort}`;
    for (const [key, who, role] of [['admin', ADMIN, 'admin'], ['agent', AGENT, 'agent'], ['agent2', AGENT2, 'agent']] as const) {
      ids[key] = (await createUser(t.database.db, { ...who, role })).id;
    }
    await service.knowledge.ready();
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await Promise.all([sink?.stop(), remote?.stop()]);
    await t?.stop();
  });

  async function newPage(viewport = { width: 1280, height: 900 }): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ baseURL: base, viewport });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    consoleLogs.push(consoleErrors(page));
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });
    return { context, page };
  }

  async function sessionFor(userId: string) {
    const s = await createSession(t.database.db, userId, { ttlHours: 12 });
    return { cookie: `firstreply_session=${s.token}`, token: s.token, csrf: s.csrfToken };
  }

  it('a new case appears in the inbox live, and the agent reviews, edits and sends the cited draft', async () => {
    const { context, page } = await newPage();
    await signIn(page, AGENT);
    expect(new URL(page.url()).pathname).toBe('/app/inbox');
    expect(await page.locator('#inbox-count').innerText()).toBe('No cases match.');
    await page.locator('[data-live][data-connected]').waitFor();
    let navigations = 0;
    page.on('framenavigated', (f) => f === page.mainFrame() && navigations++);

    await sendRaw(service.smtpPort!, customerEmail({
      from: 'Maria Lopez <maria@customer.test>', subject: 'Cannot log in', messageId: 'pw-1@customer.test',
      body: 'Hello, I forgot my password and the reset link does not work. Can you help?',
    }));
    // Over SSE, without a reload.
    await page.getByRole('link', { name: 'Cannot log in' }).waitFor({ timeout: 15_000 });
    expect(navigations).toBe(0);
    expect(await page.locator('#live-status').innerText()).toBe('Inbox updated: 1 case.');
    const row = page.locator('tr[data-case]').first();
    expect(await row.locator('.light').innerText()).toMatch(/On time|Due soon|Overdue/);
    caseId = (await row.getAttribute('data-case'))!;
    const [ack] = await sink.waitFor(1, 15_000);
    expect(ack!.envelopeTo).toEqual(['maria@customer.test']);
    await screenshot(page, 'inbox');

    // The draft is written in the background: the case page shows it once it is there.
    await page.getByRole('link', { name: 'Cannot log in' }).click();
    await eventually(async () => {
      if (await page.locator('#draft-body').count()) return true;
      await page.waitForTimeout(300);
      await page.reload();
      return false;
    }, 20_000, 'draft on the case page');
    const sentences = page.getByRole('region', { name: 'Draft sentences and their sources' });
    expect(await sentences.getByRole('link', { name: 'Reset your password' }).count()).toBeGreaterThan(0);
    expect(await sentences.getByRole('link', { name: 'Reset your password' }).first().getAttribute('href')).toBe('/app/kb/articles/password-en');
    expect(await page.locator('section[aria-labelledby="matches-h"]').innerText()).toContain('Reset your password');
    expect(await page.locator('.events').innerText()).toContain('acknowledgement queued');
    expect(await page.locator('.message').first().innerText()).toContain('Sender authentication:');

    await page.getByRole('button', { name: 'Claim' }).click();
    await page.waitForURL(/done=claimed/);
    expect(await page.locator('#holder').innerText()).toContain('You');

    // A second agent sees who holds it, and is refused with the holder's name; the first sees them viewing.
    const second = await newPage({ width: 390, height: 844 });
    await second.context.addCookies([{ name: 'firstreply_session', value: (await sessionFor(ids.agent2!)).token, url: base }]);
    await second.page.goto(`/app/cases/${caseId}`);
    expect(await second.page.locator('#holder').innerText()).toContain(AGENT.name);
    await page.locator('#viewers', { hasText: AGENT2.name }).waitFor({ timeout: 10_000 });
    await screenshot(second.page, 'case-phone');
    const [refused] = await Promise.all([second.page.waitForResponse((r) => r.url().endsWith('/claim')), second.page.getByRole('button', { name: 'Claim' }).click()]);
    expect(refused.status()).toBe(409);
    expect(await second.page.getByRole('alert').innerText()).toContain(`Held by ${AGENT.name}`);
    await second.context.close();
    await page.locator('#viewers', { hasText: 'nobody else' }).waitFor({ timeout: 10_000 });

    const body = page.getByLabel('Reply', { exact: true });
    const edited = `${await body.inputValue()}\n\nAlex from support`;
    await body.fill(edited);
    await page.getByRole('button', { name: 'Save draft' }).click();
    await page.waitForURL(/done=draft-saved/);
    expect(await page.getByLabel('Reply', { exact: true }).inputValue()).toBe(edited);
    await screenshot(page, 'case');
    await page.getByRole('button', { name: 'Approve and send' }).click();
    await page.waitForURL(/done=sent/);
    expect(await page.getByRole('status').first().innerText()).toContain('Reply approved');
    const [, reply] = await sink.waitFor(2, 15_000);
    expect(reply!.envelopeTo).toEqual(['maria@customer.test']);
    expect(reply!.headers.get('in-reply-to')).toBe('<pw-1@customer.test>');
    expect((await simpleParser(reply!.raw)).text).toContain('Alex from support');
    expect(await page.locator('section[aria-labelledby="audit-h"]').innerText()).toMatch(/claimed the case[\s\S]*edited the draft[\s\S]*approved and sent the reply/);
    await context.close();
  });

  it('renders hostile HTML mail inert: no script, no dialog, no remote request until "show remote images"', async () => {
    const { context, page } = await newPage();
    await context.addCookies([{ name: 'firstreply_session', value: (await sessionFor(ids.agent!)).token, url: base }]);
    await sendRaw(service.smtpPort!, hostileEmail(remote.origin), { from: 'eve@customer.test', to: ['support@shop.test'] });
    const kase = await eventually(async () => (await t.database.db.select().from(cases).where(eq(cases.subject, 'Broken lamp with pictures')))[0], 15_000, 'hostile case');
    await page.goto(`/app/cases/${kase.id}`);
    const frameEl = page.locator('iframe.mail-frame');
    expect(await frameEl.getAttribute('sandbox')).toBe('allow-popups allow-popups-to-escape-sandbox');
    await page.frameLocator('iframe.mail-frame').getByText('arrived broken').waitFor();
    expect(await page.getByRole('listitem').filter({ hasText: 'invoice.pdf' }).innerText()).toContain('application/pdf');
    await page.waitForTimeout(500);
    expect(remote.requests).toEqual([]);
    expect(dialogs).toEqual([]);

    // What the frame is served: sanitised, under a CSP without scripts or remote images.
    const frameUrl = `/app/messages/${(await frameEl.getAttribute('data-frame'))!}/html`;
    const served = await context.request.get(frameUrl);
    expect(served.headers()['content-security-policy']).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
    const html = await served.text();
    for (const bad of ['<script', 'onerror', 'onload', 'javascript:', '<svg', '<iframe', '<object', '<embed', '<form', 'http-equiv', 'data:image/svg']) expect(html.toLowerCase()).not.toContain(bad);
    expect(html).toContain(`${remote.origin}/pixel.gif`);
    await screenshot(page, 'case-hostile-html');

    await page.getByRole('link', { name: 'Show remote images' }).click();
    await eventually(() => remote.requests.includes('/pixel.gif'), 10_000, 'the remote image after asking');
    await page.waitForTimeout(300);
    expect(remote.requests.filter((r) => !['/pixel.gif', '/bg.gif', '/style-bg.gif'].includes(r))).toEqual([]);
    expect(dialogs).toEqual([]);
    await context.close();
  });

  it('an admin publishes an article and the playground matches it, with signal contributions', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.goto('/app/kb/new');
    await page.getByLabel('Id', { exact: true }).fill('gift-wrap');
    await page.getByLabel('Title', { exact: true }).fill('Gift wrapping');
    await page.getByLabel('Body (Markdown)').fill('We gift wrap any order for free. Tick "gift wrap" at checkout.');
    await page.getByLabel('Example questions').fill('can you gift wrap my order\ndo you offer gift wrapping\nwrap it as a present');
    await page.getByRole('button', { name: 'Create draft' }).click();
    await page.waitForURL(/done=created/);
    await page.getByRole('button', { name: 'Publish' }).click();
    await page.waitForURL(/done=published/);

    await page.goto('/app/kb');
    await page.getByRole('link', { name: 'Match playground' }).click();
    await page.getByLabel('Customer question').fill('Could you gift wrap my order as a present?');
    await page.getByLabel('Language').fill('en');
    await page.getByRole('button', { name: 'Match' }).click();
    // Indexing and retraining run in the background after the publish.
    await eventually(async () => {
      const first = page.locator('table.playground tbody tr').first();
      if ((await first.count()) && (await first.innerText()).includes('Gift wrapping')) return true;
      await page.waitForTimeout(300);
      await page.reload();
      return false;
    }, 20_000, 'the new article ranked first');
    const header = await page.locator('table.playground thead').innerText();
    expect(header).toMatch(/Score/);
    expect((await page.locator('table.playground thead th').count())).toBeGreaterThan(3);
    expect(await page.getByRole('status').innerText()).toMatch(/Confidence \d+%/);
    // articles with few example questions: the prior's confidence, explained by what the top article covers
    expect(await page.locator('p.coverage').innerText()).toMatch(/^“Gift wrapping” contains \d+% of the question's words; not in it: could\.$/);
    await screenshot(page, 'playground');
    await context.close();
  });

  it('admins edit mailbox settings and SLA policies, and test the configured connections; agents get 403', async () => {
    const { context, page } = await newPage();
    await signIn(page, ADMIN);
    await page.goto('/app/admin/mailboxes');
    await page.getByRole('link', { name: /support@shop\.test/ }).click();
    await page.getByLabel('Match threshold').fill('0.42');
    await page.getByLabel('Auto-send', { exact: true }).selectOption('shadow');
    await page.getByLabel('Time zone').fill('Nowhere/Special');
    await page.getByRole('button', { name: 'Save settings' }).click();
    expect(await page.getByRole('alert').innerText()).toContain('timeZone: an IANA time zone like Europe/Berlin');
    expect(await page.getByLabel('Match threshold').inputValue()).toBe('0.42');
    await page.getByLabel('Time zone').fill('Europe/Berlin');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await page.waitForURL(/done=mailbox-saved/);
    const [mb] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.key, 'default'));
    expect(mb).toMatchObject({ matchThreshold: expect.closeTo(0.42, 5), autoSendMode: 'shadow' });

    await page.getByLabel('urgent first reply minutes').fill('30');
    await page.getByLabel('urgent next reply minutes').fill('60');
    await page.getByLabel('urgent resolution minutes').fill('480');
    await page.getByLabel('urgent reminder before minutes').fill('10');
    await page.getByRole('button', { name: 'Save SLA policies' }).click();
    await page.waitForURL(/done=sla-saved/);
    expect(await t.database.db.select({ p: slaPolicies.priority, f: slaPolicies.firstReplyMinutes }).from(slaPolicies)).toEqual([{ p: 'urgent', f: 30 }]);

    await page.getByRole('button', { name: 'Test connection' }).click();
    expect(await page.locator('.connections').innerText()).toContain(`SMTP (outgoing) smtp://127.0.0.1:${sink.port}: OK`);
    await screenshot(page, 'admin-mailbox');
    await page.goto('/app/admin/mailboxes');
    await screenshot(page, 'admin-mailboxes');
    await context.close();

    const agent = await newPage();
    await agent.context.addCookies([{ name: 'firstreply_session', value: (await sessionFor(ids.agent!)).token, url: base }]);
    for (const path of ['/app/admin/mailboxes', `/app/admin/mailboxes/${mb!.id}`]) {
      expect((await agent.page.goto(path))!.status(), path).toBe(403);
    }
    await agent.context.close();
  });

  it('the dashboard draws its charts with chart.js under the CSP, and exports each as CSV', async () => {
    const { context, page } = await newPage();
    await context.addCookies([{ name: 'firstreply_session', value: (await sessionFor(ids.agent!)).token, url: base }]);
    const response = await page.goto('/app/dashboard');
    expect(response!.headers()['content-security-policy']).toContain("script-src 'self'");
    await page.waitForFunction(() => (window as unknown as { Chart?: { getChart(c: HTMLCanvasElement): unknown } }).Chart?.getChart(document.getElementById('chart-languages') as HTMLCanvasElement) !== undefined);
    expect(await page.locator('canvas[data-chart]').count()).toBe(7);
    expect(await page.locator('.stats').first().innerText()).toMatch(/2\s*cases/);
    const href = await page.getByRole('link', { name: 'CSV of Volume by language' }).getAttribute('href');
    const csv = await context.request.get(href!);
    expect(csv.headers()['content-type']).toBe('text/csv; charset=utf-8');
    expect((await csv.text()).split('\r\n')[0]).toBe('start,en');
    await screenshot(page, 'dashboard');
    await context.close();
  });

  // Every state-changing form this part of the web app adds (web-auth.browser.test.ts checks the full list is registered).
  const forms = [
    '/app/inbox/next', '/app/cases/:id/claim', '/app/cases/:id/release', '/app/cases/:id/draft', '/app/cases/:id/approve', '/app/cases/:id/reject',
    '/app/cases/:id/escalate', '/app/cases/:id/resolve', '/app/cases/:id/reopen', '/app/cases/:id/triage',
    '/app/admin/mailboxes/:id', '/app/admin/mailboxes/:id/rules', '/app/admin/mailboxes/:id/sla', '/app/admin/mailboxes/:id/test',
    '/app/inbox/bulk', '/app/inbox/views', '/app/inbox/views/:id/delete', '/app/cases/:id/merge',
  ];

  describe('CSRF and session expiry on the review and admin forms', () => {
    const post = (path: string, who: { cookie: string }, opts: { csrf?: string; origin?: string } = {}) => {
      const body = new URLSearchParams({ body: 'changed', reason: 'because', priority: 'urgent', category: 'x', matchThreshold: '0.9', 'urgent.firstReplyMinutes': '1' });
      if (opts.csrf) body.set('_csrf', opts.csrf);
      const concrete = path.replace(':id', path.includes('/cases/') ? caseId : '1');
      return fetch(base + concrete, { method: 'POST', redirect: 'manual', body, headers: { cookie: who.cookie, origin: opts.origin ?? base, 'content-type': 'application/x-www-form-urlencoded' } });
    };

    it.each(forms)('without the token → 403, with it from another origin → 403: POST %s', async (path) => {
      const admin = await sessionFor(ids.admin!);
      expect((await post(path, admin)).status).toBe(403);
      expect((await post(path, admin, { csrf: admin.csrf, origin: 'http://evil.test' })).status).toBe(403);
    });

    it.each(forms)('with an expired session → sign-in, nothing changed: POST %s', async (path) => {
      const expired = await sessionFor(ids.admin!);
      await t.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, ids.admin!));
      const response = await post(path, expired, { csrf: expired.csrf });
      expect(response.status).toBe(303);
      expect(response.headers.get('location')).toBe('/signin?next=%2Fapp');
    });

    it('changed nothing: the case and the mailbox are as the tests above left them; the live stream refuses an expired session', async () => {
      const [kase] = await t.database.db.select().from(cases).where(eq(cases.id, caseId));
      expect(kase).toMatchObject({ status: 'waiting', priority: 'normal', category: 'password', assigneeId: null });
      const [mb] = await t.database.db.select().from(mailboxes).where(eq(mailboxes.key, 'default'));
      expect(mb!.matchThreshold).toBeCloseTo(0.42, 5);
      const expired = await sessionFor(ids.agent!);
      await t.database.db.update(sessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(sessions.userId, ids.agent!));
      expect((await fetch(`${base}/app/events`, { headers: { cookie: expired.cookie, 'x-requested-with': 'fetch' } })).status).toBe(401);
      expect(dialogs).toEqual([]);
      // 4xx responses are logged as "Failed to load resource" and CSP blocks of the mail frame's images before
      // "show remote images" are the point; anything else (a script error, another CSP violation) is a bug.
      const unexpected = consoleLogs.flat().filter((e) => !e.startsWith('Failed to load resource') && !/^Loading the image '[^']+' violates the following Content Security Policy directive: "img-src data:"/.test(e));
      expect(unexpected, 'console errors').toEqual([]);
    });
  });
});
