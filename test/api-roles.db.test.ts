import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, findPrincipalByToken } from '../src/auth/tokens.js';
import { apiTokens, type Role } from '../src/db/schema/auth.js';
import { createArticle } from '../src/kb/articles.js';
import type { Service } from '../src/service.js';
import { openTestDatabase, type TestDatabase } from './support/database.js';
import { startTestService, TEST_API_TOKEN } from './support/service.js';

type Caller = 'none' | 'wrong' | 'revoked' | Role | 'api_token';
const callers: Caller[] = ['none', 'wrong', 'revoked', 'agent', 'knowledge_manager', 'admin', 'api_token'];
const READ: Role[] = ['agent', 'knowledge_manager', 'admin'];
const WRITE: Role[] = ['knowledge_manager', 'admin'];
const OPERATOR: Role[] = ['agent', 'admin'];
const ADMIN: Role[] = ['admin'];

const NO_SUCH = '00000000-0000-0000-0000-000000000000';
let n = 0;
const article = () => ({ id: `a-${++n}`, title: 'Opening hours', body: 'We are open 9-17.', language: 'en' });
const json = (body: unknown) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

// Each request builds fresh input, so every allowed caller succeeds on its own regardless of order.
const routes: { name: string; allowed: Role[]; ok: number; request: () => [string, RequestInit?] }[] = [
  { name: 'GET /api/kb/articles', allowed: READ, ok: 200, request: () => ['/api/kb/articles?q=open'] },
  { name: 'GET /api/kb/articles/:id', allowed: READ, ok: 200, request: () => ['/api/kb/articles/seed'] },
  { name: 'GET /api/kb/articles/:id/versions', allowed: READ, ok: 200, request: () => ['/api/kb/articles/seed/versions'] },
  { name: 'GET /api/kb/articles/:id/versions/:v', allowed: READ, ok: 200, request: () => ['/api/kb/articles/seed/versions/1'] },
  { name: 'GET /api/kb/articles/:id/generated-questions', allowed: READ, ok: 200, request: () => ['/api/kb/articles/seed/generated-questions'] },
  // No such question: reaching the 404 proves the caller got past authorization.
  { name: 'DELETE /api/kb/articles/:id/generated-questions/:qid', allowed: WRITE, ok: 404, request: () => ['/api/kb/articles/seed/generated-questions/999999', { method: 'DELETE' }] },
  { name: 'GET /api/kb/export', allowed: READ, ok: 200, request: () => ['/api/kb/export?format=jsonl'] },
  { name: 'POST /api/kb/articles', allowed: WRITE, ok: 201, request: () => ['/api/kb/articles', json(article())] },
  { name: 'PUT /api/kb/articles/:id', allowed: WRITE, ok: 200, request: () => ['/api/kb/articles/seed', { ...json({ title: `Hours ${++n}` }), method: 'PUT' }] },
  { name: 'POST /api/kb/articles/:id/publish', allowed: WRITE, ok: 200, request: () => ['/api/kb/articles/seed/publish', { method: 'POST' }] },
  { name: 'POST /api/kb/articles/:id/archive', allowed: WRITE, ok: 200, request: () => ['/api/kb/articles/other/archive', json({})] },
  { name: 'POST /api/kb/import?format=jsonl', allowed: WRITE, ok: 200, request: () => ['/api/kb/import?format=jsonl', { method: 'POST', body: JSON.stringify(article()) }] },
  { name: 'POST /api/kb/import?format=markdown', allowed: WRITE, ok: 200, request: () => ['/api/kb/import?format=markdown', json({ files: { [`${article().id}.md`]: '---\ntitle: T\nlanguage: en\n---\nBody' } })] },
  { name: 'GET /api/jobs', allowed: ADMIN, ok: 200, request: () => ['/api/jobs'] },
  { name: 'GET /api/jobs/dead-letters', allowed: ADMIN, ok: 200, request: () => ['/api/jobs/dead-letters'] },
  { name: 'POST /api/jobs/dead-letters/:id/retry', allowed: ADMIN, ok: 404, request: () => [`/api/jobs/dead-letters/${NO_SUCH}/retry`, { method: 'POST' }] },
  { name: 'GET /api/cases', allowed: OPERATOR, ok: 200, request: () => ['/api/cases'] },
  // No such case: reaching the 404 proves the caller got past authorization.
  { name: 'GET /api/cases/:id', allowed: OPERATOR, ok: 404, request: () => ['/api/cases/00000000-0000-0000-0000-000000000000'] },
  { name: 'GET /api/messages', allowed: OPERATOR, ok: 200, request: () => ['/api/messages?attention=true'] },
  { name: 'GET /api/messages/:id/events', allowed: OPERATOR, ok: 200, request: () => [`/api/messages/${NO_SUCH}/events`] },
  { name: 'GET /api/messages/:id/raw', allowed: OPERATOR, ok: 404, request: () => [`/api/messages/${NO_SUCH}/raw`] },
  { name: 'POST /api/kb/match', allowed: READ, ok: 200, request: () => ['/api/kb/match', json({ text: 'When are you open?' })] },
  { name: 'POST /api/kb/reindex', allowed: WRITE, ok: 200, request: () => ['/api/kb/reindex', { method: 'POST' }] },
  { name: 'GET /api/review/queue', allowed: OPERATOR, ok: 200, request: () => ['/api/review/queue?status=open,escalated'] },
  { name: 'POST /api/review/next', allowed: OPERATOR, ok: 200, request: () => ['/api/review/next', { method: 'POST' }] },
  { name: 'POST /api/review/bulk', allowed: OPERATOR, ok: 200, request: () => ['/api/review/bulk', json({ caseIds: [NO_SUCH], action: { kind: 'resolve' } })] },
  { name: 'GET /api/kb/gaps', allowed: WRITE, ok: 200, request: () => ['/api/kb/gaps'] },
  { name: 'POST /api/kb/gaps/recompute', allowed: WRITE, ok: 200, request: () => ['/api/kb/gaps/recompute', { method: 'POST' }] },
  { name: 'POST /api/kb/gaps/:id/accept', allowed: WRITE, ok: 404, request: () => ['/api/kb/gaps/999999/accept', json({})] },
  { name: 'POST /api/kb/gaps/:id/merge', allowed: WRITE, ok: 404, request: () => ['/api/kb/gaps/999999/merge', json({ articleId: 'seed' })] },
  { name: 'POST /api/kb/gaps/:id/dismiss', allowed: WRITE, ok: 404, request: () => ['/api/kb/gaps/999999/dismiss', { method: 'POST' }] },
  { name: 'GET /api/reports/response-times', allowed: READ, ok: 200, request: () => ['/api/reports/response-times?from=2026-10-24&to=2026-10-26&tz=Europe/Berlin'] },
  { name: 'GET /api/reports/volumes', allowed: READ, ok: 200, request: () => ['/api/reports/volumes'] },
  { name: 'GET /api/reports/sla', allowed: READ, ok: 200, request: () => ['/api/reports/sla'] },
  { name: 'GET /api/reports/articles', allowed: READ, ok: 200, request: () => ['/api/reports/articles?format=csv'] },
  { name: 'GET /api/review/auto-send-report', allowed: OPERATOR, ok: 200, request: () => ['/api/review/auto-send-report'] },
  { name: 'GET /api/review/cases/:id', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}`] },
  ...['claim', 'release', 'resolve', 'reopen'].map((action) => ({
    name: `POST /api/review/cases/:id/${action}`, allowed: OPERATOR, ok: 404, request: (): [string, RequestInit] => [`/api/review/cases/${NO_SUCH}/${action}`, json({})],
  })),
  { name: 'PUT /api/review/cases/:id/draft', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/draft`, { ...json({ body: 'Hello' }), method: 'PUT' }] },
  { name: 'POST /api/review/cases/:id/approve', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/approve`, json({})] },
  { name: 'POST /api/review/cases/:id/reject', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/reject`, json({ reason: 'wrong article' })] },
  { name: 'POST /api/review/cases/:id/label', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/label`, json({ articleId: null })] },
  { name: 'POST /api/review/cases/:id/escalate', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/escalate`, json({ reason: 'legal' })] },
  { name: 'POST /api/review/cases/:id/triage', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/triage`, json({ priority: 'high' })] },
  { name: 'POST /api/review/cases/:id/merge', allowed: OPERATOR, ok: 404, request: () => [`/api/review/cases/${NO_SUCH}/merge`, json({ into: NO_SUCH })] },
];

/** Routes that authenticate differently on purpose: health checks, Prometheus, and the inbound webhook's own token. */
const PUBLIC_OR_OWN_AUTH = new Set(['GET /health', 'GET /metrics', 'POST /api/inbound/raw', 'GET /api/openapi.json']);

describe(`API roles (${process.env.TEST_DB ?? 'pglite'})`, () => {
  let t: TestDatabase;
  let service: Service;
  const tokens = new Map<Caller, string>();

  beforeAll(async () => {
    t = await openTestDatabase();
    service = await startTestService(t);
    const db = t.database.db;
    for (const role of ['agent', 'knowledge_manager', 'admin'] as const) tokens.set(role, (await createApiToken(db, { name: `${role} bot`, role })).token);
    const revoked = await createApiToken(db, { name: 'old', role: 'admin' });
    await db.update(apiTokens).set({ revokedAt: new Date() }).where(eq(apiTokens.id, revoked.id));
    tokens.set('revoked', revoked.token);
    tokens.set('wrong', 'fr_not-a-real-token');
    tokens.set('api_token', TEST_API_TOKEN);
    await createArticle(db, { id: 'seed', title: 'Opening hours', body: 'We are open 9-17.', language: 'en' }, { by: 'test' });
    await createArticle(db, { id: 'other', title: 'Holidays', body: 'Closed on holidays.', language: 'en' }, { by: 'test' });
  });
  afterAll(async () => {
    await service.stop();
    await t.stop();
  });

  const cases = routes.flatMap((r) => callers.map((caller) => ({ ...r, caller })));
  it.each(cases)('$name as $caller', async ({ request, caller, allowed, ok }) => {
    const [pathname, init = {}] = request();
    const headers = new Headers(init.headers);
    const token = tokens.get(caller);
    if (token) headers.set('authorization', `Bearer ${token}`);
    const res = await fetch(`http://127.0.0.1:${service.httpPort}${pathname}`, { ...init, headers });
    const role: Role | undefined = caller === 'api_token' ? 'admin' : (['agent', 'knowledge_manager', 'admin'] as string[]).includes(caller) ? (caller as Role) : undefined;
    const expected = !role ? 401 : allowed.includes(role) ? ok : 403;
    const body = await res.text();
    expect(res.status, body).toBe(expected);
    if (expected >= 400) expect(JSON.parse(body).error.code).toBe(expected === 401 ? 'unauthorized' : expected === 403 ? 'forbidden' : 'not_found');
  });

  it('has a rule for every registered API route (a new route without one fails here)', () => {
    const ruled = new Set(routes.map((r) => r.name.replace(/\?.*$/, '')));
    const registered = service.routes
      .filter((r) => r.path.startsWith('/api/') || r.path === '/health' || r.path === '/metrics')
      .map((r) => `${r.method} ${r.path}`)
      .filter((r) => !PUBLIC_OR_OWN_AUTH.has(r));
    expect([...new Set(registered)].filter((r) => !ruled.has(r)).sort()).toEqual([]);
  });

  it("records the principal's name as the author of a change", async () => {
    const res = await fetch(`http://127.0.0.1:${service.httpPort}/api/kb/articles/other`, {
      method: 'PUT', headers: { authorization: `Bearer ${tokens.get('knowledge_manager')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ body: 'Closed on public holidays.', changeNote: 'clarify' }),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ updatedBy: 'knowledge_manager bot' });
    const versions = await (await fetch(`http://127.0.0.1:${service.httpPort}/api/kb/articles/other/versions`, { headers: { authorization: `Bearer ${TEST_API_TOKEN}` } })).json();
    expect(versions.versions[0]).toMatchObject({ createdBy: 'knowledge_manager bot', changeNote: 'clarify' });
  });

  it('answers 400 with field names, 409 for a stale version, and 404 for unknown articles', async () => {
    const call = (pathname: string, init: RequestInit) =>
      fetch(`http://127.0.0.1:${service.httpPort}${pathname}`, { ...init, headers: { authorization: `Bearer ${TEST_API_TOKEN}`, 'content-type': 'application/json' } });
    const bad = await call('/api/kb/articles', { method: 'POST', body: JSON.stringify({ title: 'x', body: 'y', language: 'en', url: 'javascript:alert(1)' }) });
    expect([bad.status, (await bad.json()).error.message]).toEqual([400, expect.stringContaining('url: expected an http')]);
    expect((await call('/api/kb/articles', { method: 'POST', body: '{nope' })).status).toBe(400);
    await createArticle(t.database.db, { id: 'stale', title: 'T', body: 'B', language: 'en' }, { by: 'test' });
    expect((await call('/api/kb/articles/stale', { method: 'PUT', body: JSON.stringify({ title: 'T2', expectedVersion: 1 }) })).status).toBe(200);
    expect((await call('/api/kb/articles/stale', { method: 'PUT', body: JSON.stringify({ title: 'T3', expectedVersion: 1 }) })).status).toBe(409);
    expect((await call('/api/kb/articles/missing/versions', { method: 'GET' })).status).toBe(404);
    expect((await call('/api/kb/articles/seed/versions/x', { method: 'GET' })).status).toBe(400);
  });

  it('records when a token was last used', async () => {
    const { token, id } = await createApiToken(t.database.db, { name: 'fresh', role: 'agent' });
    expect(await findPrincipalByToken(t.database.db, token)).toEqual({ kind: 'token', id, name: 'fresh', role: 'agent' });
    const [row] = await t.database.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    expect(row!.lastUsedAt).toBeInstanceOf(Date);
    expect(row!.tokenHash).not.toContain(token);
    expect(token).toMatch(/^fr_[A-Za-z0-9_-]{43}$/);
  });
});
