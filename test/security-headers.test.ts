// Every response, API or web, JSON or HTML, success or error, carries the browser security headers; HTML pages
// carry a CSP without inline scripts; HSTS only when the request came over HTTPS (directly or through a proxy).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../src/auth/sessions.js';
import { createUser } from '../src/auth/users.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { customerEmail } from './support/mail.js';
import { startTestService, TEST_API_TOKEN, TEST_INBOUND_TOKEN } from './support/service.js';

type Auth = 'none' | 'api' | 'session' | 'inbound';
const NO_SUCH = '00000000-0000-0000-0000-000000000000';

// path → who calls, the status expected over plain HTTP, and whether it is an HTML page.
const routes: { name: string; path: string | (() => string); init?: RequestInit; auth: Auth; status: number; html?: boolean }[] = [
  { name: 'GET /health', path: '/health', auth: 'none', status: 200 },
  { name: 'GET /metrics', path: '/metrics', auth: 'none', status: 200 },
  { name: 'GET /api/cases', path: '/api/cases', auth: 'api', status: 200 },
  { name: 'GET /api/cases without a token', path: '/api/cases', auth: 'none', status: 401 },
  { name: 'GET /api/kb/export (ndjson)', path: '/api/kb/export', auth: 'api', status: 200 },
  { name: 'GET /api/reports/volumes?format=csv', path: '/api/reports/volumes?format=csv', auth: 'api', status: 200 },
  { name: 'GET /api/messages/:id/raw (message/rfc822)', path: () => `/api/messages/${stored}/raw`, auth: 'api', status: 200 },
  { name: 'POST /api/kb/articles with broken JSON', path: '/api/kb/articles', init: { method: 'POST', body: '{nope', headers: { 'content-type': 'application/json' } }, auth: 'api', status: 400 },
  { name: 'POST /api/inbound/raw', path: '/api/inbound/raw', init: { method: 'POST', body: customerEmail({ from: 'headers@customer.test' }) }, auth: 'inbound', status: 202 },
  { name: 'GET /api/no-such-route', path: '/api/no-such-route', auth: 'api', status: 404 },
  { name: 'GET / (redirects to sign-in)', path: '/', auth: 'none', status: 303 },
  { name: 'GET /signin', path: '/signin', auth: 'none', status: 200, html: true },
  { name: 'POST /signin with a wrong password', path: '/signin', init: { method: 'POST', body: new URLSearchParams({ email: 'x@shop.test', password: 'wrong-password-1' }) }, auth: 'none', status: 401, html: true },
  { name: 'GET /app without a session (redirect)', path: '/app/inbox', auth: 'none', status: 303 },
  { name: 'GET /app/inbox', path: '/app/inbox', auth: 'session', status: 200, html: true },
  { name: 'GET /app/inbox with a search and a view', path: '/app/inbox?q=100%25+lamp&view=mine', auth: 'session', status: 200, html: true },
  { name: 'POST /app/inbox/bulk without the CSRF token', path: '/app/inbox/bulk', init: { method: 'POST', body: new URLSearchParams({ action: 'resolve', ids: NO_SUCH }) }, auth: 'session', status: 403, html: true },
  { name: 'POST /app/inbox/views without the CSRF token', path: '/app/inbox/views', init: { method: 'POST', body: new URLSearchParams({ name: 'x' }) }, auth: 'session', status: 403, html: true },
  { name: 'GET /app/admin/users', path: '/app/admin/users', auth: 'session', status: 200, html: true },
  { name: 'GET /app/no-such-page', path: '/app/no-such-page', auth: 'session', status: 404, html: true },
  { name: 'GET /app/messages/:id/html (mail frame)', path: () => `/app/messages/${stored}/html`, auth: 'session', status: 200, html: true },
  { name: 'GET /app/messages/:id/html for no message', path: `/app/messages/${NO_SUCH}/html`, auth: 'session', status: 404, html: true },
  { name: 'GET /help (public help centre)', path: '/help', auth: 'none', status: 200, html: true },
  { name: 'GET /help/:lang/:id for no article', path: '/help/en/no-such-article', auth: 'none', status: 404, html: true },
  { name: 'GET /assets/app.css', path: '/assets/app.css', auth: 'none', status: 200 },
  { name: 'GET /assets/app.js', path: '/assets/app.js', auth: 'none', status: 200 },
];
let stored = '';

