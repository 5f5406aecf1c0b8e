// The public help centre over HTTP against the real service: published articles only, per language, linked to their
// published translations, cacheable (ETag / 304), with the pages' strict headers and no sign-in.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import { archiveArticle, createArticle, publishArticle, updateArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService } from './support/service.js';

const by = { by: 'KM' };

describe('help centre', () => {
  let t: TestDatabase;
  let service: Service;
  let base: string;
  const get = (path: string, headers: Record<string, string> = {}) => fetch(base + path, { redirect: 'manual', headers });

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t, { PUBLIC_BASE_URL: 'https://support.shop.test/' });
    base = `http://127.0.0.1:${service.httpPort}`;
    const db = t.database.db;
    const article = async (id: string, language: string, title: string, status: 'draft' | 'published' | 'archived', extra: { tags?: string[]; translationGroup?: string; url?: string } = {}) => {
      await createArticle(db, { id, language, title, body: `# ${title}\n\nAbout **${title.toLowerCase()}**.`, ...extra }, by);
      if (status !== 'draft') await publishArticle(db, id, {}, by);
      if (status === 'archived') await archiveArticle(db, id, {}, by);
    };
    await article('returns', 'en', 'Returning an order', 'published', { tags: ['orders'], translationGroup: 'returns' });
    await article('devoluciones', 'es', 'Devolver un pedido', 'published', { tags: ['pedidos'], translationGroup: 'returns' });
    await article('rueckgabe', 'de', 'Eine Bestellung zurückgeben', 'draft', { translationGroup: 'returns' });
    await article('shipping', 'en', 'Shipping times', 'published', { tags: ['orders'] });
    await article('gift-cards', 'en', 'Gift cards', 'draft');
    await article('old-policy', 'en', 'Old returns policy', 'archived', { tags: ['orders'] });
    await article('versand', 'de', 'Versandzeiten', 'published');
    await article('warranty', 'en', 'Warranty', 'published', { url: 'https://help.shop.test/warranty' });
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  it('shows a published article without sign-in, in its language, with its published translations', async () => {
    const res = await get('/help/en/returns');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('<html lang="en" dir="ltr">');
    expect(page).toContain('<h1>Returning an order</h1>');
    expect(page).toContain('<strong>returning an order</strong>');
    expect(page).toContain('href="/help/es/devoluciones"');
    expect(page).toContain('español: Devolver un pedido');
    // the German translation is a draft: not linked
    expect(page).not.toContain('rueckgabe');
    const es = await (await get('/help/es/devoluciones')).text();
    expect(es).toContain('<html lang="es" dir="ltr">');
    expect(es).toContain('href="/help/en/returns"');
    expect(es).toContain('Centro de ayuda');
  });

  it('keeps the strict headers, and lets browsers and proxies cache for five minutes', async () => {
    const res = await get('/help/en/returns');
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    expect(res.headers.get('etag')).toMatch(/^"[\w-]+"$/);
    const csp = res.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('set-cookie')).toBeNull();
  });

  it('answers 304 to a matching If-None-Match, and a new version or a withdrawn translation changes the ETag', async () => {
    const first = await get('/help/en/shipping');
    const etag = first.headers.get('etag')!;
    const again = await get('/help/en/shipping', { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect((await get('/help/en/shipping', { 'if-none-match': `"other", W/${etag}` })).status).toBe(304);

    await updateArticle(t.database.db, 'shipping', { body: 'Parcels arrive in **two days**.' }, by);
    const changed = await get('/help/en/shipping', { 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
    expect(await changed.text()).toContain('<strong>two days</strong>');

    const withTranslation = (await get('/help/en/returns')).headers.get('etag')!;
    await createArticle(t.database.db, { id: 'retour', language: 'fr', title: 'Retourner une commande', body: 'Retour.', translationGroup: 'returns' }, by);
    await publishArticle(t.database.db, 'retour', {}, by);
    const more = await get('/help/en/returns', { 'if-none-match': withTranslation });
    expect(more.status).toBe(200);
    expect(await more.text()).toContain('href="/help/fr/retour"');
    await archiveArticle(t.database.db, 'retour', {}, by);
    expect((await get('/help/en/returns', { 'if-none-match': withTranslation })).status).toBe(304);
  });

  it.each([
    ['a draft', '/help/en/gift-cards', 'There is no article at this address.'],
    ['an archived article', '/help/en/old-policy', 'There is no article at this address.'],
    ['a published article under another language', '/help/de/returns', 'Unter dieser Adresse gibt es keinen Artikel.'],
    ['an unknown article', '/help/en/no-such-article', 'There is no article at this address.'],
    ['a language without articles', '/help/ru', 'По этому адресу статьи нет.'],
    ['a malformed language', '/help/english', 'There is no article at this address.'],
    ['a deeper path', '/help/en/returns/more', 'There is no article at this address.'],
  ])('%s is not found', async (_name, path, message) => {
    const res = await get(path);
    expect(res.status).toBe(404);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.text()).toContain(message);
  });

  it('answers nothing but GET', async () => {
    expect((await fetch(`${base}/help/en/returns`, { method: 'POST', body: 'x' })).status).toBe(404);
  });

  it("lists a language's published articles by topic, and searches them", async () => {
    const res = await get('/help/en');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('public, max-age=300');
    const page = await res.text();
    expect(page).toContain('<h2>orders</h2>');
    for (const id of ['returns', 'shipping', 'warranty']) expect(page).toContain(`href="/help/en/${id}"`);
    for (const id of ['gift-cards', 'old-policy', 'versand', 'devoluciones']) expect(page).not.toContain(`/${id}"`);
    const de = await (await get('/help/de')).text();
    expect(de).toContain('href="/help/de/versand"');
    expect(de).not.toContain('/help/de/rueckgabe');
    expect(de).toContain('Hilfe-Center');

    const found = await (await get('/help/en?q=shipping')).text();
    expect(found).toContain('href="/help/en/shipping"');
    expect(found).not.toContain('href="/help/en/returns"');
    const none = await get('/help/en?q=bitcoin');
    expect(none.status).toBe(200);
    expect(await none.text()).toContain('No article matches your search.');
    // a search never reaches drafts
    expect(await (await get('/help/en?q=gift')).text()).not.toContain('gift-cards');
  });

  it("sends a browser to its language's help centre, else lists the languages", async () => {
    const redirect = await get('/help', { 'accept-language': 'de-AT,de;q=0.9,en;q=0.5' });
    expect(redirect.status).toBe(302);
    expect(redirect.headers.get('location')).toBe('/help/de');
    expect(redirect.headers.get('vary')).toContain('Accept-Language');
    const list = await get('/help', { 'accept-language': 'ru' });
    expect(list.status).toBe(200);
    const page = await list.text();
    for (const [lang, name] of [['de', 'Deutsch'], ['en', 'English'], ['es', 'español']]) expect(page).toContain(`hreflang="${lang}">${name}</a>`);
  });

  it('the knowledge-base pages say which link an acknowledgement carries, and link to the help centre once published', async () => {
    const km = await createUser(t.database.db, { email: 'km@shop.test', name: 'KM', role: 'knowledge_manager', password: 'km-password-1234' });
    const cookie = `firstreply_session=${(await createSession(t.database.db, km.id, { ttlHours: 1 })).token}`;
    const page = async (path: string) => (await get(path, { cookie })).text();
    const ackLink = (html: string) => /<dt>Acknowledgements link to<\/dt><dd><a href="([^"]+)"/.exec(html)?.[1];

    const own = await page('/app/kb/articles/returns');
    expect(ackLink(own)).toBe('https://support.shop.test/help/en/returns');
    expect(own).toContain('(the help centre)');
    expect(own).toContain('<a href="/help/en/returns">View in the help centre</a>');
    const external = await page('/app/kb/articles/warranty');
    expect(ackLink(external)).toBe('https://help.shop.test/warranty');
    expect(external).toContain('(its own URL)');
    const draft = await page('/app/kb/articles/gift-cards');
    expect(ackLink(draft)).toBe('https://support.shop.test/help/en/gift-cards');
    expect(draft).toContain('in the help centre once published');
    expect(draft).not.toContain('View in the help centre');

    expect(await page('/app/kb/articles/versand/edit')).toContain('Acknowledgements link to: <code>https://support.shop.test/help/de/versand</code>');
    expect(await page('/app/kb/new')).toContain('Acknowledgements link to: <code>https://support.shop.test/help/en/… (the id is generated on save)</code>');
  });
});
