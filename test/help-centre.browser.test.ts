// The public help centre in a real browser (Debian chromium via playwright-core): an article whose Markdown is hostile
// (scripts, event handlers, javascript: links, frames, SVG handlers, forms, styles) renders inert. Nothing runs, no
// dialog opens, nothing is fetched from elsewhere, and the sanitiser (not only the CSP) removed it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArticle, publishArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { consoleErrors, launchBrowser, screenshot } from './support/browser.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService } from './support/service.js';

/** A loopback "other site" that records every request: nothing in the article may reach it. */
async function startRecorder() {
  const requests: string[] = [];
  const server = http.createServer((req, res) => {
    requests.push(req.url ?? '');
    res.writeHead(200, { 'content-type': req.url?.endsWith('.js') ? 'text/javascript' : 'text/html' });
    res.end(req.url?.endsWith('.js') ? 'alert("remote script")' : '<script>alert("framed")</script>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { requests, origin, stop: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }) };
}

/** Each hostile part is its own block (a blank line between): raw HTML blocks would otherwise swallow the Markdown after them. */
function hostileMarkdown(remote: string): string {
  return `# Returns

You can return anything within **30 days**. See [our policy](https://shop.test/policy) or [click for a refund](javascript:alert(1)).

<script>alert('script tag')</script>

<img src=x onerror="alert('img onerror')">

[x](javascript:alert(1))

<a href="JaVaScRiPt:alert('js link 2')" id="js2">and here</a>

<a href="java&#x09;script:alert('js link 3')">or here</a>

<iframe src="${remote}/frame.html"></iframe>

<svg onload="alert('svg onload')"><script>alert('svg script')</script></svg>

<div style="position:fixed;inset:0;background:red" onclick="alert('div click')">covered?</div>

<form action="${remote}/form"><input name="card"><button>Pay</button></form>

<object data="${remote}/object.swf"></object><embed src="${remote}/embed.swf">

<link rel="stylesheet" href="${remote}/style.css"><style>body{display:none}</style>

<meta http-equiv="refresh" content="0;url=${remote}/refresh">

<script src="${remote}/remote.js"></script>

<details open ontoggle="alert('ontoggle')"><summary>More</summary>hidden</details>

<math><mtext><table><mglyph><style><img src=x onerror="alert('mxss')"></style></mglyph></table></mtext></math>
`;
}

describe('help centre in a browser', () => {
  let t: TestDatabase;
  let service: Service;
  let browser: Browser;
  let remote: Awaited<ReturnType<typeof startRecorder>>;
  let base: string;

  beforeAll(async () => {
    [t, remote, browser] = await Promise.all([openTestDatabase(), startRecorder(), launchBrowser()]);
    service = await startTestService(t);
    base = `http://127.0.0.1:${service.httpPort}`;
    await createArticle(t.database.db, { id: 'hostile', language: 'en', title: 'Returns', body: hostileMarkdown(remote.origin), translationGroup: 'returns' }, { by: 'KM' });
    await publishArticle(t.database.db, 'hostile', {}, { by: 'KM' });
    await createArticle(t.database.db, { id: 'devoluciones', language: 'es', title: 'Devoluciones', body: 'Tiene **30 días**.', translationGroup: 'returns' }, { by: 'KM' });
    await publishArticle(t.database.db, 'devoluciones', {}, { by: 'KM' });
  });
  afterAll(async () => {
    await browser?.close();
    await service?.stop();
    await remote?.stop();
    await t?.stop();
  });

  it('renders hostile Markdown inert: no dialog, no script, no javascript: link, nothing fetched elsewhere', async () => {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1100, height: 800 } });
    context.setDefaultTimeout(8000);
    const page = await context.newPage();
    const errors = consoleErrors(page);
    const dialogs: string[] = [];
    page.on('dialog', (d) => {
      dialogs.push(d.message());
      void d.dismiss();
    });

    const res = await page.goto('/help/en/hostile');
    expect(res?.status()).toBe(200);
    await page.locator('main article').waitFor();
    // Give handlers a chance: hover and click everything that might have kept one.
    await page.locator('main article').hover();
    for (const link of await page.locator('main article a').all()) await link.click({ trial: true }).catch(() => undefined);
    await page.evaluate(() => new Promise((resolve) => setTimeout(resolve, 300)));

    expect(dialogs).toEqual([]);
    const dom = await page.evaluate(() => ({
      scripts: document.querySelectorAll('script').length,
      jsLinks: [...document.querySelectorAll('a')].filter((a) => /^\s*javascript:/i.test(a.getAttribute('href') ?? '') || a.protocol === 'javascript:').length,
      handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
      styled: document.querySelectorAll('[style]').length,
      embedded: document.querySelectorAll('iframe, object, embed, form, svg, math, link[rel=stylesheet]:not([href^="/assets/"]), style, meta[http-equiv]').length,
      bodyVisible: getComputedStyle(document.body).display !== 'none',
      linkRels: [...document.querySelectorAll('main article a[href]')].map((a) => a.getAttribute('rel')),
      text: document.querySelector('main article')!.textContent ?? '',
    }));
    expect(dom.scripts).toBe(0);
    expect(dom.jsLinks).toBe(0);
    expect(dom.handlers).toBe(0);
    expect(dom.styled).toBe(0);
    expect(dom.embedded).toBe(0);
    expect(dom.bodyVisible).toBe(true);
    // the harmless content survives, and links cannot pass our page on or be followed for ranking
    expect(dom.text).toContain('You can return anything within 30 days. See our policy or click for a refund.');
    expect(await page.getByText('click for a refund').evaluate((el) => el.getAttribute('href'))).toBeNull();
    expect(dom.linkRels.length).toBeGreaterThan(0);
    for (const rel of dom.linkRels) expect(rel).toMatch(/(?=.*\bnofollow\b)(?=.*\bnoopener\b)/);
    // The sanitiser removed it all, so the CSP never had to block anything.
    expect(errors.filter((e) => /Content Security Policy/i.test(e))).toEqual([]);
    expect(remote.requests).toEqual([]);
    expect(page.url()).toBe(`${base}/help/en/hostile`);

    // The translation is one click away, in its own language.
    await screenshot(page, 'help-centre-hostile-article');
    await page.getByRole('link', { name: 'español: Devoluciones' }).click();
    await page.waitForURL('**/help/es/devoluciones');
    expect(await page.locator('html').getAttribute('lang')).toBe('es');
    expect(await page.locator('main h1').innerText()).toBe('Devoluciones');
    await page.goto('/help/en');
    await screenshot(page, 'help-centre-index');
    expect(await page.getByRole('link', { name: 'Returns' }).getAttribute('href')).toBe('/help/en/hostile');
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