describe('security headers', () => {
  let t: TestDatabase;
  let service: Service;
  let base: string;
  let cookie: string;

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t);
    base = `http://127.0.0.1:${service.httpPort}`;
    const admin = await createUser(t.database.db, { email: 'headers@shop.test', name: 'Headers', role: 'admin', password: 'headers-password-1' });
    cookie = `firstreply_session=${(await createSession(t.database.db, admin.id, { ttlHours: 1 })).token}`;
    const res = await fetch(`${base}/api/inbound/raw`, {
      method: 'POST', headers: { authorization: `Bearer ${TEST_INBOUND_TOKEN}` },
      body: customerEmail({ from: 'frame@customer.test', headers: { 'Content-Type': 'text/html; charset=utf-8' }, body: '<p>Hello <b>there</b></p>' }),
    });
    stored = (await res.json()).id;
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  function request(route: (typeof routes)[number], https: boolean): Promise<Response> {
    const headers = new Headers(route.init?.headers);
    if (route.auth === 'api') headers.set('authorization', `Bearer ${TEST_API_TOKEN}`);
    if (route.auth === 'inbound') headers.set('authorization', `Bearer ${TEST_INBOUND_TOKEN}`);
    if (route.auth === 'session') headers.set('cookie', cookie);
    if (route.init?.method === 'POST') headers.set('origin', https ? `https://127.0.0.1:${service.httpPort}` : base);
    if (https) headers.set('x-forwarded-proto', 'https');
    const path = typeof route.path === 'function' ? route.path() : route.path;
    return fetch(base + path, { ...route.init, headers, redirect: 'manual' });
  }

  function expectCommonHeaders(res: Response) {
    const h = res.headers;
    expect(h.get('x-content-type-options')).toBe('nosniff');
    expect(h.get('referrer-policy')).toMatch(/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/);
    const csp = h.get('content-security-policy') ?? '';
    // Framing: X-Frame-Options for old browsers, frame-ancestors for current ones.
    expect(h.get('x-frame-options')).toMatch(/^(DENY|SAMEORIGIN)$/);
    expect(csp).toMatch(/frame-ancestors '(none|self)'/);
    expect(h.get('x-powered-by')).toBeNull();
  }

  it.each(routes)('$name over plain HTTP: the headers, and no HSTS', async (route) => {
    const res = await request(route, false);
    expect(res.status, await res.clone().text()).toBe(route.status);
    expectCommonHeaders(res);
    expect(res.headers.get('strict-transport-security')).toBeNull();
    const csp = res.headers.get('content-security-policy')!;
    if (route.html) {
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      // Nothing inline may run: no 'unsafe-inline' or 'unsafe-eval' scripts, and a default for everything else.
      expect(csp).toMatch(/default-src '(none|self)'/);
      const scripts = /script-src ([^;]*)/.exec(csp)?.[1] ?? /default-src ([^;]*)/.exec(csp)![1]!;
      expect(scripts).not.toMatch(/unsafe-inline|unsafe-eval|\*/);
    }
  });

  it.each(routes.filter((r) => r.auth !== 'session'))('$name over HTTPS (X-Forwarded-Proto): HSTS too', async (route) => {
    const res = await request(route, true);
    expect(res.status).toBeLessThan(500);
    expectCommonHeaders(res);
    expect(res.headers.get('strict-transport-security')).toMatch(/^max-age=\d{7,}; includeSubDomains$/);
  });
});
