// Web app pages over plain HTTP (no browser): users and sessions, admin forms, API tokens, editor errors,
// import/export. The browser test covers the main flows end to end; this one covers the branches.
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession, findSession } from '../src/auth/sessions.js';
import { checkCredentials, createUser, ensureBootstrapAdmin, setUserDisabled, setUserPassword } from '../src/auth/users.js';
import { sessions, users } from '../src/db/schema/users.js';
import { AppError } from '../src/errors.js';
import { getArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService } from './support/service.js';

type Who = { cookie: string; csrf: string };

describe('web pages over HTTP', () => {
  let t: TestDatabase;
  let service: Service;
  let base: string;
  let adminId: string;
  let agentId: string;
  let admin: Who;
  let km: Who;

  const db = () => t.database.db;
  async function sessionOf(userId: string): Promise<Who> {
    const s = await createSession(db(), userId, { ttlHours: 12 });
    return { cookie: `firstreply_session=${s.token}`, csrf: s.csrfToken };
  }
  const get = (path: string, who: Who) => fetch(base + path, { redirect: 'manual', headers: { cookie: who.cookie } });
  const post = (path: string, who: Who, fields: Record<string, string> | FormData = {}) => {
    const body = fields instanceof FormData ? fields : new URLSearchParams(fields);
    body.set('_csrf', who.csrf);
    return fetch(base + path, { method: 'POST', redirect: 'manual', headers: { cookie: who.cookie, origin: base }, body });
  };

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t);
    base = `http://127.0.0.1:${service.httpPort}`;
    const [a, g, k] = await Promise.all([
      createUser(db(), { email: 'Boss@Shop.TEST', name: 'Boss', role: 'admin', password: 'boss-password-12' }),
      createUser(db(), { email: 'agent@shop.test', name: 'Agent', role: 'agent', password: 'agent-password-12' }),
      createUser(db(), { email: 'km@shop.test', name: 'KM', role: 'knowledge_manager', password: 'km-password-1234' }),
    ]);
    adminId = a.id;
    agentId = g.id;
    [admin, km] = await Promise.all([sessionOf(a.id), sessionOf(k.id)]);
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  describe('users and sessions', () => {
    it('stores emails lower-cased, refuses duplicates in any case, and checks passwords', async () => {
      const [row] = await db().select().from(users).where(eq(users.id, adminId));
      expect(row!.email).toBe('boss@shop.test');
      expect(row!.passwordHash).toMatch(/^scrypt\$32768\$8\$1\$/);
      await expect(createUser(db(), { email: 'BOSS@shop.test', name: 'Again', role: 'agent', password: 'another-password' })).rejects.toMatchObject({ code: 'conflict' });
      await expect(createUser(db(), { email: 'x@shop.test', name: 'X', role: 'agent', password: 'short' })).rejects.toMatchObject({ code: 'bad_request', details: { fields: { password: 'use at least 12 characters' } } });
      expect(await checkCredentials(db(), ' BOSS@shop.test ', 'boss-password-12')).toMatchObject({ id: adminId, role: 'admin' });
      expect(await checkCredentials(db(), 'boss@shop.test', 'wrong-password-1')).toBeNull();
      expect(await checkCredentials(db(), 'nobody@shop.test', 'boss-password-12')).toBeNull();
    });

    it('bootstraps an admin only on an empty install, and resets passwords ending sessions', async () => {
      expect(await ensureBootstrapAdmin(db(), {})).toBeNull();
      expect(await ensureBootstrapAdmin(db(), { ADMIN_EMAIL: 'second@shop.test', ADMIN_PASSWORD: 'second-password-1' })).toBeNull();
      expect(await checkCredentials(db(), 'second@shop.test', 'second-password-1')).toBeNull();
      const user = await createUser(db(), { email: 'reset@shop.test', name: 'Reset', role: 'agent', password: 'first-password-12' });
      const s = await createSession(db(), user.id, { ttlHours: 1 });
      await setUserPassword(db(), 'RESET@shop.test', 'second-password-12');
      expect(await findSession(db(), s.token, { ttlHours: 1 })).toBeNull();
      expect(await checkCredentials(db(), 'reset@shop.test', 'second-password-12')).toMatchObject({ id: user.id });
      await expect(setUserPassword(db(), 'nobody@shop.test', 'whatever-password')).rejects.toMatchObject({ code: 'not_found' });
    });

    it('slides the expiry on use (at most once a minute), never past the absolute cap', async () => {
      const start = new Date('2030-01-01T00:00:00Z');
      const s = await createSession(db(), agentId, { ttlHours: 12, now: start });
      const at = (hours: number) => new Date(start.getTime() + hours * 3_600_000);
      expect((await findSession(db(), s.token, { ttlHours: 12, now: at(11) }))!.expiresAt).toEqual(at(23));
      // Used every 11 hours it stays alive, but not beyond 7 days after sign-in.
      for (let h = 22; h < 7 * 24; h += 11) expect(await findSession(db(), s.token, { ttlHours: 12, now: at(h) })).not.toBeNull();
      expect((await findSession(db(), s.token, { ttlHours: 12, now: at(7 * 24 - 1) }))!.expiresAt).toEqual(at(7 * 24));
      expect(await findSession(db(), s.token, { ttlHours: 12, now: at(7 * 24 + 1) })).toBeNull();
      expect(await findSession(db(), 'not-a-token', { ttlHours: 12 })).toBeNull();
    });
  });

  describe('admin pages', () => {
    it('shows field errors when creating a user fails, and keeps what was typed', async () => {
      const r = await post('/app/admin/users', admin, { name: 'New', email: 'not-an-email', role: 'agent', password: 'short' });
      expect(r.status).toBe(400);
      const html = await r.text();
      expect(html).toContain('There is a problem');
      expect(html).toContain('expected an email address');
      expect(html).toContain('use at least 12 characters');
      expect(html).toContain('value="not-an-email"');
      expect(html).not.toContain('value="short"');
    });

    it('changes roles, and disabling ends the user\'s sessions at once', async () => {
      const agent = await sessionOf(agentId);
      expect((await get('/app/inbox', agent)).status).toBe(200);
      expect((await post(`/app/admin/users/${agentId}/role`, admin, { role: 'knowledge_manager' })).headers.get('location')).toBe('/app/admin/users?done=role-changed');
      // The role is read per request: the next page already sees it.
      expect((await get('/app/inbox', agent)).status).toBe(403);
      await post(`/app/admin/users/${agentId}/role`, admin, { role: 'agent' });
      expect((await post(`/app/admin/users/${agentId}/role`, admin, { role: 'superuser' })).status).toBe(400);

      expect((await post(`/app/admin/users/${agentId}/disable`, admin)).status).toBe(303);
      expect(await db().select().from(sessions).where(eq(sessions.userId, agentId))).toEqual([]);
      expect((await get('/app/inbox', agent)).headers.get('location')).toBe('/signin?next=%2Fapp%2Finbox');
      expect(await checkCredentials(db(), 'agent@shop.test', 'agent-password-12')).toBeNull();
      await post(`/app/admin/users/${agentId}/enable`, admin);
      expect(await checkCredentials(db(), 'agent@shop.test', 'agent-password-12')).not.toBeNull();
    });

    it('never leaves the install without an active admin', async () => {
      const demote = await post(`/app/admin/users/${adminId}/role`, admin, { role: 'agent' });
      expect(demote.status).toBe(409);
      expect(await demote.text()).toContain('this is the last active admin');
      const self = await post(`/app/admin/users/${adminId}/disable`, admin);
      expect(self.status).toBe(409);
      await expect(setUserDisabled(db(), adminId, true)).rejects.toBeInstanceOf(AppError);
    });

    it('shows a new API token once; it works on the API until revoked', async () => {
      const r = await post('/app/admin/tokens', admin, { name: 'helpdesk sync', role: 'agent' });
      expect(r.status).toBe(200);
      expect(r.headers.get('cache-control')).toBe('no-store');
      const token = /value="(fr_[\w-]+)"/.exec(await r.text())![1]!;
      const api = () => fetch(`${base}/api/cases`, { headers: { authorization: `Bearer ${token}` } });
      expect((await api()).status).toBe(200);
      const list = await (await get('/app/admin/tokens', admin)).text();
      expect(list).toContain('helpdesk sync');
      expect(list).not.toContain(token);
      const id = /\/app\/admin\/tokens\/([0-9a-f-]{36})\/revoke/.exec(list)![1]!;
      expect((await post(`/app/admin/tokens/${id}/revoke`, admin)).headers.get('location')).toBe('/app/admin/tokens?done=revoked');
      expect((await api()).status).toBe(401);
      expect((await post(`/app/admin/tokens/${id}/revoke`, admin)).status).toBe(404);
    });
  });

  describe('knowledge-base pages', () => {
    const article = { title: 'Opening hours', body: 'We are open **9-17**.', language: 'en', tags: 'hours', examples: 'When are you open?', url: '', translationGroup: '', changeNote: '' };

    it('returns the editor with field errors on invalid input, and creates on valid input', async () => {
      const bad = await post('/app/kb/new', km, { ...article, id: 'hours', language: 'english', url: 'ftp://x' });
      expect(bad.status).toBe(400);
      const html = await bad.text();
      expect(html).toContain('expected an ISO 639-1 code like en or es');
      expect(html).toContain('expected an http:// or https:// URL');
      expect(html).toContain('aria-invalid="true"');
      const ok = await post('/app/kb/new', km, { ...article, id: 'hours', intent: 'save' });
      expect(ok.headers.get('location')).toBe('/app/kb/articles/hours?done=created');
      expect(await getArticle(db(), 'hours')).toMatchObject({ tags: ['hours'], examples: ['When are you open?'], status: 'draft', updatedBy: 'KM' });
    });

    it('refuses a save based on an outdated version, keeping the text', async () => {
      await post('/app/kb/articles/hours/edit', km, { ...article, body: 'Changed first.', expectedVersion: '1' });
      const stale = await post('/app/kb/articles/hours/edit', km, { ...article, body: 'My late edit.', expectedVersion: '1' });
      expect(stale.status).toBe(409);
      const html = await stale.text();
      expect(html).toContain('is at version 2, not 1');
      expect(html).toContain('My late edit.');
      const same = await post('/app/kb/articles/hours/edit', km, { ...article, body: 'Changed first.', expectedVersion: '2' });
      expect(same.headers.get('location')).toBe('/app/kb/articles/hours?done=unchanged');
    });

    it('imports uploaded JSONL and Markdown files, reporting bad lines by file and line', async () => {
      const form = new FormData();
      const jsonl = [
        JSON.stringify({ id: 'refunds', title: 'Refunds', body: 'Within 14 days.', language: 'en' }),
        '{not json',
        JSON.stringify({ id: 'envios', title: 'Envíos', body: 'En 3 días.', language: 'es', translation_group: 'shipping' }),
      ].join('\n');
      form.append('files', new File([jsonl], 'kb.jsonl'));
      form.append('files', new File(['---\ntitle: Passwords\nlanguage: en\n---\nUse the reset link.\n'], 'password-reset.md'));
      form.append('files', new File(['x'], 'notes.txt'));
      const r = await post('/app/kb/import', km, form);
      expect(r.status).toBe(200);
      const html = await r.text();
      expect(html).toContain('3 created, 0 updated, 0 unchanged, 2 failed.');
      expect(html).toMatch(/kb\.jsonl, line 2<\/td><td>invalid JSON/);
      expect(html).toContain('notes.txt');
      expect((await getArticle(db(), 'password-reset')).status).toBe('published');
    });

    it('exports JSONL, a Markdown ZIP and single articles', async () => {
      const jsonl = await get('/app/kb/export/jsonl', km);
      expect(jsonl.headers.get('content-disposition')).toMatch(/^attachment; filename="firstreply-kb-\d{4}-\d\d-\d\d\.jsonl"$/);
      expect((await jsonl.text()).split('\n').filter(Boolean).map((l) => JSON.parse(l).id)).toEqual(['envios', 'hours', 'password-reset', 'refunds']);
      const archive = Buffer.from(await (await get('/app/kb/export/markdown', km)).arrayBuffer());
      expect(archive.subarray(0, 2).toString()).toBe('PK');
      expect(archive.toString('utf8')).toContain('envios.md');
      const one = await get('/app/kb/articles/envios/markdown', km);
      expect(one.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
      expect(await one.text()).toContain('translation_group: shipping');
    });

    it('shows bad search filters as a message, and unknown articles as a 404 page', async () => {
      const r = await get('/app/kb?language=english', km);
      expect(r.status).toBe(400);
      expect(await r.text()).toContain('Check the filters');
      const missing = await get('/app/kb/articles/nope', km);
      expect(missing.status).toBe(404);
      expect(await missing.text()).toContain('no article nope');
      expect((await get('/app/kb/articles/hours/versions/99', km)).status).toBe(404);
    });

    it('renders the live preview as sanitised HTML, for writers only', async () => {
      const r = await post('/app/kb/preview', km, { body: '**hi** <script>alert(1)</script>' });
      expect(await r.text()).toBe('<p><strong>hi</strong> </p>\n');
      const agent = await sessionOf(agentId);
      expect((await post('/app/kb/preview', agent, { body: 'x' })).status).toBe(403);
    });
  });
});
